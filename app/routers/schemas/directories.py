"""Models of departments, check items, enterprises and inspectors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field, field_validator

from app.domain.directories.model import (
    CheckMethod,
    CreditClass,
    DepartmentKind,
    EnterpriseStatus,
    InspectorStatus,
    ItemKind,
    ItemStatus,
    SafetyRiskLevel,
)
from app.routers.schemas.common import CodeItem, In, Out, TextItem, reject_null


class DepartmentIn(In):
    code: str = Field(min_length=2, max_length=16, pattern=r"^[A-Z][A-Z0-9_-]*$", examples=["ZF1"])
    name: str = Field(min_length=2, max_length=100, examples=["秦皇岛市应急管理局执法一大队"])
    short_name: str = Field(min_length=1, max_length=50, examples=["执法一大队"])
    kind: DepartmentKind
    dept_type: str = Field(min_length=2, max_length=16, examples=["应急管理"])


class DepartmentPatch(In):
    name: str | None = Field(None, min_length=2, max_length=100)
    short_name: str | None = Field(None, min_length=1, max_length=50)
    active: bool | None = None

    _required = field_validator("name", "short_name", "active")(reject_null)


class DepartmentOut(Out):
    code: str
    name: str
    short_name: str
    kind: DepartmentKind
    kind_label: str
    dept_type: str
    active: bool


class CheckItemIn(In):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Z][A-Z0-9-]*$", examples=["YJ-FM-005"])
    name: str = Field(min_length=2, max_length=200)
    category: str = Field(min_length=2, max_length=100, examples=["非煤矿山企业的安全检查"])
    dept_type: str = Field(min_length=2, max_length=16, examples=["应急管理"])
    department_code: str = Field(min_length=2, max_length=16, examples=["FMK"])
    legal_basis: str = Field(min_length=2, max_length=4000, description="检查依据")
    method: CheckMethod
    target_type: str = Field(min_length=2, max_length=100, description="检查对象类型")
    kind: ItemKind = ItemKind.GENERAL
    frequency_cap: int | None = Field(None, ge=1, le=365, description="每家企业每年最多抽查次数（向社会公开）")


class CheckItemPatch(In):
    name: str | None = Field(None, min_length=2, max_length=200)
    category: str | None = Field(None, min_length=2, max_length=100)
    legal_basis: str | None = Field(None, min_length=2, max_length=4000)
    method: CheckMethod | None = None
    target_type: str | None = Field(None, min_length=2, max_length=100)
    kind: ItemKind | None = None
    frequency_cap: int | None = Field(None, ge=1, le=365)

    _required = field_validator("name", "category", "legal_basis", "method", "target_type", "kind")(reject_null)


class CheckItemOut(Out):
    code: str
    name: str
    category: str
    dept_type: str
    department_code: str
    legal_basis: str
    method: CheckMethod
    method_label: str
    target_type: str
    kind: ItemKind
    kind_label: str
    frequency_cap: int | None
    status: ItemStatus
    published_at: datetime | None
    retired_at: datetime | None
    retire_reason: str | None
    version: int


class PublicCheckItemOut(Out):
    code: str
    name: str
    category: str
    dept_type: str
    department_code: str
    legal_basis: str
    method_label: str
    target_type: str
    kind_label: str
    frequency_cap: int | None
    published_at: datetime | None
    retired_at: datetime | None


class PublicItemListOut(Out):
    year: int
    count: int
    items: list[PublicCheckItemOut]




class EnterpriseFields(In):
    name: str = Field(min_length=1, max_length=200, examples=["秦皇岛市海港区宏达机械制造有限公司"])
    county_code: str = Field(min_length=6, max_length=6, examples=["130302"])
    industry_code: str = Field(min_length=1, max_length=8, examples=["GM-JX"])
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE
    address: str | None = Field(None, max_length=300)
    longitude: float | None = Field(None, ge=-180, le=180, description="经度（WGS-84）")
    latitude: float | None = Field(None, ge=-90, le=90, description="纬度（WGS-84）")
    credit_class: CreditClass | None = Field(None, description="信用风险分类（内部使用，不对外公开）")
    safety_risk_level: SafetyRiskLevel | None = None
    tags: list[TextItem] = Field(default_factory=list, max_length=20, examples=[["重大危险源"]])
    legal_person: str | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=32)


class EnterpriseIn(EnterpriseFields):
    uscc: str = Field(min_length=1, max_length=32, description="统一社会信用代码（18 位，GB 32100）",
                      examples=["91130302MA07L6KX3H"])


class EnterprisePatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    county_code: str | None = Field(None, min_length=6, max_length=6)
    industry_code: str | None = Field(None, min_length=1, max_length=8)
    status: EnterpriseStatus | None = None
    address: str | None = Field(None, max_length=300)
    longitude: float | None = Field(None, ge=-180, le=180)
    latitude: float | None = Field(None, ge=-90, le=90)
    credit_class: CreditClass | None = None
    safety_risk_level: SafetyRiskLevel | None = None
    tags: list[TextItem] | None = Field(None, max_length=20)
    legal_person: str | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=32)

    _required = field_validator("name", "county_code", "industry_code", "status")(reject_null)


class EnterpriseOut(Out):
    uscc: str
    name: str
    county_code: str
    county_name: str | None
    industry_code: str
    industry_name: str | None
    status: EnterpriseStatus
    status_label: str
    address: str | None
    longitude: float | None
    latitude: float | None
    credit_class: CreditClass | None
    safety_risk_level: SafetyRiskLevel | None
    tags: list[str]
    legal_person: str | None
    contact_name: str | None
    contact_phone: str | None = Field(description="无个人信息权限时脱敏显示")
    version: int
    updated_at: datetime | None


class EnterpriseVersionOut(Out):
    version: int
    action: str
    changed_at: datetime
    changed_by: str
    changes: dict[str, list[Any]] = Field(description="变更字段：{字段: [原值, 新值]}")
    snapshot: dict[str, Any]


class RowErrorOut(Out):
    row: int = Field(description="表格中的行号（表头为第 1 行）")
    key: str | None = Field(description="该行的统一社会信用代码或人员编号")
    errors: list[dict[str, Any]]


class ImportReportOut(Out):
    filename: str
    sha256: str
    mode: str
    dry_run: bool
    applied: bool = Field(description="是否已写入名录库")
    total: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]


class ConflictIn(In):
    uscc: str = Field(min_length=1, max_length=32, description="存在利害关系的企业统一社会信用代码")
    reason: str = Field(min_length=2, max_length=500, examples=["近亲属在该企业任职"])
    from_date: date
    to_date: date | None = None


class ConflictOut(Out):
    id: int
    uscc: str
    reason: str
    from_date: date
    to_date: date | None


class InspectorFields(In):
    name: str = Field(min_length=1, max_length=50)
    department_code: str = Field(min_length=2, max_length=16, examples=["ZF1"])
    cert_no: str = Field(min_length=2, max_length=40, description="执法证号")
    cert_expiry: date = Field(description="执法证有效期至")
    status: InspectorStatus = InspectorStatus.ON_DUTY
    specialties: list[CodeItem] = Field(default_factory=list, max_length=20, description="专业领域（行业代码）")
    phone: str | None = Field(None, max_length=32)


class InspectorIn(InspectorFields):
    person_id: str = Field(min_length=2, max_length=32, examples=["QHD-ZF1-0099"])
    conflicts: list[ConflictIn] = Field(default_factory=list, max_length=100)


class InspectorPatch(In):
    name: str | None = Field(None, min_length=1, max_length=50)
    department_code: str | None = Field(None, min_length=2, max_length=16)
    cert_no: str | None = Field(None, min_length=2, max_length=40)
    cert_expiry: date | None = None
    status: InspectorStatus | None = None
    specialties: list[CodeItem] | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=32)

    _required = field_validator("name", "department_code", "cert_no", "cert_expiry", "status")(reject_null)


class InspectorOut(Out):
    person_id: str
    name: str
    department_code: str
    cert_no: str
    cert_expiry: date
    cert_valid_today: bool
    status: InspectorStatus
    status_label: str
    specialties: list[str]
    phone: str | None = Field(description="无个人信息权限时脱敏显示")
    conflicts: list[ConflictOut]
    version: int


class ExpiringCertificateOut(Out):
    person_id: str
    name: str
    department_code: str
    cert_no: str
    cert_expiry: date
    days_left: int = Field(description="距到期天数，负数表示已过期")
