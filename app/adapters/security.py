"""Password hashing (argon2id) and access tokens (JWT, HS256)."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.errors import AuthenticationFailed


class Argon2PasswordHasher:
    """argon2id, deliberately slow: hashing runs in a worker thread so it never stalls the event loop."""

    def __init__(self, *, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._argon2 = Argon2(time_cost=time_cost, memory_cost=memory_kib)

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class JwtTokenCodec:
    """HS256 tokens. A token checked once is remembered (signature, issuer, required claims, not-before) until it
    expires: a phone sends the same token with every request, and only the expiry can change the answer."""

    ALGORITHM = "HS256"
    #: Tokens remembered at most (the oldest are forgotten first, and checked in full again when seen).
    REMEMBERED = 4096

    def __init__(self, secret: str, issuer: str) -> None:
        self._secret, self._issuer = secret, issuer
        self._checked: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def issue(self, claims: dict[str, Any], *, minutes: int) -> str:
        now = datetime.now(UTC)
        payload = {**claims, "iss": self._issuer, "iat": now, "nbf": now, "exp": now + timedelta(minutes=minutes)}
        return jwt.encode(payload, self._secret, algorithm=self.ALGORITHM)

    def decode(self, token: str) -> dict[str, Any]:
        claims = self._checked.get(token)
        if claims is not None:
            if claims["exp"] <= time.time():  # as PyJWT decides it (no leeway)
                del self._checked[token]
                raise AuthenticationFailed("登录已过期，请重新登录", "token expired", code="auth.token_expired")
            return dict(claims)
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[self.ALGORITHM], issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationFailed("登录已过期，请重新登录", "token expired", code="auth.token_expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed("访问令牌无效", "invalid token", code="auth.token_invalid") from exc
        self._checked[token] = claims
        if len(self._checked) > self.REMEMBERED:
            self._checked.popitem(last=False)
        return dict(claims)
