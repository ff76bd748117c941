"""Sync runs, watermarks and the quarantine of platform records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import (
    CheckItemRow,
    EnterpriseRow,
    InspectorRow,
    SyncQuarantineRow,
    SyncRunRow,
    SyncWatermarkRow,
)
from app.domain.directories.validation import FieldProblem
from app.domain.provincial.model import DirectoryKind
from app.domain.sync.model import (
    ACTIVE_STATUSES,
    QuarantinedRecord,
    SyncMode,
    SyncRun,
    SyncStatus,
    SyncTrigger,
    Watermark,
)

R = SyncRunRow.__table__
W = SyncWatermarkRow.__table__
Q = SyncQuarantineRow.__table__
_KEY_COLUMNS: dict[DirectoryKind, tuple[sa.Table, str, Any]] = {
    DirectoryKind.CHECK_ITEMS: (CheckItemRow.__table__, "code", lambda t: t.c.status != "retired"),
    DirectoryKind.ENTERPRISES: (EnterpriseRow.__table__, "uscc", lambda t: t.c.deleted_at.is_(None)),
    DirectoryKind.INSPECTORS: (InspectorRow.__table__, "person_id", lambda t: t.c.deleted_at.is_(None)),
}


def _run(r: Any) -> SyncRun:
    return SyncRun(
        id=r.id, kinds=tuple(DirectoryKind(k) for k in r.kinds), mode=SyncMode(r.mode), trigger=SyncTrigger(r.trigger),
        requested_by=r.requested_by, status=SyncStatus(r.status), created_at=r.created_at, started_at=r.started_at,
        finished_at=r.finished_at, counts=dict(r.counts or {}), drift=r.drift, error_code=r.error_code,
        error_message=r.error_message,
    )


def _run_values(run: SyncRun) -> dict[str, Any]:
    return {
        "kinds": [k.value for k in run.kinds], "mode": run.mode.value, "trigger": run.trigger.value,
        "requested_by": run.requested_by, "status": run.status.value, "started_at": run.started_at,
        "finished_at": run.finished_at, "counts": run.counts, "drift": run.drift, "error_code": run.error_code,
        "error_message": run.error_message,
    }


def _quarantined(r: Any) -> QuarantinedRecord:
    return QuarantinedRecord(
        id=r.id, kind=DirectoryKind(r.kind), key=r.record_key,
        problems=[FieldProblem(p["field"], p["code"], p["message"], p["message_en"]) for p in r.problems],
        payload=r.payload, run_id=r.run_id, first_seen_at=r.first_seen_at, last_seen_at=r.last_seen_at,
        occurrences=r.occurrences, resolved_at=r.resolved_at,
    )


class SqlSyncRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def add_run(self, run: SyncRun) -> SyncRun:
        result = await self.session.execute(
            sa.insert(R).values(created_at=self.now, **_run_values(run)).returning(R.c.id)
        )
        run.id, run.created_at = int(result.scalar_one()), self.now
        return run

    async def get_run(self, run_id: int, *, for_update: bool = False) -> SyncRun | None:
        query = sa.select(R).where(R.c.id == run_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _run(row) if row else None

    async def update_run(self, run: SyncRun) -> None:
        await self.session.execute(sa.update(R).where(R.c.id == run.id).values(**_run_values(run)))

    async def list_runs(self, *, limit: int, before_id: int | None = None) -> list[SyncRun]:
        query = sa.select(R).order_by(R.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(R.c.id < before_id)
        return [_run(r) for r in await self.session.execute(query)]

    async def active_runs(self) -> list[SyncRun]:
        query = sa.select(R).where(R.c.status.in_([s.value for s in ACTIVE_STATUSES])).order_by(R.c.id)
        return [_run(r) for r in await self.session.execute(query)]

    async def watermark(self, kind: DirectoryKind) -> Watermark | None:
        row = (await self.session.execute(sa.select(W).where(W.c.kind == kind.value))).first()
        return Watermark(kind, row.watermark_at, row.run_id, row.updated_at) if row else None

    async def set_watermark(self, watermark: Watermark) -> None:
        values = {"watermark_at": watermark.at, "run_id": watermark.run_id, "updated_at": self.now}
        updated = await self.session.execute(sa.update(W).where(W.c.kind == watermark.kind.value).values(**values))
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(sa.insert(W).values(kind=watermark.kind.value, **values))

    async def watermarks(self) -> list[Watermark]:
        rows = await self.session.execute(sa.select(W).order_by(W.c.kind))
        return [Watermark(DirectoryKind(r.kind), r.watermark_at, r.run_id, r.updated_at) for r in rows]

    async def quarantine(self, record: QuarantinedRecord) -> None:
        problems = [p.as_dict() for p in record.problems]
        where = (Q.c.kind == record.kind.value) & (Q.c.record_key == record.key)
        updated = await self.session.execute(
            sa.update(Q).where(where).values(
                problems=problems, payload=record.payload, run_id=record.run_id, last_seen_at=self.now,
                occurrences=Q.c.occurrences + 1, resolved_at=None,
            )
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(sa.insert(Q).values(
                kind=record.kind.value, record_key=record.key, problems=problems, payload=record.payload,
                run_id=record.run_id, first_seen_at=self.now, last_seen_at=self.now, occurrences=1,
            ))

    async def release(self, kind: DirectoryKind, keys: Sequence[str], at: datetime) -> int:
        if not keys:
            return 0
        open_entry = sa.select(Q.c.id).where(Q.c.kind == kind.value, Q.c.resolved_at.is_(None)).limit(1)
        if (await self.session.execute(open_entry)).first() is None:
            return 0  # the common case: nothing of this directory is in quarantine
        released = 0
        for start in range(0, len(keys), 1000):
            result = await self.session.execute(
                sa.update(Q).where(Q.c.kind == kind.value, Q.c.record_key.in_(keys[start:start + 1000]),
                                   Q.c.resolved_at.is_(None)).values(resolved_at=at)
            )
            released += result.rowcount  # type: ignore[attr-defined]
        return released

    async def list_quarantine(
        self, *, kind: DirectoryKind | None, resolved: bool | None, limit: int, after_id: int | None = None
    ) -> list[QuarantinedRecord]:
        query = sa.select(Q).order_by(Q.c.id).limit(limit)
        if kind is not None:
            query = query.where(Q.c.kind == kind.value)
        if resolved is not None:
            query = query.where(Q.c.resolved_at.is_not(None) if resolved else Q.c.resolved_at.is_(None))
        if after_id is not None:
            query = query.where(Q.c.id > after_id)
        return [_quarantined(r) for r in await self.session.execute(query)]

    async def local_keys(self, kind: DirectoryKind, *, after: str | None, limit: int) -> list[str]:
        table, column, live = _KEY_COLUMNS[kind]
        key = table.c[column]
        query = sa.select(key).where(live(table)).order_by(key).limit(limit)
        if after is not None:
            query = query.where(key > after)
        return [r[0] for r in await self.session.execute(query)]
