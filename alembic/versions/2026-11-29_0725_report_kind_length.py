"""Report submissions: room for the kind "quarterly_summary"

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 07:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.alter_column('kind',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.String(length=32),
               existing_nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.alter_column('kind',
               existing_type=sa.String(length=32),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)

