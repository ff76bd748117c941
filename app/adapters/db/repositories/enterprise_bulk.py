"""Bulk writes of the enterprise directory: COPY on PostgreSQL, executemany on SQLite.

Rows, tag index entries and history versions of a whole import go in a few statements,
never one round trip per enterprise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.repositories.mapping import enterprise_values
from app.adapters.db.tables import EnterpriseRow, EnterpriseTagRow, EnterpriseVersionRow
from app.domain.directories.model import Enterprise
from app.domain.directories.snapshots import enterprise_snapshot
from app.domain.ports import BulkUpdate, ExistingRecord

E = EnterpriseRow.__table__
ET = EnterpriseTagRow.__table__
EV = EnterpriseVersionRow.__table__
#: Bind-parameter budget per statement (SQLite allows 32766; asyncpg 32767).
_CHUNK = 2000
_CONTENT = ("name", "county_code", "industry_code", "status", "address", "longitude", "latitude", "credit_class",
            "safety_risk_level", "tags", "legal_person", "contact_name", "contact_phone")


def _chunks(seq: Sequence[Any], size: int = _CHUNK) -> list[Sequence[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def existing(session: AsyncSession, usccs: Sequence[str]) -> dict[str, ExistingRecord]:
    found: dict[str, ExistingRecord] = {}
    for chunk in _chunks(usccs):
        query = sa.select(E.c.uscc, E.c.content_hash, E.c.version, E.c.deleted_at).where(E.c.uscc.in_(chunk))
        for r in await session.execute(query):
            found[r.uscc] = ExistingRecord(r.content_hash, r.version, r.deleted_at is not None)
    return found


async def _ids_by_uscc(session: AsyncSession, usccs: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(usccs):
        for r in await session.execute(sa.select(E.c.uscc, E.c.id).where(E.c.uscc.in_(chunk))):
            ids[r.uscc] = r.id
    return ids


async def _allocate_ids(session: AsyncSession, dialect: str, n: int) -> list[int]:
    if n == 0:
        return []
    if dialect == "postgresql":
        result = await session.execute(
            sa.text("SELECT nextval(pg_get_serial_sequence('enterprise', 'id')) FROM generate_series(1, :n)"),
            {"n": n},
        )
        return [int(r[0]) for r in result]
    # SQLite: the unit of work holds the single-writer lock, so max(id) cannot move under us.
    start = int((await session.execute(sa.select(sa.func.coalesce(sa.func.max(E.c.id), 0)))).scalar_one())
    return list(range(start + 1, start + n + 1))


async def bulk_write(
    session: AsyncSession,
    dialect: str,
    creates: Sequence[Enterprise],
    updates: Sequence[BulkUpdate],
    *,
    changed_by: str,
    at: datetime,
) -> None:
    ids = await _allocate_ids(session, dialect, len(creates))
    enterprise_rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    for enterprise_id, e in zip(ids, creates, strict=True):
        values = enterprise_values(e)
        enterprise_rows.append({"id": enterprise_id, "uscc": e.uscc, "version": 1, "created_at": at, "updated_at": at,
                                "deleted_at": None, **values})
        tag_rows += [{"tag": t, "enterprise_id": enterprise_id} for t in e.tags]
        version_rows.append({"enterprise_id": enterprise_id, "version": 1, "action": "import", "changed_at": at,
                             "changed_by": changed_by, "changes": {}, "snapshot": enterprise_snapshot(e)})

    update_rows: list[dict[str, Any]] = []
    if updates:
        existing_ids = await _ids_by_uscc(session, [u.enterprise.uscc for u in updates])
        for u in updates:
            enterprise_id = existing_ids[u.enterprise.uscc]
            values = enterprise_values(u.enterprise)
            update_rows.append({"id": enterprise_id, "version": u.enterprise.version, "updated_at": at, **values})
            tag_rows += [{"tag": t, "enterprise_id": enterprise_id} for t in u.enterprise.tags]
            version_rows.append({"enterprise_id": enterprise_id, "version": u.enterprise.version, "action": u.action,
                                 "changed_at": at, "changed_by": changed_by, "changes": u.changes,
                                 "snapshot": enterprise_snapshot(u.enterprise)})
        for chunk in _chunks([r["id"] for r in update_rows]):
            await session.execute(sa.delete(ET).where(ET.c.enterprise_id.in_(chunk)))

    if dialect == "postgresql":
        await _copy_postgres(session, enterprise_rows, update_rows, tag_rows, version_rows)
    else:
        await _executemany(session, enterprise_rows, update_rows, tag_rows, version_rows)


async def _executemany(
    session: AsyncSession,
    enterprise_rows: list[dict[str, Any]],
    update_rows: list[dict[str, Any]],
    tag_rows: list[dict[str, Any]],
    version_rows: list[dict[str, Any]],
) -> None:
    if enterprise_rows:
        await session.execute(sa.insert(E), enterprise_rows)
    if update_rows:
        statement = (
            sa.update(E).where(E.c.id == sa.bindparam("b_id"))
            .values({c: sa.bindparam(f"b_{c}") for c in (*_CONTENT, "content_hash", "version", "updated_at")},
                    deleted_at=None)
        )
        await session.connection()
        await session.execute(statement, [{f"b_{k}": v for k, v in r.items()} for r in update_rows],
                              execution_options={"synchronize_session": False})
    if tag_rows:
        await session.execute(sa.insert(ET), tag_rows)
    if version_rows:
        await session.execute(sa.insert(EV), version_rows)


async def _copy_postgres(
    session: AsyncSession,
    enterprise_rows: list[dict[str, Any]],
    update_rows: list[dict[str, Any]],
    tag_rows: list[dict[str, Any]],
    version_rows: list[dict[str, Any]],
) -> None:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    columns = ["id", "uscc", *_CONTENT, "version", "content_hash", "created_at", "updated_at", "deleted_at"]
    if enterprise_rows:
        records = [tuple(_json(r[c]) if c == "tags" else r[c] for c in columns) for r in enterprise_rows]
        await driver.copy_records_to_table("enterprise", records=records, columns=columns)
    if update_rows:
        update_columns = ["id", *_CONTENT, "version", "content_hash", "updated_at"]
        await driver.execute(
            f"CREATE TEMP TABLE enterprise_import ON COMMIT DROP AS SELECT {', '.join(update_columns)} "  # noqa: S608
            "FROM enterprise WITH NO DATA"
        )
        records = [tuple(_json(r[c]) if c == "tags" else r[c] for c in update_columns) for r in update_rows]
        await driver.copy_records_to_table("enterprise_import", records=records, columns=update_columns)
        assignments = ", ".join(f"{c} = s.{c}" for c in update_columns if c != "id")
        await driver.execute(
            f"UPDATE enterprise AS t SET {assignments}, deleted_at = NULL FROM enterprise_import AS s WHERE t.id = s.id"  # noqa: S608
        )
    if tag_rows:
        await driver.copy_records_to_table(
            "enterprise_tag", records=[(r["tag"], r["enterprise_id"]) for r in tag_rows],
            columns=["tag", "enterprise_id"],
        )
    if version_rows:
        await driver.copy_records_to_table(
            "enterprise_version",
            records=[(r["enterprise_id"], r["version"], r["action"], r["changed_at"], r["changed_by"],
                      _json(r["changes"]), _json(r["snapshot"])) for r in version_rows],
            columns=["enterprise_id", "version", "action", "changed_at", "changed_by", "changes", "snapshot"],
        )
