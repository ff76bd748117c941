"""Scheduled jobs run once per occurrence across service processes

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 07:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_occurrence',
    sa.Column('job', sa.String(length=32), nullable=False),
    sa.Column('slot', sa.BigInteger(), nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('job', 'slot', name=op.f('pk_job_occurrence'))
    )


def downgrade() -> None:
    op.drop_table('job_occurrence')
