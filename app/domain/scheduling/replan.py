"""Re-planning one visit while touching as few others as possible: first every other visit stays where it is; only
when no day fits is one other visit moved – the one that frees a day for this visit and itself fits elsewhere in
its own window. Pure and deterministic, like the solver it calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.scheduling.solver import Booking, Demand, Unplaced, plan_visits


@dataclass(frozen=True, slots=True)
class Replacement:
    """Where the visit goes, and the one other visit moved to make room (if any)."""

    day: date | None
    miss: Unplaced | None = None
    moved: Booking | None = None
    moved_to: date | None = None


def _alone(booking: Booking) -> Booking:
    """A booking the visit being placed must not join (it moves as itself)."""
    return replace(booking, uscc=f"{booking.uscc}#{booking.visit_id}")


def replace_visit(demand: Demand, bookings: Sequence[Booking], working_days: Sequence[date],
                  leave: Mapping[str, frozenset[date]], capacity: int, avoid: frozenset[date] = frozenset()
                  ) -> Replacement:
    """A day for ``demand`` (a visit being moved: its window, team and enterprise; never on an ``avoid`` day),
    every booking fixed; failing that, a day freed by moving exactly one open booking that holds every fully
    booked member of the team. ``working_days`` cover the bookings' windows too."""
    fixed = [_alone(b) for b in bookings]
    own_days = [d for d in working_days if d not in avoid]
    first = plan_visits([demand], fixed, own_days, leave, capacity)
    if first.placements:
        return Replacement(first.placements[0].day)
    miss = first.unplaced[0] if first.unplaced else None
    window = [d for d in sorted(own_days) if demand.window_start <= d <= demand.window_end]
    for day in window:
        if any(day in leave.get(person, frozenset()) for person in demand.team):
            continue
        that_day = [b for b in bookings if b.day == day]
        load = {person: sum(person in b.team for b in that_day) for person in demand.team}
        full = {person for person, n in load.items() if n >= capacity}
        if not full:
            continue
        for blocker in sorted((b for b in that_day if b.open and full <= set(b.team)), key=lambda b: b.visit_id):
            rest = [_alone(b) for b in bookings if b.visit_id != blocker.visit_id]
            here = replace(demand, window_start=day, window_end=day)
            placed = plan_visits([here], rest, [day], leave, capacity)
            if not placed.placements:
                continue
            booked = Booking(f"moving:{demand.source}", demand.uscc, day, demand.county_code, demand.location,
                             day, day, demand.team)
            again = Demand(f"moved:{blocker.visit_id}", f"{blocker.uscc}#moved", blocker.county_code,
                           blocker.location, blocker.window_start, blocker.window_end, blocker.team, ())
            elsewhere = [d for d in working_days if d != day and d not in _days_of(bookings, blocker)]
            moved = plan_visits([again], [*rest, booked], elsewhere, leave, capacity)
            if moved.placements:
                return Replacement(day, None, blocker, moved.placements[0].day)
    return Replacement(None, miss)


def _days_of(bookings: Sequence[Booking], blocker: Booking) -> set[date]:
    """Days the blocker's enterprise already has another visit (never two a day)."""
    return {b.day for b in bookings if b.uscc == blocker.uscc and b.visit_id != blocker.visit_id}
