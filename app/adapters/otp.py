"""Time-based one-time passwords (RFC 6238) for the second factor, with pyotp."""

from __future__ import annotations

from datetime import datetime

import pyotp

ISSUER = "秦皇岛市应急管理局随机抽查"
STEP_SECONDS = 30


class Totp:
    def new_secret(self) -> str:
        return pyotp.random_base32()

    def uri(self, secret: str, account: str) -> str:
        return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=ISSUER)

    def verify(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step the code belongs to (the current one or its neighbours), or None."""
        totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
        step = int(at.timestamp()) // STEP_SECONDS
        for candidate in (step, step - 1, step + 1):
            if totp.verify(code, for_time=candidate * STEP_SECONDS):
                return candidate
        return None
