"""Working days of mainland China (public holidays and adjusted working weekends), for every deadline counted in
working days. A year the calendar does not cover is an error, never a guess."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from app.domain.errors import InvalidInput

#: The longest range one request may list.
MAX_RANGE_DAYS = 366


class CalendarNotCovered(InvalidInput):
    code = "calendar.year_not_covered"


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: date
    working: bool
    #: The holiday's name, or "调休上班" for an adjusted working weekend, else None.
    note: str | None


class WorkingDayCalendar(Protocol):
    def info(self, day: date) -> DayInfo:
        """Raises CalendarNotCovered for a year without official data."""
        ...


def days(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", "the range ends before it starts", code="calendar.range_inverted",
                           details={"field": "to"})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(f"一次最多查询 {MAX_RANGE_DAYS} 天", f"at most {MAX_RANGE_DAYS} days at a time",
                           code="calendar.range_too_long", details={"field": "to"})


def working_days(calendar: WorkingDayCalendar, start: date, end: date) -> list[DayInfo]:
    check_range(start, end)
    return [info for info in (calendar.info(day) for day in days(start, end)) if info.working]


def add_working_days(calendar: WorkingDayCalendar, start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted): e.g. result publicity is due
    within 20 working days after a visit ends."""
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if calendar.info(day).working:
            left -= 1
    return day
