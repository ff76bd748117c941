from __future__ import annotations

from app.domain.directories.demo import generate_enterprises
from app.domain.directories.model import ENTERPRISE_FIELDS
from app.domain.directories.snapshots import content_hash, diff, enterprise_snapshot


def test_enterprise_snapshot_covers_every_content_field() -> None:
    enterprise = next(generate_enterprises(1))
    assert set(enterprise_snapshot(enterprise)) == {"uscc", *ENTERPRISE_FIELDS}


def test_content_hash_changes_with_any_field_and_is_stable() -> None:
    first, again = next(generate_enterprises(1)), next(generate_enterprises(1))
    snapshot = enterprise_snapshot(first)
    assert content_hash(snapshot) == content_hash(enterprise_snapshot(again))
    for field in ENTERPRISE_FIELDS:
        changed = {**snapshot, field: "changed"}
        assert content_hash(changed) != content_hash(snapshot), field


def test_diff_lists_old_and_new_values_of_changed_fields_only() -> None:
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
