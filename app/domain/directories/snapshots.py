"""JSON snapshots of directory records, for history, the audit trail and change detection."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from enum import Enum
from typing import Any

from app.domain.directories.model import (
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


def enterprise_snapshot(e: Enterprise) -> dict[str, Any]:
    """The enterprise's content (without version or timestamps), JSON-ready.

    Written out field by field: bulk imports call it for every row."""
    return {
        "uscc": e.uscc,
        "name": e.name,
        "county_code": e.county_code,
        "industry_code": e.industry_code,
        "status": e.status.value,
        "address": e.address,
        "longitude": e.longitude,
        "latitude": e.latitude,
        "credit_class": e.credit_class.value if e.credit_class else None,
        "safety_risk_level": e.safety_risk_level.value if e.safety_risk_level else None,
        "tags": list(e.tags),
        "legal_person": e.legal_person,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
    }


def snapshot_json(snapshot: dict[str, Any]) -> str:
    """Compact JSON of a snapshot in its own (fixed) key order, as stored in the history."""
    return json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))


def content_hash(snapshot: dict[str, Any]) -> str:
    """Hash of a record's content: equal hashes mean an import would change nothing.

    Snapshots are built field by field in a fixed order, so the ``repr`` of their values is a
    canonical encoding as it is (and cheaper than JSON: imports hash every row)."""
    return hashlib.sha256(repr(tuple(snapshot.values())).encode()).hexdigest()


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
    snapshot = enterprise_snapshot(e)
    return PreparedEnterprise(e, snapshot, content_hash(snapshot))
