"""Helpers shared by the API tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx

from app.domain.directories.uscc import ALPHABET, complete_uscc

#: The ``make_user`` fixture: (role, department) → Authorization header.
MakeUser = Callable[..., Awaitable[dict[str, str]]]


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and machine-readable code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    return body


def make_uscc(n: int) -> str:
    """The n-th valid test USCC: 91130302MA0 + six characters of the USCC alphabet + check character."""
    tail = ""
    for _ in range(6):
        n, r = divmod(n, len(ALPHABET))
        tail = ALPHABET[r] + tail
    return complete_uscc("91130302MA0" + tail)


class FixedClock:
    """A clock the test sets: business dates are Beijing dates, timestamps UTC."""

    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.astimezone(timezone(timedelta(hours=8))).date()


async def session_token(container: Any, user: Any, minutes: int = 10) -> str:
    """A bearer token of ``user`` with an open login session, as a login would give (without the password)."""
    import secrets

    from app.adapters.db.repositories.audit import Actor
    from app.domain.auth.model import LoginSession

    async with container.uow(Actor("fixture", "system", None)) as uow:
        sid = secrets.token_hex(16)
        await uow.sessions.add(LoginSession(sid, user.id, uow.now, uow.now, uow.now + timedelta(minutes=minutes)))
        await uow.commit()
    token: str = container.tokens.issue({"sub": str(user.id), "role": user.role.value, "dept": user.department_code,
                                         "sid": sid}, minutes=minutes)
    return token
