"""The unit of work: one transaction, rolled back unless ``commit()`` is called.

Audit events queued by the services are written in the same transaction, right before the commit, so a
change and its audit record land together or not at all (chained at once on SQLite; on PostgreSQL through the
inbox and the sealer, see ``audit_sealer.py``).
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import Actor, SqlAuditAnchors, SqlAuditCheckpoints, SqlAuditLog
from app.adapters.db.repositories.auth import SqlApiKeyRepository, SqlLoginSessionRepository, SqlUserRepository
from app.adapters.db.repositories.directories import (
    SqlCheckItemRepository,
    SqlDepartmentRepository,
    SqlEnterpriseRepository,
    SqlInspectorRepository,
)
from app.adapters.db.repositories.draws import SqlDrawRepository
from app.adapters.db.repositories.followup import SqlFollowupRepository
from app.adapters.db.repositories.leave import SqlLeaveRepository
from app.adapters.db.repositories.onsite import SqlOnsiteRepository
from app.adapters.db.repositories.outbox import SqlOutboxRepository
from app.adapters.db.repositories.plans import SqlPlanRepository
from app.adapters.db.repositories.sync import SqlSyncRepository
from app.adapters.db.repositories.visits import SqlVisitRepository
from app.domain.errors import Conflict
from app.domain.ports import Clock


class SqlUnitOfWork:
    session: AsyncSession

    def __init__(self, db: Database, clock: Clock, actor: Actor, *, readonly: bool = False) -> None:
        self.db, self.clock, self.actor, self.readonly = db, clock, actor, readonly
        self._committed = False
        self._locked = False

    async def __aenter__(self) -> Self:
        if self.db.is_sqlite and not self.readonly:
            await self.db.write_lock.acquire()
            self._locked = True
        self.now: datetime = self.clock.now()
        self.session = self.db.read_session() if self.readonly else self.db.session()
        s, now = self.session, self.now
        self.departments = SqlDepartmentRepository(s, now)
        self.items = SqlCheckItemRepository(s, now)
        self.enterprises = SqlEnterpriseRepository(s, now)
        self.inspectors = SqlInspectorRepository(s, now)
        self.users = SqlUserRepository(s, now)
        self.api_keys = SqlApiKeyRepository(s, now)
        self.sessions = SqlLoginSessionRepository(s, now)
        self.sync = SqlSyncRepository(s, now)
        self.outbox = SqlOutboxRepository(s, now, self.db.dialect)
        self.plans = SqlPlanRepository(s, now)
        self.draws = SqlDrawRepository(s, now)
        self.leave = SqlLeaveRepository(s, now)
        self.visits = SqlVisitRepository(s, now)
        self.onsite = SqlOnsiteRepository(s, now, self.db.dialect)
        self.followup = SqlFollowupRepository(s, now, self.db.dialect)
        self.audit = SqlAuditLog(s, self.actor, now, self.db.audit_sealer)
        self.audit_checkpoints = SqlAuditCheckpoints(s)
        self.audit_anchors = SqlAuditAnchors(s)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self._committed:
                await self.session.rollback()
            await self.session.close()
        finally:
            if self._locked:
                self._locked = False
                self.db.write_lock.release()
        if isinstance(exc, IntegrityError) and _unique_violation(exc):
            # Two requests creating the same record at once (a double submit, two processes): the loser learns
            # of the conflict as a 409 instead of a server error.
            raise Conflict("另一请求同时写入了同一记录，请刷新后重试", "a concurrent request wrote the same record; reload and retry",
                           code="conflict.concurrent") from exc

    async def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("commit on a read-only unit of work")
        await self.audit.flush()
        await self.session.commit()
        self._committed = True
        if self.audit.queued:
            self.db.audit_sealer.nudge()


def _unique_violation(error: IntegrityError) -> bool:
    """A duplicate key (PostgreSQL SQLSTATE 23505, SQLite "UNIQUE constraint failed"), not another constraint."""
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(original)
