"""The audit hash chain: any changed, removed or reordered record is found, at the first broken link."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.audit.model import (
    GENESIS_HASH,
    Anchor,
    AuditRecord,
    ChainVerifier,
    canonical_json,
    record_hash,
    rehash,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def make_chain(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        fields: dict[str, Any] = {
            "seq": seq, "at": T0 + timedelta(seconds=seq), "actor": f"user-{seq % 3}", "actor_role": "supervisor",
            "action": "enterprise.update", "object_type": "enterprise", "object_id": f"E{seq:04d}",
            "before": {"name": f"旧名称{seq}", "tags": ["重大危险源"]}, "after": {"name": f"新名称{seq}", "version": seq},
            "request_id": f"req-{seq}",
        }
        digest = record_hash(prev_hash=prev, **fields)
        records.append(AuditRecord(**fields, prev_hash=prev, hash=digest))
        prev = digest
    return records


def verify(records: list[AuditRecord]) -> Any:
    verifier = ChainVerifier()
    verifier.feed(records)
    return verifier.report()


def resealed(record: AuditRecord, **changes: Any) -> AuditRecord:
    """The record changed and its own hash recomputed, as a forger with the algorithm would."""
    changed = replace(record, **changes)
    return replace(changed, hash=rehash(changed))


def test_intact_chain_verifies() -> None:
    chain = make_chain(10)

    report = verify(chain)

    assert report.ok
    assert report.checked == 10
    assert report.head_hash == chain[-1].hash
    assert (report.broken_seq, report.problem) == (None, None)


def test_empty_chain_verifies_with_the_genesis_head() -> None:
    report = verify([])

    assert (report.ok, report.checked, report.head_hash) == (True, 0, GENESIS_HASH)


def test_feeding_in_batches_is_the_same_as_at_once() -> None:
    chain = make_chain(12)
    verifier = ChainVerifier()

    for start in range(0, 12, 5):
        assert verifier.feed(chain[start:start + 5])

    assert verifier.report() == verify(chain)


@pytest.mark.parametrize(("field", "value"), [
    ("after", {"name": "伪造", "version": 5}),
    ("before", None),
    ("actor", "someone-else"),
    ("actor_role", "admin"),
    ("action", "enterprise.delete"),
    ("object_id", "E9999"),
    ("request_id", None),
    ("at", T0 + timedelta(days=1)),
])
def test_changed_content_is_a_hash_problem_at_that_record(field: str, value: Any) -> None:
    chain = make_chain(8)
    chain[4] = replace(chain[4], **{field: value})

    report = verify(chain)

    assert (report.ok, report.broken_seq, report.problem) == (False, 5, "hash")
    assert report.checked == 4
    assert report.head_hash == chain[3].hash
    assert report.found == chain[4].hash
    assert report.expected == rehash(chain[4])


def test_changed_record_with_a_recomputed_hash_breaks_the_next_link() -> None:
    chain = make_chain(8)
    chain[4] = resealed(chain[4], after={"name": "伪造"})

    report = verify(chain)

    assert (report.ok, report.broken_seq, report.problem) == (False, 6, "prev_hash")
    assert report.expected == chain[4].hash
    assert report.found == chain[5].prev_hash


def test_changed_prev_hash_is_a_prev_hash_problem() -> None:
    chain = make_chain(6)
    chain[2] = replace(chain[2], prev_hash="f" * 64)

    report = verify(chain)

    assert (report.ok, report.broken_seq, report.problem) == (False, 3, "prev_hash")
    assert (report.expected, report.found) == (chain[1].hash, "f" * 64)


def test_first_record_must_follow_the_genesis_hash() -> None:
    chain = make_chain(3)
    chain[0] = resealed(chain[0], prev_hash="1" * 64)

    report = verify(chain)

    assert (report.broken_seq, report.problem, report.expected) == (1, "prev_hash", GENESIS_HASH)


def test_missing_middle_record_is_a_gap() -> None:
    chain = make_chain(8)
    del chain[3]

    report = verify(chain)

    assert (report.ok, report.broken_seq, report.problem) == (False, 5, "gap")
    assert (report.expected, report.found) == ("seq 4", "seq 5")
    assert report.checked == 3


def test_missing_first_record_is_a_gap() -> None:
    report = verify(make_chain(4)[1:])

    assert (report.broken_seq, report.problem) == (2, "gap")


def test_reordered_records_are_a_gap() -> None:
    chain = make_chain(8)
    chain[3], chain[4] = chain[4], chain[3]

    report = verify(chain)

    assert (report.ok, report.broken_seq, report.problem) == (False, 5, "gap")


def test_reordered_and_renumbered_records_break_the_chain() -> None:
    chain = make_chain(8)
    fourth, fifth = chain[3], chain[4]
    chain[3] = resealed(fifth, seq=4, prev_hash=chain[2].hash)
    chain[4] = resealed(fourth, seq=5, prev_hash=chain[3].hash)

    report = verify(chain)

    # Both swapped records are self-consistent; the record after them still points at the old fifth.
    assert (report.ok, report.broken_seq, report.problem) == (False, 6, "prev_hash")


def test_truncated_tail_is_visible_only_through_the_head_hash() -> None:
    """Removing the newest records leaves a valid shorter chain: the reported head is what to anchor."""
    chain = make_chain(6)

    report = verify(chain[:4])

    assert report.ok
    assert report.checked == 4
    assert report.head_hash != chain[-1].hash


def test_verification_stops_at_the_first_broken_link() -> None:
    chain = make_chain(10)
    chain[2] = replace(chain[2], actor="x")
    chain[7] = replace(chain[7], actor="y")
    verifier = ChainVerifier()

    assert verifier.feed(chain[:5]) is False
    report = verifier.report()

    assert (report.broken_seq, report.checked) == (3, 2)


def test_hash_covers_the_instant_not_its_time_zone() -> None:
    record = make_chain(1)[0]
    beijing = record.at.astimezone(timezone(timedelta(hours=8)))

    assert rehash(replace(record, at=beijing)) == record.hash
    assert rehash(replace(record, at=record.at + timedelta(microseconds=1))) != record.hash


def test_hash_is_domain_separated_and_chained() -> None:
    record = make_chain(1)[0]

    assert len(record.hash) == 64
    assert record.hash != rehash(replace(record, prev_hash="0" * 63 + "1"))


# --- canonical JSON ------------------------------------------------------------------------------------------


def test_canonical_json_ignores_key_order_at_every_level() -> None:
    a = {"b": 1, "a": {"y": [1, {"q": 1, "p": 2}], "x": None}}
    b = {"a": {"x": None, "y": [1, {"p": 2, "q": 1}]}, "b": 1}

    assert canonical_json(a) == canonical_json(b) == b'{"a":{"x":null,"y":[1,{"p":2,"q":1}]},"b":1}'


def test_canonical_json_keeps_chinese_as_utf8_and_list_order() -> None:
    assert canonical_json({"名称": "秦皇岛"}) == '{"名称":"秦皇岛"}'.encode()
    assert canonical_json([2, 1]) != canonical_json([1, 2])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=5),
    max_leaves=8,
)


@settings(max_examples=50)
@given(st.dictionaries(st.text(max_size=6), json_values, max_size=8), st.randoms(use_true_random=False))
def test_canonical_json_is_independent_of_insertion_order(value: dict[str, Any], random: Any) -> None:
    items = list(value.items())
    random.shuffle(items)

    assert canonical_json(dict(items)) == canonical_json(value)


@settings(max_examples=50)
@given(st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=6), st.data())
def test_record_hash_changes_when_after_changes(after: dict[str, Any], data: st.DataObject) -> None:
    record = make_chain(1)[0]
    key = data.draw(st.sampled_from(sorted(after)))
    changed = {**after, key: ["changed", after[key]]}

    assert rehash(replace(record, after=after)) != rehash(replace(record, after=changed))
    assert rehash(replace(record, after=after)) == rehash(replace(record, after=dict(reversed(after.items()))))


# --- after a purge: the chain starts from the signed anchor ------------------------------------------------------


def anchor_at(record: AuditRecord) -> Anchor:
    return Anchor(record.seq, record.hash, T0, T0, record.seq, "k", "ed25519", "")


def test_the_rest_of_a_purged_chain_verifies_from_the_anchor() -> None:
    chain = make_chain(10)
    verifier = ChainVerifier(anchor_at(chain[3]))

    assert verifier.feed(chain[4:])
    report = verifier.report()

    assert (report.ok, report.checked, report.first_seq, report.anchor_seq, report.head_seq) == (True, 6, 5, 4, 10)
    assert report.head_hash == chain[-1].hash


def test_an_anchor_with_another_hash_breaks_the_first_remaining_link() -> None:
    chain = make_chain(10)
    verifier = ChainVerifier(replace(anchor_at(chain[3]), hash="f" * 64))

    verifier.feed(chain[4:])

    assert (verifier.report().broken_seq, verifier.report().problem) == (5, "prev_hash")


def test_a_record_missing_right_after_the_anchor_is_a_gap() -> None:
    chain = make_chain(10)
    verifier = ChainVerifier(anchor_at(chain[3]))

    verifier.feed(chain[5:])

    report = verifier.report()
    assert (report.broken_seq, report.problem, report.expected, report.found) == (6, "gap", "seq 5", "seq 6")


def test_the_anchor_statement_covers_every_signed_field() -> None:
    anchor = anchor_at(make_chain(3)[2])
    statements = {anchor.statement()} | {
        replace(anchor, **{field: value}).statement()
        for field, value in (("seq", 4), ("hash", "0" * 64), ("at", T0 + timedelta(seconds=1)),
                             ("cutoff", T0 - timedelta(days=1)), ("purged", 2))}
    assert len(statements) == 6
    assert replace(anchor, signature="x", kid="other").statement() == anchor.statement()
