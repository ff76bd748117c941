"""排期: the visits of a draw placed on working days, and every later change of them, recorded.

Scheduling a draw is idempotent: only its enterprises not yet on a visit are placed, so it can be run again after
a team was completed or a day freed. The solver (``solver.py``) is pure; this module reads what it needs (the
draw's teams, the window, the teams' other visits and leave), stores what it decided and records every visit's
change beside the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import CheckMethod, Enterprise
from app.domain.draws.changes import effective_teams
from app.domain.draws.inputs import merged_into_other
from app.domain.draws.model import Draw, DrawStatus
from app.domain.draws.service import check_state, locate, sees_selection, task_of
from app.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.domain.followup.archive import ensure_open, ensure_visit_open
from app.domain.plans.initiated import quarter_bounds, quarter_of
from app.domain.plans.model import SamplingMode, Task
from app.domain.plans.visits import visit_items
from app.domain.ports import UnitOfWork
from app.domain.scheduling.calendar import WorkingDayCalendar, days
from app.domain.scheduling.model import (
    ACTIVE_VISIT_STATUSES,
    OCCUPYING_STATUSES,
    Leave,
    Visit,
    VisitChange,
    VisitChangeKind,
    VisitSource,
    VisitStatus,
)
from app.domain.scheduling.replan import replace_visit
from app.domain.scheduling.solver import REASON_TEXT, Booking, Demand, Placement, Unplaced, plan_visits

CST = timezone(timedelta(hours=8))
#: 书面检查, 网络监测, 非现场监管: completed without going on site.
OFF_SITE_METHODS = (CheckMethod.DOCUMENTARY, CheckMethod.ONLINE_MONITORING, CheckMethod.OFF_SITE)
TEAM_INCOMPLETE = "team_incomplete"
REASONS = {**REASON_TEXT, TEAM_INCOMPLETE: ("检查组人数不足（抽取未能配齐），须先补充指派人员",
                                            "the drawn team is incomplete; assign a member first")}


@dataclass(frozen=True, slots=True)
class ScheduleRules:
    """What re-planning needs: the calendar, today, the daily capacity (settings) and the lead days."""

    calendar: WorkingDayCalendar
    today: date
    capacity: int
    lead_days: int = 1


@dataclass(frozen=True, slots=True)
class UnplacedVisit:
    uscc: str
    enterprise_name: str
    reason: str
    message_zh: str
    message_en: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleOutcome:
    draw_id: str
    window_start: date
    window_end: date
    working_days: int
    created: list[Visit]
    merged: list[Visit]
    unplaced: list[UnplacedVisit]
    already_scheduled: int


def visit_not_found(visit_id: int) -> NotFound:
    return NotFound(f"检查安排 {visit_id} 不存在", f"visit {visit_id} not found", code="visit.not_found")


def snapshot(visit: Visit) -> dict[str, Any]:
    return {"id": visit.id, "uscc": visit.uscc, "day": visit.day.isoformat() if visit.day else None,
            "status": visit.status.value, "team": list(visit.team), "items": list(visit.items),
            "sources": [s.draw_id for s in visit.sources], "window": [visit.window_start.isoformat(),
                                                                      visit.window_end.isoformat()]}


def _location(enterprise: Enterprise | None) -> tuple[float, float] | None:
    if enterprise is None or enterprise.longitude is None or enterprise.latitude is None:
        return None
    return (enterprise.longitude, enterprise.latitude)


def draw_window(task: Task, draw: Draw, today: date, lead_days: int) -> tuple[date, date]:
    """Where the draw's visits may fall: the task window from ``lead_days`` after today; a draw of an annual-quota
    task (a number per quarter) inside its own quarter."""
    start = max(task.window_start, today + timedelta(days=lead_days))
    end = task.window_end
    if task.sampling.mode is SamplingMode.ANNUAL_QUOTA and draw.executed_at is not None:
        drawn_on = draw.executed_at.astimezone(CST).date()
        end = min(end, quarter_bounds(drawn_on.year, quarter_of(drawn_on))[1])
    return start, end


def working_days_between(calendar: WorkingDayCalendar, start: date, end: date) -> list[date]:
    return [day for day in days(start, end) if calendar.info(day).working] if start <= end else []


def leave_days(leave: Sequence[Leave], start: date, end: date) -> dict[str, frozenset[date]]:
    out: dict[str, set[date]] = {}
    for item in leave:
        first, last = max(item.from_date, start), min(item.to_date, end)
        out.setdefault(item.person_id, set()).update(days(first, last) if first <= last else ())
    return {person: frozenset(d) for person, d in out.items()}


def booking(visit: Visit, today: date) -> Booking:
    assert visit.day is not None
    return Booking(str(visit.id), visit.uscc, visit.day, visit.county_code, None, visit.window_start,
                   visit.window_end, visit.team, open=visit.status is VisitStatus.PLANNED and visit.day > today)


def require_unit(principal: Principal, department_code: str, *, write: bool) -> None:
    principal.require(Permission.SCHEDULE_WRITE if write else Permission.SCHEDULE_READ)
    principal.require_department(department_code)


def require_visit_access(principal: Principal, visit: Visit, *, write: bool) -> None:
    """The visit's units (every source's lead unit) manage it; its own team members may read it."""
    principal.require(Permission.SCHEDULE_WRITE if write else Permission.SCHEDULE_READ)
    for unit in dict.fromkeys(s.lead_department for s in visit.sources):
        try:
            principal.require_department(unit)
        except PermissionDenied:
            continue
        return
    raise PermissionDenied("只能查看和调整本单位任务的检查安排", "only the task's units manage its visits",
                           code="visit.foreign_unit")


async def schedule_draw(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, draw_id: str, *,
                        today: date, capacity: int, lead_days: int = 1, unannounced: bool = True) -> ScheduleOutcome:
    """Place the draw's enterprises not yet on a visit; merge into visits the enterprises already have."""
    principal.require(Permission.SCHEDULE_WRITE)
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        plan, task = await task_of(uow, draw)
        if not sees_selection(principal, task):
            raise PermissionDenied("只有参加该任务的单位可以排期", "only the task's units schedule its visits",
                                   code="visit.foreign_unit")
        check_state(draw, DrawStatus.EXECUTED, DrawStatus.REVEALED)
        await ensure_open(uow, [(plan.plan_no, task.task_no)])
        start, end = draw_window(task, draw, today, lead_days)
        if start > end:
            raise Conflict(f"任务检查时间窗（至 {end.isoformat()}）已过，无法排期", "the task window is over",
                           code="schedule.window_closed", details={"window_end": end.isoformat()})
        working = working_days_between(calendar, start, end)
        if not working:
            raise Conflict(f"检查时间窗 {start.isoformat()} 至 {end.isoformat()} 内已没有工作日",
                           "no working day left in the window", code="schedule.no_working_day",
                           details={"window_start": start.isoformat(), "window_end": end.isoformat()})
        raw = await uow.draws.bundle(draw_id)
        assert raw is not None
        bundle = json.loads(raw)
        teams = {t["uscc"]: t for t in effective_teams(bundle, draw.changes)}
        inputs = json.loads(await uow.draws.inputs(draw_id))
        joining = [uscc for uscc, reason in inputs.get("frame_excluded", []) if merged_into_other(reason)]
        done = await uow.visits.scheduled(draw_id)
        wanted = [row["uscc"] for row in bundle["selected"] if row["uscc"] not in done]
        wanted_joins = [uscc for uscc in joining if uscc not in done]
        enterprises = await uow.enterprises.current([*wanted, *wanted_joins])
        items = tuple(entry.code for entry in visit_items(task))
        methods = {code: item.method for code in items if (item := await uow.items.get(code)) is not None}
        off_site = bool(items) and all(methods.get(code) in OFF_SITE_METHODS for code in items)
        demands: list[Demand] = []
        unplaced: list[UnplacedVisit] = []
        for uscc in [*wanted, *wanted_joins]:
            enterprise = enterprises.get(uscc)
            team = teams.get(uscc)
            if team is not None and not team["complete"]:
                unplaced.append(_unplaced(uscc, enterprise, TEAM_INCOMPLETE))
                continue
            demands.append(Demand(draw_id, uscc, enterprise.county_code if enterprise else "", _location(enterprise),
                                  start, end, tuple(team["members"]) if team else (), items))
        people = sorted({p for d in demands for p in d.team})
        existing = {v.id: v for v in await uow.visits.busy(people, start, end)}
        existing.update({v.id: v for v in await uow.visits.of_enterprises([d.uscc for d in demands])})
        known = await uow.enterprises.current(sorted({v.uscc for v in existing.values()} - enterprises.keys()))
        bookings = [replace(booking(v, today), location=_location(enterprises.get(v.uscc) or known.get(v.uscc)))
                    for v in existing.values() if v.day is not None and v.status in OCCUPYING_STATUSES]
        leave = leave_days(await uow.leave.during(people, start, end), start, end)
        result = plan_visits(demands, bookings, working, leave, capacity)
        source = VisitSource(draw_id, plan.plan_no, task.task_no, task.lead_department)
        created, merged, changes = [], [], []
        for placement in result.placements:
            if placement.joins is None:
                created.append(_new_visit(placement, source, enterprises, task.lead_department, unannounced,
                                          principal.username, off_site))
            else:
                merged.append(_merge(existing[int(placement.joins)], placement, source, off_site))
        await uow.visits.add_many(created)
        await uow.visits.update_many(merged, new_sources=[(v.id or 0, draw_id) for v in merged])
        for visit in created:
            changes.append(VisitChange(visit.id or 0, VisitChangeKind.SCHEDULED, None, visit.day,
                                       f"按抽取结果 {draw_id} 排期", principal.username))
        for visit in merged:
            changes.append(VisitChange(visit.id or 0, VisitChangeKind.MERGED, visit.day, visit.day,
                                       f"抽取 {draw_id} 的检查事项与检查组并入本次检查（能合并的不得重复检查）",
                                       principal.username, detail={"draw_id": draw_id}))
        await uow.visits.add_changes(changes)
        for miss in result.unplaced:
            unplaced.extend(_unplaced(d.uscc, enterprises.get(d.uscc), miss.reason, miss.detail)
                            for d in miss.demands)
        outcome = ScheduleOutcome(draw_id, start, end, len(working), created, merged, unplaced, len(done))
        uow.audit.record(AuditEvent("schedule.draw", "draw", draw_id, None, {
            "window": [start.isoformat(), end.isoformat()], "capacity": capacity, "unannounced": unannounced,
            "created": len(created), "merged": len(merged), "unplaced": len(unplaced),
            "visit_ids": [v.id for v in created][:200], "merged_ids": [v.id for v in merged][:200],
            "unplaced_detail": [[u.uscc, u.reason] for u in unplaced][:200]}))
        await uow.commit()
    return outcome


def _unplaced(uscc: str, enterprise: Enterprise | None, reason: str, detail: str = "") -> UnplacedVisit:
    zh, en = REASONS.get(reason, (reason, reason))
    return UnplacedVisit(uscc, enterprise.name if enterprise else uscc, reason, zh, en, detail)


def _new_visit(placement: Placement, source: VisitSource, enterprises: dict[str, Enterprise], department: str,
               unannounced: bool, by: str, off_site: bool) -> Visit:
    enterprise = enterprises.get(placement.uscc)
    merged_only = not any(d.team for d in placement.demands)
    return Visit(None, placement.uscc, enterprise.name if enterprise else placement.uscc, placement.county_code,
                 placement.day, placement.window_start, placement.window_end, VisitStatus.PLANNED, placement.team,
                 placement.items, (replace(source, merged_only=merged_only),), department, unannounced,
                 off_site, placement.order, created_by=by)


def _merge(visit: Visit, placement: Placement, source: VisitSource, off_site: bool) -> Visit:
    merged_only = not any(d.team for d in placement.demands)
    visit.off_site = visit.off_site and off_site
    visit.team = tuple(dict.fromkeys((*visit.team, *placement.team)))
    visit.items = tuple(dict.fromkeys((*visit.items, *placement.items)))
    visit.sources = (*visit.sources, replace(source, merged_only=merged_only))
    visit.window_start = max(visit.window_start, placement.window_start)
    visit.window_end = min(visit.window_end, placement.window_end)
    return visit


# -- re-planning ---------------------------------------------------------------------------------------------------

async def _load_active(uow: UnitOfWork, visit_id: int, principal: Principal | None = None) -> Visit:
    """A visit that can still be changed; with ``principal``, one of the visit's units (checked before its state, so
    that others learn nothing about it)."""
    visit = await uow.visits.get(visit_id, for_update=True)
    if visit is None:
        raise visit_not_found(visit_id)
    if principal is not None:
        require_visit_access(principal, visit, write=True)
    if visit.status not in ACTIVE_VISIT_STATUSES:
        raise Conflict(f"该检查安排已{visit.status.label}，不能再调整", f"the visit is {visit.status.value}",
                       code="visit.state_invalid", details={"visit_status": visit.status.value})
    await ensure_visit_open(uow, visit)
    return visit


def _started(visit: Visit, today: date) -> bool:
    return visit.day is not None and visit.day <= today


async def _place_one(uow: UnitOfWork, calendar: WorkingDayCalendar, visit: Visit, *, today: date, capacity: int,
                     lead_days: int, by: str, avoid: frozenset[date] = frozenset(),
                     extra_leave: Sequence[Leave] = ()) -> tuple[date | None, Unplaced | None]:
    """A new day for one visit: every other visit stays where it is when a day fits; otherwise at most one other
    visit not yet started moves to free a day (recorded on that visit)."""
    start, end = max(visit.window_start, today + timedelta(days=lead_days)), visit.window_end
    # The visit moves as itself: it joins no other visit of the enterprise, and avoids their days.
    same = [v for v in await uow.visits.of_enterprises([visit.uscc]) if v.id != visit.id and v.day is not None]
    avoid = avoid | {v.day for v in same if v.day is not None}
    others = {v.id: v for v in await uow.visits.busy(list(visit.team), start, end) if v.id != visit.id}
    people = sorted({p for v in others.values() for p in v.team} | set(visit.team))
    horizon = max([end, *(v.window_end for v in others.values())])
    leave = leave_days([*await uow.leave.during(people, start, horizon), *extra_leave], start, horizon)
    bookings = [booking(v, today) for v in others.values() if v.day is not None]
    demand = Demand(f"visit:{visit.id}", visit.uscc, visit.county_code, None, start, end, visit.team, visit.items)
    every_day = working_days_between(calendar, today + timedelta(days=lead_days), horizon)
    found = replace_visit(demand, bookings, every_day, leave, capacity, avoid=frozenset(avoid))
    if found.day is None:
        return None, found.miss
    if found.moved is not None and found.moved_to is not None:
        other = others[int(found.moved.visit_id)]
        before = other.day
        other.day = found.moved_to
        await uow.visits.update_many([other])
        await uow.visits.add_changes([VisitChange(other.id or 0, VisitChangeKind.MOVED, before, other.day,
                                                  f"为安排检查 {visit.id} 让出 {found.day} 的名额，顺延改期", by)])
    return found.day, None


async def reschedule(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, visit_id: int, *,
                     reason: str, day: date | None, today: date, capacity: int, lead_days: int = 1) -> Visit:
    """Move a visit that has not started: to the given day (checked like the solver would), or to the best other
    day the solver finds (the current day avoided). Other visits stay where they are."""
    async with uow:
        visit = await _load_active(uow, visit_id, principal)
        if _started(visit, today):
            raise Conflict("检查已开始（检查日不晚于今天），不能改期", "the visit has started", code="visit.started")
        before = snapshot(visit)
        if day is not None:
            await _check_day(uow, calendar, visit, day, today=today, capacity=capacity)
            new_day: date | None = day
        else:
            avoid = frozenset({visit.day}) if visit.day else frozenset()
            new_day, miss = await _place_one(uow, calendar, visit, today=today, capacity=capacity,
                                             lead_days=lead_days, by=principal.username, avoid=avoid)
            if new_day is None:
                zh, en = REASONS.get(miss.reason if miss else "", ("检查时间窗内没有可安排的工作日", "no day fits"))
                raise Conflict(f"无法改期：{zh}", f"cannot move the visit: {en}", code="visit.no_day",
                               details={"reason": miss.reason if miss else "", "detail": miss.detail if miss else ""})
        old_day = visit.day
        visit.day, visit.status = new_day, VisitStatus.PLANNED
        await uow.visits.update_many([visit])
        await uow.visits.add_changes([VisitChange(visit_id, VisitChangeKind.MOVED, old_day, new_day, reason,
                                                  principal.username)])
        uow.audit.record(AuditEvent("visit.reschedule", "visit", str(visit_id), before,
                                    {**snapshot(visit), "reason": reason}))
        await uow.commit()
    return visit


async def _check_day(uow: UnitOfWork, calendar: WorkingDayCalendar, visit: Visit, day: date, *, today: date,
                     capacity: int) -> None:
    def refuse(zh: str, en: str, code: str) -> Conflict:
        return Conflict(zh, en, code=code, details={"day": day.isoformat()})

    if day <= today:
        raise InvalidInput("只能改到今天以后的日期", "the new day must be after today", code="visit.day_past",
                           details={"field": "day"})
    if not visit.window_start <= day <= visit.window_end:
        raise refuse(f"该日期不在检查时间窗（{visit.window_start} 至 {visit.window_end}）内",
                     "the day is outside the window", "visit.day_outside_window")
    if not calendar.info(day).working:
        raise refuse("该日期不是工作日", "the day is not a working day", "visit.day_not_working")
    away = sorted({item.person_id for item in await uow.leave.during(list(visit.team), day, day)})
    if away:
        raise refuse(f"检查组成员 {'、'.join(away)} 当天请假", "a member is on leave that day", "visit.member_on_leave")
    others = [v for v in await uow.visits.busy(list(visit.team), day, day) if v.id != visit.id]
    full = sorted(p for p in visit.team if sum(p in v.team for v in others) >= capacity)
    if full:
        raise refuse(f"检查组成员 {'、'.join(full)} 当天检查量已满（每日最多 {capacity} 家）",
                     "a member is fully booked that day", "visit.member_full")
    if any(v.uscc == visit.uscc and v.day == day for v in await uow.visits.of_enterprises([visit.uscc])
           if v.id != visit.id):
        raise refuse("该企业当天已有其他检查", "the enterprise has another visit that day", "visit.enterprise_busy")


async def cancel(uow: UnitOfWork, principal: Principal, visit_id: int, *, reason: str, today: date) -> Visit:
    """The visit will not take place (e.g. the enterprise closed down); its sources stay recorded."""
    async with uow:
        visit = await _load_active(uow, visit_id, principal)
        if visit.day is not None and visit.day < today:
            raise Conflict("检查日已过，不能取消；请录入检查结果", "the visit day is past", code="visit.started")
        before = snapshot(visit)
        visit.status = VisitStatus.CANCELLED
        await uow.visits.update_many([visit])
        await uow.visits.add_changes([VisitChange(visit_id, VisitChangeKind.CANCELLED, visit.day, None, reason,
                                                  principal.username)])
        uow.audit.record(AuditEvent("visit.cancel", "visit", str(visit_id), before,
                                    {**snapshot(visit), "reason": reason}))
        await uow.commit()
    return visit


@dataclass(frozen=True, slots=True)
class Replanned:
    visit_id: int
    from_day: date | None
    to_day: date | None
    reason: str = ""


async def replan_for_leave(uow: UnitOfWork, calendar: WorkingDayCalendar, leave: Leave, *, today: date,
                           capacity: int, by: str, lead_days: int = 1) -> list[Replanned]:
    """Inside the leave's transaction: the absent inspector's visits in the period move to another day their
    whole team can go; a visit no day fits waits unplaced (replace the member, or move it by hand). Only these
    visits change."""
    affected = [v for v in await uow.visits.busy([leave.person_id], leave.from_date, leave.to_date)
                if v.status is VisitStatus.PLANNED]
    started = [v for v in affected if _started(v, today)]
    if started:
        raise Conflict(f"请假期间有已开始的检查（{started[0].day}，检查安排 {started[0].id}），请先办理检查组人员调整",
                       "the leave overlaps a visit that has started", code="leave.visit_started",
                       details={"visit_id": started[0].id})
    out: list[Replanned] = []
    for visit in sorted(affected, key=lambda v: (v.day or date.max, v.id or 0)):
        new_day, miss = await _place_one(uow, calendar, visit, today=today, capacity=capacity, lead_days=lead_days, by=by,
                                         extra_leave=[leave])
        old_day = visit.day
        if new_day is not None:
            visit.day = new_day
            change = VisitChange(visit.id or 0, VisitChangeKind.MOVED, old_day, new_day,
                                 f"检查组成员 {leave.person_id} 请假（{leave.reason}），自动改期", by)
        else:
            visit.day, visit.status = None, VisitStatus.UNPLACED
            zh = REASONS.get(miss.reason, ("", ""))[0] if miss else ""
            change = VisitChange(visit.id or 0, VisitChangeKind.UNPLACED, old_day, None,
                                 f"检查组成员 {leave.person_id} 请假（{leave.reason}），{zh}；请更换检查人员或手动改期",
                                 by, detail={"reason": miss.reason if miss else ""})
        await uow.visits.update_many([visit])
        await uow.visits.add_changes([change])
        out.append(Replanned(visit.id or 0, old_day, visit.day, change.reason))
    return out


async def apply_team_change(uow: UnitOfWork, rules: ScheduleRules | None, draw_id: str, uscc: str,
                            removed: str | None, added: str, *, by: str) -> Visit | None:
    """Inside a draw amendment's transaction: the enterprise's visit gets the changed team; if the new member
    cannot go that day the visit is re-planned (only this visit moves; without ``rules`` it is only flagged)."""
    today = rules.today if rules else uow.now.astimezone(CST).date()
    visit = next((v for v in await uow.visits.find(uscc=uscc, draw_id=draw_id) if v.status in ACTIVE_VISIT_STATUSES),
                 None)
    if visit is None or _started(visit, today):
        return None
    team = [added if p == removed else p for p in visit.team]
    if added not in team:
        team.append(added)
    visit.team = tuple(dict.fromkeys(team))
    changes = [VisitChange(visit.id or 0, VisitChangeKind.TEAM_CHANGED, visit.day, visit.day,
                           f"抽取 {draw_id} 调整检查组：{removed or '—'} → {added}", by,
                           detail={"removed": removed, "added": added})]
    if rules is not None and (visit.day is None or not await _free(uow, visit, added, visit.day, rules.capacity)):
        new_day, _miss = await _place_one(uow, rules.calendar, visit, today=today, capacity=rules.capacity, by=by,
                                          lead_days=rules.lead_days)
        if new_day != visit.day:
            changes.append(VisitChange(visit.id or 0, VisitChangeKind.MOVED if new_day else VisitChangeKind.UNPLACED,
                                       visit.day, new_day, "检查组调整后新成员当天不可用，重新排期", by))
            visit.day = new_day
            visit.status = VisitStatus.PLANNED if new_day else VisitStatus.UNPLACED
    await uow.visits.update_many([visit])
    await uow.visits.add_changes(changes)
    return visit


async def _free(uow: UnitOfWork, visit: Visit, person_id: str, day: date, capacity: int) -> bool:
    if await uow.leave.during([person_id], day, day):
        return False
    others = [v for v in await uow.visits.busy([person_id], day, day) if v.id != visit.id]
    return len(others) < capacity


# -- reading -------------------------------------------------------------------------------------------------------

async def get_visit(uow: UnitOfWork, principal: Principal, visit_id: int) -> tuple[Visit, list[VisitChange]]:
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise visit_not_found(visit_id)
        if principal.person_id is None or principal.person_id not in visit.team:
            require_visit_access(principal, visit, write=False)
        return visit, await uow.visits.changes(visit_id)


async def list_visits(uow: UnitOfWork, principal: Principal, *, department: str | None, person_id: str | None,
                      draw_id: str | None, start: date | None, end: date | None, status: VisitStatus | None,
                      county_code: str | None, limit: int, after_id: int | None) -> list[Visit]:
    principal.require(Permission.SCHEDULE_READ)
    if department is not None:
        principal.require_department(department)
    elif not principal.can(Permission.PLANS_APPROVE) and principal.department_code is not None:
        department = principal.department_code
    async with uow:
        return await uow.visits.find(departments=[department] if department else None, person_id=person_id,
                                     draw_id=draw_id, start=start, end=end, statuses=[status] if status else None,
                                     county_code=county_code, limit=limit, after_id=after_id)


async def my_visits(uow: UnitOfWork, principal: Principal, day: date) -> list[Visit]:
    """The calling inspector's visits of one day, in route order."""
    if principal.person_id is None:
        raise PermissionDenied("当前账号未关联执法人员，无法查看个人检查安排", "the account is not an inspector's",
                               code="me.not_inspector")
    async with uow:
        visits = await uow.visits.find(person_id=principal.person_id, start=day, end=day,
                                       statuses=[VisitStatus.PLANNED])
    return sorted(visits, key=lambda v: (v.route_order, v.id or 0))


@dataclass(frozen=True, slots=True)
class MobileItem:
    code: str
    name: str
    method: str
    legal_basis: str


@dataclass(frozen=True, slots=True)
class MobileMember:
    person_id: str
    name: str
    department_code: str
    leader: bool


@dataclass(frozen=True, slots=True)
class MobileVisit:
    """One visit as the inspector's phone shows it: enterprise, address, items, team – nothing more."""

    visit: Visit
    address: str | None
    location: tuple[float, float] | None
    items: list[MobileItem]
    team: list[MobileMember]


async def my_day(uow: UnitOfWork, principal: Principal, day: date) -> list[MobileVisit]:
    """The calling inspector's visits of one day, in route order, with what the phone needs."""
    visits = await my_visits(uow, principal, day)
    out = []
    async with uow:
        enterprises = await uow.enterprises.current([v.uscc for v in visits])
        names: dict[str, MobileMember] = {}
        items: dict[str, MobileItem] = {}
        for visit in visits:
            for person_id in visit.team:
                if person_id not in names:
                    inspector = await uow.inspectors.get(person_id, include_deleted=True)
                    names[person_id] = MobileMember(person_id, inspector.name if inspector else person_id,
                                                    inspector.department_code if inspector else "", False)
            for code in visit.items:
                if code not in items:
                    item = await uow.items.get(code)
                    items[code] = MobileItem(code, item.name if item else code, item.method.label if item else "",
                                             item.legal_basis if item else "")
            enterprise = enterprises.get(visit.uscc)
            out.append(MobileVisit(
                visit, enterprise.address if enterprise else None, _location(enterprise),
                [items[c] for c in visit.items],
                [replace(names[p], leader=i == 0) for i, p in enumerate(visit.team)]))
    return out
