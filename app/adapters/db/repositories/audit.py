"""The audit trail: events queued during the transaction, chained and written at commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.audit_sealer import INBOX, AuditSealer, chain, head
from app.adapters.db.tables import AuditCheckpointRow, AuditRecordRow
from app.domain.audit.model import AuditEvent, AuditRecord, Checkpoint

A = AuditRecordRow.__table__
CP = AuditCheckpointRow.__table__


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str
    request_id: str | None


def record_from_row(r: Any) -> AuditRecord:
    return AuditRecord(r.seq, r.at, r.actor, r.actor_role, r.action, r.object_type, r.object_id, r.before, r.after,
                       r.request_id, r.prev_hash, r.hash)


class SqlAuditLog:
    def __init__(self, session: AsyncSession, actor: Actor, now: datetime, sealer: AuditSealer) -> None:
        self.session, self.actor, self.now, self.sealer = session, actor, now, sealer
        self.pending: list[AuditEvent] = []
        #: Events went to the inbox in this transaction (PostgreSQL): wake the sealer after the commit.
        self.queued = False

    def record(self, event: AuditEvent) -> None:
        self.pending.append(event)

    async def flush(self) -> None:
        """Write the queued events; called by the unit of work right before commit. PostgreSQL: into the inbox,
        for the sealer to chain; SQLite (one writer at a time): chained at once."""
        if not self.pending:
            return
        events = [{
            "at": self.now, "actor": event.actor or self.actor.name, "actor_role": event.actor_role or self.actor.role,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "before": event.before, "after": event.after, "request_id": self.actor.request_id,
        } for event in self.pending]
        if self.sealer.db.is_sqlite:
            seq, prev = await head(self.session)
            await self.session.execute(sa.insert(A), chain(events, seq, prev))
        else:
            await self.session.execute(sa.insert(INBOX), events)
            self.queued = True
        self.pending.clear()

    async def batches(self, batch_size: int = 5000) -> AsyncIterator[list[AuditRecord]]:
        await self.sealer.seal()
        after = 0
        while True:
            query = sa.select(A).where(A.c.seq > after).order_by(A.c.seq).limit(batch_size)
            batch = [record_from_row(r) for r in await self.session.execute(query)]
            if not batch:
                return
            yield batch
            after = batch[-1].seq


class SqlAuditCheckpoints:
    """Signed checkpoints of the chain's head."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, checkpoint: Checkpoint) -> None:
        await self.session.execute(sa.insert(CP).values(
            seq=checkpoint.seq, head_hash=checkpoint.head_hash, at=checkpoint.at, kid=checkpoint.kid,
            algorithm=checkpoint.algorithm, signature=checkpoint.signature))

    async def latest(self, limit: int) -> list[Checkpoint]:
        rows = await self.session.execute(sa.select(CP).order_by(CP.c.id.desc()).limit(limit))
        return [Checkpoint(r.seq, r.head_hash, r.at, r.kid, r.algorithm, r.signature) for r in rows]
