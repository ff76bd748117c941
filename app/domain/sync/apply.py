"""Applying one page of platform records to a directory, inside the caller's transaction.

Valid records are upserted (unchanged content changes nothing, so a page applied twice is harmless);
deletions retire the local record (history kept, never a hard delete); records that cannot be applied go to
quarantine with their problems, and the rest of the page goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from app.domain.audit.model import AuditEvent
from app.domain.directories.importing import write_enterprises
from app.domain.directories.model import CheckItem, Enterprise, Inspector, ItemStatus
from app.domain.directories.reference import DEPT_TYPES
from app.domain.directories.snapshots import inspector_snapshot, item_snapshot, prepare_enterprise
from app.domain.directories.validation import FieldProblem, enterprise_problems, inspector_problems
from app.domain.ports import UnitOfWork
from app.domain.provincial.model import DirectoryKind, RemoteRecord
from app.domain.sync.model import Drift, KindCounts, QuarantinedRecord

RETIRE_REASON = "省级平台已删除该记录（目录同步）"


@dataclass(frozen=True, slots=True)
class BatchContext:
    run_id: int
    #: Who the history says made the change.
    changed_by: str
    drift: Drift | None


def latest_per_key(records: Sequence[RemoteRecord]) -> list[RemoteRecord]:
    """A page may repeat a record (or carry two versions of it): keep the newest of each key, in page order."""
    newest: dict[str, RemoteRecord] = {}
    keyless: list[RemoteRecord] = []
    for record in records:
        if not record.key:
            keyless.append(record)
            continue
        known = newest.get(record.key)
        if known is None or (record.updated_at and (known.updated_at is None or record.updated_at >= known.updated_at)):
            newest[record.key] = record
    return [*newest.values(), *keyless]


def quarantine_key(record: RemoteRecord) -> str:
    """The record's key, or for a record without one a stable digest of its content."""
    if record.key:
        return record.key[:64]
    digest = hashlib.sha256(json.dumps(record.raw, ensure_ascii=False, sort_keys=True, default=str).encode())
    return f"#{digest.hexdigest()[:32]}"


async def _quarantine(uow: UnitOfWork, ctx: BatchContext, record: RemoteRecord, problems: Sequence[FieldProblem],
                      counts: KindCounts) -> None:
    await uow.sync.quarantine(QuarantinedRecord(None, record.kind, quarantine_key(record), list(problems),
                                                dict(record.raw), ctx.run_id))
    counts.quarantined += 1


def _note(ctx: BatchContext, category: str, key: str) -> None:
    if ctx.drift is not None:
        ctx.drift.note(category, key)


async def apply_enterprises(uow: UnitOfWork, ctx: BatchContext, records: Sequence[RemoteRecord],
                            counts: KindCounts) -> list[str]:
    live = [r for r in records if not r.deleted and isinstance(r.value, Enterprise)]
    existing = await uow.enterprises.existing([r.key for r in records if r.key])
    # Fields the platform does not carry are kept from the stored record (only known records need reading).
    stored = [r.key for r in live if r.key in existing]
    current = await uow.enterprises.current(stored) if stored else {}
    prepared = []
    applied: list[str] = []
    for record in records:
        if record.deleted or record.value is not None:
            continue
        await _quarantine(uow, ctx, record, record.problems, counts)
    for record in live:
        enterprise = record.value
        assert isinstance(enterprise, Enterprise)
        known = current.get(enterprise.uscc)
        if known is not None:
            enterprise.contact_name = known.contact_name
        problems = enterprise_problems(enterprise)
        if problems:
            await _quarantine(uow, ctx, record, problems, counts)
            continue
        prepared.append(prepare_enterprise(enterprise))
    outcome = await write_enterprises(uow, prepared, changed_by=ctx.changed_by, action="sync", existing=existing)
    counts.created += len(outcome.created)
    counts.updated += len(outcome.updated)
    counts.unchanged += outcome.unchanged
    for key in outcome.created:
        _note(ctx, "remote_only", key)
    for key in outcome.updated:
        _note(ctx, "changed", key)
    applied += [p.enterprise.uscc for p in prepared]
    deleted = [r.key for r in records if r.deleted and r.key]
    for key in deleted:
        known_row = existing.get(key)
        if known_row is None or known_row.deleted:
            applied.append(key)
            continue
        target = await uow.enterprises.get(key, for_update=True)
        if target is None:
            continue
        await uow.enterprises.update(replace(target, version=target.version + 1), action="delete",
                                     changes={"_reason": [None, RETIRE_REASON]}, changed_by=ctx.changed_by, at=uow.now)
        counts.retired += 1
        applied.append(key)
        _note(ctx, "changed", key)
    if outcome.created or outcome.updated or counts.retired:
        uow.audit.record(AuditEvent("enterprise.sync", "sync_run", str(ctx.run_id), None, {
            "created": outcome.created[:50], "updated": outcome.updated[:50], "created_count": len(outcome.created),
            "updated_count": len(outcome.updated), "retired": [k for k in deleted if k in existing][:50],
        }))
    return applied


def _item_content(item: CheckItem) -> tuple[object, ...]:
    return (item.name, item.category, item.dept_type, item.legal_basis, item.method, item.target_type, item.kind,
            item.frequency_cap)


async def apply_check_items(uow: UnitOfWork, ctx: BatchContext, records: Sequence[RemoteRecord],
                            counts: KindCounts) -> list[str]:
    applied: list[str] = []
    for record in records:
        if record.deleted:
            current = await uow.items.get(record.key) if record.key else None
            if current is not None and current.status is not ItemStatus.RETIRED:
                retired = replace(current, status=ItemStatus.RETIRED, retired_at=uow.now, retire_reason=RETIRE_REASON,
                                  version=current.version + 1)
                await uow.items.update(retired)
                uow.audit.record(AuditEvent("check_item.retire", "check_item", record.key, item_snapshot(current),
                                            item_snapshot(retired)))
                counts.retired += 1
                _note(ctx, "changed", record.key)
            applied.append(record.key)
            continue
        item = record.value
        problems = list(record.problems)
        if isinstance(item, CheckItem) and item.dept_type not in DEPT_TYPES:
            problems.append(FieldProblem("deptType", "check_item.dept_type_unknown",
                                         f"部门类型“{item.dept_type}”不存在", f"unknown department type '{item.dept_type}'"))
        if problems or not isinstance(item, CheckItem):
            await _quarantine(uow, ctx, record, problems, counts)
            continue
        current = await uow.items.get(item.code)
        if current is None:
            # A new item of the provincial list: a draft here until the bureau publishes it in its own list.
            item = replace(item, status=ItemStatus.DRAFT, version=1)
            await uow.items.add(item)
            uow.audit.record(AuditEvent("check_item.sync_create", "check_item", item.code, None, item_snapshot(item)))
            counts.created += 1
            _note(ctx, "remote_only", item.code)
        elif _item_content(current) != _item_content(item):
            updated = replace(current, name=item.name, category=item.category, dept_type=item.dept_type,
                              legal_basis=item.legal_basis, method=item.method, target_type=item.target_type,
                              kind=item.kind, frequency_cap=item.frequency_cap, version=current.version + 1)
            await uow.items.update(updated)
            uow.audit.record(AuditEvent("check_item.sync_update", "check_item", item.code, item_snapshot(current),
                                        item_snapshot(updated)))
            counts.updated += 1
            _note(ctx, "changed", item.code)
        else:
            counts.unchanged += 1
        applied.append(item.code)
    return applied


async def apply_inspectors(uow: UnitOfWork, ctx: BatchContext, records: Sequence[RemoteRecord],
                           counts: KindCounts) -> list[str]:
    applied: list[str] = []
    for record in records:
        if record.deleted:
            current = await uow.inspectors.get(record.key, for_update=True) if record.key else None
            if current is not None:
                await uow.inspectors.update(replace(current, version=current.version + 1), deleted=True)
                uow.audit.record(AuditEvent("inspector.delete", "inspector", record.key, inspector_snapshot(current),
                                            {"reason": RETIRE_REASON}))
                counts.retired += 1
                _note(ctx, "changed", record.key)
            applied.append(record.key)
            continue
        inspector = record.value
        problems = list(record.problems)
        if isinstance(inspector, Inspector):
            problems += inspector_problems(inspector)
            if not problems and await uow.departments.get(inspector.department_code) is None:
                problems.append(FieldProblem("deptName", "department.unknown", "所属单位不存在", "unknown department"))
            if not problems and await uow.inspectors.cert_no_taken(inspector.cert_no, other_than=inspector.person_id):
                problems.append(FieldProblem("lawCertNo", "inspector.cert_no_duplicate",
                                             f"执法证号“{inspector.cert_no}”已登记给其他人员", "certificate number taken"))
        if problems or not isinstance(inspector, Inspector):
            await _quarantine(uow, ctx, record, problems, counts)
            continue
        current = await uow.inspectors.get(inspector.person_id, for_update=True, include_deleted=True)
        if current is None:
            await uow.inspectors.add(inspector)
            uow.audit.record(AuditEvent("inspector.sync_create", "inspector", inspector.person_id, None,
                                        inspector_snapshot(inspector)))
            counts.created += 1
            _note(ctx, "remote_only", inspector.person_id)
        else:
            was_removed = await uow.inspectors.get(inspector.person_id) is None
            merged = replace(inspector, conflicts=current.conflicts, version=current.version)
            before, after = inspector_snapshot(current), inspector_snapshot(merged)
            if before != after or was_removed:
                merged.version = current.version + 1
                await uow.inspectors.update(merged)
                uow.audit.record(AuditEvent("inspector.sync_update", "inspector", inspector.person_id, before, after))
                counts.updated += 1
                _note(ctx, "changed", inspector.person_id)
            else:
                counts.unchanged += 1
        applied.append(inspector.person_id)
    return applied


Applier = Callable[[UnitOfWork, BatchContext, Sequence[RemoteRecord], KindCounts], Awaitable[list[str]]]
APPLIERS: dict[DirectoryKind, Applier] = {
    DirectoryKind.CHECK_ITEMS: apply_check_items,
    DirectoryKind.ENTERPRISES: apply_enterprises,
    DirectoryKind.INSPECTORS: apply_inspectors,
}
