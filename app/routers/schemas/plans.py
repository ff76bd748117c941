"""Models of plans, tasks, adjustments, quotas and the compliance indicators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, model_validator

from app.domain.plans.model import (
    Adjustment,
    AdjustmentStatus,
    JointType,
    Plan,
    PlanKind,
    PlanStatus,
    PlanVersion,
    QuarterQuota,
    SamplingMode,
    SamplingRule,
    TargetScope,
    Task,
    TaskType,
)
from app.routers.schemas.common import CodeItem, In, Out, TextItem

Code = Field(min_length=1, max_length=16)


class ScopeIn(In):
    text: str = Field(min_length=1, max_length=300, description="抽查对象范围（原文）")
    industries: list[CodeItem] = Field(default_factory=list, max_length=30, description="行业代码")
    counties: list[CodeItem] = Field(default_factory=list, max_length=9, description="区县代码（空为全市）")
    tags: list[TextItem] = Field(default_factory=list, max_length=20)
    credit_classes: list[CodeItem] = Field(default_factory=list, max_length=4, description="信用风险分类 A/B/C/D")

    def domain(self) -> TargetScope:
        return TargetScope(self.text, tuple(self.industries), tuple(self.counties), tuple(self.tags),
                           tuple(self.credit_classes))


class SamplingIn(In):
    text: str = Field(min_length=1, max_length=300, description="抽查比例（原文）")
    mode: SamplingMode
    class_rates: dict[str, float] = Field(default_factory=dict, max_length=4, description="各信用风险分类的抽查比例（0～1）")
    min_ratio: float | None = Field(None, ge=0, le=1, description="总体最低比例，如 0.03")
    min_per_industry: int | None = Field(None, ge=0, le=1000, description="每个行业最少企业数")
    team_departments: list[CodeItem] = Field(default_factory=list, max_length=20, description="派出检查人员的单位，牵头单位在前")
    team_size: int = Field(2, ge=2, le=10, description="每组人数（至少 2 名持证执法人员）")

    @model_validator(mode="after")
    def _rates(self) -> SamplingIn:
        for key, rate in self.class_rates.items():
            if key not in {"A", "B", "C", "D"} or not 0 <= rate <= 1:
                raise ValueError("class_rates 的键只能是 A/B/C/D，比例在 0～1 之间")
        return self

    def domain(self) -> SamplingRule:
        return SamplingRule(self.text, self.mode, dict(self.class_rates), self.min_ratio, self.min_per_industry,
                            tuple(self.team_departments), self.team_size)


class TaskIn(In):
    task_no: str = Field(min_length=1, max_length=32, description="抽查任务编号")
    name: str = Field(min_length=2, max_length=200)
    task_type: TaskType = Field(description="directed 定向 / undirected 不定向")
    joint_type: JointType = Field(description="internal 内部联合 / cross_department 跨部门联合 / single 本部门")
    lead_department: str = Field(min_length=1, max_length=16, description="发起单位代码")
    joint_departments: list[CodeItem] = Field(default_factory=list, max_length=20, description="联合单位代码")
    items: dict[str, Annotated[list[CodeItem], Field(max_length=200)]] = Field(max_length=20, description="各单位的抽查事项编码")
    items_text: str = Field("", max_length=2000, description="抽查事项（原文）")
    scope: ScopeIn
    window_start: date
    window_end: date
    window_text: str = Field("", max_length=100, description="抽查时间（原文）")
    sampling: SamplingIn
    lead_text: str = Field("", max_length=200, description="发起科室（原文）")
    joint_text: str = Field("", max_length=300, description="联合科室/联合部门（原文）")

    def domain(self) -> Task:
        return Task(self.task_no, self.name, self.task_type, self.joint_type, self.lead_department,
                    tuple(self.joint_departments), {d: tuple(c) for d, c in self.items.items()}, self.items_text,
                    self.scope.domain(), self.window_start, self.window_end, self.window_text, self.sampling.domain(),
                    self.lead_text, self.joint_text)


class PlanContentIn(In):
    name: str = Field(min_length=2, max_length=200)
    issuing_document: str = Field("", max_length=200, description="印发文件")
    issued_on: date | None = Field(None, description="印发日期")
    notes: str = Field("", max_length=4000, description="备注")
    tasks: list[TaskIn] = Field(min_length=1, max_length=50)


class PlanIn(PlanContentIn):
    plan_no: str = Field(min_length=1, max_length=32, description="抽查计划编号")
    year: int = Field(ge=2020, le=2100)
    kind: PlanKind

    def domain(self) -> Plan:
        return Plan(self.plan_no, self.name, self.year, self.kind, self.issuing_document, self.issued_on,
                    [t.domain() for t in self.tasks], notes=self.notes)


def content_of(body: PlanContentIn, base: Plan) -> Plan:
    return Plan(base.plan_no, body.name, base.year, base.kind, body.issuing_document, body.issued_on,
                [t.domain() for t in body.tasks], notes=body.notes)


class AdjustmentIn(In):
    reason: str = Field(min_length=2, max_length=1000, description="调整原因（公示）")
    plan: PlanContentIn = Field(description="调整后的计划内容")


class DecisionIn(In):
    note: str | None = Field(None, max_length=1000, description="审批意见")


class QuotaIn(In):
    count: int = Field(ge=0, le=100_000, description="年度监督检查计划规定的本季度随机抽查数量")
    note: str = Field("", max_length=500)


class ScopeOut(Out):
    text: str
    industries: list[str]
    counties: list[str]
    tags: list[str]
    credit_classes: list[str]


class SamplingOut(Out):
    text: str
    mode: SamplingMode
    mode_label: str
    class_rates: dict[str, float]
    min_ratio: float | None
    min_per_industry: int | None
    team_departments: list[str]
    team_size: int


class TaskOut(Out):
    task_no: str
    name: str
    task_type: TaskType
    task_type_label: str
    joint_type: JointType
    joint_type_label: str
    lead_department: str
    joint_departments: list[str]
    items: dict[str, list[str]]
    items_text: str
    scope: ScopeOut
    window_start: date
    window_end: date
    window_text: str
    sampling: SamplingOut
    lead_text: str
    joint_text: str

    @classmethod
    def of(cls, t: Task) -> TaskOut:
        s = t.sampling
        return cls(task_no=t.task_no, name=t.name, task_type=t.task_type, task_type_label=t.task_type.label,
                   joint_type=t.joint_type, joint_type_label=t.joint_type.label, lead_department=t.lead_department,
                   joint_departments=list(t.joint_departments), items={d: list(c) for d, c in t.items.items()},
                   items_text=t.items_text,
                   scope=ScopeOut(text=t.scope.text, industries=list(t.scope.industries), counties=list(t.scope.counties),
                                  tags=list(t.scope.tags), credit_classes=list(t.scope.credit_classes)),
                   window_start=t.window_start, window_end=t.window_end, window_text=t.window_text,
                   sampling=SamplingOut(text=s.text, mode=s.mode, mode_label=s.mode.label, class_rates=s.class_rates,
                                        min_ratio=s.min_ratio, min_per_industry=s.min_per_industry,
                                        team_departments=list(s.team_departments), team_size=s.team_size),
                   lead_text=t.lead_text, joint_text=t.joint_text)


class PlanOut(Out):
    plan_no: str
    name: str
    year: int
    kind: PlanKind
    kind_label: str
    issuing_document: str
    issued_on: date | None
    status: PlanStatus
    status_label: str
    version: int
    notes: str
    published_at: datetime | None
    tasks: list[TaskOut]

    @classmethod
    def of(cls, p: Plan) -> PlanOut:
        return cls(plan_no=p.plan_no, name=p.name, year=p.year, kind=p.kind, kind_label=p.kind.label,
                   issuing_document=p.issuing_document, issued_on=p.issued_on, status=p.status,
                   status_label=p.status.label, version=p.version, notes=p.notes, published_at=p.published_at,
                   tasks=[TaskOut.of(t) for t in p.tasks])


class AdjustmentOut(Out):
    id: int
    plan_no: str
    base_version: int
    reason: str
    changes: dict[str, list[Any]] = Field(description="调整的字段：{字段: [原值, 新值]}")
    status: AdjustmentStatus
    status_label: str
    requested_by: str
    requested_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, a: Adjustment, *, public: bool = False) -> AdjustmentOut:
        return cls(id=a.id or 0, plan_no=a.plan_no, base_version=a.base_version, reason=a.reason, changes=a.changes,
                   status=a.status, status_label=a.status.label, requested_by="" if public else a.requested_by,
                   requested_at=a.requested_at, decided_by=None if public else a.decided_by, decided_at=a.decided_at,
                   decision_note=None if public else a.decision_note)


class PlanVersionOut(Out):
    version: int
    published_at: datetime | None
    reason: str | None = Field(description="调整原因（首版为空）")
    changes: dict[str, list[Any]]
    plan: dict[str, Any] = Field(description="该版本的计划全文")

    @classmethod
    def of(cls, v: PlanVersion) -> PlanVersionOut:
        return cls(version=v.version, published_at=v.published_at, reason=v.reason, changes=v.changes, plan=v.snapshot)


class PlanHistoryOut(Out):
    plan_no: str
    versions: list[PlanVersionOut]
    adjustments: list[AdjustmentOut]


class VisitItemOut(Out):
    code: str
    name: str
    category: str
    legal_basis: str
    method_label: str
    departments: list[str] = Field(description="检查该事项的单位（牵头单位在前）")


class QuotaOut(Out):
    year: int
    quarter: int
    department_code: str
    count: int
    note: str

    @classmethod
    def of(cls, q: QuarterQuota) -> QuotaOut:
        return cls(year=q.year, quarter=q.quarter, department_code=q.department_code, count=q.count, note=q.note)


class IndicatorOut(Out):
    code: str
    name: str
    department_code: str | None
    period: str
    value: float
    target: float
    met: bool
    state: str = Field(description="met 达标 / at_risk 进度预警（本期未结束）/ missed 未达标 / upcoming 尚未开始")
    status_label: str
    detail: dict[str, Any]


class ComplianceOut(Out):
    year: int
    quarter: int | None
    indicators: list[IndicatorOut]


class TaskQuotaOut(Out):
    plan_no: str
    task_no: str
    year: int
    quarter: int
    mode: SamplingMode
    mode_label: str
    lead_department: str
    quota: int | None = Field(description="本季度应抽查数量（年度监督检查计划规定；未录入为空）")
    message: str
