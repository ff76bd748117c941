"""检查对象名录库: the enterprise directory, with the history of every change."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import Enterprise, EnterpriseVersion
from app.domain.directories.snapshots import diff, enterprise_snapshot
from app.domain.directories.uscc import normalise_uscc
from app.domain.directories.validation import enterprise_problems, raise_if_any, uscc_problems
from app.domain.errors import Conflict, NotFound
from app.domain.ports import UnitOfWork


def enterprise_not_found(uscc: str) -> NotFound:
    return NotFound(f"统一社会信用代码为 {uscc} 的企业不存在", f"enterprise {uscc} not found",
                    code="enterprise.not_found")


def validate_enterprise(e: Enterprise) -> None:
    raise_if_any(enterprise_problems(e), what_zh="企业信息有误", what_en="invalid enterprise")


async def create_enterprise(uow: UnitOfWork, principal: Principal, enterprise: Enterprise) -> Enterprise:
    principal.require(Permission.ENTERPRISES_WRITE)
    enterprise = replace(enterprise, uscc=normalise_uscc(enterprise.uscc))
    validate_enterprise(enterprise)
    async with uow:
        if await uow.enterprises.get(enterprise.uscc) is not None:
            raise Conflict(f"统一社会信用代码 {enterprise.uscc} 已在名录库中", f"enterprise {enterprise.uscc} exists",
                           code="enterprise.duplicate", details={"field": "uscc"})
        created = replace(enterprise, version=1)
        if await uow.enterprises.exists_deleted(enterprise.uscc):
            # A removed enterprise comes back: its history goes on rather than starting over.
            history = await uow.enterprises.history(enterprise.uscc)
            created.version = history[-1].version + 1
            changes = diff(history[-1].snapshot, enterprise_snapshot(created))
            await uow.enterprises.update(created, action="restore", changes=changes, changed_by=principal.username,
                                         at=uow.now)
            action = "enterprise.restore"
        else:
            await uow.enterprises.add(created, changed_by=principal.username, at=uow.now)
            action = "enterprise.create"
        uow.audit.record(AuditEvent(action, "enterprise", created.uscc, None, enterprise_snapshot(created)))
        await uow.commit()
    created.updated_at = uow.now
    return created


async def update_enterprise(uow: UnitOfWork, principal: Principal, uscc: str, changes: dict[str, Any]) -> Enterprise:
    principal.require(Permission.ENTERPRISES_WRITE)
    uscc = normalise_uscc(uscc)
    async with uow:
        current = await uow.enterprises.get(uscc, for_update=True)
        if current is None:
            raise enterprise_not_found(uscc)
        updated = replace(current, **changes)
        validate_enterprise(updated)
        before, after = enterprise_snapshot(current), enterprise_snapshot(updated)
        changed = diff(before, after)
        if not changed:
            return current
        updated.version = current.version + 1
        await uow.enterprises.update(updated, action="update", changes=changed, changed_by=principal.username,
                                     at=uow.now)
        uow.audit.record(AuditEvent("enterprise.update", "enterprise", uscc, before, after))
        await uow.commit()
    updated.updated_at = uow.now
    return updated


async def delete_enterprise(uow: UnitOfWork, principal: Principal, uscc: str, reason: str) -> None:
    """Removes the enterprise from the directory; its record and history are kept."""
    principal.require(Permission.ENTERPRISES_WRITE)
    uscc = normalise_uscc(uscc)
    async with uow:
        current = await uow.enterprises.get(uscc, for_update=True)
        if current is None:
            raise enterprise_not_found(uscc)
        removed = replace(current, version=current.version + 1)
        await uow.enterprises.update(removed, action="delete", changes={"_reason": [None, reason]},
                                     changed_by=principal.username, at=uow.now)
        uow.audit.record(AuditEvent("enterprise.delete", "enterprise", uscc, enterprise_snapshot(current),
                                    {"reason": reason}))
        await uow.commit()


async def get_enterprise(uow: UnitOfWork, uscc: str) -> Enterprise:
    uscc = normalise_uscc(uscc)
    raise_if_any(uscc_problems(uscc), what_zh="统一社会信用代码有误", what_en="invalid USCC")
    async with uow:
        enterprise = await uow.enterprises.get(uscc)
    if enterprise is None:
        raise enterprise_not_found(uscc)
    return enterprise


async def enterprise_history(uow: UnitOfWork, uscc: str) -> list[EnterpriseVersion]:
    uscc = normalise_uscc(uscc)
    async with uow:
        history = await uow.enterprises.history(uscc)
    if not history:
        raise enterprise_not_found(uscc)
    return history
