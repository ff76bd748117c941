"""请假: periods when an inspector cannot inspect. A draw leaves out of its roster whoever is away for the whole
task window; visits are scheduled around the rest, and recording leave (e.g. an illness) re-plans the absent
inspector's visits in the period. Recorded and cancelled with a reason, never deleted."""

from __future__ import annotations

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.errors import InvalidInput, NotFound
from app.domain.ports import UnitOfWork
from app.domain.scheduling.model import Leave
from app.domain.scheduling.service import Replanned, ScheduleRules, replan_for_leave


def _snapshot(leave: Leave) -> dict[str, object]:
    return {"person_id": leave.person_id, "from_date": leave.from_date.isoformat(),
            "to_date": leave.to_date.isoformat(), "reason": leave.reason}


async def _inspector_unit(uow: UnitOfWork, principal: Principal, person_id: str) -> None:
    principal.require(Permission.INSPECTORS_WRITE)
    inspector = await uow.inspectors.get(person_id)
    if inspector is None:
        raise NotFound(f"执法人员“{person_id}”不存在", f"inspector '{person_id}' not found", code="inspector.not_found")
    principal.require_unit_staff(inspector.department_code)


async def record_leave(uow: UnitOfWork, principal: Principal, leave: Leave,
                       rules: ScheduleRules | None = None) -> tuple[Leave, list[Replanned]]:
    """Record leave; with ``rules`` the inspector's visits in the period are re-planned in the same transaction
    (a visit that has started refuses the leave: change the team instead)."""
    if leave.to_date < leave.from_date:
        raise InvalidInput("请假结束日期不能早于开始日期", "leave ends before it starts", code="leave.period_invalid",
                           details={"field": "to_date"})
    async with uow:
        await _inspector_unit(uow, principal, leave.person_id)
        leave.created_by = principal.username
        leave = await uow.leave.add(leave)
        replanned: list[Replanned] = []
        if rules is not None:
            replanned = await replan_for_leave(uow, rules.calendar, leave, today=rules.today,
                                               capacity=rules.capacity, by=principal.username,
                                               lead_days=rules.lead_days)
        uow.audit.record(AuditEvent("inspector.leave", "inspector_leave", str(leave.id), None, {
            **_snapshot(leave), "replanned": [[r.visit_id, str(r.from_day), str(r.to_day)] for r in replanned]}))
        await uow.commit()
    return leave, replanned


async def cancel_leave(uow: UnitOfWork, principal: Principal, person_id: str, leave_id: int, reason: str) -> Leave:
    async with uow:
        await _inspector_unit(uow, principal, person_id)
        leave = await uow.leave.get(leave_id)
        if leave is None or leave.person_id != person_id or leave.cancelled_at is not None:
            raise NotFound("请假记录不存在或已撤销", "leave not found or already cancelled", code="leave.not_found")
        leave.cancelled_at = uow.now
        await uow.leave.cancel(leave_id, uow.now)
        uow.audit.record(AuditEvent("inspector.leave_cancel", "inspector_leave", str(leave_id), _snapshot(leave),
                                    {"cancelled": True, "reason": reason}))
        await uow.commit()
    return leave


async def list_leave(uow: UnitOfWork, person_id: str) -> list[Leave]:
    async with uow:
        return await uow.leave.of(person_id)
