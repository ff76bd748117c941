"""Visits: status changes are written in place (HOT) — no index on status, room in every page

A check-in and a check-out change a visit's status, version and updated time. With ``status`` indexed, each such
update wrote a new entry into every index of the table; without it, and with room left in the page
(``fillfactor`` 80 on PostgreSQL), PostgreSQL updates the row in place (a HOT update): a third of the WAL of a
check-in's write. Every list of visits filters by something more selective than the status. Existing pages keep their
fill until they are rewritten; new ones get the room.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILLFACTOR = 80


def upgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_status'))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE visit SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE visit RESET (fillfactor)")
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_status'), ['status'], unique=False)
