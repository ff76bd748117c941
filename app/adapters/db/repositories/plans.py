"""Plans with their tasks, published versions, adjustments and quarterly quotas."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import PlanAdjustmentRow, PlanRow, PlanTaskRow, PlanVersionRow, QuarterQuotaRow
from app.domain.plans.model import (
    Adjustment,
    AdjustmentStatus,
    JointType,
    Plan,
    PlanKind,
    PlanStatus,
    PlanVersion,
    QuarterQuota,
    Task,
    TaskType,
)
from app.domain.plans.snapshots import sampling_from, sampling_snapshot, scope_from, scope_snapshot

P = PlanRow.__table__
T = PlanTaskRow.__table__
V = PlanVersionRow.__table__
A = PlanAdjustmentRow.__table__
Q = QuarterQuotaRow.__table__


def _task(r: Any) -> Task:
    return Task(
        task_no=r.task_no, name=r.name, task_type=TaskType(r.task_type), joint_type=JointType(r.joint_type),
        lead_department=r.lead_department, joint_departments=tuple(r.joint_departments),
        items={dept: tuple(codes) for dept, codes in r.items.items()}, items_text=r.items_text,
        scope=scope_from(r.scope), window_start=r.window_start, window_end=r.window_end, window_text=r.window_text,
        sampling=sampling_from(r.sampling), lead_text=r.lead_text, joint_text=r.joint_text,
    )


def _task_values(plan_no: str, position: int, t: Task) -> dict[str, Any]:
    return {
        "plan_no": plan_no, "position": position, "task_no": t.task_no, "name": t.name, "task_type": t.task_type.value,
        "joint_type": t.joint_type.value, "lead_department": t.lead_department,
        "joint_departments": list(t.joint_departments), "items": {d: list(c) for d, c in t.items.items()},
        "items_text": t.items_text, "scope": scope_snapshot(t.scope), "window_start": t.window_start,
        "window_end": t.window_end, "window_text": t.window_text, "sampling": sampling_snapshot(t.sampling),
        "lead_text": t.lead_text, "joint_text": t.joint_text,
    }


def _plan_values(p: Plan) -> dict[str, Any]:
    return {"name": p.name, "year": p.year, "kind": p.kind.value, "issuing_document": p.issuing_document,
            "issued_on": p.issued_on, "status": p.status.value, "version": p.version, "notes": p.notes,
            "created_by": p.created_by, "approved_by": p.approved_by, "published_at": p.published_at}


def _adjustment(r: Any) -> Adjustment:
    return Adjustment(r.id, r.plan_no, r.base_version, r.reason, r.proposed, r.changes, r.requested_by,
                      r.requested_at, AdjustmentStatus(r.status), r.decided_by, r.decided_at, r.decision_note)


class SqlPlanRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def _plans(self, rows: Sequence[Any]) -> list[Plan]:
        if not rows:
            return []
        numbers = [r.plan_no for r in rows]
        tasks: dict[str, list[Task]] = {n: [] for n in numbers}
        for t in await self.session.execute(sa.select(T).where(T.c.plan_no.in_(numbers)).order_by(T.c.plan_no,
                                                                                                 T.c.position)):
            tasks[t.plan_no].append(_task(t))
        return [Plan(plan_no=r.plan_no, name=r.name, year=r.year, kind=PlanKind(r.kind),
                     issuing_document=r.issuing_document, issued_on=r.issued_on, tasks=tasks[r.plan_no],
                     status=PlanStatus(r.status), version=r.version, notes=r.notes, created_by=r.created_by,
                     approved_by=r.approved_by, published_at=r.published_at) for r in rows]

    async def get(self, plan_no: str, *, for_update: bool = False) -> Plan | None:
        query = sa.select(P).where(P.c.plan_no == plan_no)
        if for_update:
            query = query.with_for_update()
        rows = (await self.session.execute(query)).all()
        plans = await self._plans(rows)
        return plans[0] if plans else None

    async def add(self, plan: Plan) -> None:
        await self.session.execute(sa.insert(P).values(plan_no=plan.plan_no, created_at=self.now, updated_at=self.now,
                                                       **_plan_values(plan)))
        await self._write_tasks(plan)

    async def update(self, plan: Plan) -> None:
        await self.session.execute(sa.update(P).where(P.c.plan_no == plan.plan_no)
                                   .values(updated_at=self.now, **_plan_values(plan)))
        await self.session.execute(sa.delete(T).where(T.c.plan_no == plan.plan_no))
        await self._write_tasks(plan)

    async def _write_tasks(self, plan: Plan) -> None:
        if plan.tasks:
            await self.session.execute(sa.insert(T), [_task_values(plan.plan_no, i, t) for i, t in enumerate(plan.tasks)])

    async def find(self, *, year: int | None = None, statuses: Sequence[PlanStatus] | None = None) -> list[Plan]:
        query = sa.select(P).order_by(P.c.year, P.c.kind.desc(), P.c.plan_no)
        if year is not None:
            query = query.where(P.c.year == year)
        if statuses is not None:
            query = query.where(P.c.status.in_([s.value for s in statuses]))
        return await self._plans((await self.session.execute(query)).all())

    async def add_version(self, version: PlanVersion) -> None:
        await self.session.execute(sa.insert(V).values(
            plan_no=version.plan_no, version=version.version, snapshot=version.snapshot,
            published_at=version.published_at, published_by=version.published_by, reason=version.reason,
            changes=version.changes))

    async def versions(self, plan_no: str) -> list[PlanVersion]:
        rows = await self.session.execute(sa.select(V).where(V.c.plan_no == plan_no).order_by(V.c.version))
        return [PlanVersion(r.plan_no, r.version, r.snapshot, r.published_at, r.published_by, r.reason, r.changes)
                for r in rows]

    async def add_adjustment(self, adjustment: Adjustment) -> Adjustment:
        result = await self.session.execute(sa.insert(A).values(
            plan_no=adjustment.plan_no, base_version=adjustment.base_version, reason=adjustment.reason,
            proposed=adjustment.proposed, changes=adjustment.changes, requested_by=adjustment.requested_by,
            requested_at=self.now, status=adjustment.status.value).returning(A.c.id))
        adjustment.id, adjustment.requested_at = int(result.scalar_one()), self.now
        return adjustment

    async def get_adjustment(self, adjustment_id: int, *, for_update: bool = False) -> Adjustment | None:
        query = sa.select(A).where(A.c.id == adjustment_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _adjustment(row) if row else None

    async def update_adjustment(self, adjustment: Adjustment) -> None:
        await self.session.execute(sa.update(A).where(A.c.id == adjustment.id).values(
            status=adjustment.status.value, decided_by=adjustment.decided_by, decided_at=adjustment.decided_at,
            decision_note=adjustment.decision_note))

    async def adjustments(self, plan_no: str) -> list[Adjustment]:
        rows = await self.session.execute(sa.select(A).where(A.c.plan_no == plan_no).order_by(A.c.id))
        return [_adjustment(r) for r in rows]

    async def quota(self, year: int, quarter: int, department_code: str) -> QuarterQuota | None:
        row = (await self.session.execute(sa.select(Q).where(
            Q.c.year == year, Q.c.quarter == quarter, Q.c.department_code == department_code))).first()
        return QuarterQuota(row.year, row.quarter, row.department_code, row.count, row.note) if row else None

    async def set_quota(self, quota: QuarterQuota) -> None:
        key = (Q.c.year == quota.year) & (Q.c.quarter == quota.quarter) & (Q.c.department_code == quota.department_code)
        updated = await self.session.execute(sa.update(Q).where(key).values(count=quota.count, note=quota.note,
                                                                            updated_at=self.now))
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(sa.insert(Q).values(year=quota.year, quarter=quota.quarter,
                                                           department_code=quota.department_code, count=quota.count,
                                                           note=quota.note, updated_at=self.now))

    async def quotas(self, year: int) -> list[QuarterQuota]:
        rows = await self.session.execute(sa.select(Q).where(Q.c.year == year)
                                          .order_by(Q.c.department_code, Q.c.quarter))
        return [QuarterQuota(r.year, r.quarter, r.department_code, r.count, r.note) for r in rows]
