"""执法人员名录库: the inspector directory and declared conflicts of interest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.departments import require_department
from app.domain.directories.model import Conflict, Inspector
from app.domain.directories.snapshots import conflict_snapshot, inspector_snapshot
from app.domain.directories.validation import inspector_problems, raise_if_any, uscc_problems
from app.domain.errors import Conflict as ConflictError
from app.domain.errors import InvalidInput, NotFound
from app.domain.ports import UnitOfWork


def inspector_not_found(person_id: str) -> NotFound:
    return NotFound(f"执法人员“{person_id}”不存在", f"inspector '{person_id}' not found", code="inspector.not_found")


async def _check(uow: UnitOfWork, principal: Principal, inspector: Inspector, *, other_than: str | None) -> None:
    raise_if_any(inspector_problems(inspector), what_zh="执法人员信息有误", what_en="invalid inspector")
    await require_department(uow, inspector.department_code)
    principal.require_department(inspector.department_code)
    if await uow.inspectors.cert_no_taken(inspector.cert_no, other_than=other_than):
        raise ConflictError(f"执法证号“{inspector.cert_no}”已登记给其他人员", "certificate number already registered",
                            code="inspector.cert_no_duplicate", details={"field": "cert_no"})


async def _load(uow: UnitOfWork, principal: Principal, person_id: str) -> Inspector:
    principal.require(Permission.INSPECTORS_WRITE)
    inspector = await uow.inspectors.get(person_id, for_update=True)
    if inspector is None:
        raise inspector_not_found(person_id)
    principal.require_department(inspector.department_code)
    return inspector


async def create_inspector(uow: UnitOfWork, principal: Principal, inspector: Inspector) -> Inspector:
    principal.require(Permission.INSPECTORS_WRITE)
    async with uow:
        await _check(uow, principal, inspector, other_than=None)
        if await uow.inspectors.person_id_taken(inspector.person_id):
            raise ConflictError(f"人员编号“{inspector.person_id}”已存在", "person id exists",
                                code="inspector.duplicate", details={"field": "person_id"})
        for c in inspector.conflicts:
            _check_conflict(c)
        inspector = replace(inspector, version=1)
        await uow.inspectors.add(inspector)
        inspector = await uow.inspectors.get(inspector.person_id) or inspector
        uow.audit.record(AuditEvent("inspector.create", "inspector", inspector.person_id, None,
                                    inspector_snapshot(inspector)))
        await uow.commit()
    return inspector


async def update_inspector(uow: UnitOfWork, principal: Principal, person_id: str, changes: dict[str, Any]) -> Inspector:
    async with uow:
        current = await _load(uow, principal, person_id)
        updated = replace(current, **changes)
        await _check(uow, principal, updated, other_than=person_id)
        before, after = inspector_snapshot(current), inspector_snapshot(updated)
        if before == after:
            return current
        updated.version = current.version + 1
        await uow.inspectors.update(updated)
        uow.audit.record(AuditEvent("inspector.update", "inspector", person_id, before, after))
        await uow.commit()
    return updated


async def delete_inspector(uow: UnitOfWork, principal: Principal, person_id: str, reason: str) -> None:
    """Removes the inspector from the directory (they can no longer be drawn); the record is kept."""
    async with uow:
        current = await _load(uow, principal, person_id)
        await uow.inspectors.update(replace(current, version=current.version + 1), deleted=True)
        uow.audit.record(AuditEvent("inspector.delete", "inspector", person_id, inspector_snapshot(current),
                                    {"reason": reason}))
        await uow.commit()


def _check_conflict(c: Conflict) -> None:
    raise_if_any(uscc_problems(c.uscc), what_zh="利害关系企业的统一社会信用代码有误", what_en="invalid USCC")
    if c.to_date is not None and c.to_date < c.from_date:
        raise InvalidInput("回避期间的结束日期不能早于开始日期", "conflict period ends before it starts",
                           code="conflict.period_invalid", details={"field": "to_date"})


async def declare_conflict(uow: UnitOfWork, principal: Principal, person_id: str, conflict: Conflict) -> Conflict:
    _check_conflict(conflict)
    async with uow:
        inspector = await _load(uow, principal, person_id)
        principal.require_unit_staff(inspector.department_code)  # a conflict keeps the inspector out of draws
        saved = await uow.inspectors.add_conflict(person_id, conflict)
        uow.audit.record(AuditEvent("inspector.conflict_declare", "inspector", person_id, None,
                                    conflict_snapshot(saved)))
        await uow.commit()
    return saved


async def withdraw_conflict(uow: UnitOfWork, principal: Principal, person_id: str, conflict_id: int) -> None:
    async with uow:
        inspector = await _load(uow, principal, person_id)
        principal.require_unit_staff(inspector.department_code)
        removed = await uow.inspectors.remove_conflict(person_id, conflict_id)
        if removed is None:
            raise NotFound(f"利害关系声明 {conflict_id} 不存在", f"conflict {conflict_id} not found",
                           code="conflict.not_found")
        uow.audit.record(AuditEvent("inspector.conflict_withdraw", "inspector", person_id,
                                    conflict_snapshot(removed), None))
        await uow.commit()


async def get_inspector(uow: UnitOfWork, person_id: str) -> Inspector:
    async with uow:
        inspector = await uow.inspectors.get(person_id)
    if inspector is None:
        raise inspector_not_found(person_id)
    return inspector


def certificate_days_left(inspector: Inspector, today: date) -> int:
    return (inspector.cert_expiry - today).days
