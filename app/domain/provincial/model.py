"""What the service exchanges with the provincial platform, in domain terms (the wire format is the adapter's).

Pulled: pages of directory changes (check items, enterprises, inspectors), each record already mapped to a
domain object or carrying the problems that keep it in quarantine. Pushed: task registrations, draw reports
and inspection results, each with an idempotency key chosen by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.directories.model import CheckItem, CreditClass, Enterprise, Inspector
from app.domain.directories.validation import FieldProblem
from app.domain.labels import LabelledEnum


class DirectoryKind(LabelledEnum):
    """The three directories the platform publishes (一单两库)."""

    CHECK_ITEMS = "check_items"
    ENTERPRISES = "enterprises"
    INSPECTORS = "inspectors"
    __labels__ = {"check_items": "抽查事项清单", "enterprises": "检查对象名录库", "inspectors": "执法检查人员名录库"}


#: Sync order: items and enterprises before the inspectors whose conflicts refer to them.
SYNC_ORDER: tuple[DirectoryKind, ...] = (DirectoryKind.CHECK_ITEMS, DirectoryKind.ENTERPRISES, DirectoryKind.INSPECTORS)

RemoteValue = CheckItem | Enterprise | Inspector


@dataclass(frozen=True, slots=True)
class RemoteRecord:
    """One record of a directory page: the mapped value, or why it could not be mapped."""

    kind: DirectoryKind
    #: itemCode / uniscid / personId as sent ("" when the platform left it out).
    key: str
    updated_at: datetime | None
    deleted: bool
    #: The record in domain terms; None when deleted or when ``problems`` is not empty.
    value: RemoteValue | None
    problems: tuple[FieldProblem, ...] = ()
    #: The platform's record as received, kept for quarantine and reconciliation reports.
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemotePage:
    total: int
    page_no: int
    page_size: int
    records: list[RemoteRecord]


class Handling(LabelledEnum):
    """处理方式 reported with a result."""

    ORDER_CORRECTION = "order_correction"
    CASE_FILING = "case_filing"
    TRANSFER = "transfer"
    NONE = "none"
    __labels__ = {"order_correction": "责令改正", "case_filing": "立案查处", "transfer": "移送", "none": "无"}


@dataclass(frozen=True, slots=True)
class TaskRegistration:
    """A plan's task, registered before its draw."""

    plan_no: str
    plan_name: str
    task_no: str
    task_name: str
    #: 定向 / 不定向 (labels of the plans' task type).
    task_type: str
    #: 内部联合 / 跨部门联合 / 本部门.
    joint_type: str
    lead_department: str
    joint_departments: tuple[str, ...]
    item_codes: tuple[str, ...]
    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class DrawTarget:
    uscc: str
    credit_class: CreditClass | None
    stratum: str


@dataclass(frozen=True, slots=True)
class TeamMember:
    person_id: str
    leader: bool


@dataclass(frozen=True, slots=True)
class DrawTeam:
    uscc: str
    members: tuple[TeamMember, ...]


@dataclass(frozen=True, slots=True)
class DrawReport:
    draw_no: str
    seed: str
    algorithm: str
    population_hash: str
    drawn_at: datetime
    targets: tuple[DrawTarget, ...]
    teams: tuple[DrawTeam, ...]


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """One enterprise's inspection result as the platform keeps it."""

    platform_task_id: str
    uscc: str
    check_date: date
    result_codes: tuple[str, ...]
    result_text: str
    hazard_count: int
    major_hazard_count: int
    rectify_deadline: date | None
    handling: Handling
    inspectors: tuple[str, ...]
    publicity_date: date | None


@dataclass(frozen=True, slots=True)
class RecordRejection:
    """A record of a batch the platform refused, with the platform's own code and message."""

    index: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PushOutcome:
    accepted: int
    rejected: tuple[RecordRejection, ...] = ()


#: Largest batch of results one push may carry (PROVINCIAL_API.md).
MAX_RESULT_BATCH = 200


def result_batches(records: Sequence[ResultRecord]) -> list[Sequence[ResultRecord]]:
    return [records[i:i + MAX_RESULT_BATCH] for i in range(0, len(records), MAX_RESULT_BATCH)]
