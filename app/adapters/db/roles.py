"""The application role on PostgreSQL: the service connects as a role that does not own the tables.

Migrations run as the owner (``DATABASE__MIGRATION_URL``); the application role gets SELECT, INSERT, UPDATE and
DELETE on the ordinary tables, only SELECT and INSERT on the audit tables, SELECT on ``alembic_version``, the
sequences, and EXECUTE on ``audit_purge`` (the owner's function that removes expired audit records, nothing else).
Not owning the tables, it can neither disable nor drop the append-only triggers, nor TRUNCATE.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.adapters.db.engine import Database

#: Tables the application may only read and append to.
AUDIT_TABLES = frozenset({"audit_record", "audit_checkpoint", "audit_anchor"})
#: Tables the application may only read.
READ_ONLY_TABLES = frozenset({"alembic_version"})


class RoleError(Exception):
    """The grants cannot be made (message in Chinese, then English)."""


@dataclass(frozen=True, slots=True)
class Grants:
    role: str
    schema: str
    created: bool
    tables: int
    audit_tables: list[str]


async def grant_app_role(owner_url: str, role: str, *, schema: str | None = None, password: str | None = None,
                         create: bool = True) -> Grants:
    """Create the role (LOGIN) when missing and ``create`` is set, then (re)grant its rights in the schema; run after
    every migration. Run as the owner of the tables (who also needs CREATEROLE to create the role)."""
    db = Database(owner_url, schema=schema)
    if db.is_sqlite:
        await db.dispose()
        raise RoleError("SQLite 没有数据库角色，无需授权 / SQLite has no roles; nothing to grant")
    try:
        async with db.engine.begin() as connection:
            q = lambda sql, **kw: connection.execute(sa.text(sql), kw)  # noqa: E731
            current_schema = (await q("SELECT current_schema()")).scalar()
            if current_schema is None:
                raise RoleError(f"模式 {schema} 不存在 / schema {schema} does not exist")
            exists = (await q("SELECT rolsuper FROM pg_roles WHERE rolname = :r", r=role)).first()
            created = False
            if exists is None:
                if not create:
                    raise RoleError(f"角色 {role} 不存在 / role {role} does not exist")
                statement = "CREATE ROLE %I LOGIN NOINHERIT" + (" PASSWORD %L" if password else "")
                sql = (await q(f"SELECT format('{statement}', CAST(:r AS text), CAST(:p AS text))",
                               r=role, p=password)).scalar()
                await connection.execute(sa.text(str(sql)))
                created = True
            else:
                if exists.rolsuper:
                    raise RoleError(f"角色 {role} 是超级用户，不能作为应用角色 / role {role} is a superuser")
                if password:
                    sql = (await q("SELECT format('ALTER ROLE %I PASSWORD %L', CAST(:r AS text), CAST(:p AS text))",
                                   r=role, p=password)).scalar()
                    await connection.execute(sa.text(str(sql)))
            tables = (await q("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = :s ORDER BY tablename",
                              s=current_schema)).all()
            owners = {t.tableowner for t in tables}
            if role in owners or await _member_of_owner(connection, role, owners):
                raise RoleError(f"角色 {role} 拥有（或继承）这些表，不能作为应用角色 / role {role} owns the tables")
            quoted = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731
            r, s = quoted(role), quoted(current_schema)
            await q(f"GRANT USAGE ON SCHEMA {s} TO {r}")
            await q(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}")
            await q(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}")
            audit = []
            for table in tables:
                name = f"{s}.{quoted(table.tablename)}"
                if table.tablename in AUDIT_TABLES:
                    await q(f"GRANT SELECT, INSERT ON {name} TO {r}")
                    audit.append(table.tablename)
                elif table.tablename in READ_ONLY_TABLES:
                    await q(f"GRANT SELECT ON {name} TO {r}")
                else:
                    await q(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {r}")
            await q(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
            has_purge = (await q("SELECT to_regprocedure(:f)", f=f"{current_schema}.audit_purge(integer, bigint)")
                         ).scalar()
            if has_purge is not None:
                await q(f"GRANT EXECUTE ON FUNCTION {s}.audit_purge(integer, bigint) TO {r}")
        return Grants(role, str(current_schema), created, len(tables), audit)
    finally:
        await db.dispose()


async def _member_of_owner(connection: sa.ext.asyncio.AsyncConnection, role: str, owners: set[str]) -> bool:
    for owner in owners:
        member = (await connection.execute(sa.text("SELECT pg_has_role(:r, :o, 'MEMBER')"),
                                           {"r": role, "o": owner})).scalar()
        if member:
            return True
    return False
