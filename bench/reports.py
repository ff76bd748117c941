"""Benchmark: the monthly report (bureau and unit), the quarterly figures and the monthly XLSX over a year of activity.

Set-up (not measured), in a fresh schema (PostgreSQL) or file (SQLite) dropped afterwards: N demo enterprises (the
bulk path), the demo inspectors, the 2026 plan and the quarter quotas of ZF1/ZF2/ZF3; then, month by month (February
to December: the windows of the 2026 tasks open on 1 February, so no draw – and no visit – can be in January), a
real draw of each unit's task through the draw service (prepare → seed → execute, as bench/draw_service.py does),
visits of the drawn enterprises with the drawn teams, check-ins (most checked out, some late registrations), some
off-site visits, findings (four items per visit, some non-compliant with general or major hazards), results (most
published, some late), rectification orders (some rectified, some overdue), a few case transfers and credit
sanctions. Everything is written through the repositories (``uow.visits.add_many``, ``uow.onsite.add_check_in``,
``save_finding``, ``add_result``, ``uow.followup.add_order`` …), one unit of work per working day with the clock
set to that day, so the recorded timestamps (entered, created) fall in the right month.

Then, best of 3: (1) the bureau's monthly report of the busiest month, (2) one unit's monthly report of that month,
(3) the unit's quarterly figures (``quarter_figures``, the three months added up, as drafting a summary does),
(4) ``monthly_xlsx`` of the bureau's month. A step over 2 s is profiled (cProfile, top 15 by cumulative time).

    .venv/bin/python -m bench.reports --backend postgresql --enterprises 50000 --visits 5000 --findings 20000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import math
import pstats
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime
from typing import Any

from app.adapters.calendar import ChineseWorkingDays
from app.adapters.db.repositories.audit import Actor
from app.adapters.exports import monthly_xlsx
from app.cli import PLAN_DOCUMENT
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.directories.demo import generate_enterprises, generate_inspectors
from app.domain.directories.model import Enterprise
from app.domain.directories.snapshots import prepare_enterprise
from app.domain.draws import engine
from app.domain.draws import service as draws
from app.domain.draws.model import SeedKind
from app.domain.followup.model import (
    CaseTransfer,
    CreditSanction,
    OrderItem,
    OrderStatus,
    RectificationOrder,
    SanctionStatus,
    TransferKind,
    TransferStatus,
)
from app.domain.onsite.model import (
    CheckIn,
    CheckInMethod,
    Finding,
    FindingOutcome,
    Hazard,
    HazardLevel,
    InspectionResult,
    ResultStatus,
    ResultType,
)
from app.domain.plans.model import QuarterQuota, Task
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import load_seed, set_quota
from app.domain.reports.monthly import MonthlyReport, monthly
from app.domain.reports.quarterly import quarter_figures
from app.domain.runtime import paused_gc
from app.domain.scheduling.calendar import CalendarNotCovered
from app.domain.scheduling.model import Visit, VisitSource, VisitStatus
from bench.common import fresh_container

YEAR = 2026
CST = timezone(timedelta(hours=8))
TARGET_S = 2.0
#: The three enforcement units, their task of the 2026 plan and their share of the visits.
UNITS = {"ZF1": ("2026001", "001号", 0.25), "ZF2": ("2026002", "002号", 0.30), "ZF3": ("2026003", "003号", 0.45)}
#: Relative activity of the months (the Spring Festival in February, a campaign in June, the year-end push).
MONTH_WEIGHTS = {2: 0.5, 3: 0.9, 4: 1.0, 5: 1.1, 6: 1.5, 7: 0.9, 8: 0.8, 9: 1.1, 10: 0.8, 11: 1.2, 12: 1.0}
OFF_SITE_SHARE = 0.05
IN_PROGRESS_SHARE = 0.01
LATE_SHARE = 0.04
NON_COMPLIANT_SHARE = 0.12
MAJOR_SHARE = 0.08
PUBLISHED_SHARE = 0.88
LATE_PUBLICATION_SHARE = 0.08
CORRECTED_ON_SITE_SHARE = 0.3
TRANSFER_SHARE = 0.25
SANCTION_SHARE = 0.15


class _Clock:
    """The clock of the set-up: each unit of work records the moment it is given."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.astimezone(CST).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), CST).astimezone(UTC)


@dataclass
class Loaded:
    enterprises: int = 0
    draws: int = 0
    drawn: int = 0
    visits: int = 0
    check_ins: int = 0
    late: int = 0
    off_site: int = 0
    findings: int = 0
    hazards: Counter[str] = field(default_factory=Counter)
    results: Counter[str] = field(default_factory=Counter)
    orders: Counter[str] = field(default_factory=Counter)
    transfers: int = 0
    sanctions: int = 0
    #: Check-ins (or off-site visits) per month and unit.
    per_month: Counter[tuple[int, str]] = field(default_factory=Counter)


class Year:
    """A year of activity, written through the service (draws) and the repositories (everything else)."""

    def __init__(self, container: Container, clock: _Clock, rnd: random.Random, calendar: ChineseWorkingDays) -> None:
        self.container, self.clock, self.rnd, self.calendar = container, clock, rnd, calendar
        self.who = system_principal("bench")
        self.loaded = Loaded()
        self.names: dict[str, Enterprise] = {}
        self.tasks: dict[str, Task] = {}
        self.planned: dict[tuple[int, str], int] = {}

    def uow(self):  # type: ignore[no-untyped-def]
        return self.container.uow(Actor("bench", "system", None))

    # -- calendar -----------------------------------------------------------------------------------------------

    def working(self, day: date) -> bool:
        try:
            return self.calendar.info(day).working
        except CalendarNotCovered:  # 2027: no holiday data yet, weekdays then
            return day.weekday() < 5

    def after_working_days(self, day: date, count: int) -> date:
        left = count
        while left > 0:
            day += timedelta(days=1)
            left -= self.working(day)
        return day

    def working_days(self, start: date, end: date) -> list[date]:
        return [start + timedelta(days=n) for n in range((end - start).days + 1)
                if self.working(start + timedelta(days=n))]

    # -- directory, plan, quotas --------------------------------------------------------------------------------

    async def directory(self, count: int, visits: int) -> None:
        batch: list[Any] = []
        with paused_gc():
            for enterprise in generate_enterprises(count):
                self.names[enterprise.uscc] = enterprise
                batch.append(prepare_enterprise(enterprise))
                if len(batch) == 25_000:
                    await self._write(batch)
                    batch = []
            if batch:
                await self._write(batch)
        self.loaded.enterprises = count
        self.clock.moment = at(date(YEAR, 1, 5), 9)
        async with self.uow() as u:
            for inspector in generate_inspectors(today=date(YEAR, 1, 1), per_unit=40):
                inspector.cert_expiry = date(YEAR + 1, 12, 31)
                await u.inspectors.add(inspector)
            await u.commit()
        plans = parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8"))
        await load_seed(self.uow(), plans)
        self.tasks = {plan.plan_no: plan.tasks[0] for plan in plans}
        self.planned = self.allocation(visits)
        for unit, quarter in ((u, q) for u in UNITS for q in (1, 2, 3, 4)):
            need = max((self.planned.get((m, unit), 0) for m in range(3 * quarter - 2, 3 * quarter + 1)), default=0)
            await set_quota(self.uow(), self.who, QuarterQuota(YEAR, quarter, unit, max(need, 1)))

    async def _write(self, batch: list[Any]) -> None:
        async with self.uow() as u:
            await u.enterprises.bulk_write(batch, [], changed_by="bench", at=u.now)
            await u.commit()

    @staticmethod
    def allocation(visits: int) -> dict[tuple[int, str], int]:
        """The visits of each unit's month: its share of the year spread by the months' weights (largest
        remainders, so they add up to ``visits`` exactly)."""
        total = sum(MONTH_WEIGHTS.values())
        exact = {(m, u): visits * share * w / total for m, w in MONTH_WEIGHTS.items() for u, (*_, share) in UNITS.items()}
        counts = {k: math.floor(v) for k, v in exact.items()}
        for k in sorted(exact, key=lambda k: counts[k] - exact[k])[:visits - sum(counts.values())]:
            counts[k] += 1
        return counts

    # -- a month ------------------------------------------------------------------------------------------------

    async def month(self, month: int, findings_per_visit: float) -> None:
        end = (date(YEAR + 1, 1, 1) if month == 12 else date(YEAR, month + 1, 1)) - timedelta(days=1)
        days = self.working_days(date(YEAR, month, 2), end)
        draw_day, visit_days = days[0], days[1:]
        planned: list[Visit] = []
        for unit, (plan_no, task_no, _share) in UNITS.items():
            self.clock.moment = at(draw_day, 9)
            draw = await draws.prepare(self.uow(), self.who, plan_no, task_no, today=draw_day, salt=engine.new_salt())
            seed = "".join(self.rnd.choice("0123456789") for _ in range(26))
            self.clock.moment = at(draw_day, 9, 30)
            await draws.enter_seed(self.uow(), self.who, draw.draw_id, seed=seed, witnesses=["纪检 张某", "企业代表 李某"],
                                   kind=SeedKind.PUBLIC_CEREMONY, now=self.clock.now(), allow_system=False)
            self.clock.moment = at(draw_day, 10)
            done = await draws.execute(self.uow(), self.who, draw.draw_id)
            assert done.outcome is not None
            self.loaded.draws += 1
            self.loaded.drawn += len(done.outcome["selected"])
            teams = {uscc: tuple(members) for uscc, members in done.outcome["teams"]}
            task = self.tasks[plan_no]
            source = VisitSource(done.draw_id, plan_no, task_no, unit)
            chosen = done.outcome["selected"][:self.planned[(month, unit)]]
            for uscc in chosen:
                e = self.names[uscc]
                off_site = self.rnd.random() < OFF_SITE_SHARE
                planned.append(Visit(None, uscc, e.name, e.county_code, self.rnd.choice(visit_days), draw_day, end,
                                     VisitStatus.COMPLETED, teams.get(uscc, ()), task.items.get(unit, ()), (source,),
                                     unit, off_site=off_site, created_by="bench"))
        # A few visits of the month's last days are still in progress (checked in, not out, no result yet).
        last = [v for v in planned if v.day and v.day >= visit_days[-3] and not v.off_site]
        for visit in last[:round(IN_PROGRESS_SHARE * len(planned))]:
            visit.status = VisitStatus.IN_PROGRESS
        self.clock.moment = at(draw_day, 16)
        async with self.uow() as u:
            await u.visits.add_many(planned)
            await u.commit()
        self.loaded.visits += len(planned)
        for day in visit_days:
            todays = [v for v in planned if v.day == day]
            if todays:
                self.clock.moment = at(day, 18)
                async with self.uow() as u:
                    for visit in todays:
                        await self.inspect(u, visit, findings_per_visit)
                    await u.commit()

    async def inspect(self, u: Any, visit: Visit, findings_per_visit: float) -> None:
        """Check-in (on site), findings with hazards, the result and its follow-up of one visit."""
        assert visit.id is not None
        assert visit.day is not None
        rnd, loaded, leader = self.rnd, self.loaded, visit.team[0] if visit.team else "bench"
        late = False
        ended = visit.day
        if not visit.off_site:
            late = rnd.random() < LATE_SHARE
            out = visit.status is VisitStatus.COMPLETED
            await u.onsite.add_check_in(CheckIn(
                None, visit.id, leader, CheckInMethod.ENTERPRISE_CODE, "bench", "Ed25519", at(visit.day, 9, 30), None,
                None, None, None, None, late, "现场无网络，事后补录" if late else None, None, uuid.uuid4().hex,
                uuid.uuid4().hex, at(visit.day, 11, 30) if out else None, leader if out else None))
            loaded.check_ins += 1
            loaded.late += late
        else:
            loaded.off_site += 1
        loaded.per_month[(visit.day.month, visit.department_code)] += 1
        count = min(len(visit.items), int(findings_per_visit) + (rnd.random() < findings_per_visit % 1))
        hazards: list[Hazard] = []
        problems: list[OrderItem] = []
        for code in visit.items[:count]:
            finding = Finding(None, visit.id, code, FindingOutcome.COMPLIANT, "", leader, visit.off_site)
            if rnd.random() < NON_COMPLIANT_SHARE:
                finding.outcome = FindingOutcome.NON_COMPLIANT
                for n in range(1 + (rnd.random() < 0.2)):
                    level = HazardLevel.MAJOR if rnd.random() < MAJOR_SHARE else HazardLevel.GENERAL
                    finding.hazards.append(Hazard(None, level, f"{code} 隐患 {n + 1}", "生产车间", "《安全生产法》第四十一条"))
                    problems.append(OrderItem(code, f"{code} 隐患 {n + 1}", "《安全生产法》第四十一条",
                                              level is HazardLevel.MAJOR))
                hazards += finding.hazards
            await u.onsite.save_finding(finding)
            loaded.findings += 1
        loaded.hazards.update(h.level.value for h in hazards)
        if visit.status is VisitStatus.COMPLETED:
            await self.result(u, visit, ended, late, hazards, problems)

    async def result(self, u: Any, visit: Visit, ended: date, late: bool, hazards: list[Hazard],
                     problems: list[OrderItem]) -> None:
        rnd, source = self.rnd, visit.sources[0]
        major = sum(h.level is HazardLevel.MAJOR for h in hazards)
        pending = bool(hazards) and (major > 0 or rnd.random() > CORRECTED_ON_SITE_SHARE)
        types = ((ResultType.PROBLEM_PENDING,) if pending else (ResultType.PROBLEM_CORRECTED,)) if hazards \
            else (ResultType.NO_PROBLEM,)
        result = InspectionResult(
            None, visit.id or 0, source.draw_id, source.plan_no, source.task_no, visit.uscc, visit.enterprise_name,
            visit.department_code, types, "检查结果", ResultStatus.ENTERED, visit.team[0] if visit.team else "bench",
            ended, late_registration=late, hazard_count=len(hazards), major_hazard_count=major)
        if rnd.random() < PUBLISHED_SHARE:
            days = rnd.randint(21, 40) if rnd.random() < LATE_PUBLICATION_SHARE else rnd.randint(3, 18)
            published = self.after_working_days(ended, days)
            reviewed = self.after_working_days(ended, max(1, days - 2))
            result.status = ResultStatus.PUBLISHED
            result.reviewed_by, result.reviewed_at = "bench-reviewer", at(reviewed, 15)
            result.published_by, result.published_at = "bench-reviewer", at(published, 16)
        elif rnd.random() < 0.5:
            result.status = ResultStatus.REVIEWED
            result.reviewed_by, result.reviewed_at = "bench-reviewer", at(self.after_working_days(ended, 2), 15)
        result.handling = "order_correction" if pending else None
        await u.onsite.add_result(result)
        self.loaded.results[result.status.value] += 1
        if not pending:
            return
        await self.follow_up(u, visit, result, ended, major, problems)

    async def follow_up(self, u: Any, visit: Visit, result: InspectionResult, ended: date, major: int,
                        problems: list[OrderItem]) -> None:
        rnd, unit = self.rnd, visit.department_code
        deadline = self.after_working_days(ended, 30 if major else 15)
        order = RectificationOrder(None, result.id or 0, visit.id or 0, visit.uscc, visit.enterprise_name, unit,
                                   tuple(problems), ended, deadline, "15 个工作日" if not major else "30 个工作日",
                                   OrderStatus.ISSUED, result.entered_by)
        roll = rnd.random()
        if roll < 0.65:  # rectified: reported in time and re-inspected within 10 days
            order.status, order.report = OrderStatus.RECTIFIED, "已按要求整改"
            order.reported_on = deadline - timedelta(days=rnd.randint(0, 8))
            order.reinspected_on = order.reported_on + timedelta(days=rnd.randint(1, 10))
            order.reinspectors, order.reinspection_opinion = visit.team[:2], "整改到位"
        elif roll < 0.80:  # reported, awaiting the re-inspection
            order.status, order.report = OrderStatus.REPORTED, "已整改，申请复查"
            order.reported_on = deadline - timedelta(days=rnd.randint(0, 5))
        elif roll < 0.85:  # re-inspected, not rectified: escalated
            order.status, order.reported_on = OrderStatus.NOT_RECTIFIED, deadline
            order.reinspected_on, order.reinspectors = deadline + timedelta(days=5), visit.team[:2]
            order.reinspection_opinion, order.escalation = "未整改到位", "立案查处"
        # else: issued, nothing reported – overdue once the deadline has passed
        await u.followup.add_order(order)
        self.loaded.orders[order.status.value] += 1
        if major and rnd.random() < TRANSFER_SHARE:
            added = await u.followup.add_transfer(CaseTransfer(
                None, result.id or 0, visit.uscc, visit.enterprise_name, unit, TransferKind.CASE_FILING, "法制科",
                "重大事故隐患，移送立案查处", TransferStatus.SENT, result.entered_by))
            self.loaded.transfers += added
        if major and rnd.random() < SANCTION_SHARE:
            enterprise = self.names[visit.uscc]
            decided = self.after_working_days(ended, 10)
            await u.followup.add_sanction(CreditSanction(
                None, visit.uscc, visit.enterprise_name, enterprise.credit_class.value if enterprise.credit_class
                else None, "D", "存在重大事故隐患", {"results": [result.id]}, decided, SanctionStatus.APPROVED,
                result.entered_by, decided_by="bench-supervisor", decided_at=at(decided, 17), decision_note="同意"))
            self.loaded.sanctions += 1


# -- measuring -------------------------------------------------------------------------------------------------------

async def best_of(runs: int, step: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(runs):
        started = time.perf_counter()
        value = await step()
        best = min(best, time.perf_counter() - started)
    return best, value


async def profiled(name: str, step: Callable[[], Awaitable[Any]]) -> str:
    profile = cProfile.Profile()
    profile.enable()
    await step()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(15)
    return f"--- 剖析 / profile: {name} (top 15, cumulative) ---\n{out.getvalue().strip()}"


def figures_line(report: MonthlyReport) -> str:
    keys = ("tasks_launched", "enterprises_drawn", "enterprises_visited", "hazards_general", "hazards_major",
            "rectified", "rectification_overdue", "cases_transferred", "credit_sanctions", "results_published",
            "results_on_time", "results_timeliness_unknown", "joint_inspections", "off_site", "late_registrations")
    return ", ".join(f"{k} {report.figure(k).value:,}" for k in keys)


def quarter_line(totals: dict[str, Any]) -> str:
    keys = ("tasks_launched", "enterprises_drawn", "enterprises_visited", "hazards_general", "hazards_major",
            "rectified", "results_published", "results_on_time")
    return ", ".join(f"{k} {totals[k]['value']:,}" for k in keys)


def verdict(seconds: float) -> str:
    return "达标 / met" if seconds < TARGET_S else "未达标 / NOT met"


async def run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    calendar = ChineseWorkingDays()
    async with fresh_container(args.backend) as container:
        clock = _Clock(at(date(YEAR, 1, 5), 9))
        container.clock = clock  # type: ignore[assignment]
        year = Year(container, clock, random.Random(args.seed), calendar)
        await year.directory(args.enterprises, args.visits)
        per_visit = args.findings / args.visits if args.visits else 0.0
        for month in MONTH_WEIGHTS:
            await year.month(month, per_visit)
        loaded = year.loaded
        setup = time.perf_counter() - started
        busy = max(MONTH_WEIGHTS, key=lambda m: sum(n for (mm, _u), n in loaded.per_month.items() if mm == m))
        unit = max(UNITS, key=lambda u: loaded.per_month[(busy, u)])
        quarter = (busy - 1) // 3 + 1
        clock.moment = datetime.now(UTC)
        print(f"[{args.backend}] 准备 / set-up: {loaded.enterprises:,} 家企业 / enterprises, {loaded.draws} 次抽取 / "
              f"draws ({loaded.drawn:,} 家抽中 / drawn), {loaded.visits:,} 次检查 / visits ({loaded.check_ins:,} 次签到 / "
              f"check-ins, {loaded.late:,} 补录 / late, {loaded.off_site:,} 非现场 / off site), {loaded.findings:,} "
              f"条检查记录 / findings, 隐患 / hazards {dict(loaded.hazards)}, 结果 / results {dict(loaded.results)}, "
              f"整改指令 / orders {dict(loaded.orders)}, {loaded.transfers} 移送 / transfers, {loaded.sanctions} "
              f"信用惩戒 / sanctions; {setup:.0f} s（不计入测量 / not measured）", flush=True)

        who = system_principal("bench")

        def uow():  # type: ignore[no-untyped-def]
            return container.uow(Actor("bench", "system", None))

        def bureau() -> Awaitable[MonthlyReport]:
            return monthly(uow(), who, calendar, year=YEAR, month=busy, department=None)

        def unit_month() -> Awaitable[MonthlyReport]:
            return monthly(uow(), who, calendar, year=YEAR, month=busy, department=unit)

        def quarterly() -> Awaitable[dict[str, Any]]:
            return quarter_figures(uow(), who, calendar, YEAR, quarter, unit)

        t_bureau, report = await best_of(3, bureau)
        t_unit, unit_report = await best_of(3, unit_month)
        t_quarter, totals = await best_of(3, quarterly)

        async def xlsx() -> bytes:
            return monthly_xlsx(report)

        t_xlsx, data = await best_of(3, xlsx)
        slow = [(name, step) for name, step, seconds in (
            (f"monthly bureau {YEAR}-{busy:02d}", bureau, t_bureau), (f"monthly {unit} {YEAR}-{busy:02d}", unit_month,
                                                                        t_unit),
            (f"quarter_figures {unit} {YEAR}Q{quarter}", quarterly, t_quarter), ("monthly_xlsx", xlsx, t_xlsx))
            if seconds > TARGET_S]
        profiles = [await profiled(name, step) for name, step in slow]

    print(f"  全局月报 {YEAR} 年 {busy} 月 / bureau's month: {figures_line(report)}")
    print(f"  单位月报 {unit} / the unit's month: {figures_line(unit_report)}")
    print(f"  季度汇总 {unit} {YEAR}Q{quarter} / quarter figures: {quarter_line(totals)}")
    print(f"  (1) 全局月报表 / bureau's monthly report ({YEAR}-{busy:02d}): {t_bureau:.2f} s（目标 < 2 s / target "
          f"< 2 s: {verdict(t_bureau)}）")
    print(f"  (2) 单位月报表 / unit's monthly report ({unit}, {YEAR}-{busy:02d}): {t_unit:.2f} s（目标 < 2 s / target "
          f"< 2 s: {verdict(t_unit)}）")
    print(f"  (3) 季度汇总 / quarter_figures ({unit}, {YEAR}Q{quarter}, 三个月相加 / three months): {t_quarter:.2f} s"
          f"（目标 < 2 s / target < 2 s: {verdict(t_quarter)}）")
    print(f"  (4) 月报表 XLSX / monthly_xlsx (bureau, {YEAR}-{busy:02d}): {t_xlsx:.2f} s, {len(data):,} 字节 / bytes")
    for text in profiles:
        print(text)
    print(f"月报表 {t_bureau:.2f} s，单位月报 {t_unit:.2f} s，季度汇总 {t_quarter:.2f} s（目标均 < 2 s）；"
          f"XLSX {t_xlsx:.2f} s（{len(data) / 1024:,.0f} KiB）")
    print(f"Monthly report {t_bureau:.2f} s, unit's month {t_unit:.2f} s, quarter figures {t_quarter:.2f} s "
          f"(target < 2 s each: {'met' if max(t_bureau, t_unit, t_quarter) < TARGET_S else 'NOT met'}); "
          f"XLSX {t_xlsx:.2f} s ({len(data) / 1024:,.0f} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=5_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated activity")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
