"""Bulk import of the inspector directory from a table, matched by person id.

Same rules as the enterprise import: every row validated first, a per-row report, nothing
written in ``all_or_nothing`` mode when a row is bad, re-importing the same file changes nothing.
Inspector rosters are small (hundreds), so each change is audited with its before and after.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.catalogue import department_code_for
from app.domain.directories.importing import (
    ImportMode,
    ImportReport,
    RowError,
    Table,
    TableReader,
    map_columns,
    records,
)
from app.domain.directories.model import Inspector, InspectorStatus
from app.domain.directories.snapshots import inspector_snapshot
from app.domain.directories.validation import FieldProblem, inspector_problems
from app.domain.errors import PermissionDenied
from app.domain.ports import UnitOfWork

COLUMNS: dict[str, tuple[str, ...]] = {
    "person_id": ("人员编号", "personId"),
    "name": ("姓名",),
    "department_code": ("所属单位", "单位", "单位代码", "deptCode"),
    "cert_no": ("执法证号", "lawCertNo"),
    "cert_expiry": ("执法证有效期", "有效期至", "lawCertExpiry"),
    "status": ("状态", "在岗状态"),
    "specialties": ("专业领域", "specialties"),
    "phone": ("联系电话", "手机号"),
}
REQUIRED = ("person_id", "name", "department_code", "cert_no", "cert_expiry")
_SEPARATORS = str.maketrans({"；": ";", "、": ";", ",": ";", "，": ";", "|": ";"})


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_row(record: dict[str, Any], known_departments: set[str]) -> tuple[Inspector | None, list[FieldProblem]]:
    problems = [FieldProblem(n, f"{n}.missing", f"{COLUMNS[n][0]}不能为空", f"{n} is required")
                for n in REQUIRED if record.get(n) is None]
    if problems:
        return None, problems
    department_text = str(record["department_code"]).strip()
    department = department_text if department_text in known_departments else department_code_for(department_text)
    if department is None or department not in known_departments:
        problems.append(FieldProblem("department_code", "department.unknown", f"单位“{department_text}”不存在",
                                     f"unknown department '{department_text}'"))
    expiry = _date(record["cert_expiry"])
    if expiry is None:
        problems.append(FieldProblem("cert_expiry", "cert_expiry.invalid", "执法证有效期应为日期（YYYY-MM-DD）",
                                     "certificate expiry must be a date"))
    status = InspectorStatus.ON_DUTY
    if record.get("status") is not None:
        try:
            status = InspectorStatus.parse(str(record["status"]))
        except ValueError:
            problems.append(FieldProblem("status", "status.invalid", f"状态“{record['status']}”无法识别（可用：{InspectorStatus.choices()}）",
                                         "unrecognised status"))
    if problems or expiry is None or department is None:
        return None, problems
    specialties = str(record.get("specialties") or "").translate(_SEPARATORS)
    inspector = Inspector(
        person_id=str(record["person_id"]).strip(), name=str(record["name"]).strip(), department_code=department,
        cert_no=str(record["cert_no"]).strip(), cert_expiry=expiry, status=status,
        specialties=tuple(s.strip() for s in specialties.split(";") if s.strip()),
        phone=str(record["phone"]).strip() if record.get("phone") is not None else None,
    )
    problems = inspector_problems(inspector)
    return (None if problems else inspector), problems


async def import_inspectors(
    uow: UnitOfWork, principal: Principal, reader: TableReader, content: bytes, filename: str, *,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING, dry_run: bool = False, max_rows: int = 20_000,
) -> ImportReport:
    principal.require(Permission.INSPECTORS_WRITE)
    report = ImportReport(filename, hashlib.sha256(content).hexdigest(), mode, dry_run)
    table: Table = reader.read(content, filename)
    columns = map_columns(table.header, COLUMNS, REQUIRED)
    async with uow:
        known_departments = {d.code for d in await uow.departments.list()}
        good: list[Inspector] = []
        seen_ids: dict[str, int] = {}
        seen_certs: dict[str, int] = {}
        for row_no, record in records(table, columns, max_rows=max_rows):
            report.total += 1
            inspector, problems = _parse_row(record, known_departments)
            if inspector is not None:
                for key, seen, what in ((inspector.person_id, seen_ids, "人员编号"), (inspector.cert_no, seen_certs, "执法证号")):
                    if key in seen:
                        problems.append(FieldProblem("person_id" if seen is seen_ids else "cert_no", "duplicate_in_file",
                                                     f"{what}与第 {seen[key]} 行重复", f"repeats row {seen[key]}"))
                if not problems:
                    try:
                        principal.require_department(inspector.department_code)
                    except PermissionDenied as exc:
                        problems.append(FieldProblem("department_code", exc.code, exc.message_zh, exc.message_en))
                if not problems and await uow.inspectors.cert_no_taken(inspector.cert_no, other_than=inspector.person_id):
                    problems.append(FieldProblem("cert_no", "inspector.cert_no_duplicate", "执法证号已登记给其他人员",
                                                 "certificate number registered to someone else"))
            if problems or inspector is None:
                report.errors.append(RowError(row_no, record.get("person_id"), problems))
                continue
            seen_ids[inspector.person_id] = seen_certs[inspector.cert_no] = row_no
            good.append(inspector)
        report.rejected = len(report.errors)
        if report.errors and mode is ImportMode.ALL_OR_NOTHING:
            return report
        for inspector in good:
            current = await uow.inspectors.get(inspector.person_id, for_update=True)
            if current is None:
                report.created += 1
                if not dry_run:
                    await uow.inspectors.add(inspector)
                    uow.audit.record(AuditEvent("inspector.import", "inspector", inspector.person_id, None,
                                                inspector_snapshot(inspector)))
                continue
            updated = replace(inspector, conflicts=current.conflicts, version=current.version + 1)
            before, after = inspector_snapshot(current), inspector_snapshot(updated)
            if before == after:
                report.unchanged += 1
                continue
            report.updated += 1
            if not dry_run:
                await uow.inspectors.update(updated)
                uow.audit.record(AuditEvent("inspector.import", "inspector", inspector.person_id, before, after))
        if dry_run or not (report.created or report.updated):
            return report
        await uow.commit()
    report.applied = True
    return report
