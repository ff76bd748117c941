"""季度总结: the quarter's numbers from the three monthly reports, written into the six sections; the unit adds the
narrative (存在问题, 下一步计划) and submits it to 执法监督科 – the submission closes the deadline (3/25, 6/25, 9/25,
12/5). A submitted summary no longer changes."""

from __future__ import annotations

from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.plans.initiated import quarter_bounds
from app.domain.ports import UnitOfWork
from app.domain.reports.model import NARRATIVE_ONLY, SECTIONS, QuarterlySummary, SummaryStatus
from app.domain.reports.monthly import monthly
from app.domain.scheduling.calendar import WorkingDayCalendar
from app.domain.scheduling.deadlines import DeadlineKind
from app.domain.scheduling.model import ReportSubmission

MAX_SECTION = 10_000


async def quarter_figures(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, year: int,
                          quarter: int, department: str) -> dict[str, Any]:
    """The three months' figures added up, with their records."""
    start, _end = quarter_bounds(year, quarter)
    totals: dict[str, Any] = {}
    for month in range(start.month, start.month + 3):
        report = await monthly(uow, principal, calendar, year=year, month=month, department=department)
        for figure in report.figures:
            entry = totals.setdefault(figure.key, {"label": figure.label, "value": 0, "records": []})
            entry["value"] += figure.value
            entry["records"] += list(figure.records)
    return totals


def _value(figures: dict[str, Any], key: str) -> int:
    return int(figures.get(key, {}).get("value", 0))


def written_sections(figures: dict[str, Any], year: int, quarter: int) -> dict[str, str]:
    """The numbers of the quarter in words, for the four sections the records can fill."""
    def v(key: str) -> int:
        return _value(figures, key)

    period = f"{year} 年第 {quarter} 季度"
    return {
        "progress": f"{period}，启动随机抽查 {v('tasks_launched')} 次，抽中企业 {v('enterprises_drawn')} 家，"
                    f"实施现场检查 {v('enterprises_visited')} 家，非现场检查 {v('off_site')} 家次。",
        "inspections": f"发现一般隐患 {v('hazards_general')} 项、重大事故隐患 {v('hazards_major')} 项；经复查整改到位 "
                       f"{v('rectified')} 项，逾期未整改 {v('rectification_overdue')} 项；移送案件 {v('cases_transferred')} "
                       f"件；信用惩戒 {v('credit_sanctions')} 家。补录签到 {v('late_registrations')} 次。",
        "joint": f"开展联合抽查 {v('joint_inspections')} 次，其中跨部门联合抽查 {v('cross_department')} 次。",
        "disclosure": f"公示检查结果 {v('results_published')} 条，其中按期（检查结束后 20 个工作日内）公示 "
                      f"{v('results_on_time')} 条。",
        "problems": "", "next_steps": "",
    }


def _check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput("季度应为 1～4", "quarter must be 1..4", code="summary.quarter_invalid",
                           details={"field": "quarter"})


async def draft(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, *, year: int, quarter: int,
                department: str) -> QuarterlySummary:
    """A new draft with the numbers filled in (one summary per unit and quarter)."""
    principal.require(Permission.SCHEDULE_WRITE)
    principal.require_department(department)
    _check_quarter(quarter)
    figures = await quarter_figures(uow, principal, calendar, year, quarter, department)
    async with uow:
        if await uow.visits.summary_for(year, quarter, department) is not None:
            raise Conflict("该单位本季度的总结已存在", "the unit's summary of the quarter exists",
                           code="summary.exists")
        summary = await uow.visits.add_summary(QuarterlySummary(
            None, year, quarter, department, SummaryStatus.DRAFT, written_sections(figures, year, quarter), figures,
            principal.username))
        uow.audit.record(AuditEvent("summary.draft", "quarterly_summary", str(summary.id), None,
                                    {"year": year, "quarter": quarter, "department_code": department}))
        await uow.commit()
    return summary


async def _editable(uow: UnitOfWork, principal: Principal, summary_id: int) -> QuarterlySummary:
    principal.require(Permission.SCHEDULE_WRITE)
    summary = await uow.visits.summary(summary_id, for_update=True)
    if summary is None:
        raise NotFound(f"季度总结 {summary_id} 不存在", "summary not found", code="summary.not_found")
    principal.require_department(summary.department_code)
    if summary.status is SummaryStatus.SUBMITTED:
        raise Conflict("季度总结已报送，不能再修改", "the summary was submitted", code="summary.submitted")
    return summary


async def edit(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, summary_id: int,
               sections: dict[str, str], *, refresh: bool = False) -> QuarterlySummary:
    """Write the narrative (any section; 存在问题 and 下一步计划 are the unit's own); ``refresh`` recomputes the
    numbers from the records first."""
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise InvalidInput(f"未知的总结部分：{'、'.join(unknown)}", "unknown section", code="summary.section_unknown",
                           details={"field": "sections"})
    if any(len(text) > MAX_SECTION for text in sections.values()):
        raise InvalidInput(f"每部分不超过 {MAX_SECTION} 字", "section too long", code="summary.section_too_long",
                           details={"field": "sections"})
    async with uow:
        current = await _editable(uow, principal, summary_id)
    figures = (await quarter_figures(uow, principal, calendar, current.year, current.quarter, current.department_code)
               if refresh else current.figures)
    async with uow:
        summary = await _editable(uow, principal, summary_id)
        before = dict(summary.sections)
        if refresh:
            written = written_sections(figures, summary.year, summary.quarter)
            summary.sections = {**summary.sections, **{k: v for k, v in written.items() if k not in NARRATIVE_ONLY}}
            summary.figures = figures
        summary.sections = {**summary.sections, **{k: v.strip() for k, v in sections.items()}}
        await uow.visits.update_summary(summary)
        uow.audit.record(AuditEvent("summary.edit", "quarterly_summary", str(summary_id), before, summary.sections))
        await uow.commit()
    return summary


async def submit(uow: UnitOfWork, principal: Principal, summary_id: int) -> QuarterlySummary:
    """报送执法监督科: 存在问题 and 下一步计划 must be written; the deadline is then met (or met late)."""
    async with uow:
        summary = await _editable(uow, principal, summary_id)
        missing = [SECTIONS[k] for k in NARRATIVE_ONLY if len(summary.sections.get(k, "").strip()) < 2]
        if missing:
            raise InvalidInput(f"报送前须填写：{'、'.join(missing)}", "write the narrative sections first",
                               code="summary.incomplete", details={"field": "sections", "missing": missing})
        summary.status, summary.submitted_by, summary.submitted_at = SummaryStatus.SUBMITTED, principal.username, uow.now
        await uow.visits.update_summary(summary)
        period = f"{summary.year}Q{summary.quarter}"
        if not any(s.kind == DeadlineKind.QUARTERLY_SUMMARY.value and s.period == period
                   and s.department_code == summary.department_code
                   for s in await uow.visits.submissions(period_prefix=str(summary.year))):
            await uow.visits.add_submission(ReportSubmission(
                None, DeadlineKind.QUARTERLY_SUMMARY.value, period, summary.department_code,
                f"季度总结 {summary.id}", "", principal.username))
        uow.audit.record(AuditEvent("summary.submit", "quarterly_summary", str(summary_id), {"status": "draft"},
                                    {"status": "submitted"}))
        await uow.commit()
    return summary


async def get(uow: UnitOfWork, principal: Principal, summary_id: int) -> QuarterlySummary:
    principal.require(Permission.COMPLIANCE_READ)
    async with uow:
        summary = await uow.visits.summary(summary_id)
        if summary is None:
            raise NotFound(f"季度总结 {summary_id} 不存在", "summary not found", code="summary.not_found")
        principal.require_department(summary.department_code)
        return summary
