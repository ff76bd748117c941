"""The database schema: SQLModel tables, and only here.

Rows are mapped to domain dataclasses by the repositories; they never leave the adapter.
Table names are singular snake_case; constraint names follow ``NAMING_CONVENTION``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.adapters.db.types import BigId, Json, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata = SQLModel.metadata


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "department"

    code: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, unique=True))
    short_name: str = Field(sa_column=sa.Column(sa.String(50), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    dept_type: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    active: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.true()))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class CheckItemRow(SQLModel, table=True):
    __tablename__ = "check_item"

    code: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    category: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, index=True))
    dept_type: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False, index=True)
    )
    legal_basis: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    method: str = Field(sa_column=sa.Column(sa.String(24), nullable=False))
    target_type: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    frequency_cap: int | None = Field(default=None, sa_column=sa.Column(sa.Integer(), nullable=True))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    published_at: datetime | None = _ts(nullable=True)
    retired_at: datetime | None = _ts(nullable=True)
    retire_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(500), nullable=True))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()

    __table_args__ = (sa.CheckConstraint("frequency_cap IS NULL OR frequency_cap > 0", name="frequency_cap_positive"),)


class EnterpriseRow(SQLModel, table=True):
    __tablename__ = "enterprise"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    county_code: str = Field(sa_column=sa.Column(sa.String(6), nullable=False))
    industry_code: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    address: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))
    longitude: float | None = Field(default=None, sa_column=sa.Column(sa.Float(), nullable=True))
    latitude: float | None = Field(default=None, sa_column=sa.Column(sa.Float(), nullable=True))
    credit_class: str | None = Field(default=None, sa_column=sa.Column(sa.String(1), nullable=True))
    safety_risk_level: str | None = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=True))
    tags: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    legal_person: str | None = Field(default=None, sa_column=sa.Column(sa.String(50), nullable=True))
    contact_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(50), nullable=True))
    contact_phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    content_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    deleted_at: datetime | None = _ts(nullable=True)

    __table_args__ = (
        sa.Index("ix_enterprise_industry_code_id", "industry_code", "id"),
        sa.Index("ix_enterprise_county_code_id", "county_code", "id"),
        sa.Index("ix_enterprise_credit_class_id", "credit_class", "id"),
        sa.Index("ix_enterprise_status_id", "status", "id"),
        sa.CheckConstraint("credit_class IS NULL OR credit_class IN ('A','B','C','D')", name="credit_class_valid"),
    )


class EnterpriseTagRow(SQLModel, table=True):
    """Tag index for filtering; the enterprise row's ``tags`` column is what is read back."""

    __tablename__ = "enterprise_tag"

    tag: str = Field(sa_column=sa.Column(sa.String(50), primary_key=True))
    enterprise_id: int = Field(
        sa_column=sa.Column(BigId, sa.ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True)
    )


class EnterpriseVersionRow(SQLModel, table=True):
    __tablename__ = "enterprise_version"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    enterprise_id: int = Field(
        sa_column=sa.Column(BigId, sa.ForeignKey("enterprise.id", ondelete="CASCADE"), nullable=False)
    )
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    action: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    changed_at: datetime = _ts()
    changed_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))

    __table_args__ = (sa.UniqueConstraint("enterprise_id", "version", name="uq_enterprise_version_enterprise_id"),)


class InspectorRow(SQLModel, table=True):
    __tablename__ = "inspector"

    person_id: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(50), nullable=False))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False, index=True)
    )
    cert_no: str = Field(sa_column=sa.Column(sa.String(40), nullable=False, unique=True))
    cert_expiry: date = Field(sa_column=sa.Column(sa.Date(), nullable=False, index=True))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    specialties: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    deleted_at: datetime | None = _ts(nullable=True)


class InspectorConflictRow(SQLModel, table=True):
    __tablename__ = "inspector_conflict"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    person_id: str = Field(
        sa_column=sa.Column(sa.String(32), sa.ForeignKey("inspector.person_id"), nullable=False, index=True)
    )
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    reason: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    from_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    to_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    created_at: datetime = _ts()

    __table_args__ = (sa.CheckConstraint("to_date IS NULL OR to_date >= from_date", name="period_ordered"),)


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    username: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    display_name: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    password_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    role: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    department_code: str = Field(sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False))
    active: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    last_login_at: datetime | None = _ts(nullable=True)
    #: The inspector record of an 执法人员's account (the mobile client's visits).
    person_id: str | None = Field(default=None, sa_column=sa.Column(
        sa.String(32), sa.ForeignKey("inspector.person_id"), nullable=True, unique=True))
    failed_logins: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0"))
    locked_until: datetime | None = _ts(nullable=True)
    totp_secret: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    totp_enabled: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()))
    totp_last_step: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger(), nullable=True))


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    prefix: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, unique=True))
    secret_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    user_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("app_user.id"), nullable=False, index=True))
    scopes: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    created_at: datetime = _ts()
    expires_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


class LoginSessionRow(SQLModel, table=True):
    """A signed-in session (bearer token or dashboard cookie): shared by every service process."""

    __tablename__ = "login_session"

    id: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    user_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("app_user.id"), nullable=False, index=True))
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
    revoke_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))


class AuditRecordRow(SQLModel, table=True):
    """Append-only: triggers refuse UPDATE, TRUNCATE and any DELETE but the purge of records older than 186 days
    covered by a signed anchor; on PostgreSQL the application role holds only SELECT and INSERT besides."""

    __tablename__ = "audit_record"

    seq: int = Field(sa_column=sa.Column(BigId, primary_key=True, autoincrement=False))
    at: datetime = _ts()
    actor: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    actor_role: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    action: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    object_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    object_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    request_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    prev_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))

    __table_args__ = (sa.Index("ix_audit_record_object", "object_type", "object_id"),
                      sa.Index("ix_audit_record_at", "at"))


class AuditInboxRow(SQLModel, table=True):
    """Audit events committed together with their change and not yet chained (PostgreSQL).

    Writers only insert here, so concurrent transactions never wait for each other on the chain; the sealer
    (``app/adapters/db/audit_sealer.py``) moves them into ``audit_record`` in id order, in batches."""

    __tablename__ = "audit_inbox"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    at: datetime = _ts()
    actor: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    actor_role: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    action: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    object_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    object_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    request_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))


class SyncRunRow(SQLModel, table=True):
    __tablename__ = "sync_run"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    kinds: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    mode: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    trigger: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    requested_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    created_at: datetime = _ts()
    started_at: datetime | None = _ts(nullable=True)
    finished_at: datetime | None = _ts(nullable=True)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    drift: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    error_code: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    error_message: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))


class SyncWatermarkRow(SQLModel, table=True):
    __tablename__ = "sync_watermark"

    kind: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    watermark_at: datetime | None = _ts(nullable=True)
    run_id: int | None = Field(default=None, sa_column=sa.Column(BigId, nullable=True))
    updated_at: datetime = _ts()


class SyncQuarantineRow(SQLModel, table=True):
    __tablename__ = "sync_quarantine"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    record_key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    problems: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    run_id: int | None = Field(default=None, sa_column=sa.Column(BigId, nullable=True))
    first_seen_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    occurrences: int = Field(default=1, sa_column=sa.Column(sa.Integer(), nullable=False))
    resolved_at: datetime | None = _ts(nullable=True, index=True)

    __table_args__ = (sa.UniqueConstraint("kind", "record_key", name="uq_sync_quarantine_kind"),)


class OutboxMessageRow(SQLModel, table=True):
    """One push to the provincial platform; the relay's retry plan lives in the row, so it survives restarts."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    aggregate_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    aggregate_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    idempotency_key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    next_attempt_at: datetime = _ts()
    claimed_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    claimed_until: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    delivered_at: datetime | None = _ts(nullable=True)
    last_error_code: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    last_error_message: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    response: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    parent_id: int | None = Field(default=None, sa_column=sa.Column(BigId, nullable=True))

    __table_args__ = (
        # The relay's question: the oldest pending message of each aggregate that is due.
        sa.Index("ix_outbox_message_status_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_message_aggregate", "aggregate_type", "aggregate_id", "id"),
    )


class PlanRow(SQLModel, table=True):
    """抽查计划: the current version; every published version is also kept in ``plan_version``."""

    __tablename__ = "plan"

    plan_no: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False, index=True))
    kind: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    issuing_document: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    issued_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    notes: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    created_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    approved_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    published_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class PlanTaskRow(SQLModel, table=True):
    __tablename__ = "plan_task"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    plan_no: str = Field(sa_column=sa.Column(sa.String(32), sa.ForeignKey("plan.plan_no"), nullable=False))
    position: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    task_no: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    task_type: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    joint_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    lead_department: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False, index=True))
    joint_departments: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    items: dict[str, list[str]] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    items_text: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    window_start: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    window_end: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    window_text: str = Field(default="", sa_column=sa.Column(sa.String(100), nullable=False))
    sampling: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    lead_text: str = Field(default="", sa_column=sa.Column(sa.String(200), nullable=False))
    joint_text: str = Field(default="", sa_column=sa.Column(sa.String(300), nullable=False))

    __table_args__ = (sa.UniqueConstraint("plan_no", "task_no", name="uq_plan_task_plan_no"),)


class PlanVersionRow(SQLModel, table=True):
    __tablename__ = "plan_version"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    plan_no: str = Field(sa_column=sa.Column(sa.String(32), sa.ForeignKey("plan.plan_no"), nullable=False))
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    published_at: datetime | None = _ts(nullable=True)
    published_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))

    __table_args__ = (sa.UniqueConstraint("plan_no", "version", name="uq_plan_version_plan_no"),)


class PlanAdjustmentRow(SQLModel, table=True):
    __tablename__ = "plan_adjustment"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    plan_no: str = Field(
        sa_column=sa.Column(sa.String(32), sa.ForeignKey("plan.plan_no"), nullable=False, index=True))
    base_version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    proposed: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    requested_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    requested_at: datetime = _ts()
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    decided_at: datetime | None = _ts(nullable=True)
    decision_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))


class QuarterQuotaRow(SQLModel, table=True):
    """年度监督检查计划 quotas: random inspections per unit and quarter, entered by 执法监督科."""

    __tablename__ = "quarter_quota"

    year: int = Field(sa_column=sa.Column(sa.Integer(), primary_key=True))
    quarter: int = Field(sa_column=sa.Column(sa.Integer(), primary_key=True))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), primary_key=True))
    count: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    note: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    updated_at: datetime = _ts()

    __table_args__ = (sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
                      sa.CheckConstraint("count >= 0", name="count_not_negative"))


class DrawRow(SQLModel, table=True):
    """A draw (抽取). ``inputs`` (the frozen frame, roster and exclusions) and ``bundle`` are zlib-compressed
    canonical JSON; the salt stays here, secret, until the reveal."""

    __tablename__ = "draw"

    draw_id: str = Field(sa_column=sa.Column(sa.String(96), primary_key=True))
    plan_no: str = Field(sa_column=sa.Column(sa.String(32), sa.ForeignKey("plan.plan_no"), nullable=False))
    task_no: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    sequence: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    commitments: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    allocation: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    inputs: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    salt: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    seed: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    seed_source: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))
    bundle: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary(), nullable=True))
    result_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    prepared_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    prepared_at: datetime = _ts()
    seeded_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    executed_at: datetime | None = _ts(nullable=True)
    revealed_at: datetime | None = _ts(nullable=True)
    revealed_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    replaces: str | None = Field(default=None, sa_column=sa.Column(sa.String(96), nullable=True))
    void_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    void_requested_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    voided_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    voided_at: datetime | None = _ts(nullable=True)
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    #: Who was drawn and who inspects them (USCCs, person ids): what later draws need (rotation, merges, the
    #: annual frequency cap) without reading whole bundles.
    outcome: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(Json, nullable=True))

    __table_args__ = (
        sa.UniqueConstraint("plan_no", "task_no", "sequence", name="uq_draw_plan_no"),
        sa.Index("ix_draw_task", "plan_no", "task_no"),
    )


class InspectorLeaveRow(SQLModel, table=True):
    """请假: an inspector unavailable from one date to another (drawn teams and schedules respect it)."""

    __tablename__ = "inspector_leave"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    person_id: str = Field(
        sa_column=sa.Column(sa.String(32), sa.ForeignKey("inspector.person_id"), nullable=False, index=True))
    from_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    to_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    created_at: datetime = _ts()
    cancelled_at: datetime | None = _ts(nullable=True)

    __table_args__ = (sa.CheckConstraint("to_date >= from_date", name="period_ordered"),)


#: Percent of each ``visit`` page filled by inserts (PostgreSQL).
VISIT_FILLFACTOR = 80


class VisitRow(SQLModel, table=True):
    """现场检查: one visit of one enterprise on one working day; ``team``, ``items`` and ``sources`` as JSON."""

    __tablename__ = "visit"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    enterprise_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    county_code: str = Field(sa_column=sa.Column(sa.String(6), nullable=False))
    day: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True, index=True))
    window_start: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    window_end: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    #: Not indexed: every list of visits filters by something more selective (unit, day, enterprise), and a status
    #: change that touches no indexed column is a HOT update (see __table_args__).
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    team: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    items: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False, index=True))
    unannounced: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    off_site: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()))
    route_order: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    note: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))

    # Room in every page (PostgreSQL): a visit's status changes (check-in, check-out) are then HOT updates, written in
    # place without a new entry in each of the table's indexes.
    __table_args__ = (sa.CheckConstraint("window_end >= window_start", name="window_ordered"),
                      {"postgresql_with": {"fillfactor": VISIT_FILLFACTOR}})


class VisitMemberRow(SQLModel, table=True):
    """Who is on which visit on which day: inspectors' calendars and daily load read this."""

    __tablename__ = "visit_member"

    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), primary_key=True))
    person_id: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    day: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    active: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))

    __table_args__ = (sa.Index("ix_visit_member_person_day", "person_id", "day"),)


class VisitSourceRow(SQLModel, table=True):
    """Which draw's enterprise a visit carries: a draw's enterprise is on one visit only (scheduling is
    idempotent)."""

    __tablename__ = "visit_source"

    draw_id: str = Field(sa_column=sa.Column(sa.String(96), sa.ForeignKey("draw.draw_id"), primary_key=True))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), primary_key=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False, index=True))


class VisitChangeRow(SQLModel, table=True):
    __tablename__ = "visit_change"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False, index=True))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    from_day: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    to_day: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    changed_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    changed_at: datetime = _ts()


class CalendarFeedRow(SQLModel, table=True):
    """A token-protected iCalendar subscription of one inspector's or one unit's visits (only the token's
    SHA-256 is kept)."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    owner_kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    owner_id: str = Field(sa_column=sa.Column(sa.String(32), nullable=False, index=True))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    created_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)


class ReportSubmissionRow(SQLModel, table=True):
    """报送登记: a unit's monthly report or quarterly summary submitted to 执法监督科."""

    __tablename__ = "report_submission"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    kind: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    period: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False))
    reference: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    note: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    submitted_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    submitted_at: datetime = _ts()

    __table_args__ = (sa.UniqueConstraint("kind", "period", "department_code", name="uq_report_submission_kind"),)


class SigningKeyRow(SQLModel, table=True):
    """Keys that sign QR codes, by key id and algorithm; a retired key still verifies until it is revoked."""

    __tablename__ = "signing_key"

    kid: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    algorithm: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    public_key: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    private_key: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    created_at: datetime = _ts()
    retired_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


class EnterpriseCodeRow(SQLModel, table=True):
    """The generation of an enterprise's printed code: rotating it revokes every older print."""

    __tablename__ = "enterprise_code"

    uscc: str = Field(sa_column=sa.Column(sa.String(18), primary_key=True))
    generation: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    rotated_at: datetime = _ts()
    rotated_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))


class CodeNonceRow(SQLModel, table=True):
    """Visit codes used for a check-in: a code works once."""

    __tablename__ = "code_nonce"

    nonce: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False))
    used_at: datetime = _ts()


class CheckInRow(SQLModel, table=True):
    __tablename__ = "check_in"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False, unique=True))
    person_id: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    method: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    code_kid: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    code_alg: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    occurred_at: datetime = _ts()
    recorded_at: datetime = _ts()
    longitude: float | None = Field(default=None, sa_column=sa.Column(sa.Float(), nullable=True))
    latitude: float | None = Field(default=None, sa_column=sa.Column(sa.Float(), nullable=True))
    crs: str | None = Field(default=None, sa_column=sa.Column(sa.String(8), nullable=True))
    distance_m: float | None = Field(default=None, sa_column=sa.Column(sa.Float(), nullable=True))
    late: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    late_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    off_schedule_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    idempotency_key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    request_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    checked_out_at: datetime | None = _ts(nullable=True)
    checked_out_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))


class FindingRow(SQLModel, table=True):
    __tablename__ = "finding"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False))
    item_code: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    outcome: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    note: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    off_site: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    recorded_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    recorded_at: datetime = _ts()
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))

    __table_args__ = (sa.UniqueConstraint("visit_id", "item_code", name="uq_finding_visit_id"),)


class HazardRow(SQLModel, table=True):
    __tablename__ = "hazard"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    finding_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("finding.id"), nullable=False, index=True))
    level: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    description: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    location: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    legal_basis: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    #: Photos as [{"id", "sha256", "content_type", "size", "uploaded_by", "uploaded_at"}].
    photos: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))


class PhotoRow(SQLModel, table=True):
    """An uploaded photo: the bytes live in the file store under their SHA-256, never in the database."""

    __tablename__ = "photo"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False, index=True))
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    content_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    uploaded_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    uploaded_at: datetime = _ts()


class InspectionResultRow(SQLModel, table=True):
    __tablename__ = "inspection_result"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False))
    draw_id: str = Field(sa_column=sa.Column(sa.String(96), sa.ForeignKey("draw.draw_id"), nullable=False))
    plan_no: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    task_no: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    enterprise_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    department_code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    types: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    summary: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    check_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    late_registration: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    hazard_count: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    major_hazard_count: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    entered_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    entered_at: datetime = _ts()
    reviewed_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    reviewed_at: datetime | None = _ts(nullable=True)
    return_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    published_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    published_at: datetime | None = _ts(nullable=True, index=True)
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    handling: str | None = Field(default=None, sa_column=sa.Column(sa.String(24), nullable=True))

    __table_args__ = (sa.UniqueConstraint("visit_id", "draw_id", name="uq_inspection_result_visit_id"),)


class RatingRow(SQLModel, table=True):
    """The enterprise's rating of a visit: once, and anonymous to the team."""

    __tablename__ = "rating"

    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), primary_key=True))
    score: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    comment: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    rated_at: datetime = _ts()

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)


class RectificationOrderRow(SQLModel, table=True):
    __tablename__ = "rectification_order"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    result_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("inspection_result.id"), nullable=False,
                                               unique=True))
    visit_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("visit.id"), nullable=False))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    enterprise_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    department_code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    items: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    issued_on: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    deadline: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    deadline_basis: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    issued_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    document_no: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    report: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    reported_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    reinspectors: list[str] = Field(default_factory=list, sa_column=sa.Column(Json, nullable=False))
    reinspected_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    reinspection_opinion: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    reinspection_document_no: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    escalation: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = _ts()
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))

    __table_args__ = (sa.CheckConstraint("deadline >= issued_on", name="deadline_after_order"),)


class CaseTransferRow(SQLModel, table=True):
    __tablename__ = "case_transfer"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    #: A result's case is transferred once.
    result_id: int = Field(sa_column=sa.Column(BigId, sa.ForeignKey("inspection_result.id"), nullable=False,
                                               unique=True))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    enterprise_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    department_code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    receiver: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    document_no: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    received_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    received_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    receipt_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    outcome: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = _ts()


class CreditSanctionRow(SQLModel, table=True):
    __tablename__ = "credit_sanction"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, index=True))
    enterprise_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    from_class: str | None = Field(default=None, sa_column=sa.Column(sa.String(1), nullable=True))
    to_class: str = Field(sa_column=sa.Column(sa.String(1), nullable=False))
    reason: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    effective_on: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    proposed_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    serious_dishonesty_candidate: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    decided_at: datetime | None = _ts(nullable=True)
    decision_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = _ts()


class DocumentRow(SQLModel, table=True):
    """An issued enforcement document; the PDF is in the file store under its SHA-256."""

    __tablename__ = "document"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    kind: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    number: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    department_code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    sequence: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    subject_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    subject_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    created_at: datetime = _ts()

    __table_args__ = (
        sa.UniqueConstraint("department_code", "year", "sequence", name="uq_document_department_code"),
        sa.Index("ix_document_subject", "subject_type", "subject_id"),
    )


class DocumentCounterRow(SQLModel, table=True):
    """The last 文书 number issued per unit and year (numbers never repeat, whatever runs at the same time)."""

    __tablename__ = "document_counter"

    department_code: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    year: int = Field(sa_column=sa.Column(sa.Integer(), primary_key=True))
    last: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))


class ArchivedTaskRow(SQLModel, table=True):
    """案卷归档: a task's archive bundle (in the file store) and its manifest's hash; the task is read-only after."""

    __tablename__ = "archived_task"

    plan_no: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    task_no: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    manifest_sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    files: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    archived_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    archived_at: datetime = _ts()


class QuarterlySummaryRow(SQLModel, table=True):
    """季度总结: the six sections, the quarter's figures as computed, draft → submitted to 执法监督科."""

    __tablename__ = "quarterly_summary"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    year: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    quarter: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    department_code: str = Field(
        sa_column=sa.Column(sa.String(16), sa.ForeignKey("department.code"), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    sections: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(Json, nullable=False))
    created_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    updated_at: datetime = _ts()
    submitted_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    submitted_at: datetime | None = _ts(nullable=True)
    version: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))

    __table_args__ = (sa.UniqueConstraint("year", "quarter", "department_code", name="uq_quarterly_summary_year"),)


class AuditCheckpointRow(SQLModel, table=True):
    """A signed statement of the audit chain's head: even a rewrite by a database superuser, rehashed to look
    whole, no longer matches a checkpoint exported before it."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    head_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    at: datetime = _ts()
    kid: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    algorithm: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    signature: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))


class AuditAnchorRow(SQLModel, table=True):
    """Left by each purge of expired audit records: the last purged record's number and hash, signed; the remaining
    chain verifies from the newest anchor. Append-only, like the records."""

    __tablename__ = "audit_anchor"

    id: int | None = Field(default=None, sa_column=sa.Column(BigId, primary_key=True, autoincrement=True))
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False, unique=True))
    hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    at: datetime = _ts()
    cutoff: datetime = _ts()
    purged: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    kid: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    algorithm: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    signature: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))


class RateLimitRow(SQLModel, table=True):
    """Request counters per key and fixed window, shared by every service process."""

    __tablename__ = "rate_limit"

    key: str = Field(sa_column=sa.Column(sa.String(160), primary_key=True))
    window_start: datetime = _ts()
    count: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))


class JobOccurrenceRow(SQLModel, table=True):
    """One row per scheduled job and time slot: with several service processes, the one that inserts it runs it."""

    __tablename__ = "job_occurrence"

    job: str = Field(sa_column=sa.Column(sa.String(32), primary_key=True))
    slot: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True))
    worker: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    started_at: datetime = _ts()
