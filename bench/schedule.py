"""Benchmark: the schedule solver on a city-sized year, against the naive earliest-day baseline in the same run.

A synthetic, seeded instance: ~10 draws (tasks) whose windows lie inside the period (two over the whole period, five
of two months in a row, three of four to five months that overlap them, so that an enterprise drawn twice merges),
a few special-item demands without a team (merged into the enterprise's visit of another draw), some visits already
booked (a few of them started), enterprises spread over the nine county codes of 秦皇岛 with locations around each
county (a few without), teams of two inspectors (leader first), a few inspectors on leave, working days from
chinesecalendar. Both planners run on the same input; the measure of travel is the number of county switches per
inspector-day (an inspector-day with visits in k counties counts k - 1). No database.

    .venv/bin/python -m bench.schedule [--visits 30000] [--inspectors 500] [--months 10] [--capacity 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from app.adapters.calendar import ChineseWorkingDays
from app.domain.directories.reference import COUNTIES
from app.domain.scheduling.solver import (
    REASON_TEXT,
    Booking,
    Demand,
    Schedule,
    county_switches,
    naive_plan,
    plan_visits,
)

T = TypeVar("T")
START = date(2026, 2, 1)
#: Rough centres (longitude, latitude) of the county-level divisions of 秦皇岛.
CENTRES = {
    "130302": (119.60, 39.95), "130303": (119.76, 40.01), "130304": (119.48, 39.83), "130306": (119.24, 39.89),
    "130321": (118.95, 40.41), "130322": (119.16, 39.71), "130324": (118.88, 39.89), "130371": (119.52, 39.93),
    "130372": (119.32, 39.62),
}
#: Draw windows as (first month, months) of a 10-month period, scaled to --months.
WINDOWS = [(0, 10), (0, 10), (0, 2), (2, 2), (4, 2), (6, 2), (8, 2), (1, 4), (3, 4), (5, 5)]
ITEMS = ["消防安全", "危化品储存", "有限空间作业", "粉尘防爆", "用电安全", "应急预案", "安全培训", "隐患排查"]


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


def month_start(months: int) -> date:
    year, month = divmod(START.month - 1 + months, 12)
    return date(START.year + year, month + 1, 1)


def instance(visits: int, inspectors: int, months: int, seed: int, bookings: int
             ) -> tuple[list[Demand], list[Booking], list[date], dict[str, frozenset[date]]]:
    rnd = random.Random(seed)
    end = month_start(months) - timedelta(days=1)
    calendar = ChineseWorkingDays()
    working = [START + timedelta(days=k) for k in range((end - START).days + 1)]
    working = [d for d in working if calendar.info(d).working]
    people = [f"1303{i:06d}" for i in range(inspectors)]
    counties = sorted(COUNTIES)

    places: dict[str, tuple[str, tuple[float, float] | None]] = {}

    def enterprise(n: int) -> str:
        uscc = f"91{counties[n % len(counties)]}MA{n:08d}"
        if uscc not in places:
            county = counties[n % len(counties)]
            lon, lat = CENTRES[county]
            here = (min(119.9, max(118.6, lon + rnd.uniform(-0.09, 0.09))),
                    min(40.6, max(39.4, lat + rnd.uniform(-0.07, 0.07))))
            places[uscc] = (county, None if rnd.random() < 0.03 else here)
        return uscc

    pool = visits * 4
    special = visits // 100  # special items without a team, merged into another draw's visit
    per_draw = (visits - special) // len(WINDOWS)
    demands: list[Demand] = []
    first_draw: list[str] = []
    for k, (first, length) in enumerate(WINDOWS):
        lo = first * months // 10
        hi = max(lo + 1, (first + length) * months // 10)
        start, stop = month_start(lo), month_start(hi) - timedelta(days=1)
        count = per_draw + (k < (visits - special) % len(WINDOWS))
        for n in sorted(rnd.sample(range(pool), count)):
            uscc = enterprise(n)
            county, where = places[uscc]
            demands.append(Demand(f"2026{k + 1:03d}-D1", uscc, county, where, start, stop, tuple(rnd.sample(people, 2)),
                                  tuple(sorted(rnd.sample(ITEMS, 3)))))
            if k == 0:
                first_draw.append(uscc)
    for uscc in rnd.sample(first_draw, special):
        county, where = places[uscc]
        demands.append(Demand("2026011-ZX", uscc, county, where, START, end, (), ("专项：燃气安全",)))

    booked: list[Booking] = []
    early = [d for d in working if d < month_start(1)]
    for n, uscc in enumerate(rnd.sample(first_draw[len(first_draw) // 2:], min(bookings, len(first_draw) // 2))):
        county, where = places[uscc]
        booked.append(Booking(f"V{n:05d}", uscc, rnd.choice(early), county, where, START, end,
                              tuple(rnd.sample(people, 2)), open=rnd.random() > 0.05))

    leave: dict[str, frozenset[date]] = {}
    for person in rnd.sample(people, max(1, inspectors // 20)):
        off: set[date] = set()
        for _ in range(rnd.randint(1, 2)):
            first_day = START + timedelta(days=rnd.randrange((end - START).days))
            off.update(first_day + timedelta(days=j) for j in range(rnd.randint(3, 20)))
        leave[person] = frozenset(off)
    rnd.shuffle(demands)
    return demands, booked, working, leave


def describe(schedule: Schedule, demanded: int) -> tuple[int, float, int, int]:
    carried = sum(len(p.demands) for p in schedule.placements)
    merged = sum(1 for p in schedule.placements if len(p.demands) > 1 or p.joins)
    joined = sum(1 for p in schedule.placements if p.joins)
    return carried, 100 * carried / max(1, demanded), merged, joined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--visits", type=int, default=30_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--months", type=int, default=10)
    parser.add_argument("--capacity", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} · {os.cpu_count()} CPUs · 取 {args.repeat} 次最快 best of {args.repeat}")

    seconds, (demands, bookings, working, leave) = timed(
        lambda: instance(args.visits, args.inspectors, args.months, args.seed, args.bookings))
    print(f"合成实例 synthetic instance（{seconds:.1f} s，不计时 not measured）：{len(demands):,} 项检查需求 demands，"
          f"{args.inspectors} 名执法人员 inspectors，{working[0]}～{working[-1]} 共 {len(working)} 个工作日 working days，"
          f"每人每日最多 {args.capacity} 项 capacity，{len(leave)} 人有请假 on leave，"
          f"{len(bookings)} 项已排定检查 bookings（{sum(not b.open for b in bookings)} 项已开始 started）")

    solver_s, solved = timed(lambda: plan_visits(demands, bookings, working, leave, args.capacity), args.repeat)
    naive_s, naive = timed(lambda: naive_plan(demands, bookings, working, leave, args.capacity), args.repeat)
    again = plan_visits(list(reversed(demands)), list(reversed(bookings)), working, leave, args.capacity)
    assert again == solved, "the schedule depends on the order of the input"

    carried, share, merged, joined = describe(solved, len(demands))
    print(f"检查需求 visits demanded: {len(demands):,}")
    naive_carried, naive_share, _, _ = describe(naive, len(demands))
    print(f"已安排 placed: {carried:,} 项需求 demands（{share:.2f}%），共 {len(solved.placements):,} 次检查 visits；"
          f"朴素 naive: {naive_carried:,}（{naive_share:.2f}%）")
    print(f"合并检查 merged visits: {merged:,}（其中并入已排定检查 joined bookings {joined:,}）")
    reasons = Counter(u.reason for u in solved.unplaced)
    print(f"未安排 unplaced: {sum(len(u.demands) for u in solved.unplaced):,} 项需求 demands，"
          f"{len(solved.unplaced):,} 次检查 visits")
    for reason, count in sorted(reasons.items()):
        zh, en = REASON_TEXT[reason]
        print(f"    {zh} {en} ({reason}): {count:,}")

    switches, person_days = county_switches(solved.placements, bookings)
    naive_switches, naive_days = county_switches(naive.placements, bookings)
    per_day = switches / max(1, person_days)
    naive_per_day = naive_switches / max(1, naive_days)
    ratio = per_day / naive_per_day if naive_per_day else float("nan")
    print(f"排期用时 solver: {solver_s:.3f} s   朴素排期 naive (earliest day): {naive_s:.3f} s   "
          f"时间比 time ratio solver / naive: {solver_s / naive_s:.2f}×")
    print(f"跨县次数 county switches: {switches:,} / {person_days:,} 人日 inspector-days = {per_day:.3f} 每人日 "
          f"per inspector-day；朴素 naive: {naive_switches:,} / {naive_days:,} = {naive_per_day:.3f}；"
          f"比值 ratio solver / naive: {ratio:.3f}×")
    verdict = "达标 OK" if solver_s < 10 else "未达标 MISSED"
    print(f"排期 {len(demands)} 家：用时 {solver_s:.2f} s（目标 < 10 s，{verdict}），安排率 {share:.2f}%，"
          f"每人日跨县次数 {per_day:.3f} vs 朴素 {naive_per_day:.3f}（{ratio:.3f}×）")


if __name__ == "__main__":
    main()
