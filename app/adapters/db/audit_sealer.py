"""Sealing the audit trail on PostgreSQL: events wait in ``audit_inbox`` and are chained in batches.

A change and its audit event commit together (the event goes to the inbox in the change's transaction), so
nothing is lost. Chaining needs the head of the chain, which is one row for the whole service: doing it inside
every transaction would make all writers queue behind one lock held across their commits. Instead the sealer
takes the chain lock, moves the waiting events into ``audit_record`` in id order (seq, prev_hash and hash are
given there) and deletes exactly the rows it moved, in one short transaction that seals many events at once.

It runs in every service process, woken after each commit that queued events and at least every
``interval`` seconds (events of a process that stopped before sealing are sealed by any other). Whoever
reads the trail seals first, so a reader always sees every committed event in the chain.
On SQLite (one writer at a time) the unit of work chains at commit and the inbox stays empty.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog

from app.adapters.db.tables import AuditAnchorRow, AuditInboxRow, AuditRecordRow
from app.domain.audit.model import GENESIS_HASH, record_hash

if TYPE_CHECKING:
    from app.adapters.db.engine import Database

A = AuditRecordRow.__table__
INBOX = AuditInboxRow.__table__
AN = AuditAnchorRow.__table__
#: Key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x51484441  # "QHDA"
EVENT_FIELDS = ("at", "actor", "actor_role", "action", "object_type", "object_id", "before", "after", "request_id")
RECORD_FIELDS = ("seq", *EVENT_FIELDS, "prev_hash", "hash")

#: One chain per schema (tests and benchmarks run schemas side by side).
_LOCK = "SELECT pg_advisory_xact_lock($1::int, hashtext(current_schema()))"
#: The oldest waiting events, taken out of the inbox (the lock is held: no other sealer takes them too).
_TAKE = f"""DELETE FROM audit_inbox WHERE id IN (SELECT id FROM audit_inbox ORDER BY id LIMIT $1::int)
RETURNING id, {", ".join(EVENT_FIELDS)}"""  # noqa: S608 - fixed column names
#: The head of the chain: its last record or, everything before it purged, the newest anchor.
_HEAD = """SELECT seq, hash FROM (
    (SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1)
    UNION ALL (SELECT seq, hash FROM audit_anchor ORDER BY seq DESC LIMIT 1)) AS last ORDER BY seq DESC LIMIT 1"""
_APPEND = f"""INSERT INTO audit_record ({", ".join(RECORD_FIELDS)})
VALUES ({", ".join(f"${n}" for n in range(1, len(RECORD_FIELDS) + 1))})"""  # noqa: S608 - fixed column names

log = structlog.get_logger(__name__)


def chain(events: list[dict[str, Any]], seq: int, prev: str) -> list[dict[str, Any]]:
    """``audit_record`` rows for ``events`` (dicts of EVENT_FIELDS) following the record (seq, prev)."""
    rows = []
    for fields in events:
        seq += 1
        digest = record_hash(prev_hash=prev, seq=seq, **fields)
        rows.append({"seq": seq, **fields, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


async def head(session: Any) -> tuple[int, str]:
    """The chain's last record; on an empty table a fresh chain, or everything purged up to the newest anchor."""
    last = (await session.execute(sa.select(A.c.seq, A.c.hash).order_by(A.c.seq.desc()).limit(1))).first()
    if last is None:
        last = (await session.execute(sa.select(AN.c.seq, AN.c.hash).order_by(AN.c.seq.desc()).limit(1))).first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


class AuditSealer:
    def __init__(self, db: Database, *, batch_size: int = 2000, interval: float = 2.0, linger: float = 0.05) -> None:
        self.db, self.batch_size, self.interval, self.linger = db, batch_size, interval, linger
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def seal(self) -> int:
        """Chain every event waiting now; returns how many were sealed."""
        if self.db.is_sqlite:
            return 0
        total = 0
        pool = await self.db.raw_pool()  # plain asyncpg: the sealer runs after every busy moment, cheaply
        while True:
            async with pool.acquire() as connection, connection.transaction():
                await connection.execute(_LOCK, CHAIN_LOCK_KEY)
                waiting = sorted(await connection.fetch(_TAKE, self.batch_size), key=lambda row: row["id"])
                if not waiting:
                    return total
                last = await connection.fetchrow(_HEAD)
                seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
                rows = chain([{name: row[name] for name in EVENT_FIELDS} for row in waiting], seq, prev)
                await connection.executemany(_APPEND, [tuple(row[name] for name in RECORD_FIELDS) for row in rows])
            total += len(waiting)
            if len(waiting) < self.batch_size:
                return total

    def nudge(self) -> None:
        """Events were committed: seal soon."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        if self._task is None and not self.db.is_sqlite:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="audit-sealer")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True  # the loop ends at its next turn even if a cancellation were lost
        self._wake.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):  # best effort: any process, or the next reader, seals the rest
            await self.seal()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):  # unlike wait_for, never swallows a cancellation
                    await self._wake.wait()
            if self._stopping:
                return
            # Under load a commit wakes the sealer every millisecond or so: lingering a moment seals the events of
            # many commits in one transaction. Readers seal for themselves, so none waits for this.
            await asyncio.sleep(self.linger)
            self._wake.clear()
            if self._stopping:
                return
            try:
                await self.seal()
            except Exception as exc:  # the database is away: the events wait in the inbox, nothing is lost
                log.warning("audit.seal_failed", error=type(exc).__name__)
                await asyncio.sleep(self.interval)
