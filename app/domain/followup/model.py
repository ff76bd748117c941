"""Closing the loop (问题处置): rectification orders and re-inspections, case transfers, credit sanctions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.labels import LabelledEnum

#: 复查: within 10 days after the rectification deadline ends or the enterprise reports *(rule)*.
REINSPECTION_DAYS = 10


class OrderStatus(LabelledEnum):
    ISSUED = "issued"
    REPORTED = "reported"
    RECTIFIED = "rectified"
    NOT_RECTIFIED = "not_rectified"
    __labels__ = {"issued": "已下达，整改中", "reported": "企业已报告整改，待复查", "rectified": "复查合格，已闭环",
                  "not_rectified": "复查不合格，已升级处理"}


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One problem to rectify: the item, what is wrong, and the legal basis."""

    item_code: str
    problem: str
    legal_basis: str
    major: bool = False


@dataclass(slots=True)
class RectificationOrder:
    """责令限期整改指令书 and what follows it."""

    id: int | None
    result_id: int
    visit_id: int
    uscc: str
    enterprise_name: str
    department_code: str
    items: tuple[OrderItem, ...]
    issued_on: date
    deadline: date
    #: How the deadline was set: "N 个工作日" or "指定日期".
    deadline_basis: str
    status: OrderStatus
    issued_by: str
    document_no: str | None = None
    report: str | None = None
    reported_on: date | None = None
    #: 复查: the two inspectors, the day, the outcome and the opinion (整改复查意见书).
    reinspectors: tuple[str, ...] = ()
    reinspected_on: date | None = None
    reinspection_opinion: str | None = None
    reinspection_document_no: str | None = None
    escalation: str | None = None
    created_at: datetime | None = None
    version: int = 1


class TransferKind(LabelledEnum):
    CASE_FILING = "case_filing"
    DEPARTMENT = "department"
    __labels__ = {"case_filing": "移送立案查处（本局）", "department": "移送其他部门"}


class TransferStatus(LabelledEnum):
    SENT = "sent"
    RECEIVED = "received"
    CLOSED = "closed"
    __labels__ = {"sent": "已移送，待接收", "received": "已接收", "closed": "已办结"}


@dataclass(slots=True)
class CaseTransfer:
    """案件移送: a result's case handed to case filing or to another department, with the receipt."""

    id: int | None
    result_id: int
    uscc: str
    enterprise_name: str
    department_code: str
    kind: TransferKind
    receiver: str
    reason: str
    status: TransferStatus
    created_by: str
    document_no: str | None = None
    received_by: str | None = None
    received_on: date | None = None
    receipt_note: str | None = None
    outcome: str | None = None
    created_at: datetime | None = None


class SanctionStatus(LabelledEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    __labels__ = {"proposed": "已提议，待执法监督科审批", "approved": "已批准生效", "rejected": "未批准"}


@dataclass(slots=True)
class CreditSanction:
    """信用惩戒: a change of an enterprise's credit-risk class, proposed from serious results and approved by
    执法监督科; it feeds the next draws' frame."""

    id: int | None
    uscc: str
    enterprise_name: str
    from_class: str | None
    to_class: str
    reason: str
    #: The records behind it: {"results": [...], "orders": [...], "transfers": [...]}.
    evidence: dict[str, Any]
    effective_on: date
    status: SanctionStatus
    proposed_by: str
    #: Meets the criteria of the 安全生产严重失信主体名单 (flagged for the supervisor, with the evidence).
    serious_dishonesty_candidate: bool = False
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    created_at: datetime | None = field(default=None)


class DocumentKind(LabelledEnum):
    NOTICE = "notice"
    INSPECTION_RECORD = "inspection_record"
    RECTIFICATION_ORDER = "rectification_order"
    REINSPECTION_OPINION = "reinspection_opinion"
    CASE_TRANSFER = "case_transfer"
    __labels__ = {"notice": "随机抽查通知书", "inspection_record": "现场检查记录",
                  "rectification_order": "责令限期整改指令书", "reinspection_opinion": "整改复查意见书",
                  "case_transfer": "案件移送书"}


#: 文书字号 abbreviations of the units (秦应急执一〔2026〕第 N 号).
UNIT_ABBREVIATIONS = {"ZF1": "执一", "ZF2": "执二", "ZF3": "执三", "FMK": "非煤", "WHK": "危化", "GMK": "工贸",
                      "MTK": "煤炭", "BGS": "办", "RSK": "人培", "ZFK": "震防", "ZJK": "执监"}


def document_number(department_code: str, year: int, sequence: int) -> str:
    return f"秦应急{UNIT_ABBREVIATIONS.get(department_code, department_code)}〔{year}〕第 {sequence} 号"


@dataclass(slots=True)
class Document:
    """An issued enforcement document: its number, the PDF's SHA-256 (the PDF lives in the file store)."""

    id: int | None
    kind: DocumentKind
    number: str
    department_code: str
    year: int
    sequence: int
    #: What it documents, e.g. ("visit", "12"), ("rectification_order", "3").
    subject_type: str
    subject_id: str
    title: str
    sha256: str
    size: int
    created_by: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ArchivedTask:
    plan_no: str
    task_no: str
    sha256: str
    size: int
    manifest_sha256: str
    files: int
    archived_by: str
    archived_at: datetime | None = None
