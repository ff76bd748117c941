"""The push outbox. Claims are a compare-and-set on the claim columns (portable), preceded on PostgreSQL by
``FOR UPDATE SKIP LOCKED`` so concurrent relays skip each other's rows instead of waiting on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import OutboxMessageRow
from app.domain.outbox.model import MessageStatus, OutboxMessage, PushKind

O = OutboxMessageRow.__table__  # noqa: E741
#: Statuses that hold back the later messages of their aggregate (order per aggregate); records split from a
#: results batch (``parent_id``) never hold anything back.
_BLOCKING = (MessageStatus.PENDING.value, MessageStatus.DEAD.value)


def _message(r: Any) -> OutboxMessage:
    return OutboxMessage(
        id=r.id, aggregate_type=r.aggregate_type, aggregate_id=r.aggregate_id, kind=PushKind(r.kind),
        idempotency_key=r.idempotency_key, payload=r.payload, status=MessageStatus(r.status), attempts=r.attempts,
        next_attempt_at=r.next_attempt_at, created_at=r.created_at, delivered_at=r.delivered_at,
        last_error_code=r.last_error_code, last_error_message=r.last_error_message, response=r.response,
        parent_id=r.parent_id,
    )


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession, now: datetime, dialect: str) -> None:
        self.session, self.now, self.dialect = session, now, dialect

    async def add(self, message: OutboxMessage) -> OutboxMessage:
        result = await self.session.execute(
            sa.insert(O).values(
                aggregate_type=message.aggregate_type, aggregate_id=message.aggregate_id, kind=message.kind.value,
                idempotency_key=message.idempotency_key, payload=message.payload, status=message.status.value,
                attempts=message.attempts, next_attempt_at=message.next_attempt_at or self.now, created_at=self.now,
                parent_id=message.parent_id, last_error_code=message.last_error_code,
                last_error_message=message.last_error_message,
            ).returning(O.c.id)
        )
        message.id, message.created_at = int(result.scalar_one()), self.now
        message.next_attempt_at = message.next_attempt_at or self.now
        return message

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = (await self.session.execute(sa.select(O).where(O.c.id == message_id))).first()
        return _message(row) if row else None

    async def update(self, message: OutboxMessage) -> None:
        await self.session.execute(
            sa.update(O).where(O.c.id == message.id).values(
                idempotency_key=message.idempotency_key, status=message.status.value, attempts=message.attempts, next_attempt_at=message.next_attempt_at,
                delivered_at=message.delivered_at, last_error_code=message.last_error_code,
                last_error_message=message.last_error_message, response=message.response, claimed_by=None,
                claimed_until=None,
            )
        )

    async def claim_due(self, *, worker: str, now: datetime, lease_until: datetime, limit: int) -> list[OutboxMessage]:
        earlier = O.alias("earlier")
        first_in_line = ~sa.exists().where(
            earlier.c.aggregate_type == O.c.aggregate_type, earlier.c.aggregate_id == O.c.aggregate_id,
            earlier.c.id < O.c.id, earlier.c.status.in_(_BLOCKING), earlier.c.parent_id.is_(None),
        )
        unclaimed = sa.or_(O.c.claimed_until.is_(None), O.c.claimed_until < now)
        query = (
            sa.select(O.c.id)
            .where(O.c.status == MessageStatus.PENDING.value, O.c.next_attempt_at <= now, unclaimed, first_in_line)
            .order_by(O.c.next_attempt_at, O.c.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=O)
        ids = [r[0] for r in await self.session.execute(query)]
        if not ids:
            return []
        claimed = await self.session.execute(
            sa.update(O).where(O.c.id.in_(ids), unclaimed).values(claimed_by=worker, claimed_until=lease_until)
            .returning(O.c.id)
        )
        mine = {r[0] for r in claimed}
        rows = await self.session.execute(sa.select(O).where(O.c.id.in_(mine)).order_by(O.c.id))
        return [_message(r) for r in rows]

    async def list(self, *, status: MessageStatus | None, limit: int, after_id: int | None = None) -> list[OutboxMessage]:
        query = sa.select(O).order_by(O.c.id).limit(limit)
        if status is not None:
            query = query.where(O.c.status == status.value)
        if after_id is not None:
            query = query.where(O.c.id > after_id)
        return [_message(r) for r in await self.session.execute(query)]

    async def platform_task_id(self, aggregate_id: str) -> str | None:
        row = (await self.session.execute(
            sa.select(O.c.response).where(
                O.c.aggregate_type == "task", O.c.aggregate_id == aggregate_id,
                O.c.kind == PushKind.TASK_REGISTRATION.value, O.c.status == MessageStatus.DELIVERED.value,
            ).order_by(O.c.id.desc()).limit(1)
        )).first()
        if row is None or not row.response:
            return None
        value = row.response.get("platform_task_id")
        return str(value) if value else None

    async def counts(self) -> dict[str, int]:
        rows = await self.session.execute(sa.select(O.c.status, sa.func.count()).group_by(O.c.status))
        return {status: int(n) for status, n in rows}
