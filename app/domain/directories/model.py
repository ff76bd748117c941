"""Domain objects of 一单两库: departments, check items, enterprises and inspectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.labels import LabelledEnum


class DepartmentKind(LabelledEnum):
    SECTION = "section"
    BRIGADE = "brigade"
    PARTNER = "partner"
    __labels__ = {"section": "业务科室", "brigade": "执法大队", "partner": "联合部门"}


class CreditClass(StrEnum):
    """信用风险分类: A low, B ordinary, C higher, D high (internal, never a public rating)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class SafetyRiskLevel(LabelledEnum):
    MAJOR = "major"
    HIGH = "high"
    GENERAL = "general"
    LOW = "low"
    __labels__ = {"major": "重大", "high": "较大", "general": "一般", "low": "低"}


class EnterpriseStatus(LabelledEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEREGISTERED = "deregistered"
    REVOKED = "revoked"
    __labels__ = {"active": "存续", "suspended": "停业", "deregistered": "注销", "revoked": "吊销"}


class InspectorStatus(LabelledEnum):
    ON_DUTY = "on_duty"
    OFF_DUTY = "off_duty"
    SECONDED = "seconded"
    RETIRED = "retired"
    __labels__ = {"on_duty": "在岗", "off_duty": "离岗", "seconded": "借调", "retired": "退休"}


class CheckMethod(LabelledEnum):
    ON_SITE = "on_site"
    DOCUMENTARY = "documentary"
    ONLINE_MONITORING = "online_monitoring"
    OFF_SITE = "off_site"
    __labels__ = {
        "on_site": "现场检查",
        "documentary": "书面检查",
        "online_monitoring": "网络监测",
        "off_site": "非现场监管",
    }


class ItemKind(LabelledEnum):
    GENERAL = "general"
    KEY = "key"
    __labels__ = {"general": "一般检查事项", "key": "重点检查事项"}


class ItemStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"
    __labels__ = {"draft": "草稿", "published": "已公布", "retired": "已停用"}


@dataclass(slots=True)
class Department:
    code: str
    name: str
    short_name: str
    kind: DepartmentKind
    dept_type: str
    active: bool = True


@dataclass(slots=True)
class CheckItem:
    """抽查事项: one line of the published item list."""

    code: str
    name: str
    category: str
    dept_type: str
    department_code: str
    legal_basis: str
    method: CheckMethod
    target_type: str
    kind: ItemKind
    frequency_cap: int | None
    status: ItemStatus = ItemStatus.DRAFT
    published_at: datetime | None = None
    retired_at: datetime | None = None
    retire_reason: str | None = None
    version: int = 1


@dataclass(slots=True)
class Enterprise:
    """检查对象: one enterprise of the directory, identified by its USCC."""

    uscc: str
    name: str
    county_code: str
    industry_code: str
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    credit_class: CreditClass | None = None
    safety_risk_level: SafetyRiskLevel | None = None
    tags: tuple[str, ...] = ()
    legal_person: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    version: int = 1
    updated_at: datetime | None = None


#: Fields an enterprise change may touch (USCC is the identity and never changes).
ENTERPRISE_FIELDS: tuple[str, ...] = (
    "name",
    "county_code",
    "industry_code",
    "status",
    "address",
    "longitude",
    "latitude",
    "credit_class",
    "safety_risk_level",
    "tags",
    "legal_person",
    "contact_name",
    "contact_phone",
)


@dataclass(slots=True)
class EnterpriseVersion:
    """One entry of an enterprise's history: the full state after a change."""

    uscc: str
    version: int
    action: str
    changed_at: datetime
    changed_by: str
    changes: dict[str, list[object]]
    snapshot: dict[str, object]


@dataclass(slots=True)
class Conflict:
    """利害关系: an inspector's declared conflict of interest with one enterprise."""

    id: int | None
    uscc: str
    reason: str
    from_date: date
    to_date: date | None = None

    def active_on(self, day: date) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)


@dataclass(slots=True)
class Inspector:
    """执法人员: a law-enforcement officer; only certified, on-duty officers may inspect."""

    person_id: str
    name: str
    department_code: str
    cert_no: str
    cert_expiry: date
    status: InspectorStatus = InspectorStatus.ON_DUTY
    specialties: tuple[str, ...] = ()
    phone: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    version: int = 1

    def certified_on(self, day: date) -> bool:
        return day <= self.cert_expiry

    def can_inspect_on(self, day: date) -> bool:
        return self.status is InspectorStatus.ON_DUTY and self.certified_on(day)
