"""抽查计划 and 抽查任务: the columns of the seed's two attachment tables, with the structure the draw uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.labels import LabelledEnum


class PlanKind(LabelledEnum):
    INTERNAL_JOINT = "internal_joint"
    CROSS_DEPARTMENT = "cross_department"
    __labels__ = {"internal_joint": "内部联合随机抽查计划", "cross_department": "跨部门联合随机抽查计划"}


class PlanStatus(LabelledEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    __labels__ = {"draft": "草稿", "approved": "已审批", "published": "已公布", "completed": "已完成",
                  "archived": "已归档"}


class TaskType(LabelledEnum):
    DIRECTED = "directed"
    UNDIRECTED = "undirected"
    __labels__ = {"directed": "定向", "undirected": "不定向"}


class JointType(LabelledEnum):
    INTERNAL = "internal"
    CROSS_DEPARTMENT = "cross_department"
    SINGLE = "single"
    __labels__ = {"internal": "内部联合", "cross_department": "跨部门联合", "single": "本部门"}


class SamplingMode(LabelledEnum):
    #: 按照市政府批准的年度监督检查计划中规定的数量开展: a fixed number per quarter, entered by the supervisor.
    ANNUAL_QUOTA = "annual_quota"
    #: 结合企业信用风险等级: per-class rates, an overall minimum ratio, a minimum per industry.
    CREDIT_RATIO = "credit_ratio"
    #: A plain minimum ratio of the frame.
    RATIO = "ratio"
    __labels__ = {"annual_quota": "按年度监督检查计划规定数量", "credit_ratio": "结合信用风险等级按比例",
                  "ratio": "按比例"}


@dataclass(frozen=True, slots=True)
class TargetScope:
    """抽查对象范围 as a filter of the enterprise directory (empty tuples: no restriction)."""

    text: str
    industries: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    credit_classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SamplingRule:
    """抽查比例: the original words and the parameters the draw uses."""

    text: str
    mode: SamplingMode
    #: Per credit-risk class rate (0..1) when the mode is credit-based; empty until the plan sets them.
    class_rates: dict[str, float] = field(default_factory=dict)
    #: Overall minimum share of the frame (0.03 for "3%以上").
    min_ratio: float | None = None
    #: Minimum enterprises per industry (3 in bureau-led cross-department tasks).
    min_per_industry: int | None = None
    #: Units that provide inspectors for each team (lead unit first) and the team size.
    team_departments: tuple[str, ...] = ()
    team_size: int = 2


@dataclass(slots=True)
class Task:
    task_no: str
    name: str
    task_type: TaskType
    joint_type: JointType
    #: 发起科室 / 发起部门: the initiating unit (a partner department when the bureau only joins).
    lead_department: str
    #: 联合科室 / 联合部门: internal units and partner departments, in the document's order.
    joint_departments: tuple[str, ...]
    #: Check items per participating unit (item codes of the item list).
    items: dict[str, tuple[str, ...]]
    #: 抽查事项 as the document words it.
    items_text: str
    scope: TargetScope
    window_start: date
    window_end: date
    #: 抽查时间 as the document words it.
    window_text: str
    sampling: SamplingRule
    lead_text: str = ""
    joint_text: str = ""

    @property
    def departments(self) -> tuple[str, ...]:
        """Every participating unit, the lead first."""
        return (self.lead_department, *(d for d in self.joint_departments if d != self.lead_department))


@dataclass(slots=True)
class Plan:
    plan_no: str
    name: str
    year: int
    kind: PlanKind
    issuing_document: str
    issued_on: date | None
    tasks: list[Task]
    status: PlanStatus = PlanStatus.DRAFT
    version: int = 1
    notes: str = ""
    created_by: str | None = None
    approved_by: str | None = None
    published_at: datetime | None = None


class AdjustmentStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    __labels__ = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回", "published": "已公布"}


@dataclass(slots=True)
class Adjustment:
    """计划调整: a published plan changes only through one of these (reason, changes, approval, new version)."""

    id: int | None
    plan_no: str
    base_version: int
    reason: str
    #: The plan as it should become (a full snapshot) and the fields that differ from the base version.
    proposed: dict[str, Any]
    changes: dict[str, list[Any]]
    requested_by: str
    requested_at: datetime | None = None
    status: AdjustmentStatus = AdjustmentStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


@dataclass(frozen=True, slots=True)
class PlanVersion:
    plan_no: str
    version: int
    snapshot: dict[str, Any]
    published_at: datetime | None
    published_by: str | None
    reason: str | None
    changes: dict[str, list[Any]]


@dataclass(slots=True)
class QuarterQuota:
    """The number of random inspections the approved annual supervision plan sets for a unit in a quarter."""

    year: int
    quarter: int
    department_code: str
    count: int
    note: str = ""
