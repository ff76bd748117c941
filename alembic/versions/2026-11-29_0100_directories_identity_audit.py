"""The item list, the two directories, identity and the audit trail

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_record',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_record')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_record_hash'))
    )
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.create_index('ix_audit_record_object', ['object_type', 'object_id'], unique=False)

    op.create_table('department',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('dept_type', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('enterprise',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('credit_class', sa.String(length=1), nullable=True),
    sa.Column('safety_risk_level', sa.String(length=16), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('legal_person', sa.String(length=50), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("credit_class IS NULL OR credit_class IN ('A','B','C','D')", name=op.f('ck_enterprise_credit_class_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprise_uscc'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_county_code_id', ['county_code', 'id'], unique=False)
        batch_op.create_index('ix_enterprise_credit_class_id', ['credit_class', 'id'], unique=False)
        batch_op.create_index('ix_enterprise_industry_code_id', ['industry_code', 'id'], unique=False)
        batch_op.create_index('ix_enterprise_status_id', ['status', 'id'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_app_user_department_code_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('check_item',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('dept_type', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('target_type', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('frequency_cap', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retire_reason', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('frequency_cap IS NULL OR frequency_cap > 0', name=op.f('ck_check_item_frequency_cap_positive')),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_check_item_department_code_department')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_check_item'))
    )
    with op.batch_alter_table('check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_item_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_item_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_item_status'), ['status'], unique=False)

    op.create_table('enterprise_tag',
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_tag_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tag', 'enterprise_id', name=op.f('pk_enterprise_tag'))
    )
    op.create_table('enterprise_version',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_version_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_version')),
    sa.UniqueConstraint('enterprise_id', 'version', name='uq_enterprise_version_enterprise_id')
    )
    op.create_table('inspector',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('cert_no', sa.String(length=40), nullable=False),
    sa.Column('cert_expiry', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('specialties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_inspector_department_code_department')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_inspector')),
    sa.UniqueConstraint('cert_no', name=op.f('uq_inspector_cert_no'))
    )
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_cert_expiry'), ['cert_expiry'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspector_department_code'), ['department_code'], unique=False)

    op.create_table('api_key',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_key_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix'))
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_user_id'), ['user_id'], unique=False)

    op.create_table('inspector_conflict',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('to_date IS NULL OR to_date >= from_date', name=op.f('ck_inspector_conflict_period_ordered')),
    sa.ForeignKeyConstraint(['person_id'], ['inspector.person_id'], name=op.f('fk_inspector_conflict_person_id_inspector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspector_conflict'))
    )
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_conflict_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspector_conflict_uscc'), ['uscc'], unique=False)

    # The audit trail is append-only: the database itself refuses UPDATE and DELETE.
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is database-wide but lives in one schema; with the app in its own schema (search_path), name
        # the operator class by the schema the extension is in, and install it in public, not in a schema that
        # may be dropped later (with every index that uses it).
        trgm_schema = op.get_bind().execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")).scalar()
        if trgm_schema is None:
            op.execute("CREATE EXTENSION pg_trgm SCHEMA public")
            trgm_schema = "public"
        op.execute(f'CREATE INDEX ix_enterprise_name_trgm ON enterprise USING gin (name "{trgm_schema}".gin_trgm_ops)')
        op.execute(
            "CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_record is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_record "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_record_no_{event.lower()} BEFORE {event} ON audit_record "
                "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_record_append_only ON audit_record")
        op.execute("DROP FUNCTION IF EXISTS audit_record_append_only()")
        op.execute("DROP INDEX IF EXISTS ix_enterprise_name_trgm")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_record_no_delete")
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_conflict_uscc'))
        batch_op.drop_index(batch_op.f('ix_inspector_conflict_person_id'))

    op.drop_table('inspector_conflict')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_user_id'))

    op.drop_table('api_key')
    with op.batch_alter_table('inspector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_department_code'))
        batch_op.drop_index(batch_op.f('ix_inspector_cert_expiry'))

    op.drop_table('inspector')
    op.drop_table('enterprise_version')
    op.drop_table('enterprise_tag')
    with op.batch_alter_table('check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_item_status'))
        batch_op.drop_index(batch_op.f('ix_check_item_department_code'))
        batch_op.drop_index(batch_op.f('ix_check_item_category'))

    op.drop_table('check_item')
    op.drop_table('app_user')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_status_id')
        batch_op.drop_index('ix_enterprise_industry_code_id')
        batch_op.drop_index('ix_enterprise_credit_class_id')
        batch_op.drop_index('ix_enterprise_county_code_id')

    op.drop_table('enterprise')
    op.drop_table('department')
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_record_object')

    op.drop_table('audit_record')
