"""月报表: a unit's (or the bureau's) month, computed from the records every time – so any past month can be
reproduced – with every figure listing the records behind it (drill-down)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from app.domain.auth.model import Permission, Principal
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.draws.model import DrawStatus
from app.domain.errors import InvalidInput, NotFound
from app.domain.followup.model import OrderStatus, SanctionStatus
from app.domain.onsite.model import HazardLevel, ResultStatus
from app.domain.plans.model import JointType, Task
from app.domain.ports import UnitOfWork
from app.domain.scheduling.calendar import CalendarNotCovered, WorkingDayCalendar, add_working_days
from app.domain.scheduling.deadlines import PUBLICITY_WORKING_DAYS
from app.domain.scheduling.model import Visit

CST = timezone(timedelta(hours=8))
CLASS_LABELS = {"A": "A 类（低风险）", "B": "B 类（一般风险）", "C": "C 类（较高风险）", "D": "D 类（高风险）",
                "U": "未分类"}


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: int
    #: The records behind the figure, e.g. "draw:2026001-001号-D1", "visit:12", "result:5".
    records: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Breakdown:
    key: str
    label: str
    #: (code, label, count), largest first.
    rows: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    year: int
    month: int
    #: None: the whole bureau.
    department_code: str | None
    department_name: str
    period_start: date
    period_end: date
    generated_at: datetime
    figures: tuple[Figure, ...]
    breakdowns: tuple[Breakdown, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise InvalidInput("报表期间不合法", "invalid report period", code="report.period_invalid",
                           details={"field": "month"})
    start = date(year, month, 1)
    end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return start, end


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(CST).date() if moment else None


def _breakdown(key: str, label: str, codes: Iterable[str], names: dict[str, str]) -> Breakdown:
    counted = Counter(codes)
    return Breakdown(key, label, tuple((code, names.get(code, code), n)
                                       for code, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))))


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


async def monthly(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, *, year: int, month: int,
                  department: str | None) -> MonthlyReport:
    """The month of one unit (its tasks, visits and follow-up) or, without a unit, of the bureau."""
    principal.require(Permission.COMPLIANCE_READ)
    if department is not None:
        principal.require_department(department)
    elif not principal.can(Permission.PLANS_APPROVE):
        department = principal.department_code
    start, end = month_bounds(year, month)
    async with uow:
        units = {d.code: d.name for d in await uow.departments.list()}
        if department is not None and department not in units:
            raise NotFound(f"单位“{department}”不存在", f"unit '{department}' not found", code="department.not_found")
        tasks: dict[tuple[str, str], Task] = {}
        for plan in await uow.plans.find(year=year):
            for task in plan.tasks:
                tasks[(plan.plan_no, task.task_no)] = task

        def ours(plan_no: str, task_no: str) -> bool:
            task = tasks.get((plan_no, task_no))
            return department is None or (task is not None and department in (task.lead_department,
                                                                              *task.sampling.team_departments))

        draws = [d for d in await uow.draws.find(statuses=(DrawStatus.EXECUTED, DrawStatus.REVEALED))
                 if _in(_day(d.executed_at), start, end) and ours(d.plan_no, d.task_no)]
        drawn: list[tuple[str, str, str, str]] = []
        for draw in draws:
            raw = await uow.draws.bundle(draw.draw_id)
            if raw is None:
                continue
            bundle = json.loads(raw)
            rows = {row[0]: row for row in bundle["frame"]}
            drawn += [(row["uscc"], *rows[row["uscc"]][1:4]) for row in bundle["selected"] if row["uscc"] in rows]
        lo = datetime.combine(start, time.min, CST)
        hi = datetime.combine(end + timedelta(days=1), time.min, CST)
        scope = [department] if department else None
        month_check_ins = await uow.onsite.check_ins_between(lo, hi)
        results = await uow.onsite.results_touching(lo, hi, departments=scope)
        by_id = {i: v for i, v in (await uow.visits.get_many([*month_check_ins, *(r.visit_id for r in results)]))
                 .items() if department is None or v.department_code == department}
        check_ins = {**await uow.onsite.check_ins([r.visit_id for r in results if r.visit_id not in month_check_ins]),
                     **month_check_ins}
        visited: list[Visit] = [by_id[i] for i in sorted(month_check_ins) if i in by_id]
        hazards = [(f.visit_id, h.level) for f in await uow.onsite.findings_of([v.id or 0 for v in visited])
                   for h in f.hazards]
        results = [r for r in results if r.visit_id in by_id]
        off_site = [r for r in results if _in(_day(r.entered_at), start, end) and by_id[r.visit_id].off_site]
        published = [r for r in results if r.status is ResultStatus.PUBLISHED and _in(_day(r.published_at), start, end)]
        on_time, unknown = [], []
        for result in published:
            visit = by_id[result.visit_id]
            ended = _day(check_ins[visit.id or 0].checked_out_at) if (visit.id or 0) in check_ins else visit.day
            try:
                due = add_working_days(calendar, ended or result.check_date, PUBLICITY_WORKING_DAYS)
            except CalendarNotCovered:
                unknown.append(result)
                continue
            if (_day(result.published_at) or end) <= due:
                on_time.append(result)
        orders = await uow.followup.orders(departments=[department] if department else None)
        rectified = [o for o in orders if o.status is OrderStatus.RECTIFIED and _in(o.reinspected_on, start, end)]
        overdue = [o for o in orders if o.deadline <= end and o.issued_on <= end
                   and not (o.reported_on and o.reported_on <= o.deadline)
                   and not (o.status is OrderStatus.RECTIFIED and o.reinspected_on and o.reinspected_on <= end)]
        transfers = [t for t in await uow.followup.transfers(departments=[department] if department else None)
                     if _in(_day(t.created_at), start, end)]
        sanctions = [s for s in await uow.followup.sanctions(statuses=[SanctionStatus.APPROVED])
                     if _in(_day(s.decided_at), start, end)
                     and (department is None or await uow.visits.find(departments=scope, uscc=s.uscc, limit=1))]
        late = [v for v in visited if check_ins[v.id or 0].late]
        profiles = await uow.enterprises.current(sorted({v.uscc for v in visited}))
        inspected = [(v.uscc, profiles[v.uscc].industry_code if v.uscc in profiles else "",
                      v.county_code, (profiles[v.uscc].credit_class or "U") if v.uscc in profiles else "U")
                     for v in visited]
        kinds = {d.draw_id: t.joint_type for d in draws if (t := tasks.get((d.plan_no, d.task_no))) is not None}
        joint = [d for d in draws if kinds.get(d.draw_id, JointType.SINGLE) is not JointType.SINGLE]
        cross = [d for d in joint if tasks[(d.plan_no, d.task_no)].joint_type is JointType.CROSS_DEPARTMENT]
    general = [f"visit:{v}" for v, level in hazards if level is HazardLevel.GENERAL]
    major = [f"visit:{v}" for v, level in hazards if level is HazardLevel.MAJOR]
    figures = (
        Figure("tasks_launched", "启动抽查（执行抽取）次数", len(draws), tuple(f"draw:{d.draw_id}" for d in draws)),
        Figure("enterprises_drawn", "抽中企业数", len(drawn), tuple(f"enterprise:{u}" for u, *_ in drawn)),
        Figure("enterprises_visited", "实施检查企业数（扫码签到）", len(visited), tuple(f"visit:{v.id}" for v in visited)),
        Figure("hazards_general", "发现一般隐患（项）", len(general), tuple(general)),
        Figure("hazards_major", "发现重大事故隐患（项）", len(major), tuple(major)),
        Figure("rectified", "复查整改到位（项整改指令）", len(rectified), tuple(f"rectification_order:{o.id}" for o in rectified)),
        Figure("rectification_overdue", "逾期未整改（项整改指令）", len(overdue), tuple(f"rectification_order:{o.id}" for o in overdue)),
        Figure("cases_transferred", "移送案件数", len(transfers), tuple(f"case_transfer:{t.id}" for t in transfers)),
        Figure("credit_sanctions", "信用惩戒（调整信用风险分类）", len(sanctions), tuple(f"credit_sanction:{s.id}" for s in sanctions)),
        Figure("results_published", "公示检查结果数", len(published), tuple(f"result:{r.id}" for r in published)),
        Figure("results_on_time", "按期公示（检查结束后 20 个工作日内）", len(on_time), tuple(f"result:{r.id}" for r in on_time)),
        Figure("results_timeliness_unknown", "公示时限无法计算（工作日历未覆盖）", len(unknown), tuple(f"result:{r.id}" for r in unknown)),
        Figure("joint_inspections", "联合抽查次数（内部联合、跨部门联合）", len(joint), tuple(f"draw:{d.draw_id}" for d in joint)),
        Figure("cross_department", "其中跨部门联合抽查次数", len(cross), tuple(f"draw:{d.draw_id}" for d in cross)),
        Figure("off_site", "非现场检查（书面检查、网络监测）", len(off_site), tuple(f"result:{r.id}" for r in off_site)),
        Figure("late_registrations", "补录签到（现场无网络）", len(late), tuple(f"visit:{v.id}" for v in late)),
    )
    breakdowns = (
        _breakdown("drawn_by_industry", "抽中企业（按行业）", (i for _u, i, _c, _k in drawn), dict(INDUSTRIES)),
        _breakdown("drawn_by_county", "抽中企业（按县区）", (c for _u, _i, c, _k in drawn), dict(COUNTIES)),
        _breakdown("drawn_by_class", "抽中企业（按信用风险分类）", (k for _u, _i, _c, k in drawn), CLASS_LABELS),
        _breakdown("visited_by_industry", "实施检查企业（按行业）", (i for _u, i, _c, _k in inspected), dict(INDUSTRIES)),
        _breakdown("visited_by_county", "实施检查企业（按县区）", (c for _u, _i, c, _k in inspected), dict(COUNTIES)),
        _breakdown("visited_by_class", "实施检查企业（按信用风险分类）", (str(k) for _u, _i, _c, k in inspected),
                   CLASS_LABELS),
    )
    name = units.get(department, department) if department else "秦皇岛市应急管理局（全局）"
    return MonthlyReport(year, month, department, name, start, end, uow.now, figures, breakdowns)

