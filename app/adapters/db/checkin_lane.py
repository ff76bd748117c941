"""The check-in's fast lane on PostgreSQL: a check-in in two statements on a plain asyncpg connection.

The mobile client checks in at every gate, and a check-in through the ORM session costs several milliseconds of
the service's CPU. This adapter does the same work in two round trips, without the ORM:

1. **read** — the account, its login session and the whole check-in context (``CheckInContext``), one SELECT;
2. **write** — counts the request against the caller's rate limit (the counter the general path uses), and
   within the limit moves the visit from planned to in progress, inserts the check-in, uses up a visit code's
   nonce and queues the audit event in the inbox, in one statement: all of it or none of it.

The rules are not here: the caller decides with ``app.domain.onsite.checkin.decide_check_in`` between the two.
Anything the lane does not expect (a race, a replayed code, the visit no longer planned) makes ``write`` answer
None with nothing written, and the caller hands the request to the general path, which gives the full answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import asyncpg
import sqlalchemy as sa

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.repositories.auth import SqlLoginSessionRepository, SqlUserRepository
from app.adapters.db.repositories.directories import SqlInspectorRepository
from app.adapters.db.repositories.visits import visit_from_row
from app.adapters.db.tables import (
    InspectorRow,
    LoginSessionRow,
    SigningKeyRow,
    UserRow,
    VisitRow,
)
from app.domain.auth.model import LoginSession, User
from app.domain.onsite.checkin import CheckInDecision
from app.domain.onsite.model import SigningKey
from app.domain.ports import CheckInContext
from app.domain.scheduling.model import VisitStatus


def _columns(table: sa.Table, alias: str) -> str:
    """The columns of ``table`` as ``<alias>_<column>`` (from the table definitions: no list to keep in step)."""
    return ", ".join(f'{alias}."{name}" AS {alias}_{name}' for name in _NAMES[alias])


_U, _S, _V, _K, _P = (UserRow.__table__, LoginSessionRow.__table__, VisitRow.__table__, SigningKeyRow.__table__,
                      InspectorRow.__table__)
#: The columns read of each table, in the order of the SELECT list (where each sits in a READ row: ``_STARTS``).
#: A check-in only verifies: the signing key's private half is never read.
_NAMES = {alias: tuple(c.name for c in table.c if not (alias == "k" and c.name == "private_key"))
          for alias, table in (("u", _U), ("s", _S), ("v", _V), ("k", _K), ("p", _P))}

#: $1 visit id, $2 idempotency key, $3 the code's key id, $4 account id, $5 login session id.
READ = f"""
SELECT {_columns(_U, "u")}, {_columns(_S, "s")}, {_columns(_V, "v")}, {_columns(_K, "k")}, {_columns(_P, "p")},
       (SELECT ci.id FROM check_in ci WHERE ci.idempotency_key = $2::text) AS ctx_earlier,
       ec.generation AS ctx_generation, e.longitude AS ctx_lon, e.latitude AS ctx_lat,
       (SELECT count(*) FROM inspector_conflict pc WHERE pc.person_id = p.person_id) AS p_conflicts,
       EXISTS (SELECT 1 FROM visit_source vs
               JOIN draw dr ON dr.draw_id = vs.draw_id
               JOIN archived_task at ON at.plan_no = dr.plan_no AND at.task_no = dr.task_no
               WHERE vs.visit_id = v.id) AS ctx_archived
FROM app_user u
LEFT JOIN login_session s ON s.id = $5::text AND s.user_id = u.id
LEFT JOIN visit v ON v.id = $1::bigint
LEFT JOIN enterprise_code ec ON ec.uscc = v.uscc
LEFT JOIN enterprise e ON e.uscc = v.uscc
LEFT JOIN signing_key k ON k.kid = $3::text AND k.revoked_at IS NULL
LEFT JOIN inspector p ON p.person_id = u.person_id AND p.deleted_at IS NULL
WHERE u.id = $4::bigint
"""  # noqa: S608 - the column lists come from the table definitions, every value is a parameter

#: One statement, so one transaction: the request is counted; within the limit the visit moves, only from
#: planned; the check-in needs the move, the nonce and the audit event need the check-in. A duplicate (key, visit,
#: nonce) aborts the whole statement, the count included.
WRITE = """
WITH hit AS (
    INSERT INTO rate_limit AS r (key, window_start, count) VALUES ($27::text, $7::timestamptz, 1)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.window_start <= $28::timestamptz THEN 1 ELSE r.count + 1 END,
        window_start = CASE WHEN r.window_start <= $28::timestamptz THEN excluded.window_start
                            ELSE r.window_start END
    RETURNING count, window_start
), moved AS (
    UPDATE visit SET status = $17::text, version = version + 1, updated_at = $7::timestamptz
    WHERE id = $1::bigint AND status = $18::text AND (SELECT count FROM hit) <= $29::int
    RETURNING id
), created AS (
    INSERT INTO check_in (visit_id, person_id, method, code_kid, code_alg, occurred_at, recorded_at, longitude,
                          latitude, crs, distance_m, late, late_reason, off_schedule_reason, idempotency_key,
                          request_hash)
    SELECT moved.id, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz, $8::float8,
           $9::float8, $10::text, $11::float8, $12::boolean, $13::text, $14::text, $15::text, $16::text
    FROM moved
    RETURNING id, visit_id
), used AS (
    INSERT INTO code_nonce (nonce, visit_id, used_at)
    SELECT $19::text, created.visit_id, $7::timestamptz FROM created WHERE $19::text IS NOT NULL
), audited AS (
    INSERT INTO audit_inbox (at, actor, actor_role, action, object_type, object_id, before, after, request_id)
    SELECT $7::timestamptz, $20::text, $21::text, 'checkin.create', 'visit', created.visit_id::text, $22::jsonb,
           $23::jsonb || jsonb_build_object('check_in_id', created.id), $24::text
    FROM created
), touched AS (
    UPDATE login_session SET last_seen_at = $7::timestamptz
    WHERE id = $25::text AND revoked_at IS NULL AND last_seen_at < $26::timestamptz
)
SELECT (SELECT id FROM created) AS id, hit.count, hit.window_start FROM hit
"""


@dataclass(frozen=True, slots=True)
class LaneRead:
    """What the read statement found: the account and session of the token and the check-in context (None: no
    such visit)."""

    user: User
    session: LoginSession | None
    context: CheckInContext | None
    #: Conflicts of interest the caller declared (read by the general path only: the lane hands such a caller on).
    conflicts: int
    #: A check-in with the same idempotency key exists: a retried request (the general path answers it).
    retried: bool


_STARTS = {"u": 0, "s": len(_NAMES["u"])}
_STARTS.update(v=_STARTS["s"] + len(_NAMES["s"]))
_STARTS.update(k=_STARTS["v"] + len(_NAMES["v"]))
_STARTS.update(p=_STARTS["k"] + len(_NAMES["k"]))


def _part(values: tuple[Any, ...], alias: str) -> SimpleNamespace:
    start, names = _STARTS[alias], _NAMES[alias]
    return SimpleNamespace(**dict(zip(names, values[start:start + len(names)], strict=True)))


def _read(row: asyncpg.Record) -> LaneRead:
    values = tuple(row)
    user = SqlUserRepository.to_domain(_part(values, "u"))
    session = SqlLoginSessionRepository.to_domain(_part(values, "s")) if row["s_id"] is not None else None
    context = None
    if row["v_id"] is not None:
        key = None
        if row["k_kid"] is not None:
            k = _part(values, "k")
            key = SigningKey(k.kid, k.algorithm, k.public_key, b"", k.created_at, k.retired_at, k.revoked_at)
        inspector = (SqlInspectorRepository.to_domain(_part(values, "p"), [])
                     if row["p_person_id"] is not None else None)
        lon, lat = row["ctx_lon"], row["ctx_lat"]
        context = CheckInContext(
            visit=visit_from_row(_part(values, "v")), earlier=None, key=key,
            generation=int(row["ctx_generation"]) if row["ctx_generation"] is not None else 1,
            inspector=inspector, position=(lon, lat) if lon is not None and lat is not None else None,
            archived=bool(row["ctx_archived"]))
    return LaneRead(user, session, context, int(row["p_conflicts"] or 0), row["ctx_earlier"] is not None)


@dataclass(frozen=True, slots=True)
class LaneWrite:
    """What the write statement did: the new check-in's id (None: nothing written), and the rate-limit count of
    the request's window with the window's start (None: the statement was undone, the request not counted)."""

    check_in_id: int | None
    rate_count: int | None
    rate_window_start: datetime | None


class PgCheckInLane:
    """The two statements, on one connection of the database's plain asyncpg pool (``Database.raw_pool``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: Check-ins the lane served and requests it handed on to the general path (for tests and operators).
        self.served = 0
        self.handed_on = 0
        #: First come, first served: asyncpg's pool lets a newcomer take a connection just released to a waiter,
        #: which then queues again at the back; under load a few check-ins would wait many times the median.
        self._turns = asyncio.Semaphore(db.pool_size)

    @contextlib.asynccontextmanager
    async def opened(self) -> AsyncIterator[LaneConnection]:
        """A connection for one check-in's read and write."""
        pool = await self.db.raw_pool()
        async with self._turns, pool.acquire() as connection:
            yield LaneConnection(self.db, connection)


class LaneConnection:
    def __init__(self, db: Database, connection: asyncpg.Connection) -> None:
        self.db, self.connection = db, connection

    async def read(self, *, visit_id: int, idempotency_key: str, kid: str, user_id: int,
                   session_id: str) -> LaneRead | None:
        """The read statement; None when the account does not exist."""
        row = await self.connection.fetchrow(READ, visit_id, idempotency_key, kid, user_id, session_id)
        return _read(row) if row is not None else None

    async def write(self, decision: CheckInDecision, *, actor: Actor, session_id: str, now: datetime,
                    touch_every: timedelta, rate_key: str, rate_limit: int, rate_window: timedelta) -> LaneWrite:
        """The write statement. Nothing but the count is written when the count is over ``rate_limit``, or the
        visit is no longer planned; nothing at all when the key or the visit code was used meanwhile."""
        r = decision.record
        try:
            found = await self.connection.fetchrow(
                WRITE, r.visit_id, r.person_id, r.method.value, r.code_kid, r.code_alg, r.occurred_at, now,
                r.longitude, r.latitude, r.crs, r.distance_m, r.late, r.late_reason, r.off_schedule_reason,
                r.idempotency_key, r.request_hash, VisitStatus.IN_PROGRESS.value, VisitStatus.PLANNED.value,
                decision.nonce, actor.name, actor.role, decision.before, decision.after, actor.request_id,
                session_id, now - touch_every, rate_key[:160], now - rate_window, rate_limit)
        except asyncpg.UniqueViolationError:
            return LaneWrite(None, None, None)
        if found["id"] is not None:
            r.id, r.recorded_at = int(found["id"]), now
            self.db.audit_sealer.nudge()
        return LaneWrite(r.id, found["count"], found["window_start"])
