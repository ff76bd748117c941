"""Draws: frozen inputs, commitments, the sealed salt, the bundle and its changes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:21:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('draw',
    sa.Column('draw_id', sa.String(length=96), nullable=False),
    sa.Column('plan_no', sa.String(length=32), nullable=False),
    sa.Column('task_no', sa.String(length=32), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('commitments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('allocation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('inputs', sa.LargeBinary(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.Text(), nullable=True),
    sa.Column('seed_source', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('bundle', sa.LargeBinary(), nullable=True),
    sa.Column('result_hash', sa.String(length=64), nullable=True),
    sa.Column('prepared_by', sa.String(length=100), nullable=False),
    sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seeded_by', sa.String(length=100), nullable=True),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revealed_by', sa.String(length=100), nullable=True),
    sa.Column('replaces', sa.String(length=96), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('void_requested_by', sa.String(length=100), nullable=True),
    sa.Column('voided_by', sa.String(length=100), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['plan_no'], ['plan.plan_no'], name=op.f('fk_draw_plan_no_plan')),
    sa.PrimaryKeyConstraint('draw_id', name=op.f('pk_draw')),
    sa.UniqueConstraint('plan_no', 'task_no', 'sequence', name='uq_draw_plan_no')
    )
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_status'), ['status'], unique=False)
        batch_op.create_index('ix_draw_task', ['plan_no', 'task_no'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.drop_index('ix_draw_task')
        batch_op.drop_index(batch_op.f('ix_draw_status'))

    op.drop_table('draw')
