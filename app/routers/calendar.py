"""工作日历: working days of mainland China, as every working-day deadline counts them (public)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from app.deps import ContainerDep
from app.domain.scheduling.calendar import check_range, days
from app.routers.errors import problem_responses
from app.routers.schemas.common import Out

router = APIRouter(prefix="/api/v1/calendar", tags=["工作日历 calendar"])


class DayOut(Out):
    date: date
    working: bool
    note: str | None = Field(None, description="节假日名称，或“调休上班”")


class WorkingDaysOut(Out):
    start: date
    end: date
    working_day_count: int
    working_days: list[date]
    special_days: list[DayOut] = Field(description="区间内的法定节假日与调休上班日")


@router.get("/working-days", response_model=WorkingDaysOut, summary="区间内的工作日（含法定节假日与调休）",
            responses=problem_responses(422))
async def working_days(
    container: ContainerDep,
    start: Annotated[date, Query(alias="from", description="开始日期（含）")],
    end: Annotated[date, Query(alias="to", description="结束日期（含）")],
) -> WorkingDaysOut:
    check_range(start, end)
    infos = [container.calendar.info(day) for day in days(start, end)]
    special = [DayOut(date=i.day, working=i.working, note=i.note) for i in infos if i.note]
    working = [i.day for i in infos if i.working]
    return WorkingDaysOut(start=start, end=end, working_day_count=len(working), working_days=working,
                          special_days=special)
