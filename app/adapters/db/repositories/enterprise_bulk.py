"""Bulk writes of the enterprise directory: COPY on PostgreSQL, the driver's executemany on SQLite.

Rows, tag index entries and history versions of a whole import go in a few statements, never
one round trip per enterprise; values are prepared once per row, in the driver's own types.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import EnterpriseRow, EnterpriseTagRow
from app.domain.directories.snapshots import SNAPSHOT_FIELDS, snapshot_json
from app.domain.ports import BulkUpdate, ExistingRecord, PreparedEnterprise

E = EnterpriseRow.__table__
ET = EnterpriseTagRow.__table__
#: Bind-parameter budget per IN (...) list.
_CHUNK = 2000
CONTENT = ("name", "county_code", "industry_code", "status", "address", "longitude", "latitude", "credit_class",
           "safety_risk_level", "tags", "legal_person", "contact_name", "contact_phone")
INSERT_COLUMNS = ("id", "uscc", *CONTENT, "version", "content_hash", "created_at", "updated_at", "deleted_at")
UPDATE_COLUMNS = (*CONTENT, "version", "content_hash", "updated_at", "deleted_at")
VERSION_COLUMNS = ("enterprise_id", "version", "action", "changed_at", "changed_by", "changes", "snapshot")


def _chunks(seq: Sequence[Any], size: int = _CHUNK) -> list[Sequence[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def uscc_among(session: AsyncSession, usccs: Sequence[str]) -> sa.ColumnElement[bool]:
    """``enterprise.uscc`` is one of ``usccs``, as a single bind parameter however long the list:
    an array on PostgreSQL, a JSON array read by ``json_each`` on SQLite."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return E.c.uscc == sa.any_(sa.bindparam("usccs", list(usccs), type_=ARRAY(sa.String)))
    values = sa.func.json_each(sa.bindparam("usccs", _json(list(usccs)), type_=sa.String)).table_valued("value")
    return E.c.uscc.in_(sa.select(values.c.value))


async def existing(session: AsyncSession, usccs: Sequence[str]) -> dict[str, ExistingRecord]:
    query = sa.select(E.c.uscc, E.c.content_hash, E.c.version, E.c.deleted_at).where(uscc_among(session, usccs))
    return {r.uscc: ExistingRecord(r.content_hash, r.version, r.deleted_at is not None)
            for r in await session.execute(query)}


async def _ids_by_uscc(session: AsyncSession, usccs: Sequence[str]) -> dict[str, int]:
    return {r.uscc: r.id for r in await session.execute(sa.select(E.c.uscc, E.c.id).where(uscc_among(session, usccs)))}


async def _allocate_ids(session: AsyncSession, dialect: str, n: int) -> list[int]:
    """A block of ``n`` consecutive ids for new enterprises, reserved in one statement."""
    if n == 0:
        return []
    if dialect == "postgresql":
        # Directory writes wait while an import runs (reads go on), so nothing else draws from the
        # sequence between nextval and setval: the block is ours.
        await session.execute(sa.text("LOCK TABLE enterprise IN SHARE ROW EXCLUSIVE MODE"))
        result = await session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('enterprise', 'id'), "
                    "nextval(pg_get_serial_sequence('enterprise', 'id')) + :n - 1)"),
            {"n": n},
        )
        last = int(result.scalar_one())
        return list(range(last - n + 1, last + 1))
    # SQLite: the unit of work holds the single-writer lock, so max(id) cannot move under us.
    start = int((await session.execute(sa.select(sa.func.coalesce(sa.func.max(E.c.id), 0)))).scalar_one())
    return list(range(start + 1, start + n + 1))


_TAGS = SNAPSHOT_FIELDS.index("tags")
if ("uscc", *CONTENT) != SNAPSHOT_FIELDS:  # the column lists of this module rely on it
    raise RuntimeError("enterprise content columns and snapshot fields differ")


def _content(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Column values of the content fields, in CONTENT order (tags as JSON text), from snapshot values."""
    return (*values[1:_TAGS], _tags_json(tuple(values[_TAGS])), *values[_TAGS + 1:])


@lru_cache(maxsize=1024)
def _tags_json(tags: tuple[str, ...]) -> str:
    """Tag lists repeat endlessly across a directory: encode each combination once."""
    return _json(list(tags))


async def bulk_write(
    session: AsyncSession,
    dialect: str,
    creates: Sequence[PreparedEnterprise],
    updates: Sequence[BulkUpdate],
    *,
    changed_by: str,
    at: datetime,
    action: str = "import",
) -> None:
    connection = await session.connection()
    stamp: Any = at
    if dialect == "sqlite":
        processor = E.c.created_at.type.bind_processor(connection.dialect)
        stamp = processor(at) if processor else at
    ids = await _allocate_ids(session, dialect, len(creates))
    inserts: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    tags: list[tuple[str, int]] = []
    versions: list[tuple[Any, ...]] = []
    for enterprise_id, p in zip(ids, creates, strict=True):
        inserts.append((enterprise_id, p.enterprise.uscc, *_content(p.values), 1, p.content_hash, stamp, stamp, None))
        tags += [(t, enterprise_id) for t in p.enterprise.tags]
    if updates:
        existing_ids = await _ids_by_uscc(session, [u.record.enterprise.uscc for u in updates])
        for u in updates:
            e = u.record.enterprise
            enterprise_id = existing_ids[e.uscc]
            changes.append((*_content(u.record.values), e.version, u.record.content_hash, stamp, None, enterprise_id))
            tags += [(t, enterprise_id) for t in e.tags]
            versions.append((enterprise_id, e.version, u.action, stamp, changed_by, _json(u.changes),
                             snapshot_json(dict(zip(SNAPSHOT_FIELDS, u.record.values, strict=True)))))
        for chunk in _chunks([row[-1] for row in changes]):
            await session.execute(sa.delete(ET).where(ET.c.enterprise_id.in_(chunk)))

    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if dialect == "postgresql":
        await _copy_postgres(driver, inserts, changes, tags, versions)
    else:
        await _executemany_sqlite(driver, inserts, changes, tags, versions)
    if ids:
        # The first version of each new enterprise is its row as stored: the database writes that JSON itself.
        await session.execute(_FIRST_VERSIONS[dialect],
                              {"at": at, "by": changed_by, "action": action, "first": ids[0], "last": ids[-1]})


def _first_versions(dialect: str) -> Any:
    build, tags = ("json_object", "json(tags)") if dialect == "sqlite" else ("jsonb_build_object", "tags")
    fields = ", ".join(f"'{c}', {tags if c == 'tags' else c}" for c in ("uscc", *CONTENT))
    # Assembled from column names only.
    select = f"SELECT id, version, :action, :at, :by, '{{}}', {build}({fields}) FROM enterprise"  # noqa: S608
    return sa.text(
        "INSERT INTO enterprise_version (enterprise_id, version, action, changed_at, changed_by, changes, snapshot) "
        + select + " WHERE id BETWEEN :first AND :last"
    ).bindparams(sa.bindparam("at", type_=E.c.created_at.type))


_FIRST_VERSIONS = {"sqlite": _first_versions("sqlite"), "postgresql": _first_versions("postgresql")}


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608


async def _executemany_sqlite(driver: Any, inserts: list[tuple[Any, ...]], changes: list[tuple[Any, ...]],
                              tags: list[tuple[str, int]], versions: list[tuple[Any, ...]]) -> None:
    # The driver connection is the session's own: these statements join its transaction.
    if inserts:
        await driver.executemany(_insert_sql("enterprise", INSERT_COLUMNS), inserts)
    if changes:
        assignments = ", ".join(f"{c} = ?" for c in UPDATE_COLUMNS)
        await driver.executemany(f"UPDATE enterprise SET {assignments} WHERE id = ?", changes)  # noqa: S608
    if tags:
        await driver.executemany(_insert_sql("enterprise_tag", ("tag", "enterprise_id")), tags)
    if versions:
        await driver.executemany(_insert_sql("enterprise_version", VERSION_COLUMNS), versions)


async def _copy_postgres(driver: Any, inserts: list[tuple[Any, ...]], changes: list[tuple[Any, ...]],
                         tags: list[tuple[str, int]], versions: list[tuple[Any, ...]]) -> None:
    if inserts:
        await driver.copy_records_to_table("enterprise", records=inserts, columns=INSERT_COLUMNS)
    if changes:
        columns = (*UPDATE_COLUMNS, "id")
        await driver.execute(
            f"CREATE TEMP TABLE enterprise_import ON COMMIT DROP AS SELECT {', '.join(columns)} "  # noqa: S608
            "FROM enterprise WITH NO DATA"
        )
        await driver.copy_records_to_table("enterprise_import", records=changes, columns=columns)
        assignments = ", ".join(f"{c} = s.{c}" for c in UPDATE_COLUMNS)
        await driver.execute(
            f"UPDATE enterprise AS t SET {assignments} FROM enterprise_import AS s WHERE t.id = s.id"  # noqa: S608
        )
    if tags:
        await driver.copy_records_to_table("enterprise_tag", records=tags, columns=["tag", "enterprise_id"])
    if versions:
        await driver.copy_records_to_table("enterprise_version", records=versions, columns=VERSION_COLUMNS)
