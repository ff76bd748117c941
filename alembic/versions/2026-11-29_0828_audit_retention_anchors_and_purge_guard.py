"""Audit retention: signed anchors, the purge function and the guards that allow only the purge

Records may be deleted only when older than 186 days and covered by a signed anchor (the last purged record's
number and hash); UPDATE and TRUNCATE stay refused. Anchors and checkpoints are append-only too. On PostgreSQL
``audit_purge(retention_days, upto)`` is a SECURITY DEFINER function of the tables' owner: the application role,
which may not DELETE audit records, purges through it and through nothing else.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 08:28:22.362595
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The shortest retention the database allows, whatever the caller asks (six months and more).
FLOOR_DAYS = 186

SQLITE_OLD_DELETE_GUARD = ("CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
                           "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END")
SQLITE_DELETE_GUARD = (
    "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
    "WHEN OLD.seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_anchor) "
    f"OR OLD.at >= datetime('now', '-{FLOOR_DAYS} days') "
    "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only (only records older than "
    f"{FLOOR_DAYS} days and covered by a signed anchor may be purged)'); END"
)
APPEND_ONLY_TABLES = ("audit_checkpoint", "audit_anchor")


def _pg_schema() -> str:
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
    return str(schema).replace('"', '""')


def upgrade() -> None:
    op.create_table('audit_anchor',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cutoff', sa.DateTime(timezone=True), nullable=False),
    sa.Column('purged', sa.BigInteger(), nullable=False),
    sa.Column('kid', sa.String(length=32), nullable=False),
    sa.Column('algorithm', sa.String(length=32), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_anchor_seq'))
    )
    op.create_index('ix_audit_record_at', 'audit_record', ['at'], unique=False)

    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_delete")
        op.execute(SQLITE_DELETE_GUARD)
        for table in APPEND_ONLY_TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        return

    schema = _pg_schema()
    # UPDATE and TRUNCATE stay refused for everyone by the statement trigger; DELETE is checked row by row.
    op.execute("DROP TRIGGER audit_record_append_only ON audit_record")
    op.execute("CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR TRUNCATE ON audit_record "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only()")
    op.execute(
        "CREATE FUNCTION audit_record_purge_guard() RETURNS trigger LANGUAGE plpgsql "
        f'SET search_path = "{schema}", pg_temp AS $$ BEGIN '
        "IF OLD.seq > (SELECT coalesce(max(seq), 0) FROM audit_anchor) "
        f"OR OLD.at >= now() - interval '{FLOOR_DAYS} days' THEN "
        "RAISE EXCEPTION 'audit_record is append-only (record % is not older than "
        f"{FLOOR_DAYS} days and covered by a signed anchor)', OLD.seq; "
        "END IF; RETURN OLD; END $$"
    )
    op.execute("CREATE TRIGGER audit_record_purge_guard BEFORE DELETE ON audit_record "
               "FOR EACH ROW EXECUTE FUNCTION audit_record_purge_guard()")
    op.execute(
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
    # The one way the application role removes audit records: expired ones, up to the newest anchor, all at once.
    op.execute(
        "CREATE FUNCTION audit_purge(retention_days integer, upto bigint) RETURNS bigint LANGUAGE plpgsql "
        f'SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$ '
        "DECLARE purged bigint; BEGIN "
        f"IF retention_days IS NULL OR retention_days < {FLOOR_DAYS} THEN "
        f"RAISE EXCEPTION 'audit retention must be at least {FLOOR_DAYS} days, not %', retention_days; END IF; "
        "IF upto > (SELECT coalesce(max(seq), 0) FROM audit_anchor) THEN "
        "RAISE EXCEPTION 'audit purge beyond the newest signed anchor (record %)', upto; END IF; "
        "IF EXISTS (SELECT 1 FROM audit_record WHERE seq <= upto "
        "AND at >= now() - make_interval(days => retention_days)) THEN "
        "RAISE EXCEPTION 'audit purge up to record % would remove records younger than % days', upto, "
        "retention_days; END IF; "
        "DELETE FROM audit_record WHERE seq <= upto; "
        "GET DIAGNOSTICS purged = ROW_COUNT; RETURN purged; END $$"
    )
    op.execute("REVOKE ALL ON FUNCTION audit_purge(integer, bigint) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_purge(integer, bigint)")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION audit_append_only()")
        op.execute("DROP TRIGGER audit_record_purge_guard ON audit_record")
        op.execute("DROP FUNCTION audit_record_purge_guard()")
        op.execute("DROP TRIGGER audit_record_append_only ON audit_record")
        op.execute("CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_record "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only()")
    else:
        for table in APPEND_ONLY_TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_delete")
        op.execute(SQLITE_OLD_DELETE_GUARD)
    op.drop_index('ix_audit_record_at', table_name='audit_record')
    op.drop_table('audit_anchor')
