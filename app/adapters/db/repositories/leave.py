"""Inspector leave."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import InspectorLeaveRow
from app.domain.scheduling.model import Leave

L = InspectorLeaveRow.__table__


def _leave(r: Any) -> Leave:
    return Leave(r.id, r.person_id, r.from_date, r.to_date, r.reason, r.created_by, r.created_at, r.cancelled_at)


class SqlLeaveRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def add(self, leave: Leave) -> Leave:
        result = await self.session.execute(sa.insert(L).values(
            person_id=leave.person_id, from_date=leave.from_date, to_date=leave.to_date, reason=leave.reason,
            created_by=leave.created_by, created_at=self.now).returning(L.c.id))
        leave.id, leave.created_at = int(result.scalar_one()), self.now
        return leave

    async def get(self, leave_id: int) -> Leave | None:
        row = (await self.session.execute(sa.select(L).where(L.c.id == leave_id))).first()
        return _leave(row) if row else None

    async def cancel(self, leave_id: int, at: datetime) -> None:
        await self.session.execute(sa.update(L).where(L.c.id == leave_id).values(cancelled_at=at))

    async def of(self, person_id: str) -> list[Leave]:
        rows = await self.session.execute(sa.select(L).where(L.c.person_id == person_id).order_by(L.c.from_date))
        return [_leave(r) for r in rows]

    async def during(self, person_ids: Sequence[str], start: date, end: date) -> list[Leave]:
        """Leave (not cancelled) of these people that overlaps the period."""
        if not person_ids:
            return []
        rows = await self.session.execute(sa.select(L).where(
            L.c.person_id.in_(list(person_ids)), L.c.cancelled_at.is_(None), L.c.from_date <= end,
            L.c.to_date >= start))
        return [_leave(r) for r in rows]
