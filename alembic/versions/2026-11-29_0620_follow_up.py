"""Follow-up: rectification orders, case transfers, credit sanctions, documents and their numbering, archived tasks; the handling of a result

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('archived_task',
    sa.Column('plan_no', sa.String(length=32), nullable=False),
    sa.Column('task_no', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('archived_by', sa.String(length=100), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('plan_no', 'task_no', name=op.f('pk_archived_task'))
    )
    op.create_table('credit_sanction',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('from_class', sa.String(length=1), nullable=True),
    sa.Column('to_class', sa.String(length=1), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('serious_dishonesty_candidate', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_sanction'))
    )
    with op.batch_alter_table('credit_sanction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_sanction_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_sanction_uscc'), ['uscc'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('department_code', 'year', 'sequence', name='uq_document_department_code'),
    sa.UniqueConstraint('number', name=op.f('uq_document_number'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('document_counter',
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('department_code', 'year', name=op.f('pk_document_counter'))
    )
    op.create_table('case_transfer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('result_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('receiver', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('document_no', sa.String(length=64), nullable=True),
    sa.Column('received_by', sa.String(length=100), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('receipt_note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['inspection_result.id'], name=op.f('fk_case_transfer_result_id_inspection_result')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_transfer')),
    sa.UniqueConstraint('result_id', name=op.f('uq_case_transfer_result_id'))
    )
    with op.batch_alter_table('case_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_transfer_uscc'), ['uscc'], unique=False)

    op.create_table('rectification_order',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('result_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('department_code', sa.String(length=16), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('deadline_basis', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('document_no', sa.String(length=64), nullable=True),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reinspectors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reinspected_on', sa.Date(), nullable=True),
    sa.Column('reinspection_opinion', sa.Text(), nullable=True),
    sa.Column('reinspection_document_no', sa.String(length=64), nullable=True),
    sa.Column('escalation', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('deadline >= issued_on', name=op.f('ck_rectification_order_deadline_after_order')),
    sa.ForeignKeyConstraint(['result_id'], ['inspection_result.id'], name=op.f('fk_rectification_order_result_id_inspection_result')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_rectification_order_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_order')),
    sa.UniqueConstraint('result_id', name=op.f('uq_rectification_order_result_id'))
    )
    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_order_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_order_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_order_uscc'), ['uscc'], unique=False)

    with op.batch_alter_table('inspection_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling', sa.String(length=24), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('inspection_result', schema=None) as batch_op:
        batch_op.drop_column('handling')

    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_order_uscc'))
        batch_op.drop_index(batch_op.f('ix_rectification_order_status'))
        batch_op.drop_index(batch_op.f('ix_rectification_order_department_code'))

    op.drop_table('rectification_order')
    with op.batch_alter_table('case_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_transfer_uscc'))

    op.drop_table('case_transfer')
    op.drop_table('document_counter')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_subject')

    op.drop_table('document')
    with op.batch_alter_table('credit_sanction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_sanction_uscc'))
        batch_op.drop_index(batch_op.f('ix_credit_sanction_status'))

    op.drop_table('credit_sanction')
    op.drop_table('archived_task')
