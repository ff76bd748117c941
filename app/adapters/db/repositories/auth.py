"""Users and API keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import ApiKeyRow, LoginSessionRow, UserRow
from app.domain.auth.model import ApiKey, LoginSession, Permission, Role, User

U = UserRow.__table__
K = ApiKeyRow.__table__
S = LoginSessionRow.__table__


class SqlUserRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any) -> User:
        return User(r.id, r.username, r.display_name, Role(r.role), r.department_code, r.password_hash, r.active,
                    r.created_at, r.last_login_at, r.person_id, r.failed_logins, r.locked_until,
                    r.totp_secret, r.totp_enabled, r.totp_last_step)

    async def _one(self, where: Any) -> User | None:
        row = (await self.session.execute(sa.select(U).where(where))).first()
        return self.to_domain(row) if row else None

    async def get(self, user_id: int) -> User | None:
        return await self._one(U.c.id == user_id)

    async def by_username(self, username: str) -> User | None:
        return await self._one(U.c.username == username)

    async def list(self) -> list[User]:
        return [self.to_domain(r) for r in await self.session.execute(sa.select(U).order_by(U.c.id))]

    def _values(self, u: User) -> dict[str, Any]:
        return {"display_name": u.display_name, "password_hash": u.password_hash, "role": u.role.value,
                "department_code": u.department_code, "active": u.active, "last_login_at": u.last_login_at,
                "person_id": u.person_id, "failed_logins": u.failed_logins, "locked_until": u.locked_until,
                "totp_secret": u.totp_secret, "totp_enabled": u.totp_enabled, "totp_last_step": u.totp_last_step,
                "updated_at": self.now}

    async def add(self, u: User) -> User:
        result = await self.session.execute(
            sa.insert(U).values(username=u.username, created_at=self.now, **self._values(u)).returning(U.c.id)
        )
        u.id, u.created_at = int(result.scalar_one()), self.now
        return u

    async def update(self, u: User) -> None:
        await self.session.execute(sa.update(U).where(U.c.id == u.id).values(**self._values(u)))

    async def count(self) -> int:
        return int((await self.session.execute(sa.select(sa.func.count()).select_from(U))).scalar_one())


class SqlApiKeyRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any) -> ApiKey:
        return ApiKey(r.id, r.name, r.prefix, r.secret_hash, r.user_id, frozenset(Permission(s) for s in r.scopes),
                      r.created_at, r.expires_at, r.revoked_at)

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        row = (await self.session.execute(sa.select(K).where(K.c.prefix == prefix))).first()
        return self.to_domain(row) if row else None

    async def get(self, key_id: int) -> ApiKey | None:
        row = (await self.session.execute(sa.select(K).where(K.c.id == key_id))).first()
        return self.to_domain(row) if row else None

    async def list(self) -> list[ApiKey]:
        return [self.to_domain(r) for r in await self.session.execute(sa.select(K).order_by(K.c.id))]

    async def add(self, key: ApiKey) -> ApiKey:
        result = await self.session.execute(
            sa.insert(K).values(
                name=key.name, prefix=key.prefix, secret_hash=key.secret_hash, user_id=key.user_id,
                scopes=sorted(s.value for s in key.scopes), created_at=self.now, expires_at=key.expires_at,
            ).returning(K.c.id)
        )
        key.id, key.created_at = int(result.scalar_one()), self.now
        return key

    async def update(self, key: ApiKey) -> None:
        await self.session.execute(
            sa.update(K).where(K.c.id == key.id).values(revoked_at=key.revoked_at,
                                                         scopes=sorted(s.value for s in key.scopes))
        )


#: Built once (every signed-in request runs it): the account with that login session of it.
_SIGNED_IN = (sa.select(U, *(c.label(f"s_{c.name}") for c in S.c))
              .select_from(U.outerjoin(S, sa.and_(S.c.id == sa.bindparam("session_id"), S.c.user_id == U.c.id)))
              .where(U.c.id == sa.bindparam("user_id")))


class SqlLoginSessionRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any) -> LoginSession:
        return LoginSession(r.id, r.user_id, r.created_at, r.last_seen_at, r.expires_at, r.revoked_at,
                            r.revoke_reason)

    async def add(self, s: LoginSession) -> None:
        await self.session.execute(sa.insert(S).values(
            id=s.id, user_id=s.user_id, created_at=s.created_at, last_seen_at=s.last_seen_at,
            expires_at=s.expires_at, revoked_at=s.revoked_at, revoke_reason=s.revoke_reason))

    async def get(self, session_id: str) -> LoginSession | None:
        row = (await self.session.execute(sa.select(S).where(S.c.id == session_id))).first()
        return self.to_domain(row) if row else None

    async def with_user(self, session_id: str, user_id: int) -> tuple[User | None, LoginSession | None]:
        """The account and that login session of it, in one read (every signed-in request asks)."""
        row = (await self.session.execute(_SIGNED_IN, {"session_id": session_id, "user_id": user_id})).first()
        if row is None:
            return None, None
        session = None
        if row.s_id is not None:
            session = self.to_domain(SimpleNamespace(**{c.name: row._mapping[f"s_{c.name}"] for c in S.c}))
        return SqlUserRepository.to_domain(row), session

    async def touch(self, session_id: str, at: datetime, *, every: timedelta) -> None:
        """Refresh ``last_seen_at`` unless it is more recent than ``every`` (one write a minute at most)."""
        await self.session.execute(sa.update(S).where(
            S.c.id == session_id, S.c.revoked_at.is_(None), S.c.last_seen_at < at - every).values(last_seen_at=at))

    async def revoke(self, session_id: str, at: datetime, reason: str) -> None:
        await self.session.execute(sa.update(S).where(S.c.id == session_id, S.c.revoked_at.is_(None))
                                   .values(revoked_at=at, revoke_reason=reason))

    async def active_of(self, user_id: int) -> list[LoginSession]:
        """The user's sessions neither revoked nor expired (idle ones included: they are revoked with the rest)."""
        rows = await self.session.execute(sa.select(S).where(
            S.c.user_id == user_id, S.c.revoked_at.is_(None), S.c.expires_at > self.now).order_by(S.c.created_at))
        return [self.to_domain(r) for r in rows]
