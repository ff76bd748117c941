"""Targets the 2026 plan sets, computed for any year and quarter from the records.

- Each 执法大队 initiates at least 2 internal joint random inspections per quarter: the draws executed in the quarter
  for internal joint tasks it leads (a random inspection starts with its draw). In the current quarter a shortfall
  is a warning ahead (进度预警), not yet a miss.
- In cross-department tasks led by the bureau, at least 3 enterprises per industry: the per-industry minimum
  the task plans (the draws add the counts actually drawn).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import Any

from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import Department, DepartmentKind
from app.domain.directories.reference import INDUSTRIES
from app.domain.draws.model import DEFAULT_RATES_BP, DrawStatus
from app.domain.draws.stats import CLASSIFIED_SHARE_TARGET, inclusion_by_class, uses_classification
from app.domain.plans.initiated import INTERNAL_JOINT_PER_QUARTER, Initiated, internal_joint, quarter_bounds, quarter_of
from app.domain.plans.model import JointType, Plan, Task
from app.domain.plans.service import PUBLIC_STATUSES
from app.domain.ports import UnitOfWork
from app.domain.scheduling.calendar import WorkingDayCalendar
from app.domain.scheduling.deadlines import Deadline, DeadlineKind, DeadlineState, collect

CST = timezone(timedelta(hours=8))
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
    #: met, at_risk (the period is still running and the target not reached yet), missed, upcoming.
    state: str = ""

    def __post_init__(self) -> None:
        if not self.state:
            object.__setattr__(self, "state", "met" if self.met else "missed")


STATE_LABELS = {"met": "达标", "at_risk": "进度预警", "missed": "未达标", "upcoming": "尚未开始"}


def internal_joint_initiated(initiated: list[Initiated], brigades: list[Department], year: int, quarters: list[int],
                             today: date) -> list[Indicator]:
    indicators = []
    for brigade in brigades:
        for quarter in quarters:
            start, end = quarter_bounds(year, quarter)
            draws = [i.draw_id for i in initiated if i.lead_department == brigade.code and start <= i.day <= end]
            met = len(draws) >= INTERNAL_JOINT_PER_QUARTER
            state = "met" if met else "upcoming" if today < start else "at_risk" if today <= end else "missed"
            indicators.append(Indicator(
                "internal_joint_per_quarter", f"{brigade.short_name}每季度发起内部联合随机抽查（次）", len(draws),
                INTERNAL_JOINT_PER_QUARTER, met, brigade.code, f"{year}Q{quarter}",
                {"draws": draws, "days_left": max(0, (end - today).days + 1) if start <= today <= end else None},
                state,
            ))
    return indicators


def _overlaps(task: Task, year: int, quarter: int | None) -> bool:
    if quarter is None:
        return task.window_start.year <= year <= task.window_end.year
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return task.window_start < end and task.window_end >= start


def enterprises_per_industry(plans: list[Plan], bureau_units: set[str], year: int, quarter: int | None,
                             drawn: dict[tuple[str, str], dict[str, int]] | None = None) -> list[Indicator]:
    """Per industry of each bureau-led cross-department task: the enterprises its draws selected, or, before any
    draw, the minimum the task plans (``basis`` says which)."""
    drawn = drawn or {}
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
            selected = drawn.get((plan.plan_no, task.task_no))
            for industry in task.scope.industries:
                value = selected.get(industry, 0) if selected is not None else planned
                indicators.append(Indicator(
                    "cross_department_per_industry",
                    f"{plan.plan_no} {INDUSTRIES.get(industry, industry)}：跨部门联合抽查企业数（家）", value,
                    ENTERPRISES_PER_INDUSTRY, value >= ENTERPRISES_PER_INDUSTRY, task.lead_department,
                    f"{year}" if quarter is None else f"{year}Q{quarter}",
                    {"plan_no": plan.plan_no, "task_no": task.task_no, "industry": industry,
                     "basis": "drawn" if selected is not None else "planned_minimum", "planned_minimum": planned},
                ))
    return indicators


def compliance(plans: list[Plan], departments: list[Department], year: int, quarter: int | None,
               initiated: list[Initiated], today: date,
               drawn: dict[tuple[str, str], dict[str, int]] | None = None) -> list[Indicator]:
    brigades = [d for d in departments if d.kind is DepartmentKind.BRIGADE]
    bureau = {d.code for d in departments if d.kind is not DepartmentKind.PARTNER}
    quarters = [quarter] if quarter else [1, 2, 3, 4]
    return [*internal_joint_initiated(initiated, brigades, year, quarters, today),
            *enterprises_per_industry(plans, bureau, year, quarter, drawn)]


def draw_indicators(draws: list[tuple[str, dict[str, Any]]], period: str) -> list[Indicator]:
    """From the bundles of the period's executed draws: the credit-classified share and each class's inclusion."""
    if not draws:
        return [Indicator("credit_classified_share", "信用分类抽查占比", 0.0, CLASSIFIED_SHARE_TARGET, False, None, period,
                          {"draws": 0})]
    classified = [draw_id for draw_id, bundle in draws if uses_classification(bundle["params"])]
    share = len(classified) / len(draws)
    out = [Indicator("credit_classified_share", "信用分类抽查占比", round(share, 4), CLASSIFIED_SHARE_TARGET,
                     share >= CLASSIFIED_SHARE_TARGET, None, period,
                     {"draws": len(draws), "classified": len(classified),
                      "unclassified": [d for d, _ in draws if d not in classified]})]
    for inclusion in inclusion_by_class([bundle for _, bundle in draws]):
        target = DEFAULT_RATES_BP[inclusion.risk_class] / 10000
        out.append(Indicator("class_inclusion_rate", f"信用风险分类 {inclusion.risk_class} 类实际抽取比例",
                             round(inclusion.rate, 4), target, inclusion.rate >= target, None, period,
                             {"frame": inclusion.frame, "selected": inclusion.selected,
                              "basis": "默认抽取比例（计划可另行规定）"}))
    return out


def overdue_indicators(deadlines: list[Deadline], year: int, quarter: int | None) -> list[Indicator]:
    """逾期未完成: per kind of deadline, the items overdue (due in the period, not done), target zero."""
    period = f"{year}" if quarter is None else f"{year}Q{quarter}"
    out = []
    for kind in DeadlineKind:
        late = [d for d in deadlines if d.kind is kind and d.state is DeadlineState.OVERDUE
                and (quarter is None or (d.due is not None and quarter_of(d.due) == quarter))]
        out.append(Indicator("overdue_deadlines", f"逾期未完成：{kind.label}", len(late), 0, not late, None, period,
                             {"kind": kind.value, "subjects": [d.subject for d in late][:100],
                              "departments": sorted({d.department_code for d in late})}))
    return out


async def report(uow: UnitOfWork, principal: Principal, year: int, quarter: int | None, *,
                 today: date, calendar: WorkingDayCalendar | None = None) -> list[Indicator]:
    principal.require(Permission.COMPLIANCE_READ)
    overdue: list[Deadline] = []
    period = f"{year}" if quarter is None else f"{year}Q{quarter}"
    executed: list[tuple[str, dict[str, Any]]] = []
    drawn: dict[tuple[str, str], dict[str, int]] = {}
    async with uow:
        plans = await uow.plans.find(year=year)
        departments = await uow.departments.list()
        initiated = await internal_joint(uow, year)
        for draw in await uow.draws.find(statuses=(DrawStatus.EXECUTED, DrawStatus.REVEALED)):
            day = draw.executed_at.astimezone(CST).date() if draw.executed_at else None
            if day is None or day.year != year:
                continue
            if quarter is not None and quarter_of(day) != quarter:
                continue
            raw = await uow.draws.bundle(draw.draw_id)
            if raw is None:
                continue
            bundle = json.loads(raw)
            executed.append((draw.draw_id, bundle))
            industry_of = {row[0]: row[1] for row in bundle["frame"]}
            per_industry = drawn.setdefault((draw.plan_no, draw.task_no), {})
            for row in bundle["selected"]:
                per_industry[industry_of[row["uscc"]]] = per_industry.get(industry_of[row["uscc"]], 0) + 1
        records: list[Indicator] = []
        if calendar is not None:
            overdue = await collect(uow, calendar, year=year, today=min(today, date(year + 1, 1, 31)), due_within=0)
            records = await record_indicators(uow, year, quarter, overdue)
    return [*compliance(plans, departments, year, quarter, initiated, today, drawn),
            *draw_indicators(executed, period), *overdue_indicators(overdue, year, quarter), *records]


def _in_period(day: date | None, year: int, quarter: int | None) -> bool:
    return day is not None and day.year == year and (quarter is None or quarter_of(day) == quarter)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


async def record_indicators(uow: UnitOfWork, year: int, quarter: int | None,
                            deadlines: list[Deadline]) -> list[Indicator]:
    """From the records of the period: results published within 20 working days, reports submitted on time,
    no inspection without a draw, no check-in without a valid certificate."""
    period = f"{year}" if quarter is None else f"{year}Q{quarter}"
    publicity = [d for d in deadlines if d.kind is DeadlineKind.RESULT_PUBLICITY and _in_period(d.due, year, quarter)
                 and d.state in (DeadlineState.DONE, DeadlineState.DONE_LATE, DeadlineState.OVERDUE)]
    published_on_time = [d for d in publicity if d.state is DeadlineState.DONE]
    reports = [d for d in deadlines if d.kind in (DeadlineKind.MONTHLY_REPORT, DeadlineKind.QUARTERLY_SUMMARY)
               and _in_period(d.due, year, quarter)
               and d.state in (DeadlineState.DONE, DeadlineState.DONE_LATE, DeadlineState.OVERDUE)]
    reports_on_time = [d for d in reports if d.state is DeadlineState.DONE]
    visits = [v for v in await uow.visits.find() if _in_period(v.day, year, quarter)]
    check_ins = await uow.onsite.check_ins([v.id or 0 for v in visits])
    without_draw = [v for v in visits if v.id in check_ins and not v.sources]
    uncertified = []
    for visit_id, check_in in check_ins.items():
        inspector = await uow.inspectors.get(check_in.person_id, include_deleted=True)
        if inspector is None or not inspector.certified_on(check_in.occurred_at.astimezone(CST).date()):
            uncertified.append(visit_id)
    return [
        Indicator("results_published_on_time", "检查结果 20 个工作日内公示占比", _share(len(published_on_time), len(publicity)),
                  1.0, len(published_on_time) == len(publicity), None, period,
                  {"due": len(publicity), "on_time": len(published_on_time),
                   "late_or_overdue": [d.subject for d in publicity if d.state is not DeadlineState.DONE][:100]}),
        Indicator("reports_on_time", "月报表、季度总结按时报送占比", _share(len(reports_on_time), len(reports)), 1.0,
                  len(reports_on_time) == len(reports), None, period,
                  {"due": len(reports), "on_time": len(reports_on_time),
                   "late_or_missing": [d.subject for d in reports if d.state is not DeadlineState.DONE][:100]}),
        Indicator("inspections_without_draw", "未经抽取实施的检查（次）", len(without_draw), 0, not without_draw, None, period,
                  {"visits": [v.id for v in without_draw][:100]}),
        Indicator("checkins_without_certificate", "执法证无效时的扫码签到（次）", len(uncertified), 0, not uncertified,
                  None, period, {"visits": sorted(uncertified)[:100]}),
    ]
