"""期限: every deadline the rules set, computed from the records (never stored, so never stale).

- 结果公示: results published within 20 working days after the inspection ends *(rule)*; until check-out exists a
  visit ends on its scheduled day, and the team leader with the responsible unit answer for it
  (谁检查、谁录入、谁公开);
- 月报表: each unit's report of a month, due by the 20th of the next month (the seed: 每月20日前报送);
- 季度总结: each unit's summary of a quarter, due by 3/25, 6/25, 9/25 and 12/5 to 执法监督科.

"By the 20th" counts the 20th itself, as 公文 deadlines do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import DepartmentKind
from app.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.domain.followup.model import REINSPECTION_DAYS, OrderStatus, RectificationOrder
from app.domain.labels import LabelledEnum
from app.domain.plans.initiated import INTERNAL_JOINT_PER_QUARTER, Initiated, quarter_bounds
from app.domain.plans.initiated import internal_joint as initiated_draws
from app.domain.plans.model import PlanStatus
from app.domain.ports import UnitOfWork
from app.domain.scheduling.calendar import CalendarNotCovered, WorkingDayCalendar, add_working_days
from app.domain.scheduling.model import ReportSubmission, Visit, VisitStatus

CST = timezone(timedelta(hours=8))
#: 20 working days after the inspection ends *(rule: 企业信息公示暂行条例, 国办发〔2019〕5号)*.
PUBLICITY_WORKING_DAYS = 20
MONTHLY_REPORT_DAY = 20
QUARTERLY_SUMMARY_DUE: Mapping[int, tuple[int, int]] = {1: (3, 25), 2: (6, 25), 3: (9, 25), 4: (12, 5)}


class DeadlineKind(LabelledEnum):
    RESULT_PUBLICITY = "result_publicity"
    MONTHLY_REPORT = "monthly_report"
    QUARTERLY_SUMMARY = "quarterly_summary"
    INTERNAL_JOINT = "internal_joint"
    RECTIFICATION = "rectification"
    REINSPECTION = "reinspection"
    __labels__ = {"result_publicity": "检查结果公示", "monthly_report": "月报表报送",
                  "rectification": "限期整改", "reinspection": "整改复查（期限届满或收到整改报告后 10 日内）",
                  "quarterly_summary": "季度总结报送", "internal_joint": "季度内部联合随机抽查（执法大队每季度不少于 2 次）"}


class DeadlineState(LabelledEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"
    #: The due date falls in a year the working-day calendar does not cover yet: not guessed, shown as such.
    UNKNOWN = "unknown"
    __labels__ = {"upcoming": "未到期", "due": "即将到期", "overdue": "已逾期", "done": "已按期完成",
                  "done_late": "逾期完成", "unknown": "截止日无法计算（工作日历尚未覆盖该年度）"}


OPEN_STATES = (DeadlineState.UPCOMING, DeadlineState.DUE, DeadlineState.OVERDUE)


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    #: What the deadline is about, e.g. ``visit:12`` or ``monthly_report:2026-03:ZF1``.
    subject: str
    title: str
    #: None when the calendar does not cover the year the due date falls in (state UNKNOWN).
    due: date | None
    department_code: str
    person_id: str | None
    done_on: date | None
    state: DeadlineState
    #: Calendar days until the due date (negative: days overdue).
    days_left: int | None


def state_of(due: date, done_on: date | None, today: date, due_within: int) -> DeadlineState:
    if done_on is not None:
        return DeadlineState.DONE if done_on <= due else DeadlineState.DONE_LATE
    if today > due:
        return DeadlineState.OVERDUE
    return DeadlineState.DUE if (due - today).days <= due_within else DeadlineState.UPCOMING


def _deadline(kind: DeadlineKind, subject: str, title: str, due: date, department: str, person: str | None,
              done_on: date | None, today: date, due_within: int) -> Deadline:
    return Deadline(kind, subject, title, due, department, person, done_on, state_of(due, done_on, today, due_within),
                    (due - today).days)


def publicity(calendar: WorkingDayCalendar, visits: Iterable[Visit], published: Mapping[int, date], today: date,
              due_within: int, ended: Mapping[int, date] | None = None) -> list[Deadline]:
    """One deadline per visit that has ended (checked out, else its scheduled day has passed): its results
    published within 20 working days."""
    out = []
    for visit in visits:
        end = (ended or {}).get(visit.id or 0, visit.day)
        if end is None or end > today or visit.id is None:
            continue
        subject = f"visit:{visit.id}"
        title = f"{visit.enterprise_name}（{end.isoformat()} 检查）结果公示"
        try:
            due = add_working_days(calendar, end, PUBLICITY_WORKING_DAYS)
        except CalendarNotCovered:
            out.append(Deadline(DeadlineKind.RESULT_PUBLICITY, subject, title, None, visit.department_code,
                                visit.leader, published.get(visit.id), DeadlineState.UNKNOWN, None))
            continue
        out.append(_deadline(DeadlineKind.RESULT_PUBLICITY, subject, title, due, visit.department_code, visit.leader,
                             published.get(visit.id), today, due_within))
    return out


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def reports(year: int, units: Sequence[str], first_day: date, submissions: Sequence[ReportSubmission],
            today: date, due_within: int) -> list[Deadline]:
    """Each unit's monthly reports from the month its plans start, and its quarterly summaries due after that."""
    submitted = {(s.kind, s.period, s.department_code): s.submitted_at for s in submissions}

    def done(kind: DeadlineKind, period: str, unit: str) -> date | None:
        at = submitted.get((kind.value, period, unit))
        return at.astimezone(CST).date() if at else None

    out = []
    for unit in units:
        for month in range(first_day.month if first_day.year == year else 1, 13):
            period = f"{year}-{month:02d}"
            due_year, due_month = _month_after(year, month)
            due = date(due_year, due_month, MONTHLY_REPORT_DAY)
            out.append(_deadline(DeadlineKind.MONTHLY_REPORT, f"monthly_report:{period}:{unit}",
                                 f"{year} 年 {month} 月月报表", due, unit, None,
                                 done(DeadlineKind.MONTHLY_REPORT, period, unit), today, due_within))
        for quarter, (month, day) in QUARTERLY_SUMMARY_DUE.items():
            due = date(year, month, day)
            if due < first_day:
                continue
            period = f"{year}Q{quarter}"
            out.append(_deadline(DeadlineKind.QUARTERLY_SUMMARY, f"quarterly_summary:{period}:{unit}",
                                 f"{year} 年第 {quarter} 季度工作总结", due, unit, None,
                                 done(DeadlineKind.QUARTERLY_SUMMARY, period, unit), today, due_within))
    return out


def internal_joint(year: int, brigades: Sequence[str], first_day: date, initiated: Sequence[Initiated], today: date,
                   due_within: int) -> list[Deadline]:
    """Each 执法大队 initiates at least 2 internal joint random inspections a quarter: due at the quarter's end, done
    on the day of the second; the title shows the progress, so a shortfall is seen ahead."""
    out = []
    for brigade in brigades:
        for quarter in range(1, 5):
            start, end = quarter_bounds(year, quarter)
            if end < first_day:
                continue
            days = sorted(i.day for i in initiated if i.lead_department == brigade and start <= i.day <= end)
            done_on = days[INTERNAL_JOINT_PER_QUARTER - 1] if len(days) >= INTERNAL_JOINT_PER_QUARTER else None
            out.append(_deadline(DeadlineKind.INTERNAL_JOINT, f"internal_joint:{year}Q{quarter}:{brigade}",
                                 f"{year} 年第 {quarter} 季度发起内部联合随机抽查（已 {len(days)} 次，须不少于 "
                                 f"{INTERNAL_JOINT_PER_QUARTER} 次）", end, brigade, None, done_on, today, due_within))
    return out


def rectification(orders: Iterable[RectificationOrder], today: date, due_within: int) -> list[Deadline]:
    """Each order: the enterprise rectifies by its deadline; the unit re-inspects within 10 days after the deadline
    or the enterprise's report, whichever comes first. Overdue orders escalate here and on compliance."""
    out = []
    for order in orders:
        done = order.reported_on or (order.reinspected_on if order.status is OrderStatus.RECTIFIED else None)
        out.append(_deadline(DeadlineKind.RECTIFICATION, f"rectification_order:{order.id}",
                             f"{order.enterprise_name} 限期整改（{order.document_no or order.id}）", order.deadline,
                             order.department_code, None, done, today, due_within))
        start = min(order.reported_on, order.deadline) if order.reported_on else order.deadline
        out.append(_deadline(DeadlineKind.REINSPECTION, f"reinspection:{order.id}",
                             f"{order.enterprise_name} 整改复查（{order.document_no or order.id}）",
                             start + timedelta(days=REINSPECTION_DAYS), order.department_code, None,
                             order.reinspected_on, today, due_within))
    return out


def report_period_valid(kind: str, period: str) -> bool:
    if kind == DeadlineKind.MONTHLY_REPORT.value:
        return len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit() \
            and 1 <= int(period[5:]) <= 12
    if kind == DeadlineKind.QUARTERLY_SUMMARY.value:
        return len(period) == 6 and period[:4].isdigit() and period[4] == "Q" and period[5] in "1234"
    return False


#: The unit reports are submitted to (执法监督科) submits none itself.
SUPERVISION_UNIT = "ZJK"
MAX_DUE_WITHIN = 366


async def reporting_units(uow: UnitOfWork, year: int) -> tuple[list[str], date]:
    """The bureau's units taking part in the year's published plans (they report to 执法监督科), and the day the
    first plan was issued (reports are due from then on)."""
    plans = [p for p in await uow.plans.find(year=year)
             if p.status in (PlanStatus.PUBLISHED, PlanStatus.COMPLETED, PlanStatus.ARCHIVED)]
    departments = {d.code: d for d in await uow.departments.list()}
    units: dict[str, None] = {}
    for plan in plans:
        for task in plan.tasks:
            for code in (*task.departments, *task.sampling.team_departments):
                department = departments.get(code)
                if department and department.kind is not DepartmentKind.PARTNER and code != SUPERVISION_UNIT:
                    units[code] = None
    issued = [p.issued_on for p in plans if p.issued_on is not None and p.issued_on.year == year]
    return sorted(units), min(issued, default=date(year, 1, 1))


def _scope(principal: Principal, department: str | None, person_id: str | None) -> tuple[str | None, str | None]:
    """Which deadlines the caller may see: 执法监督科 all; a unit its own; an inspector their own."""
    if principal.can(Permission.SCHEDULE_READ):
        if department is not None:
            principal.require_department(department)
        elif not principal.can(Permission.PLANS_APPROVE):
            department = principal.department_code
        return department, person_id
    if principal.person_id is not None:
        if person_id not in (None, principal.person_id):
            raise PermissionDenied("执法人员只能查看本人的期限", "inspectors see their own deadlines",
                                   code="deadline.foreign_person")
        return None, principal.person_id
    principal.require(Permission.SCHEDULE_READ)
    return department, person_id


async def collect(uow: UnitOfWork, calendar: WorkingDayCalendar, *, year: int, today: date, due_within: int,
                  department: str | None = None, person_id: str | None = None) -> list[Deadline]:
    """Every deadline of the year (inside an open unit of work), filtered by unit and person."""
    visits = await uow.visits.find(departments=[department] if department else None, person_id=person_id,
                                   start=date(year, 1, 1), end=min(today, date(year, 12, 31)),
                                   statuses=[VisitStatus.PLANNED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED])
    ids = [v.id for v in visits if v.id is not None]
    ended = {visit_id: c.checked_out_at.astimezone(CST).date()
             for visit_id, c in (await uow.onsite.check_ins(ids)).items() if c.checked_out_at is not None}
    published: dict[int, date] = {}
    for visit_id, times in (await uow.onsite.published_dates(ids)).items():
        if times and all(t is not None for t in times):
            published[visit_id] = max(t for t in times if t is not None).astimezone(CST).date()
    out = publicity(calendar, visits, published, today, due_within, ended)
    if person_id is None:
        units, first_day = await reporting_units(uow, year)
        if department is not None:
            units = [u for u in units if u == department]
        out += reports(year, units, first_day, await uow.visits.submissions(period_prefix=str(year)), today,
                       due_within)
        brigades = [d.code for d in await uow.departments.list() if d.kind is DepartmentKind.BRIGADE
                    and d.code in units]
        out += internal_joint(year, brigades, first_day, await initiated_draws(uow, year), today, due_within)
        orders = await uow.followup.orders(departments=[department] if department else None)
        out += rectification([o for o in orders if o.deadline.year == year], today, due_within)
    if person_id is not None:
        out = [d for d in out if d.person_id == person_id]
    return sorted(out, key=lambda d: (d.due or date.max, d.kind.value, d.subject))


async def list_deadlines(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, *, today: date,
                         due_within: int, department: str | None, person_id: str | None,
                         kind: DeadlineKind | None = None, include_done: bool = False) -> list[Deadline]:
    """What is due within ``due_within`` days or overdue (and, on request, what was done), for the caller's scope."""
    if not 0 <= due_within <= MAX_DUE_WITHIN:
        raise InvalidInput(f"due_within 须在 0～{MAX_DUE_WITHIN} 天之间", "due_within out of range",
                           code="deadline.due_within_invalid", details={"field": "due_within"})
    department, person_id = _scope(principal, department, person_id)
    async with uow:
        found = await collect(uow, calendar, year=today.year, today=today, due_within=due_within,
                              department=department, person_id=person_id)
        if today.month == 1:  # last year's December report and late items are still open in January
            found = await collect(uow, calendar, year=today.year - 1, today=today, due_within=due_within,
                                  department=department, person_id=person_id) + found
    wanted = {DeadlineState.DUE, DeadlineState.OVERDUE, DeadlineState.UNKNOWN}
    if include_done:
        wanted |= {DeadlineState.DONE, DeadlineState.DONE_LATE}
    return [d for d in found if d.state in wanted and (kind is None or d.kind is kind)]


async def submit_report(uow: UnitOfWork, principal: Principal, *, kind: DeadlineKind, period: str, department: str,
                        reference: str, note: str) -> ReportSubmission:
    """报送登记: a unit's monthly report or quarterly summary reached 执法监督科 (once per unit and period)."""
    principal.require(Permission.SCHEDULE_WRITE)
    principal.require_department(department)
    if kind is DeadlineKind.RESULT_PUBLICITY or not report_period_valid(kind.value, period):
        raise InvalidInput("报送期间格式有误：月报表如 2026-03，季度总结如 2026Q1", "invalid report period",
                           code="report.period_invalid", details={"field": "period"})
    async with uow:
        if await uow.departments.get(department) is None:
            raise NotFound(f"单位“{department}”不存在", f"unit '{department}' not found", code="department.not_found")
        if any(s.kind == kind.value and s.period == period and s.department_code == department
               for s in await uow.visits.submissions(period_prefix=period[:4])):
            raise Conflict("该单位本期报告已报送", "already submitted", code="report.already_submitted")
        submission = await uow.visits.add_submission(ReportSubmission(
            None, kind.value, period, department, reference, note, principal.username))
        uow.audit.record(AuditEvent("report.submit", "report_submission", str(submission.id), None, {
            "kind": kind.value, "period": period, "department_code": department, "reference": reference}))
        await uow.commit()
    return submission


async def list_submissions(uow: UnitOfWork, principal: Principal, year: int) -> list[ReportSubmission]:
    principal.require(Permission.SCHEDULE_READ)
    async with uow:
        found = await uow.visits.submissions(period_prefix=str(year))
    if principal.can(Permission.PLANS_APPROVE):
        return found
    return [s for s in found if s.department_code == principal.department_code]
