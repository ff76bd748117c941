"""Audit records and their hash chain.

Each record's ``hash`` is SHA-256 over a domain tag, the previous record's hash and the
canonical JSON of the record's own fields, so changing, removing or reordering any record
breaks every link after it. ``seq`` is gap-free: a missing number is a deleted record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
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
    problem: str | None = None
    expected: str | None = None
    found: str | None = None


class ChainVerifier:
    """Feeds records in ``seq`` order, in batches, and stops at the first broken link."""

    def __init__(self) -> None:
        self.prev_hash = GENESIS_HASH
        self.next_seq = 1
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

    def _fail(self, seq: int, problem: str, expected: str, found: str) -> bool:
        self.failure = ChainReport(False, self.checked, self.prev_hash, seq, problem, expected, found)
        return False

    def report(self) -> ChainReport:
        return self.failure or ChainReport(True, self.checked, self.prev_hash)


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
