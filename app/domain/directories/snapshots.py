"""JSON snapshots of directory records, for history, the audit trail and change detection."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from enum import Enum
from typing import Any

from app.domain.audit.model import canonical_json
from app.domain.directories.model import (
    ENTERPRISE_FIELDS,
    CheckItem,
    Conflict,
    Department,
    Enterprise,
    Inspector,
)


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
    """The enterprise's content (without version or timestamps)."""
    return {"uscc": e.uscc, **{f: _plain(getattr(e, f)) for f in ENTERPRISE_FIELDS}}


def content_hash(snapshot: dict[str, Any]) -> str:
    """Hash of a record's content: equal hashes mean an import would change nothing."""
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


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
