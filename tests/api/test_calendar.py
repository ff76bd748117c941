"""The working-day calendar: holidays, adjusted working weekends, loud failure outside the data, deadlines."""

from __future__ import annotations

from datetime import date

import httpx

from app.adapters.calendar import ChineseWorkingDays
from app.domain.scheduling.calendar import DayInfo, add_working_days
from tests.support import assert_problem

URL = "/api/v1/calendar/working-days"


async def test_national_day_week_and_the_adjusted_saturday_after_it(client: httpx.AsyncClient) -> None:
    answer = await client.get(URL, params={"from": "2026-09-28", "to": "2026-10-11"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["working_days"] == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10"]
    notes = {d["date"]: d["note"] for d in body["special_days"]}
    assert notes["2026-10-01"] == "国庆节"
    assert notes["2026-10-10"] == "调休上班"


async def test_a_year_without_official_data_fails_loudly(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.get(URL, params={"from": "2031-01-01", "to": "2031-01-31"}), 422,
                             "calendar.year_not_covered")
    assert "2031" in problem["detail"]


async def test_ranges_are_checked(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(URL, params={"from": "2026-05-10", "to": "2026-05-01"}), 422,
                   "calendar.range_inverted")
    assert_problem(await client.get(URL, params={"from": "2026-01-01", "to": "2027-06-01"}), 422,
                   "calendar.range_too_long")


def test_twenty_working_days_after_a_visit_skip_the_holidays() -> None:
    calendar = ChineseWorkingDays()
    # A visit ending on 2026-09-25: 20 working days later, the National Day week and its adjusted Saturday counted.
    assert add_working_days(calendar, date(2026, 9, 25), 20) == date(2026, 10, 29)
    assert add_working_days(calendar, date(2026, 2, 13), 1) == date(2026, 2, 14)  # an adjusted working Saturday


class _Weekdays:
    def info(self, day: date) -> DayInfo:
        return DayInfo(day, day.weekday() < 5, None)


def test_adding_working_days_counts_only_working_days() -> None:
    assert add_working_days(_Weekdays(), date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert add_working_days(_Weekdays(), date(2026, 11, 27), 0) == date(2026, 11, 27)
