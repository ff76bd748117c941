"""Freezing a draw's inputs from the directories: the frame (with each left-out enterprise and why), the roster
and the enterprise–inspector exclusions, and the parameters from the task's sampling rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.directories.model import EnterpriseStatus, InspectorStatus
from app.domain.draws.frame import FrameColumns
from app.domain.draws.model import DEFAULT_OVERALL_MIN_BP, DEFAULT_RATES_BP, FrameExclusion
from app.domain.errors import Conflict
from app.domain.plans.model import Plan, SamplingMode, Task
from app.domain.ports import UnitOfWork

#: Weights per class for a fixed number of inspections (the annual supervision plan's quota): riskier enterprises
#: hold more tickets, so a fixed count still follows the credit-risk classification.
DEFAULT_WEIGHTS: dict[str, int] = {"A": 1, "B": 2, "C": 4, "D": 8, "U": 2}
ALGORITHM = "CN-INSPECT/v1"
_CLOSED = {EnterpriseStatus.DEREGISTERED.value: "已注销", EnterpriseStatus.REVOKED.value: "已吊销",
           EnterpriseStatus.SUSPENDED.value: "停业"}


@dataclass(slots=True)
class DrawInputs:
    frame: list[tuple[str, str, str, str, int]]
    frame_excluded: list[FrameExclusion]
    roster: list[tuple[str, str]]
    exclusions: list[tuple[str, str, str]]
    params: dict[str, Any]
    #: Inspectors of the team units left out of the roster, and why (off duty, certificate, leave).
    roster_excluded: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        columns = FrameColumns.of(self.frame)  # stored in columns: execution rebuilds no per-row tuples
        return {"frame_columns": {"uscc": columns.usccs, "profiles": [list(p) for p in columns.profiles],
                                  "index": columns.index},
                "roster": [list(r) for r in self.roster],
                "exclusions": [list(e) for e in self.exclusions],
                "frame_excluded": [[e.uscc, e.reason] for e in self.frame_excluded], "params": self.params,
                "roster_excluded": [list(r) for r in self.roster_excluded]}


def ceil_bp(bp: int, n: int) -> int:
    return (bp * n + 9999) // 10000


def smallest_bp_for(count: int, n: int) -> int:
    """The smallest basis-point share of ``n`` whose ceiling reaches ``count`` (10,000 when it cannot)."""
    if n == 0 or count >= n:
        return 10000
    bp = max(0, (count * 10000 - 9999 + n - 1) // n)
    while ceil_bp(bp, n) < count:
        bp += 1
    return min(bp, 10000)


def params_for(task: Task, frame_size: int, quota: int | None) -> dict[str, Any]:
    """The draw's parameters (DRAW_SPEC.md) from the task's sampling rule, with the documented defaults."""
    rule = task.sampling
    overall = round(rule.min_ratio * 10000) if rule.min_ratio is not None else DEFAULT_OVERALL_MIN_BP
    base: dict[str, Any] = {"algorithm": ALGORITHM, "industry_min": rule.min_per_industry or 0,
                            "team_depts": list(rule.team_departments or task.departments[:1]),
                            "team_size": rule.team_size, "load_slack": 1}
    if rule.mode is SamplingMode.ANNUAL_QUOTA:
        if quota is None:
            raise Conflict("执法监督科尚未录入本季度的抽查数量（年度监督检查计划），不能抽取",
                           "the quarter's quota from the annual supervision plan is not entered", code="draw.quota_missing")
        weights = {**DEFAULT_WEIGHTS, **{k: int(v) for k, v in rule.class_rates.items()}}
        return {**base, "mode": "weight", "rates_bp": None, "weights": dict(weights),
                "overall_min_bp": smallest_bp_for(quota, frame_size)}
    if rule.mode is SamplingMode.RATIO:
        flat = dict.fromkeys(DEFAULT_RATES_BP, overall)
        return {**base, "mode": "rate", "rates_bp": flat, "weights": None, "overall_min_bp": overall}
    rates = {k: round(v * 10000) for k, v in rule.class_rates.items()} or dict(DEFAULT_RATES_BP)
    return {**base, "mode": "rate", "rates_bp": {**DEFAULT_RATES_BP, **rates}, "weights": None,
            "overall_min_bp": overall}


def imported_params(task: Task) -> dict[str, Any]:
    """For the lead department's targets: every one of them is taken (overall 100%); only the teams are drawn."""
    rule = task.sampling
    return {"algorithm": ALGORITHM, "mode": "rate", "rates_bp": dict.fromkeys(DEFAULT_RATES_BP, 0), "weights": None,
            "industry_min": 0, "overall_min_bp": 10000,
            "team_depts": list(rule.team_departments or task.departments[:1]), "team_size": rule.team_size,
            "load_slack": 1}


#: The reason given to an enterprise another overlapping draw took: its items join that draw's visit.
MERGED_PREFIX = "已被时间重叠的同行业任务抽中"


def merged_into_other(reason: str) -> bool:
    return reason.startswith(MERGED_PREFIX)


async def frame_for(uow: UnitOfWork, task: Task, taken: dict[str, str], capped: dict[str, str],
                    weights: dict[str, int] | None) -> tuple[list[tuple[str, str, str, str, int]], list[FrameExclusion]]:
    """The enterprises in the task's scope; closed ones, ones another overlapping draw already took (merge into
    that visit instead) and ones at the annual frequency cap of the task's items are listed with their reason,
    not drawn."""
    frame: list[tuple[str, str, str, str, int]] = []
    excluded: list[FrameExclusion] = []
    scope = task.scope
    async for batch in uow.draws.frame_candidates(industries=scope.industries, counties=scope.counties,
                                                  tags=scope.tags, classes=scope.credit_classes):
        for uscc, industry, county, credit_class, status in batch:
            if status in _CLOSED:
                excluded.append(FrameExclusion(uscc, f"经营状态为{_CLOSED[status]}"))
            elif uscc in taken:
                excluded.append(FrameExclusion(uscc, f"{MERGED_PREFIX}（{taken[uscc]}），合并检查"))
            elif uscc in capped:
                excluded.append(FrameExclusion(uscc, capped[uscc]))
            else:
                risk = credit_class or "U"
                frame.append((uscc, industry, county, risk, weights.get(risk, 1) if weights else 1))
    frame.sort()  # commitment order (by USCC): the frozen rows are then the committed rows as they are
    return frame, excluded


async def roster_for(uow: UnitOfWork, task: Task, team_depts: Iterable[str], frame_usccs: set[str],
                     rotation: dict[str, set[str]]
                     ) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Certified, on-duty inspectors of the team units for the whole window, not on leave for all of it; pair
    exclusions: declared conflicts during the window and rotation (who inspected the enterprise in its last
    random inspection). Everyone left out of the roster is listed with the reason."""
    roster: list[tuple[str, str]] = []
    left_out: list[tuple[str, str]] = []
    pairs: dict[tuple[str, str], str] = {}
    people = await uow.inspectors.in_departments(list(team_depts))
    away = {leave.person_id for leave in await uow.leave.during([p.person_id for p in people], task.window_start,
                                                                  task.window_end)
            if leave.covers(task.window_start, task.window_end)}
    for inspector in people:
        if inspector.status is not InspectorStatus.ON_DUTY:
            left_out.append((inspector.person_id, f"人员状态为{inspector.status.label}"))
            continue
        if inspector.cert_expiry < task.window_end:
            left_out.append((inspector.person_id, f"执法证 {inspector.cert_expiry.isoformat()} 到期，不能覆盖抽查时间"))
            continue
        if inspector.person_id in away:
            left_out.append((inspector.person_id, "抽查时间内请假"))
            continue
        roster.append((inspector.person_id, inspector.department_code))
        for conflict in inspector.conflicts:
            if conflict.uscc in frame_usccs and _overlaps(conflict.from_date, conflict.to_date, task):
                pairs[(conflict.uscc, inspector.person_id)] = f"申报利害关系：{conflict.reason}"
    in_roster = {p for p, _ in roster}
    for uscc, inspectors in rotation.items():
        if uscc in frame_usccs:
            for person in inspectors & in_roster:
                pairs.setdefault((uscc, person), "轮换：上次随机抽查已检查该企业")
    return roster, [(u, p, reason) for (u, p), reason in sorted(pairs.items())], left_out


def _overlaps(start: date, end: date | None, task: Task) -> bool:
    return start <= task.window_end and (end is None or end >= task.window_start)


def overlapping(plan: Plan, task: Task, other_plan: Plan, other: Task) -> bool:
    """Another task whose window overlaps this one's and whose industries meet it (能合并的不得重复检查)."""
    if (other_plan.plan_no, other.task_no) == (plan.plan_no, task.task_no):
        return False
    windows = other.window_start <= task.window_end and other.window_end >= task.window_start
    industries = not task.scope.industries or not other.scope.industries or bool(
        set(task.scope.industries) & set(other.scope.industries))
    return windows and industries
