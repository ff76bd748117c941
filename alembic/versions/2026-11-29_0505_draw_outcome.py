"""Draw outcome: who was drawn and who inspects them, beside the bundle

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 05:05:00
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
    # Draws executed before this revision: their outcome, read once from their bundle.
    draw = sa.table('draw', sa.column('draw_id', sa.String()), sa.column('bundle', sa.LargeBinary()),
                    sa.column('outcome', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')))
    connection = op.get_bind()
    for draw_id, blob in connection.execute(sa.select(draw.c.draw_id, draw.c.bundle).where(draw.c.bundle.is_not(None))).all():
        bundle = json.loads(zlib.decompress(blob))
        outcome = {"selected": [row["uscc"] for row in bundle["selected"]],
                   "teams": [[team["uscc"], [m["person_id"] for m in team["members"]]] for team in bundle["teams"]]}
        connection.execute(sa.update(draw).where(draw.c.draw_id == draw_id).values(outcome=outcome))


def downgrade() -> None:
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.drop_column('outcome')

