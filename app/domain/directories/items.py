"""抽查事项清单: the check-item list. Items are drafted, published in the year's list and
retired; a published item is never hard-deleted (the public list must stay traceable)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.departments import require_department
from app.domain.directories.model import CheckItem, ItemStatus
from app.domain.directories.reference import DEPT_TYPES
from app.domain.directories.snapshots import item_snapshot
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.ports import UnitOfWork


def item_not_found(code: str) -> NotFound:
    return NotFound(f"抽查事项“{code}”不存在", f"check item '{code}' not found", code="check_item.not_found")


async def _validate(uow: UnitOfWork, principal: Principal, item: CheckItem) -> None:
    if item.dept_type not in DEPT_TYPES:
        raise InvalidInput(f"部门类型“{item.dept_type}”不存在（可用：{'、'.join(DEPT_TYPES)}）",
                           f"unknown department type '{item.dept_type}'", code="check_item.dept_type_unknown",
                           details={"field": "dept_type"})
    department = await require_department(uow, item.department_code)
    if department.dept_type != item.dept_type:
        raise InvalidInput(f"部门类型“{item.dept_type}”与所属单位{department.short_name}的部门类型“{department.dept_type}”不一致",
                           f"dept_type '{item.dept_type}' differs from the department's '{department.dept_type}'",
                           code="check_item.dept_type_mismatch", details={"field": "dept_type"})
    principal.require_department(item.department_code)


async def _load(uow: UnitOfWork, principal: Principal, code: str) -> CheckItem:
    principal.require(Permission.ITEMS_WRITE)
    item = await uow.items.get(code)
    if item is None:
        raise item_not_found(code)
    principal.require_department(item.department_code)
    return item


async def create_item(uow: UnitOfWork, principal: Principal, item: CheckItem) -> CheckItem:
    principal.require(Permission.ITEMS_WRITE)
    async with uow:
        await _validate(uow, principal, item)
        if await uow.items.get(item.code):
            raise Conflict(f"抽查事项编码“{item.code}”已存在", f"check item '{item.code}' exists",
                           code="check_item.duplicate")
        item = replace(item, status=ItemStatus.DRAFT, published_at=None, retired_at=None, retire_reason=None,
                       version=1)
        await uow.items.add(item)
        uow.audit.record(AuditEvent("check_item.create", "check_item", item.code, None, item_snapshot(item)))
        await uow.commit()
    return item


async def update_item(uow: UnitOfWork, principal: Principal, code: str, changes: dict[str, Any]) -> CheckItem:
    async with uow:
        current = await _load(uow, principal, code)
        if current.status is ItemStatus.RETIRED:
            raise Conflict("已停用的抽查事项不能修改", "a retired item cannot be changed", code="check_item.retired")
        updated = replace(current, **changes)
        await _validate(uow, principal, updated)
        before, after = item_snapshot(current), item_snapshot(updated)
        if before != after:
            updated.version = current.version + 1
            await uow.items.update(updated)
            uow.audit.record(AuditEvent("check_item.update", "check_item", code, before, after))
            await uow.commit()
    return updated


async def publish_item(uow: UnitOfWork, principal: Principal, code: str) -> CheckItem:
    async with uow:
        current = await _load(uow, principal, code)
        if current.status is not ItemStatus.DRAFT:
            raise Conflict(f"只有草稿状态的事项可以公布（当前：{current.status.label}）",
                           f"only draft items can be published (now {current.status.value})",
                           code="check_item.not_draft")
        updated = replace(current, status=ItemStatus.PUBLISHED, published_at=uow.now, version=current.version + 1)
        await uow.items.update(updated)
        uow.audit.record(AuditEvent("check_item.publish", "check_item", code, item_snapshot(current),
                                    item_snapshot(updated)))
        await uow.commit()
    return updated


async def retire_item(uow: UnitOfWork, principal: Principal, code: str, reason: str) -> CheckItem:
    async with uow:
        current = await _load(uow, principal, code)
        if current.status is ItemStatus.RETIRED:
            raise Conflict("该抽查事项已停用", "the item is already retired", code="check_item.retired")
        updated = replace(current, status=ItemStatus.RETIRED, retired_at=uow.now, retire_reason=reason,
                          version=current.version + 1)
        await uow.items.update(updated)
        uow.audit.record(AuditEvent("check_item.retire", "check_item", code, item_snapshot(current),
                                    item_snapshot(updated)))
        await uow.commit()
    return updated


async def delete_item(uow: UnitOfWork, principal: Principal, code: str) -> None:
    """Only a draft that was never published may disappear; anything else is retired."""
    async with uow:
        current = await _load(uow, principal, code)
        if current.status is not ItemStatus.DRAFT or current.published_at is not None:
            raise Conflict("已公布的抽查事项不能删除，请改为停用", "a published item cannot be deleted; retire it",
                           code="check_item.published_not_deletable")
        await uow.items.delete(code)
        uow.audit.record(AuditEvent("check_item.delete", "check_item", code, item_snapshot(current), None))
        await uow.commit()


async def get_item(uow: UnitOfWork, code: str) -> CheckItem:
    async with uow:
        item = await uow.items.get(code)
    if item is None:
        raise item_not_found(code)
    return item
