"""Random inspections initiated: an executed draw of an internal joint task counts for the task's lead unit (a
random inspection starts with its draw). Read by the compliance indicators and the deadlines list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

from app.domain.draws.model import DrawStatus
from app.domain.plans.model import JointType
from app.domain.ports import UnitOfWork

CST = timezone(timedelta(hours=8))
#: Each 执法大队 initiates at least this many internal joint random inspections a quarter (the 2026 plan).
INTERNAL_JOINT_PER_QUARTER = 2


@dataclass(frozen=True, slots=True)
class Initiated:
    """An executed draw of an internal joint task: one random inspection initiated by the task's lead unit."""

    lead_department: str
    draw_id: str
    day: date


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return start, end


async def internal_joint(uow: UnitOfWork, year: int) -> list[Initiated]:
    """The year's executed draws of internal joint tasks, by lead unit and day (Beijing date)."""
    tasks = {(p.plan_no, t.task_no): t for p in await uow.plans.find(year=year) for t in p.tasks}
    out = []
    for draw in await uow.draws.find(statuses=(DrawStatus.EXECUTED, DrawStatus.REVEALED)):
        day = draw.executed_at.astimezone(CST).date() if draw.executed_at else None
        task = tasks.get((draw.plan_no, draw.task_no))
        if day is not None and day.year == year and task is not None and task.joint_type is JointType.INTERNAL:
            out.append(Initiated(task.lead_department, draw.draw_id, day))
    return sorted(out, key=lambda i: (i.day, i.draw_id))
