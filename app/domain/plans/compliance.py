"""Targets the 2026 plan sets, computed for any year and quarter from the records.

- Each 执法大队 initiates at least 2 internal joint random inspections per quarter: the internal joint tasks it
  leads whose window opens in the quarter.
- In cross-department tasks led by the bureau, at least 3 enterprises per industry: the per-industry minimum
  the task plans (the draws add the counts actually drawn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import Department, DepartmentKind
from app.domain.directories.reference import INDUSTRIES
from app.domain.plans.model import JointType, Plan, Task
from app.domain.plans.service import PUBLIC_STATUSES
from app.domain.ports import UnitOfWork

INTERNAL_JOINT_PER_QUARTER = 2
ENTERPRISES_PER_INDUSTRY = 3


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name: str
    value: float
    target: float
    met: bool
    department_code: str | None = None
    period: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def internal_joint_initiated(plans: list[Plan], brigades: list[Department], year: int,
                             quarters: list[int]) -> list[Indicator]:
    indicators = []
    for brigade in brigades:
        for quarter in quarters:
            tasks = [(p.plan_no, t.task_no) for p in plans if p.status in PUBLIC_STATUSES for t in p.tasks
                     if t.joint_type is JointType.INTERNAL and t.lead_department == brigade.code
                     and t.window_start.year == year and quarter_of(t.window_start) == quarter]
            indicators.append(Indicator(
                "internal_joint_per_quarter", f"{brigade.short_name}每季度发起内部联合随机抽查（次）", len(tasks),
                INTERNAL_JOINT_PER_QUARTER, len(tasks) >= INTERNAL_JOINT_PER_QUARTER, brigade.code, f"{year}Q{quarter}",
                {"tasks": [{"plan_no": p, "task_no": t} for p, t in tasks]},
            ))
    return indicators


def _overlaps(task: Task, year: int, quarter: int | None) -> bool:
    if quarter is None:
        return task.window_start.year <= year <= task.window_end.year
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return task.window_start < end and task.window_end >= start


def enterprises_per_industry(plans: list[Plan], bureau_units: set[str], year: int,
                             quarter: int | None) -> list[Indicator]:
    indicators = []
    for plan in plans:
        if plan.status not in PUBLIC_STATUSES:
            continue
        for task in plan.tasks:
            if task.joint_type is not JointType.CROSS_DEPARTMENT or task.lead_department not in bureau_units:
                continue
            if not _overlaps(task, year, quarter):
                continue
            planned = task.sampling.min_per_industry or 0
            for industry in task.scope.industries:
                indicators.append(Indicator(
                    "cross_department_per_industry",
                    f"{plan.plan_no} {INDUSTRIES.get(industry, industry)}：跨部门联合抽查企业数（家）", planned,
                    ENTERPRISES_PER_INDUSTRY, planned >= ENTERPRISES_PER_INDUSTRY, task.lead_department,
                    f"{year}" if quarter is None else f"{year}Q{quarter}",
                    {"plan_no": plan.plan_no, "task_no": task.task_no, "industry": industry, "basis": "planned_minimum"},
                ))
    return indicators


def compliance(plans: list[Plan], departments: list[Department], year: int, quarter: int | None) -> list[Indicator]:
    brigades = [d for d in departments if d.kind is DepartmentKind.BRIGADE]
    bureau = {d.code for d in departments if d.kind is not DepartmentKind.PARTNER}
    quarters = [quarter] if quarter else [1, 2, 3, 4]
    return [*internal_joint_initiated(plans, brigades, year, quarters),
            *enterprises_per_industry(plans, bureau, year, quarter)]


async def report(uow: UnitOfWork, principal: Principal, year: int, quarter: int | None) -> list[Indicator]:
    principal.require(Permission.COMPLIANCE_READ)
    async with uow:
        plans = await uow.plans.find(year=year)
        departments = await uow.departments.list()
    return compliance(plans, departments, year, quarter)
