"""Draws. Frozen inputs and bundles are canonical JSON, stored zlib-compressed (a frame of 1,000,000 rows is
tens of megabytes as text, a few as stored)."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import DrawRow, EnterpriseRow, EnterpriseTagRow
from app.domain.draws.model import Draw, DrawStatus

D = DrawRow.__table__
E = EnterpriseRow.__table__
ET = EnterpriseTagRow.__table__
_FIELDS = ("status", "params", "commitments", "allocation", "counts", "seed", "seed_source", "seeded_by",
           "result_hash", "executed_at", "revealed_at", "revealed_by", "replaces", "void_reason", "void_requested_by",
           "voided_by", "voided_at", "changes", "outcome")


def _draw(r: Any) -> Draw:
    return Draw(
        draw_id=r.draw_id, plan_no=r.plan_no, task_no=r.task_no, sequence=r.sequence, status=DrawStatus(r.status),
        params=r.params, commitments=r.commitments, allocation=r.allocation, counts=r.counts,
        prepared_by=r.prepared_by, prepared_at=r.prepared_at, seed=r.seed, seed_source=r.seed_source,
        seeded_by=r.seeded_by, result_hash=r.result_hash, executed_at=r.executed_at, revealed_at=r.revealed_at,
        revealed_by=r.revealed_by, replaces=r.replaces, void_reason=r.void_reason,
        void_requested_by=r.void_requested_by, voided_by=r.voided_by, voided_at=r.voided_at, changes=list(r.changes),
        outcome=r.outcome,
    )


def _values(draw: Draw) -> dict[str, Any]:
    values = {name: getattr(draw, name) for name in _FIELDS}
    values["status"] = draw.status.value
    return values


class SqlDrawRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def add(self, draw: Draw, *, inputs: bytes, salt: str) -> None:
        await self.session.execute(sa.insert(D).values(
            draw_id=draw.draw_id, plan_no=draw.plan_no, task_no=draw.task_no, sequence=draw.sequence,
            inputs=zlib.compress(inputs, 6), salt=salt, prepared_by=draw.prepared_by, prepared_at=self.now,
            **_values(draw)))
        draw.prepared_at = self.now

    async def get(self, draw_id: str, *, for_update: bool = False) -> Draw | None:
        columns = [c for c in D.c if c.name not in ("inputs", "bundle", "salt")]
        query = sa.select(*columns).where(D.c.draw_id == draw_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _draw(row) if row else None

    async def update(self, draw: Draw) -> None:
        await self.session.execute(sa.update(D).where(D.c.draw_id == draw.draw_id).values(**_values(draw)))

    async def inputs(self, draw_id: str) -> bytes:
        blob = (await self.session.execute(sa.select(D.c.inputs).where(D.c.draw_id == draw_id))).scalar_one()
        return zlib.decompress(blob)

    async def salt(self, draw_id: str) -> str:
        return str((await self.session.execute(sa.select(D.c.salt).where(D.c.draw_id == draw_id))).scalar_one())

    async def store_bundle(self, draw_id: str, bundle: bytes) -> None:
        await self.session.execute(sa.update(D).where(D.c.draw_id == draw_id).values(bundle=zlib.compress(bundle, 6)))

    async def bundle(self, draw_id: str) -> bytes | None:
        blob = (await self.session.execute(sa.select(D.c.bundle).where(D.c.draw_id == draw_id))).scalar_one_or_none()
        return zlib.decompress(blob) if blob else None

    async def for_task(self, plan_no: str, task_no: str) -> list[Draw]:
        columns = [c for c in D.c if c.name not in ("inputs", "bundle", "salt")]
        rows = await self.session.execute(sa.select(*columns).where(D.c.plan_no == plan_no, D.c.task_no == task_no)
                                          .order_by(D.c.sequence))
        return [_draw(r) for r in rows]

    async def find(self, *, statuses: Sequence[DrawStatus]) -> list[Draw]:
        columns = [c for c in D.c if c.name not in ("inputs", "bundle", "salt")]
        rows = await self.session.execute(sa.select(*columns).where(D.c.status.in_([s.value for s in statuses]))
                                          .order_by(D.c.plan_no, D.c.task_no, D.c.sequence))
        return [_draw(r) for r in rows]

    async def frame_candidates(
        self, *, industries: Sequence[str], counties: Sequence[str], tags: Sequence[str], classes: Sequence[str],
        batch: int = 50_000,
    ) -> AsyncIterator[list[tuple[str, str, str, str | None, str]]]:
        """(uscc, industry, county, credit class, status) of the directory's enterprises in scope, in batches."""
        after = 0
        while True:
            query = (sa.select(E.c.id, E.c.uscc, E.c.industry_code, E.c.county_code, E.c.credit_class, E.c.status)
                     .where(E.c.deleted_at.is_(None), E.c.id > after).order_by(E.c.id).limit(batch))
            if industries:
                query = query.where(E.c.industry_code.in_(list(industries)))
            if counties:
                query = query.where(E.c.county_code.in_(list(counties)))
            if classes:
                query = query.where(E.c.credit_class.in_(list(classes)))
            if tags:
                query = query.where(E.c.id.in_(sa.select(ET.c.enterprise_id).where(ET.c.tag.in_(list(tags)))))
            rows = (await self.session.execute(query)).all()
            if not rows:
                return
            yield [(r.uscc, r.industry_code, r.county_code, r.credit_class, r.status) for r in rows]
            after = rows[-1].id
