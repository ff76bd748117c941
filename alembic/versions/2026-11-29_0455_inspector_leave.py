"""Inspector leave

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inspector_leave',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('to_date >= from_date', name=op.f('ck_inspector_leave_period_ordered')),
    sa.ForeignKeyConstraint(['person_id'], ['inspector.person_id'], name=op.f('fk_inspector_leave_person_id_inspector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspector_leave'))
    )
    with op.batch_alter_table('inspector_leave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_leave_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('inspector_leave', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_leave_person_id'))

    op.drop_table('inspector_leave')
