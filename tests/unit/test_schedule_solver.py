"""The schedule solver: working days, leave, capacity, merging, joins, the reasons left unplaced, travel."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.scheduling.solver import (
    Booking,
    Demand,
    Placement,
    Schedule,
    UnplacedReason,
    county_switches,
    naive_plan,
    plan_visits,
)

COUNTIES = ["130302", "130303", "130304", "130321", "130324"]
CENTRES = {"130302": (119.60, 39.95), "130303": (119.76, 40.01), "130304": (119.48, 39.83),
           "130321": (118.95, 40.41), "130324": (118.88, 39.89)}


def d(n: int, month: int = 3) -> date:
    return date(2026, month, n)


def weekdays(start: date, end: date) -> list[date]:
    return [start + timedelta(k) for k in range((end - start).days + 1) if (start + timedelta(k)).weekday() < 5]


MARCH = weekdays(d(1), d(31))  # Mon 2 … Tue 31


def demand(uscc: str, start: date, end: date, team: tuple[str, ...] = ("A", "B"), source: str = "S1",
           county: str = "130302", location: tuple[float, float] | None = None,
           items: tuple[str, ...] = ("消防安全",)) -> Demand:
    return Demand(source, uscc, county, location, start, end, team, items)


def booking(visit_id: str, uscc: str, day: date, team: tuple[str, ...] = ("X", "Y"), county: str = "130302",
            open_: bool = True) -> Booking:
    return Booking(visit_id, uscc, day, county, None, d(1), d(31), team, open=open_)


def plan(demands: list[Demand], bookings: list[Booking] | None = None, leave: dict[str, frozenset[date]] | None = None,
         capacity: int = 2, days: list[date] | None = None) -> Schedule:
    return plan_visits(demands, bookings or [], MARCH if days is None else days, leave or {}, capacity)


def reasons(schedule: Schedule) -> list[str]:
    return [u.reason for u in schedule.unplaced]


# ----------------------------------------------------------------------------------------------------------------
# Days, leave, capacity


def test_a_visit_falls_on_a_working_day_inside_its_window() -> None:
    # Sat 7 … Tue 10: the weekend is not a working day, so Mon 9 is the first day
    [p] = plan([demand("E1", d(7), d(10))]).placements

    assert p.day == d(9)
    assert (p.window_start, p.window_end, p.joins, p.order) == (d(7), d(10), None, 0)


def test_leave_is_respected() -> None:
    leave = {"B": frozenset({d(2), d(3), d(4)})}

    [p] = plan([demand("E1", d(2), d(6))], leave=leave).placements

    assert p.day == d(5)


def test_over_capacity_is_unplaced_and_the_rest_placed() -> None:
    demands = [demand(f"E{i}", d(2), d(2)) for i in range(3)] + [demand("F1", d(2), d(2), team=("C", "D"))]

    schedule = plan(demands, capacity=2)

    assert sorted(p.uscc for p in schedule.placements) == ["E0", "E1", "F1"]
    [miss] = schedule.unplaced
    assert miss.reason == UnplacedReason.NO_CAPACITY
    assert miss.demands[0].uscc == "E2"
    assert "2026-03-02" in miss.detail
    assert "A" in miss.detail


def test_a_booking_counts_towards_the_capacity() -> None:
    schedule = plan([demand("E1", d(2), d(3), team=("X", "A"))], [booking("V1", "E9", d(2))], capacity=1)

    assert [p.day for p in schedule.placements] == [d(3)]


def test_an_empty_window_has_no_working_day() -> None:
    schedule = plan([demand("E1", d(7), d(8)), demand("E2", d(5), d(4))])  # a weekend; an inverted window

    assert reasons(schedule) == [UnplacedReason.NO_WORKING_DAY] * 2
    assert schedule.placements == ()


def test_a_team_always_on_leave() -> None:
    leave = {"A": frozenset({d(2), d(3)}), "B": frozenset({d(4)})}

    schedule = plan([demand("E1", d(2), d(4))], leave=leave)

    [miss] = schedule.unplaced
    assert miss.reason == UnplacedReason.TEAM_ON_LEAVE
    assert "A" in miss.detail
    assert "B" in miss.detail


# ----------------------------------------------------------------------------------------------------------------
# Merging and joins


def test_overlapping_demands_of_one_enterprise_make_one_joint_visit() -> None:
    late = demand("E1", d(2), d(20), team=("A", "B"), source="S2", items=("消防安全", "用电安全"))
    early = demand("E1", d(10), d(31), team=("C", "A"), source="S1", items=("危化品储存", "消防安全"))

    schedule = plan([late, early])

    [p] = schedule.placements
    assert p.demands == (early, late)
    assert p.team == ("C", "A", "B")
    assert p.items == ("危化品储存", "消防安全", "用电安全")
    assert (p.window_start, p.window_end) == (d(10), d(20))
    assert d(10) <= p.day <= d(20)


def test_demands_whose_windows_do_not_overlap_are_two_visits() -> None:
    schedule = plan([demand("E1", d(2), d(10), source="S1"), demand("E1", d(16), d(31), source="S2")])

    assert [(p.window_start, p.day) for p in schedule.placements] == [(d(2), d(2)), (d(16), d(16))]


def test_a_demand_joins_an_open_booking_of_the_enterprise() -> None:
    schedule = plan([demand("E1", d(2), d(20), team=("A", "X"), items=("粉尘防爆",))], [booking("V1", "E1", d(12))])

    [p] = schedule.placements
    assert (p.joins, p.day, p.team, p.items) == ("V1", d(12), ("X", "Y", "A"), ("粉尘防爆",))
    assert (p.window_start, p.window_end) == (d(2), d(20))
    assert county_switches(schedule.placements, [booking("V1", "E1", d(12))]) == (0, 3)


@pytest.mark.parametrize(("leave", "other"), [({"A": frozenset({d(12)})}, []),
                                              ({}, [booking("V2", "E2", d(12), team=("A", "Z"))])])
def test_a_new_member_busy_on_the_booking_day(leave: dict[str, frozenset[date]], other: list[Booking]) -> None:
    schedule = plan([demand("E1", d(2), d(20), team=("A", "X"))], [booking("V1", "E1", d(12)), *other], leave=leave,
                    capacity=1)

    assert schedule.placements == ()
    [miss] = schedule.unplaced
    assert miss.reason == UnplacedReason.JOIN_MEMBER_BUSY
    assert "V1" in miss.detail
    assert "A" in miss.detail


def test_a_started_booking_cannot_be_joined() -> None:
    schedule = plan([demand("E1", d(2), d(20))], [booking("V1", "E1", d(5), open_=False)])

    assert reasons(schedule) == [UnplacedReason.JOIN_CLOSED]
    assert schedule.placements == ()


def test_a_booking_outside_the_window_is_ignored() -> None:
    schedule = plan([demand("E1", d(16), d(20))], [booking("V1", "E1", d(5), open_=False)])

    assert [(p.day, p.joins) for p in schedule.placements] == [(d(16), None)]


def test_a_demand_without_a_team_only_joins() -> None:
    teamless = demand("E1", d(2), d(31), team=(), source="S9", items=("燃气安全",))

    assert reasons(plan([teamless])) == [UnplacedReason.NO_TEAM]

    teamed = demand("E1", d(10), d(13), team=("A", "B"), source="S1")
    [p] = plan([teamless, teamed]).placements
    assert p.demands == (teamed, teamless)
    assert (p.team, p.items, p.window_start, p.window_end) == (("A", "B"), ("消防安全", "燃气安全"), d(10), d(13))

    [joined] = plan([teamless], [booking("V1", "E1", d(20))]).placements
    assert (joined.joins, joined.team) == ("V1", ("X", "Y"))


# ----------------------------------------------------------------------------------------------------------------
# Travel: counties and locations


def test_a_visit_goes_where_its_members_already_are() -> None:
    bookings = [booking("V1", "E9", d(2), team=("A",), county="130303")]
    here = demand("E1", d(2), d(6), team=("A", "B"), county="130303")
    there = demand("E2", d(2), d(6), team=("A", "C"), county="130321")

    smart = plan([here, there], bookings, capacity=3)
    naive = naive_plan([here, there], bookings, MARCH, {}, 3)

    assert {p.uscc: p.day for p in smart.placements} == {"E1": d(2), "E2": d(3)}
    assert county_switches(smart.placements, bookings) == (0, 4)
    assert county_switches(naive.placements, bookings)[0] == 1  # both on Monday: A goes from 130303 to 130321


def test_the_day_is_ordered_by_nearest_neighbour_from_the_west() -> None:
    west, middle, east = (119.0, 39.9), (119.3, 39.9), (119.6, 39.9)
    demands = [demand("E1", d(2), d(2), location=east), demand("E2", d(2), d(2), location=west),
               demand("E3", d(2), d(2), location=middle), demand("E4", d(2), d(2))]

    schedule = plan(demands, capacity=4)

    assert [(p.uscc, p.order) for p in schedule.placements] == [("E2", 0), ("E3", 1), ("E1", 2), ("E4", 3)]


def test_county_switches() -> None:
    def at(uscc: str, day: date, county: str, team: tuple[str, ...]) -> Placement:
        return Placement(uscc, day, county, (), team, (), day, day)

    placements = [at("E1", d(2), "130302", ("A", "B")), at("E2", d(2), "130303", ("A", "C")),
                  at("E3", d(3), "130302", ("A",))]

    assert county_switches(placements) == (1, 4)
    assert county_switches(placements, [booking("V1", "E9", d(3), team=("A",), county="130321")]) == (2, 4)


# ----------------------------------------------------------------------------------------------------------------
# Random instances: the rules always hold, the input order never matters, counties are grouped


def instance(seed: int, size: int = 300) -> tuple[list[Demand], list[Booking], list[date], dict[str, frozenset[date]]]:
    rnd = random.Random(seed)
    days = weekdays(d(2), d(30, 4))
    people = [f"P{i:02d}" for i in range(30)]
    places = {f"E{n:04d}": rnd.choice(COUNTIES) for n in range(size)}
    usccs = sorted(places)
    demands = []
    for k in range(size):
        uscc = rnd.choice(usccs)
        lon, lat = CENTRES[places[uscc]]
        start = rnd.choice([d(2), d(16), d(1, 4)])
        end = start + timedelta(rnd.choice([10, 20, 59]))
        team = () if rnd.random() < 0.05 else tuple(rnd.sample(people, rnd.choice([2, 2, 3])))
        where = None if rnd.random() < 0.1 else (lon + rnd.uniform(-0.05, 0.05), lat + rnd.uniform(-0.05, 0.05))
        demands.append(Demand(f"S{k % 4}", uscc, places[uscc], where, start, end, team,
                              tuple(rnd.sample(["a", "b", "c", "d"], 2))))
    bookings = [Booking(f"V{n}", uscc, rnd.choice(days), places[uscc], None, d(2), d(30, 4),
                        tuple(rnd.sample(people, 2)), open=rnd.random() < 0.8)
                for n, uscc in enumerate(rnd.sample(usccs, 15))]
    leave = {p: frozenset(rnd.sample(days, rnd.randint(1, 15))) for p in rnd.sample(people, 5)}
    leave["P00"] = frozenset(days)
    return demands, bookings, days, leave


def check_rules(schedule: Schedule, demands: list[Demand], bookings: list[Booking], days: list[date],
                leave: dict[str, frozenset[date]], capacity: int) -> None:
    load: Counter[tuple[str, date]] = Counter()
    visits: Counter[tuple[str, date]] = Counter()
    for b in bookings:
        load.update((p, b.day) for p in b.team)
        visits[b.uscc, b.day] += 1
    fresh = [p for p in schedule.placements if p.joins is None]
    for p in fresh:
        load.update((m, p.day) for m in p.team)
        visits[p.uscc, p.day] += 1
    added: list[tuple[str, date]] = []
    for p in schedule.placements:
        if p.joins:
            [b] = [b for b in bookings if b.visit_id == p.joins]
            assert (p.day, p.team[: len(b.team)]) == (b.day, b.team)
            added.extend((m, p.day) for m in p.team[len(b.team):])
    load.update(added)
    assert all(load[m, day] <= capacity and day not in leave.get(m, ()) for m, day in added)
    for p in fresh:
        assert p.team
        assert p.window_start <= p.day <= p.window_end
        assert all(x.window_start <= p.day <= x.window_end for x in p.demands)
        assert p.day in days
        assert not any(p.day in leave.get(m, ()) for m in p.team)
        assert all(load[m, p.day] <= capacity for m in p.team)
        assert visits[p.uscc, p.day] == 1
    carried = [x for p in schedule.placements for x in p.demands] + [x for u in schedule.unplaced for x in u.demands]
    assert Counter(carried) == Counter(demands)
    assert schedule.placements == tuple(sorted(schedule.placements,
                                               key=lambda p: (p.day, p.team[0], p.order, p.uscc)))
    orders: dict[tuple[date, str], list[int]] = defaultdict(list)
    for p in schedule.placements:
        orders[p.day, p.team[0]].append(p.order)
    assert all(sorted(o) == list(range(len(o))) for o in orders.values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(1, 3))
def test_the_rules_hold_on_random_instances(seed: int, capacity: int) -> None:
    demands, bookings, days, leave = instance(seed)

    for planner in (plan_visits, naive_plan):
        schedule = planner(demands, bookings, days, leave, capacity)
        check_rules(schedule, demands, bookings, days, leave, capacity)
        assert {u.reason for u in schedule.unplaced} <= set(vars(UnplacedReason).values())


def test_the_input_order_does_not_matter() -> None:
    demands, bookings, days, leave = instance(7)
    first = plan_visits(demands, bookings, days, leave, 2)

    rnd = random.Random(1)
    for _ in range(3):
        rnd.shuffle(demands)
        rnd.shuffle(bookings)
        assert plan_visits(demands, bookings, list(reversed(days)), leave, 2) == first
    assert first.unplaced
    assert any(p.joins for p in first.placements)
    assert any(len(p.demands) > 1 for p in first.placements)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouping_by_county_beats_the_earliest_day(seed: int) -> None:
    demands, bookings, days, leave = instance(seed, size=400)

    smart = plan_visits(demands, bookings, days, leave, 2)
    naive = naive_plan(demands, bookings, days, leave, 2)

    switches, person_days = county_switches(smart.placements, bookings)
    naive_switches, naive_days = county_switches(naive.placements, bookings)
    assert switches / person_days < naive_switches / naive_days / 2
    assert len(smart.placements) >= len(naive.placements) - 5
