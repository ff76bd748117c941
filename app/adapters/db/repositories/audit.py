"""The audit trail: events queued during the transaction, chained and written at commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.audit_sealer import INBOX, AuditSealer, chain, head
from app.adapters.db.tables import AuditAnchorRow, AuditCheckpointRow, AuditRecordRow
from app.domain.audit.model import Anchor, AuditEvent, AuditRecord, Checkpoint

A = AuditRecordRow.__table__
CP = AuditCheckpointRow.__table__
AN = AuditAnchorRow.__table__


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

    async def get(self, seq: int) -> AuditRecord | None:
        row = (await self.session.execute(sa.select(A).where(A.c.seq == seq))).first()
        return record_from_row(row) if row else None

    async def first_since(self, moment: datetime) -> int | None:
        seq: int | None = (await self.session.execute(sa.select(sa.func.min(A.c.seq)).where(A.c.at >= moment))).scalar()
        return seq

    async def purge(self, upto: int, retention_days: int) -> int:
        """PostgreSQL: through ``audit_purge``, a function owned by the tables' owner (the application role may not
        DELETE); it refuses a retention under 186 days, records younger than the retention and records beyond the
        newest anchor. SQLite: a plain DELETE, which the guard trigger allows for the same records only."""
        if not self.sealer.db.is_sqlite:
            purged = (await self.session.execute(sa.select(sa.func.audit_purge(retention_days, upto)))).scalar()
            return int(purged or 0)
        result = await self.session.execute(sa.delete(A).where(A.c.seq <= upto))
        return int(getattr(result, "rowcount", 0) or 0)


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

    async def since(self, seq: int) -> list[Checkpoint]:
        rows = await self.session.execute(sa.select(CP).where(CP.c.seq >= seq).order_by(CP.c.seq, CP.c.id))
        return [Checkpoint(r.seq, r.head_hash, r.at, r.kid, r.algorithm, r.signature) for r in rows]


class SqlAuditAnchors:
    """Signed anchors left by purges."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, anchor: Anchor) -> None:
        await self.session.execute(sa.insert(AN).values(
            seq=anchor.seq, hash=anchor.hash, at=anchor.at, cutoff=anchor.cutoff, purged=anchor.purged,
            kid=anchor.kid, algorithm=anchor.algorithm, signature=anchor.signature))

    async def latest(self) -> Anchor | None:
        r = (await self.session.execute(sa.select(AN).order_by(AN.c.seq.desc()).limit(1))).first()
        return Anchor(r.seq, r.hash, r.at, r.cutoff, r.purged, r.kid, r.algorithm, r.signature) if r else None
