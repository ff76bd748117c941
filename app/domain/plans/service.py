"""The plan lifecycle: draft → approved → published → completed → archived, and audited adjustments.

A published plan changes only through an adjustment: a reason and the plan as it should become; 执法监督科
approves it (never the person who asked) and publishes it as a new version; every version stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import DepartmentKind
from app.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.domain.outbox.service import enqueue, task_message
from app.domain.plans.model import (
    Adjustment,
    AdjustmentStatus,
    Plan,
    PlanStatus,
    PlanVersion,
    QuarterQuota,
    SamplingMode,
    Task,
)
from app.domain.plans.snapshots import content_changes, plan_from, plan_snapshot
from app.domain.ports import UnitOfWork
from app.domain.provincial.model import TaskRegistration

CST = timezone(timedelta(hours=8))
#: Plans the public may read.
PUBLIC_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.COMPLETED, PlanStatus.ARCHIVED)
_NEXT: dict[PlanStatus, PlanStatus] = {
    PlanStatus.DRAFT: PlanStatus.APPROVED, PlanStatus.APPROVED: PlanStatus.PUBLISHED,
    PlanStatus.PUBLISHED: PlanStatus.COMPLETED, PlanStatus.COMPLETED: PlanStatus.ARCHIVED,
}


def plan_not_found(plan_no: str) -> NotFound:
    return NotFound(f"抽查计划“{plan_no}”不存在", f"plan '{plan_no}' not found", code="plan.not_found")


def task_not_found(plan_no: str, task_no: str) -> NotFound:
    return NotFound(f"抽查计划“{plan_no}”中没有任务“{task_no}”", f"task '{task_no}' not in plan '{plan_no}'",
                    code="task.not_found")


def _invalid(zh: str, en: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(zh, en, code=code, details={"field": field})


async def validate(uow: UnitOfWork, plan: Plan) -> None:
    """Windows inside the plan's year and in order, known units, known items (nothing half-checked)."""
    if not plan.tasks:
        raise _invalid("抽查计划至少要有一个抽查任务", "a plan needs at least one task", "plan.no_tasks", "tasks")
    numbers = [t.task_no for t in plan.tasks]
    if len(set(numbers)) != len(numbers):
        raise _invalid("抽查任务编号重复", "duplicate task numbers", "plan.task_duplicate", "tasks")
    for i, task in enumerate(plan.tasks):
        where = f"tasks[{i}]"
        if task.window_end < task.window_start:
            raise _invalid(f"任务“{task.task_no}”的抽查时间结束早于开始", f"task {task.task_no}: window ends before it starts",
                           "plan.window_inverted", f"{where}.window_end")
        if task.window_start.year != plan.year or task.window_end.year != plan.year:
            raise _invalid(f"任务“{task.task_no}”的抽查时间不在 {plan.year} 年内",
                           f"task {task.task_no}: window outside {plan.year}", "plan.window_outside_year",
                           f"{where}.window_start")
        for code in (*task.departments, *task.items, *task.sampling.team_departments):
            if await uow.departments.get(code) is None:
                raise _invalid(f"单位代码“{code}”不存在", f"unknown department '{code}'", "plan.department_unknown",
                               f"{where}.departments")
        for dept, codes in task.items.items():
            if dept not in task.departments:
                raise _invalid(f"事项所属单位“{dept}”未参加任务“{task.task_no}”", f"{dept} does not take part",
                               "plan.item_department_not_in_task", f"{where}.items")
            for code in codes:
                if await uow.items.get(code) is None:
                    raise _invalid(f"抽查事项“{code}”不在事项清单中", f"unknown check item '{code}'", "plan.item_unknown",
                                   f"{where}.items")


async def _register_tasks(uow: UnitOfWork, plan: Plan) -> int:
    """Queue the registration of the plan's tasks the bureau leads with 冀上双随机, in this transaction (a task a
    partner department leads is registered by that department)."""
    queued = 0
    for task in plan.tasks:
        lead = await uow.departments.get(task.lead_department)
        if lead is None or lead.kind is DepartmentKind.PARTNER:
            continue
        joint = [d.name for code in task.joint_departments if (d := await uow.departments.get(code)) is not None]
        items = tuple(dict.fromkeys(code for codes in task.items.values() for code in codes))
        registration = TaskRegistration(
            plan.plan_no, plan.name, platform_task_no(plan, task), task.name, task.task_type.label,
            task.joint_type.label, lead.name, tuple(joint), items, task.window_start, task.window_end)
        await enqueue(uow, task_message(registration, version=plan.version))
        queued += 1
    return queued


def platform_task_no(plan: Plan, task: Task) -> str:
    """The task's number on the platform: task numbers repeat across plans and years, so the plan's goes first."""
    return f"{plan.plan_no}-{task.task_no}"


def _audit(uow: UnitOfWork, action: str, plan_no: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    uow.audit.record(AuditEvent(action, "plan", plan_no, before, after))


def _require_units(principal: Principal, plan: Plan) -> None:
    """A unit drafts plans whose tasks it leads; 执法监督科 drafts any."""
    for task in plan.tasks:
        principal.require_department(task.lead_department)


async def load_seed(uow: UnitOfWork, plans: Iterable[Plan]) -> int:
    """The year's plans as issued (published on their issue date); plans already present are left alone."""
    added = 0
    async with uow:
        for plan in plans:
            if await uow.plans.get(plan.plan_no) is not None:
                continue
            await validate(uow, plan)
            issued = datetime.combine(plan.issued_on, time(9, 0), CST) if plan.issued_on else uow.now
            plan = replace(plan, status=PlanStatus.PUBLISHED, version=1, published_at=issued, created_by="loader")
            await uow.plans.add(plan)
            snapshot = plan_snapshot(plan)
            await uow.plans.add_version(PlanVersion(plan.plan_no, 1, snapshot, issued, plan.issuing_document, None, {}))
            _audit(uow, "plan.load", plan.plan_no, None, snapshot)
            await _register_tasks(uow, plan)
            added += 1
        if added:
            await uow.commit()
    return added


async def create_plan(uow: UnitOfWork, principal: Principal, plan: Plan) -> Plan:
    principal.require(Permission.PLANS_WRITE)
    _require_units(principal, plan)
    async with uow:
        if await uow.plans.get(plan.plan_no) is not None:
            raise Conflict(f"抽查计划编号“{plan.plan_no}”已存在", f"plan '{plan.plan_no}' exists", code="plan.duplicate")
        await validate(uow, plan)
        plan = replace(plan, status=PlanStatus.DRAFT, version=1, created_by=principal.username, approved_by=None,
                       published_at=None)
        await uow.plans.add(plan)
        _audit(uow, "plan.create", plan.plan_no, None, plan_snapshot(plan))
        await uow.commit()
    return plan


async def _load(uow: UnitOfWork, plan_no: str, *, for_update: bool = False) -> Plan:
    plan = await uow.plans.get(plan_no, for_update=for_update)
    if plan is None:
        raise plan_not_found(plan_no)
    return plan


async def update_draft(uow: UnitOfWork, principal: Principal, plan_no: str, proposed: Plan) -> Plan:
    principal.require(Permission.PLANS_WRITE)
    async with uow:
        current = await _load(uow, plan_no, for_update=True)
        _require_units(principal, current)  # before the state: other units learn nothing about the plan
        if current.status is not PlanStatus.DRAFT:
            raise Conflict(f"只有草稿可以直接修改（当前：{current.status.label}）；已公布的计划请提出调整",
                           "only a draft can be edited; adjust a published plan", code="plan.not_draft")
        _require_units(principal, proposed)
        updated = replace(current, name=proposed.name, issuing_document=proposed.issuing_document,
                          issued_on=proposed.issued_on, notes=proposed.notes, tasks=proposed.tasks)
        await validate(uow, updated)
        before, after = plan_snapshot(current), plan_snapshot(updated)
        if before != after:
            await uow.plans.update(updated)
            _audit(uow, "plan.update", plan_no, before, after)
            await uow.commit()
    return updated


async def advance(uow: UnitOfWork, principal: Principal, plan_no: str, target: PlanStatus) -> Plan:
    """One step of the lifecycle; approving and publishing are 执法监督科's."""
    principal.require(Permission.PLANS_APPROVE)
    async with uow:
        current = await _load(uow, plan_no, for_update=True)
        if _NEXT.get(current.status) is not target:
            raise Conflict(f"计划处于“{current.status.label}”状态，不能改为“{target.label}”",
                           f"cannot go from {current.status.value} to {target.value}", code="plan.transition_invalid",
                           details={"plan_status": current.status.value, "target_status": target.value})
        updated = replace(current, status=target)
        if target is PlanStatus.APPROVED:
            updated.approved_by = principal.username
        if target is PlanStatus.PUBLISHED:
            updated.published_at = uow.now
            await uow.plans.add_version(PlanVersion(plan_no, updated.version, plan_snapshot(updated), uow.now,
                                                    principal.username, None, {}))
            await _register_tasks(uow, updated)
        await uow.plans.update(updated)
        _audit(uow, f"plan.{target.value}", plan_no, {"status": current.status.value}, {"status": target.value})
        await uow.commit()
    return updated


async def request_adjustment(uow: UnitOfWork, principal: Principal, plan_no: str, reason: str,
                             proposed: Plan) -> Adjustment:
    principal.require(Permission.PLANS_WRITE)
    if len(reason.strip()) < 2:
        raise _invalid("调整计划必须说明原因", "an adjustment needs a reason", "plan.adjustment_reason_missing", "reason")
    async with uow:
        current = await _load(uow, plan_no, for_update=True)
        if current.status is not PlanStatus.PUBLISHED:
            raise Conflict(f"只有已公布的计划需要调整程序（当前：{current.status.label}）",
                           "only a published plan is adjusted", code="plan.not_published")
        _require_units(principal, current)
        if any(a.status in (AdjustmentStatus.PENDING, AdjustmentStatus.APPROVED)
               for a in await uow.plans.adjustments(plan_no)):
            raise Conflict("该计划已有尚未公布的调整", "an adjustment of this plan is still open",
                           code="plan.adjustment_open")
        target = replace(current, name=proposed.name, issuing_document=proposed.issuing_document,
                         issued_on=proposed.issued_on, notes=proposed.notes, tasks=proposed.tasks)
        await validate(uow, target)
        before, after = plan_snapshot(current), plan_snapshot(target)
        changes = content_changes(before, after)
        if not changes:
            raise _invalid("调整内容与现行版本相同", "the adjustment changes nothing", "plan.adjustment_empty", "tasks")
        adjustment = await uow.plans.add_adjustment(Adjustment(None, plan_no, current.version, reason.strip(), after,
                                                               changes, principal.username))
        uow.audit.record(AuditEvent("plan.adjustment_request", "plan_adjustment", str(adjustment.id), None,
                                    {"plan_no": plan_no, "reason": adjustment.reason, "changes": changes}))
        await uow.commit()
    return adjustment


async def _open_adjustment(uow: UnitOfWork, adjustment_id: int) -> Adjustment:
    adjustment = await uow.plans.get_adjustment(adjustment_id, for_update=True)
    if adjustment is None:
        raise NotFound(f"计划调整 {adjustment_id} 不存在", f"adjustment {adjustment_id} not found",
                       code="plan.adjustment_not_found")
    return adjustment


async def decide_adjustment(uow: UnitOfWork, principal: Principal, adjustment_id: int, *, approve: bool,
                            note: str | None) -> Adjustment:
    principal.require(Permission.PLANS_APPROVE)
    async with uow:
        adjustment = await _open_adjustment(uow, adjustment_id)
        if adjustment.status is not AdjustmentStatus.PENDING:
            raise Conflict(f"该调整已{adjustment.status.label}", f"adjustment is {adjustment.status.value}",
                           code="plan.adjustment_decided")
        if adjustment.requested_by == principal.username:
            raise PermissionDenied("不能审批自己提出的计划调整", "one cannot approve one's own adjustment",
                                   code="plan.self_approval")
        before = adjustment.status.value
        adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
        adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = principal.username, uow.now, note
        await uow.plans.update_adjustment(adjustment)
        uow.audit.record(AuditEvent(f"plan.adjustment_{adjustment.status.value}", "plan_adjustment",
                                    str(adjustment_id), {"status": before},
                                    {"status": adjustment.status.value, "note": note}))
        await uow.commit()
    return adjustment


async def publish_adjustment(uow: UnitOfWork, principal: Principal, adjustment_id: int) -> Plan:
    """The approved adjustment becomes the plan's new published version; the old version stays readable."""
    principal.require(Permission.PLANS_APPROVE)
    async with uow:
        adjustment = await _open_adjustment(uow, adjustment_id)
        if adjustment.status is not AdjustmentStatus.APPROVED:
            raise Conflict(f"只有已批准的调整可以公布（当前：{adjustment.status.label}）",
                           "only an approved adjustment is published", code="plan.adjustment_not_approved")
        current = await _load(uow, adjustment.plan_no, for_update=True)
        if current.version != adjustment.base_version:
            raise Conflict("计划在调整提出后已有新版本，请重新提出调整", "the plan changed since the adjustment was asked",
                           code="plan.adjustment_stale")
        proposed = plan_from(adjustment.proposed)
        updated = replace(current, name=proposed.name, issuing_document=proposed.issuing_document,
                          issued_on=proposed.issued_on, notes=proposed.notes, tasks=proposed.tasks,
                          version=current.version + 1, published_at=uow.now)
        await uow.plans.update(updated)
        await uow.plans.add_version(PlanVersion(updated.plan_no, updated.version, plan_snapshot(updated), uow.now,
                                                principal.username, adjustment.reason, adjustment.changes))
        adjustment.status = AdjustmentStatus.PUBLISHED
        await uow.plans.update_adjustment(adjustment)
        await _register_tasks(uow, updated)
        _audit(uow, "plan.adjust", updated.plan_no, plan_snapshot(current), plan_snapshot(updated))
        await uow.commit()
    return updated


async def get_plan(uow: UnitOfWork, plan_no: str, *, public: bool = False) -> Plan:
    async with uow:
        plan = await _load(uow, plan_no)
    if public and plan.status not in PUBLIC_STATUSES:
        raise plan_not_found(plan_no)
    return plan


async def list_plans(uow: UnitOfWork, *, year: int | None, public: bool = False) -> list[Plan]:
    async with uow:
        return await uow.plans.find(year=year, statuses=PUBLIC_STATUSES if public else None)


async def plan_history(uow: UnitOfWork, plan_no: str, *, public: bool = False) -> tuple[list[PlanVersion],
                                                                                           list[Adjustment]]:
    """Every published version, and the adjustments (the public sees the published ones only)."""
    plan = await get_plan(uow, plan_no, public=public)
    async with uow:
        versions = await uow.plans.versions(plan.plan_no)
        adjustments = await uow.plans.adjustments(plan.plan_no)
    if public:
        adjustments = [a for a in adjustments if a.status is AdjustmentStatus.PUBLISHED]
    return versions, adjustments


def find_task(plan: Plan, task_no: str) -> Task:
    for task in plan.tasks:
        if task.task_no == task_no:
            return task
    raise task_not_found(plan.plan_no, task_no)


def ensure_can_draw(plan: Plan, task: Task, today: date) -> None:
    """A task draws only once its plan is published, and only inside its window."""
    if plan.status is not PlanStatus.PUBLISHED:
        raise Conflict(f"计划“{plan.plan_no}”尚未公布（{plan.status.label}），不能抽取", "the plan is not published",
                       code="plan.not_published")
    if not task.window_start <= today <= task.window_end:
        raise Conflict(f"今天不在任务“{task.task_no}”的抽查时间（{task.window_start}～{task.window_end}）内",
                       "today is outside the task's window", code="task.outside_window")


async def set_quota(uow: UnitOfWork, principal: Principal, quota: QuarterQuota) -> QuarterQuota:
    """The number the approved annual supervision plan sets for a unit and quarter (执法监督科 enters it)."""
    principal.require(Permission.PLANS_APPROVE)
    if not 1 <= quota.quarter <= 4:
        raise _invalid("季度只能是 1～4", "quarter must be 1..4", "quota.quarter_invalid", "quarter")
    if quota.count < 0:
        raise _invalid("数量不能为负", "count must not be negative", "quota.count_invalid", "count")
    async with uow:
        if await uow.departments.get(quota.department_code) is None:
            raise _invalid(f"单位代码“{quota.department_code}”不存在", "unknown department", "plan.department_unknown",
                           "department_code")
        before = await uow.plans.quota(quota.year, quota.quarter, quota.department_code)
        await uow.plans.set_quota(quota)
        uow.audit.record(AuditEvent("quota.set", "quarter_quota",
                                    f"{quota.year}Q{quota.quarter}:{quota.department_code}",
                                    {"count": before.count, "note": before.note} if before else None,
                                    {"count": quota.count, "note": quota.note}))
        await uow.commit()
    return quota


async def list_quotas(uow: UnitOfWork, year: int) -> list[QuarterQuota]:
    async with uow:
        return await uow.plans.quotas(year)


async def task_quota(uow: UnitOfWork, plan_no: str, task_no: str, year: int, quarter: int) -> tuple[Task, int | None]:
    """For a task sampled "按照市政府批准的年度监督检查计划中规定的数量": the number its lead unit must inspect in
    the quarter, as 执法监督科 entered it (``None`` while not entered); other tasks have no fixed quota."""
    plan = await get_plan(uow, plan_no)
    task = find_task(plan, task_no)
    if task.sampling.mode is not SamplingMode.ANNUAL_QUOTA:
        return task, None
    async with uow:
        quota = await uow.plans.quota(year, quarter, task.lead_department)
    return task, quota.count if quota else None
