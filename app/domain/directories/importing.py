"""Bulk import of the enterprise directory from a table (CSV or XLSX rows).

Every row is validated first and reported by row number; by default nothing is imported
when any row is bad (``all_or_nothing``), or only the good rows when asked (``valid_only``).
Rows are matched by USCC: unchanged rows change nothing, so re-importing a file is a no-op.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import CreditClass, Enterprise, EnterpriseStatus, SafetyRiskLevel
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.directories.snapshots import SNAPSHOT_FIELDS, diff, enterprise_snapshot, prepare_enterprise
from app.domain.directories.validation import FieldProblem, enterprise_problems
from app.domain.errors import InvalidInput
from app.domain.ports import BulkUpdate, ExistingRecord, PreparedEnterprise, UnitOfWork
from app.domain.runtime import paused_gc

#: Accepted column headings: the Chinese heading people use, or the API field name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "uniscid"),
    "name": ("企业名称", "单位名称", "entName"),
    "county_code": ("所属区县", "区县代码", "区县", "regionCode"),
    "industry_code": ("行业", "行业代码", "行业类别", "industryCode"),
    "status": ("经营状态", "状态", "entStatus"),
    "address": ("地址", "经营地址", "住所"),
    "longitude": ("经度",),
    "latitude": ("纬度",),
    "credit_class": ("信用风险分类", "信用风险等级", "riskGrade"),
    "safety_risk_level": ("安全风险等级", "safetyRiskLevel"),
    "tags": ("标签",),
    "legal_person": ("法定代表人", "legalPerson"),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "contactPhone"),
}
REQUIRED = ("uscc", "name", "county_code", "industry_code")
_COUNTY_BY_NAME = {v: k for k, v in COUNTIES.items()}
_INDUSTRY_BY_NAME = {v: k for k, v in INDUSTRIES.items()}
_TAG_SEPARATORS = str.maketrans({"；": ";", "、": ";", ",": ";", "，": ";", "|": ";"})


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ONLY = "valid_only"


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: Iterable[Sequence[Any]]
    #: Spreadsheet row number of the first data row (2 when a heading row comes first).
    first_row: int = 2
    #: Every cell is text (CSV): rows take the fast path.
    text_only: bool = False


class TableReader(Protocol):
    def read(self, content: bytes, filename: str) -> Table: ...


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    #: The row's identifying value (USCC or person id) when it has one.
    key: str | None
    errors: list[FieldProblem]


@dataclass(slots=True)
class ImportReport:
    filename: str
    sha256: str
    mode: ImportMode
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    applied: bool = False
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"filename": self.filename, "sha256": self.sha256, "mode": self.mode.value, "total": self.total,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = (value if type(value) is str else str(value)).strip()
    return text or None


def map_columns(header: Sequence[Any], columns: dict[str, tuple[str, ...]], required: Sequence[str]) -> list[str | None]:
    """Field name of each heading (None for columns we do not know); refuses a header missing a required column."""
    headings = {alias: name for name, aliases in columns.items() for alias in (name, *aliases)}
    mapped = [headings.get(str(h).strip()) if h is not None else None for h in header]
    missing = [name for name in required if name not in mapped]
    if missing:
        wanted = "、".join(f"{columns[m][0]}（{m}）" for m in missing)
        raise InvalidInput(f"表头缺少必填列：{wanted}", f"missing required columns: {', '.join(missing)}",
                           code="import.missing_columns", details={"missing": missing})
    return mapped


def records(table: Table, columns: list[str | None], *, max_rows: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: stripped text, or the cell's date}) of each non-blank row, at most ``max_rows``."""
    wanted = [(i, name) for i, name in enumerate(columns) if name]
    full_width = max(i for i, _ in wanted) + 1
    count = 0
    text_only = table.text_only
    for row_no, row in enumerate(table.rows, start=table.first_row):
        if text_only and len(row) >= full_width:
            # The common case (a complete CSV line): plain text cells.
            record = {name: row[i].strip() or None for i, name in wanted}
        else:
            width = len(row)
            record = {name: _cell(row[i]) if i < width else None for i, name in wanted}
        if not any(record.values()) and not any(_text(v) for v in row):
            continue  # blank line
        count += 1
        if count > max_rows:
            raise InvalidInput(f"单次导入最多 {max_rows} 行", f"at most {max_rows} rows per import",
                               code="import.too_many_rows", details={"max_rows": max_rows})
        yield row_no, record


def _cell(value: Any) -> Any:
    if type(value) is str:
        return value.strip() or None
    return value if isinstance(value, date) else _text(value)


def _lookup(enum: Any) -> dict[str, Any]:
    """Every spelling an import accepts for a member: its code (any case) and its Chinese label."""
    spellings: dict[str, Any] = {}
    for member in enum:
        for key in (member.value, member.value.upper(), member.value.lower(), getattr(member, "label", member.value)):
            spellings[key] = member
    return spellings


_STATUSES, _CREDIT_CLASSES, _SAFETY_LEVELS = _lookup(EnterpriseStatus), _lookup(CreditClass), _lookup(SafetyRiskLevel)


def _choice(record: dict[str, Any], name: str, lookup: dict[str, Any], label: str, problems: list[FieldProblem]) -> Any:
    text = record.get(name)
    if text is None:
        return None
    member = lookup.get(text)
    if member is None:
        problems.append(FieldProblem(name, f"{name}.invalid", f"{label}“{text}”无法识别", f"unrecognised {name} '{text}'"))
    return member


def _number(record: dict[str, Any], name: str, label: str, problems: list[FieldProblem]) -> float | None:
    text = record.get(name)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(FieldProblem(name, f"{name}.invalid", f"{label}“{text}”不是数字", f"{name} is not a number"))
        return None


def _parse_row(record: dict[str, Any], problems: list[FieldProblem]) -> Enterprise | None:
    for name in REQUIRED:
        if record.get(name) is None:
            problems.append(FieldProblem(name, f"{name}.missing", f"{COLUMNS[name][0]}不能为空", f"{name} is required"))
    if problems:
        return None
    county = record["county_code"]
    industry = record["industry_code"]
    tags_text = record.get("tags")
    enterprise = Enterprise(
        uscc=record["uscc"].upper(),
        name=record["name"],
        county_code=_COUNTY_BY_NAME.get(county, county),
        industry_code=_INDUSTRY_BY_NAME.get(industry, industry),
        status=_choice(record, "status", _STATUSES, "经营状态", problems) or EnterpriseStatus.ACTIVE,
        address=record.get("address"),
        longitude=_number(record, "longitude", "经度", problems),
        latitude=_number(record, "latitude", "纬度", problems),
        credit_class=_choice(record, "credit_class", _CREDIT_CLASSES, "信用风险分类", problems),
        safety_risk_level=_choice(record, "safety_risk_level", _SAFETY_LEVELS, "安全风险等级", problems),
        tags=tuple(t.strip() for t in tags_text.translate(_TAG_SEPARATORS).split(";") if t.strip())
        if tags_text else (),
        legal_person=record.get("legal_person"),
        contact_name=record.get("contact_name"),
        contact_phone=record.get("contact_phone"),
    )
    problems += enterprise_problems(enterprise)
    return None if problems else enterprise


class TableParser:
    """Validates rows lazily, a chunk at a time, keeping the row errors and catching USCCs repeated in the file."""

    def __init__(self, table: Table, *, max_rows: int) -> None:
        self.columns = map_columns(table.header, COLUMNS, REQUIRED)
        self.table, self.max_rows = table, max_rows
        self.errors: list[RowError] = []
        self.total = 0
        self._seen: dict[str, int] = {}

    def chunks(self, size: int) -> Iterator[list[PreparedEnterprise]]:
        chunk: list[PreparedEnterprise] = []
        for row_no, record in records(self.table, self.columns, max_rows=self.max_rows):
            self.total += 1
            problems: list[FieldProblem] = []
            enterprise = _parse_row(record, problems)
            if enterprise is not None and enterprise.uscc in self._seen:
                first = self._seen[enterprise.uscc]
                problems.append(FieldProblem("uscc", "uscc.duplicate_in_file", f"统一社会信用代码与第 {first} 行重复",
                                             f"USCC repeats row {first}"))
                enterprise = None
            if enterprise is None:
                self.errors.append(RowError(row_no, (record.get("uscc") or "").upper() or None, problems))
                continue
            self._seen[enterprise.uscc] = row_no
            chunk.append(prepare_enterprise(enterprise))
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


#: Rows per step of an import: parsing the next chunk overlaps with writing this one.
CHUNK_ROWS = 20_000


async def import_enterprises(
    uow: UnitOfWork,
    principal: Principal,
    reader: TableReader,
    content: bytes,
    filename: str,
    *,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING,
    dry_run: bool = False,
    max_rows: int = 200_000,
) -> ImportReport:
    """Parses in a worker thread, a chunk ahead of the writes, all inside one transaction: in
    ``all_or_nothing`` mode the first bad row stops the writes and nothing is committed."""
    principal.require(Permission.ENTERPRISES_WRITE)
    with paused_gc():
        return await _import(uow, principal, reader, content, filename, mode, dry_run, max_rows)


async def _import(uow: UnitOfWork, principal: Principal, reader: TableReader, content: bytes, filename: str,
                  mode: ImportMode, dry_run: bool, max_rows: int) -> ImportReport:
    report = ImportReport(filename, hashlib.sha256(content).hexdigest(), mode, dry_run)
    parser = TableParser(reader.read(content, filename), max_rows=max_rows)
    chunks = parser.chunks(CHUNK_ROWS)
    async with uow:
        pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
        try:
            while (chunk := await pending) is not None:
                pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
                if parser.errors and mode is ImportMode.ALL_OR_NOTHING:
                    continue  # keep validating, to report every bad row; nothing will be written
                await _apply(uow, principal, chunk, report)
        finally:
            if not pending.done():
                await asyncio.gather(pending, return_exceptions=True)
        report.errors, report.total, report.rejected = parser.errors, parser.total, len(parser.errors)
        if report.errors and mode is ImportMode.ALL_OR_NOTHING:
            report.created = report.updated = report.unchanged = 0
            return report
        if dry_run or not (report.created or report.updated):
            return report
        uow.audit.record(AuditEvent("enterprise.import", "enterprise_import", report.sha256[:16], None,
                                    report.summary()))
        await uow.commit()
    report.applied = True
    return report


async def _apply(uow: UnitOfWork, principal: Principal, chunk: list[PreparedEnterprise], report: ImportReport) -> None:
    outcome = await write_enterprises(uow, chunk, changed_by=principal.username, action="import",
                                      dry_run=report.dry_run)
    report.created += len(outcome.created)
    report.updated += len(outcome.updated)
    report.unchanged += outcome.unchanged


@dataclass(slots=True)
class WriteOutcome:
    created: list[str]
    updated: list[str]
    unchanged: int


async def write_enterprises(
    uow: UnitOfWork, chunk: Sequence[PreparedEnterprise], *, changed_by: str, action: str, dry_run: bool = False,
    existing: dict[str, ExistingRecord] | None = None,
) -> WriteOutcome:
    """Sorts validated enterprises into new, changed and unchanged ones (by content hash) and writes the first
    two with their history (unless a dry run). Removed enterprises that come back are restored. ``existing``
    is what the caller already looked up of these USCCs."""
    if existing is None:
        existing = await uow.enterprises.existing([p.enterprise.uscc for p in chunk])
    creates: list[PreparedEnterprise] = []
    changed: list[PreparedEnterprise] = []
    unchanged = 0
    for prepared in chunk:
        known = existing.get(prepared.enterprise.uscc)
        if known is None:
            creates.append(prepared)
        elif known.deleted or known.content_hash != prepared.content_hash:
            prepared.enterprise.version = known.version + 1
            changed.append(prepared)
        else:
            unchanged += 1
    current = await uow.enterprises.current([p.enterprise.uscc for p in changed]) if changed else {}
    updates = [
        BulkUpdate(p, "restore" if existing[p.enterprise.uscc].deleted else action,
                   diff(enterprise_snapshot(current[p.enterprise.uscc]), dict(zip(SNAPSHOT_FIELDS, p.values, strict=True))))
        for p in changed
    ]
    if not dry_run and (creates or updates):
        await uow.enterprises.bulk_write(creates, updates, changed_by=changed_by, at=uow.now, action=action)
    return WriteOutcome([p.enterprise.uscc for p in creates], [p.enterprise.uscc for p in changed], unchanged)
