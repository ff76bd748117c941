"""Re-planning one visit: others stay put when a day fits; otherwise exactly one open visit makes room."""

from __future__ import annotations

from datetime import date

from app.domain.scheduling.replan import replace_visit
from app.domain.scheduling.solver import Booking, Demand

D1, D2, D3 = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
NO_LEAVE: dict[str, frozenset[date]] = {}


def demand(start: date = D1, end: date = D2) -> Demand:
    return Demand("visit:9", "E9", "130302", None, start, end, ("a", "b"), ("I1",))


def booked(visit_id: str, day: date, team: tuple[str, ...], *, open_: bool = True, end: date = D3) -> Booking:
    return Booking(visit_id, f"E{visit_id}", day, "130302", None, D1, end, team, open=open_)


def test_a_free_day_moves_nothing_else() -> None:
    found = replace_visit(demand(), [booked("1", D1, ("a", "c"))], [D1, D2, D3], NO_LEAVE, 1)
    assert (found.day, found.moved) == (D2, None)


def test_when_no_day_fits_one_open_visit_makes_room() -> None:
    bookings = [booked("1", D1, ("a", "c")), booked("2", D2, ("b", "d"), open_=False),
                booked("3", D2, ("c", "e"), open_=False)]
    found = replace_visit(demand(), bookings, [D1, D2, D3], NO_LEAVE, 1)
    assert found.day == D1
    assert found.moved is not None
    assert (found.moved.visit_id, found.moved_to) == ("1", D3)  # c is busy on D2


def test_a_started_visit_is_never_moved() -> None:
    bookings = [booked("1", D1, ("a", "c"), open_=False), booked("2", D2, ("b", "d"), open_=False)]
    found = replace_visit(demand(), bookings, [D1, D2, D3], NO_LEAVE, 1)
    assert found.day is None
    assert found.moved is None
    assert found.miss is not None


def test_the_moved_visit_respects_its_own_window_and_team_leave() -> None:
    busy_c = booked("3", D2, ("c", "e"), open_=False)
    bookings = [booked("1", D1, ("a", "c"), end=D2), booked("2", D2, ("b", "d"), open_=False), busy_c]
    assert replace_visit(demand(), bookings, [D1, D2, D3], NO_LEAVE, 1).day is None  # no other day in its window
    bookings = [booked("1", D1, ("a", "c")), booked("2", D2, ("b", "d"), open_=False), busy_c]
    ill = {"c": frozenset({D3})}
    assert replace_visit(demand(), bookings, [D1, D2, D3], ill, 1).day is None


def test_avoided_days_are_never_chosen() -> None:
    found = replace_visit(demand(), [], [D1, D2, D3], NO_LEAVE, 1, avoid=frozenset({D1}))
    assert found.day == D2
