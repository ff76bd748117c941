"""Visits (the schedule), their members, sources and changes; calendar subscriptions; report submissions; accounts linked to inspectors

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 05:49:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_feed',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('owner_kind', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_owner_id'), ['owner_id'], unique=False)

    op.create_table('report_submission',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_report_submission_department_code_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submission')),
    sa.UniqueConstraint('kind', 'period', 'department_code', name='uq_report_submission_kind')
    )
    op.create_table('visit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('team', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('unannounced', sa.Boolean(), nullable=False),
    sa.Column('route_order', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('window_end >= window_start', name=op.f('ck_visit_window_ordered')),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_visit_department_code_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_uscc'), ['uscc'], unique=False)

    op.create_table('visit_change',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_day', sa.Date(), nullable=True),
    sa.Column('to_day', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_change_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_change'))
    )
    with op.batch_alter_table('visit_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_change_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_member',
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_member_visit_id_visit')),
    sa.PrimaryKeyConstraint('visit_id', 'person_id', name=op.f('pk_visit_member'))
    )
    with op.batch_alter_table('visit_member', schema=None) as batch_op:
        batch_op.create_index('ix_visit_member_person_day', ['person_id', 'day'], unique=False)

    op.create_table('visit_source',
    sa.Column('draw_id', sa.String(length=96), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['draw.draw_id'], name=op.f('fk_visit_source_draw_id_draw')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_source_visit_id_visit')),
    sa.PrimaryKeyConstraint('draw_id', 'uscc', name=op.f('pk_visit_source'))
    )
    with op.batch_alter_table('visit_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_source_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_app_user_person_id'), ['person_id'])
        batch_op.create_foreign_key(batch_op.f('fk_app_user_person_id_inspector'), 'inspector', ['person_id'], ['person_id'])



def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_app_user_person_id_inspector'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_app_user_person_id'), type_='unique')
        batch_op.drop_column('person_id')

    with op.batch_alter_table('visit_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_source_visit_id'))

    op.drop_table('visit_source')
    with op.batch_alter_table('visit_member', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_member_person_day')

    op.drop_table('visit_member')
    with op.batch_alter_table('visit_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_change_visit_id'))

    op.drop_table('visit_change')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_uscc'))
        batch_op.drop_index(batch_op.f('ix_visit_status'))
        batch_op.drop_index(batch_op.f('ix_visit_department_code'))
        batch_op.drop_index(batch_op.f('ix_visit_day'))

    op.drop_table('visit')
    op.drop_table('report_submission')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_owner_id'))

    op.drop_table('calendar_feed')
