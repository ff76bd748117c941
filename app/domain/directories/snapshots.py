"""JSON snapshots of directory records, for history, the audit trail and change detection."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from enum import Enum
from typing import Any

from app.domain.directories.model import (
    ENTERPRISE_FIELDS,
    CheckItem,
    Conflict,
    Department,
    Enterprise,
    Inspector,
)
from app.domain.ports import PreparedEnterprise


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


#: Keys of an enterprise snapshot, in their fixed order.
SNAPSHOT_FIELDS: tuple[str, ...] = ("uscc", *ENTERPRISE_FIELDS)


def enterprise_values(e: Enterprise) -> tuple[Any, ...]:
    """The enterprise's content (without version or timestamps), JSON-ready, in SNAPSHOT_FIELDS order.

    Written out field by field: bulk imports call it for every row."""
    return (
        e.uscc,
        e.name,
        e.county_code,
        e.industry_code,
        e.status.value,
        e.address,
        e.longitude,
        e.latitude,
        e.credit_class.value if e.credit_class else None,
        e.safety_risk_level.value if e.safety_risk_level else None,
        list(e.tags),
        e.legal_person,
        e.contact_name,
        e.contact_phone,
    )


def enterprise_snapshot(e: Enterprise) -> dict[str, Any]:
    """The enterprise's content as ``{field: value}`` (without version or timestamps)."""
    return dict(zip(SNAPSHOT_FIELDS, enterprise_values(e), strict=True))


def snapshot_json(snapshot: dict[str, Any]) -> str:
    """Compact JSON of a snapshot in its own (fixed) key order, as stored in the history."""
    return json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))


def values_hash(values: tuple[Any, ...]) -> str:
    """Hash of a record's content values: equal hashes mean an import would change nothing.

    The values come in a fixed order of plain types, so their ``repr`` is a canonical encoding
    as it is (and cheaper than JSON: imports hash every row)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()


def content_hash(snapshot: dict[str, Any]) -> str:
    """:func:`values_hash` of a snapshot (whose keys are in SNAPSHOT_FIELDS order)."""
    return values_hash(tuple(snapshot.values()))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as ``{field: [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def inspector_snapshot(i: Inspector) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in asdict(i).items() if k not in ("conflicts", "version")}
    data["conflicts"] = [conflict_snapshot(c) for c in i.conflicts]
    return data


def conflict_snapshot(c: Conflict) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(c).items()}


def item_snapshot(item: CheckItem) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(item).items() if k != "version"}


def department_snapshot(d: Department) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(d).items()}


def prepare_enterprise(e: Enterprise) -> PreparedEnterprise:
    values = enterprise_values(e)
    return PreparedEnterprise(e, values, values_hash(values))
