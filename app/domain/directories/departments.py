"""Departments: the bureau's units and the partner departments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import Department
from app.domain.directories.snapshots import department_snapshot
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.ports import UnitOfWork


def department_not_found(code: str) -> NotFound:
    return NotFound(f"单位“{code}”不存在", f"department '{code}' not found", code="department.not_found")


async def require_department(uow: UnitOfWork, code: str, field: str = "department_code") -> Department:
    department = await uow.departments.get(code)
    if department is None:
        raise InvalidInput(f"单位代码“{code}”不存在", f"unknown department code '{code}'",
                           code="department.unknown", details={"field": field})
    return department


async def _require_unique_name(uow: UnitOfWork, name: str, *, other_than: str | None) -> None:
    if any(d.name == name and d.code != other_than for d in await uow.departments.list()):
        raise Conflict(f"单位名称“{name}”已被其他单位使用", f"department name '{name}' is taken",
                       code="department.name_duplicate", details={"field": "name"})


async def create_department(uow: UnitOfWork, principal: Principal, department: Department) -> Department:
    principal.require(Permission.DEPARTMENTS_WRITE)
    async with uow:
        if await uow.departments.get(department.code):
            raise Conflict(f"单位代码“{department.code}”已存在", f"department '{department.code}' exists",
                           code="department.duplicate")
        await _require_unique_name(uow, department.name, other_than=None)
        await uow.departments.add(department)
        uow.audit.record(AuditEvent("department.create", "department", department.code, None,
                                    department_snapshot(department)))
        await uow.commit()
    return department


async def update_department(uow: UnitOfWork, principal: Principal, code: str, changes: dict[str, Any]) -> Department:
    principal.require(Permission.DEPARTMENTS_WRITE)
    async with uow:
        current = await uow.departments.get(code)
        if current is None:
            raise department_not_found(code)
        updated = replace(current, **changes)
        if updated.name != current.name:
            await _require_unique_name(uow, updated.name, other_than=code)
        before, after = department_snapshot(current), department_snapshot(updated)
        if before != after:
            await uow.departments.update(updated)
            uow.audit.record(AuditEvent("department.update", "department", code, before, after))
            await uow.commit()
    return updated


async def get_department(uow: UnitOfWork, code: str) -> Department:
    async with uow:
        department = await uow.departments.get(code)
    if department is None:
        raise department_not_found(code)
    return department


async def list_departments(uow: UnitOfWork) -> list[Department]:
    async with uow:
        return await uow.departments.list()
