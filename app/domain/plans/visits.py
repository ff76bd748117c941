"""一业一查: the items of one visit, merged over every unit taking part in the task."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.directories.model import CheckItem
from app.domain.plans.model import Task
from app.domain.plans.service import find_task, get_plan
from app.domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class VisitItem:
    code: str
    #: The units that check this item on the visit, in the task's order (lead unit first).
    departments: tuple[str, ...]


def visit_items(task: Task) -> list[VisitItem]:
    """Every unit's items for the task, once each, in the units' order: one visit carries them all."""
    order: list[str] = []
    units: dict[str, list[str]] = {}
    for department in (*task.departments, *(d for d in task.items if d not in task.departments)):
        for code in task.items.get(department, ()):
            if code not in units:
                order.append(code)
                units[code] = []
            if department not in units[code]:
                units[code].append(department)
    return [VisitItem(code, tuple(units[code])) for code in order]


async def task_visit_items(uow: UnitOfWork, plan_no: str, task_no: str) -> list[tuple[CheckItem, VisitItem]]:
    """The merged items of one visit of a task, with the item list's details."""
    plan = await get_plan(uow, plan_no)
    task = find_task(plan, task_no)
    out = []
    async with uow:
        for entry in visit_items(task):
            item = await uow.items.get(entry.code)
            if item is not None:
                out.append((item, entry))
    return out
