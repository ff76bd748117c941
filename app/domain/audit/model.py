"""Audit records and their hash chain.

Each record's ``hash`` is SHA-256 over a domain tag, the previous record's hash and the
canonical JSON of the record's own fields, so changing, removing or reordering any record
breaks every link after it. ``seq`` is gap-free: a missing number is a deleted record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from app.domain.errors import InvalidInput

GENESIS_HASH = "0" * 64
_TAG = b"QHD-AUDIT/v1\n"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What a service asks to be recorded; the unit of work adds who, when and the chain."""

    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    #: Who acted, when it is not the unit of work's caller (a login acts as the user logging in).
    actor: str | None = None
    actor_role: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def record_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    actor_role: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str | None,
) -> str:
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "actor_role": actor_role,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "request_id": request_id,
    }
    return hashlib.sha256(_TAG + prev_hash.encode() + b"\n" + canonical_json(body)).hexdigest()


def rehash(record: AuditRecord) -> str:
    return record_hash(
        prev_hash=record.prev_hash,
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        actor_role=record.actor_role,
        action=record.action,
        object_type=record.object_type,
        object_id=record.object_id,
        before=record.before,
        after=record.after,
        request_id=record.request_id,
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    broken_seq: int | None = None
    #: gap, prev_hash, hash; and, checked against signed statements: truncated, checkpoint, anchor.
    problem: str | None = None
    expected: str | None = None
    found: str | None = None
    #: Where the chain starts: 1, or the record after the signed anchor of the last purge.
    first_seq: int = 1
    anchor_seq: int | None = None
    #: The newest signed checkpoint the chain was compared with.
    checkpoint_seq: int | None = None
    #: The last record in the chain (0 when empty).
    head_seq: int = 0


class ChainVerifier:
    """Feeds records in ``seq`` order, in batches, and stops at the first broken link. After a purge the chain
    starts from the signed anchor (the last purged record's number and hash) instead of the genesis."""

    def __init__(self, anchor: Anchor | None = None) -> None:
        self.anchor_seq = anchor.seq if anchor else None
        self.prev_hash = anchor.hash if anchor else GENESIS_HASH
        self.next_seq = anchor.seq + 1 if anchor else 1
        self.first_seq = self.next_seq
        self.checked = 0
        self.failure: ChainReport | None = None

    def feed(self, records: Iterable[AuditRecord]) -> bool:
        """Check a batch; returns False once a broken link has been found."""
        for r in records:
            if r.seq != self.next_seq:
                return self._fail(r.seq, "gap", f"seq {self.next_seq}", f"seq {r.seq}")
            if r.prev_hash != self.prev_hash:
                return self._fail(r.seq, "prev_hash", self.prev_hash, r.prev_hash)
            actual = rehash(r)
            if actual != r.hash:
                return self._fail(r.seq, "hash", actual, r.hash)
            self.prev_hash = r.hash
            self.next_seq += 1
            self.checked += 1
        return True

    @property
    def head_seq(self) -> int:
        return self.next_seq - 1

    def _fail(self, seq: int, problem: str, expected: str, found: str) -> bool:
        self.failure = ChainReport(False, self.checked, self.prev_hash, seq, problem, expected, found,
                                   self.first_seq, self.anchor_seq, head_seq=self.head_seq)
        return False

    def fail(self, seq: int, problem: str, expected: str, found: str) -> None:
        """A finding from outside the links (a signed checkpoint or anchor the chain contradicts)."""
        if self.failure is None:
            self._fail(seq, problem, expected, found)

    def report(self, checkpoint_seq: int | None = None) -> ChainReport:
        if self.failure is not None:
            return replace(self.failure, checkpoint_seq=checkpoint_seq)
        return ChainReport(True, self.checked, self.prev_hash, first_seq=self.first_seq, anchor_seq=self.anchor_seq,
                           checkpoint_seq=checkpoint_seq, head_seq=self.head_seq)


#: The statement a checkpoint signs (versioned).
CHECKPOINT_FORMAT = "QHD-AUDIT-CHECKPOINT/1"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: datetime
    kid: str
    algorithm: str
    signature: str

    def statement(self) -> bytes:
        return canonical_json({"format": CHECKPOINT_FORMAT, "seq": self.seq, "head_hash": self.head_hash,
                               "at": self.at.isoformat()})

    def as_json(self) -> dict[str, Any]:
        return {"format": CHECKPOINT_FORMAT, "seq": self.seq, "head_hash": self.head_hash, "at": self.at.isoformat(),
                "kid": self.kid, "algorithm": self.algorithm, "signature": self.signature}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Checkpoint:
        try:
            if data["format"] != CHECKPOINT_FORMAT:
                raise ValueError(data["format"])
            return cls(int(data["seq"]), str(data["head_hash"]), datetime.fromisoformat(data["at"]), str(data["kid"]),
                       str(data["algorithm"]), str(data["signature"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput("不是有效的审计检查点", "not an audit checkpoint", code="checkpoint.malformed",
                               details={"field": "checkpoint"}) from exc


#: The statement an anchor signs (versioned).
ANCHOR_FORMAT = "QHD-AUDIT-ANCHOR/1"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Left by a purge: the number and hash of the last purged record, signed like a checkpoint. The remaining
    chain verifies from here; the purged records were covered by the signed checkpoint ``checkpoint_seq``."""

    seq: int
    hash: str
    at: datetime
    #: Records before this moment were due for purging (the retention's cutoff).
    cutoff: datetime
    purged: int
    kid: str
    algorithm: str
    signature: str

    def statement(self) -> bytes:
        return canonical_json({"format": ANCHOR_FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at.isoformat(),
                               "cutoff": self.cutoff.isoformat(), "purged": self.purged})

    def as_json(self) -> dict[str, Any]:
        return {"format": ANCHOR_FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at.isoformat(),
                "cutoff": self.cutoff.isoformat(), "purged": self.purged, "kid": self.kid,
                "algorithm": self.algorithm, "signature": self.signature}
