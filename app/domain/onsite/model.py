"""On site: check-ins (扫码入企), findings per item, hazards with photos, results and their review and publication,
the enterprise's rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.labels import LabelledEnum

#: 补录: a check-in made without network may be registered this many days later, with a reason *(policy)*.
LATE_REGISTRATION_DAYS = 10


class CheckInMethod(LabelledEnum):
    #: The inspector's app scanned the code printed at the enterprise's gate.
    ENTERPRISE_CODE = "enterprise_code"
    #: The enterprise scanned the visit code on the inspector's phone and confirmed.
    VISIT_CODE = "visit_code"
    __labels__ = {"enterprise_code": "检查人员扫描企业码", "visit_code": "企业扫描检查码"}


@dataclass(slots=True)
class CheckIn:
    id: int | None
    visit_id: int
    person_id: str
    method: CheckInMethod
    #: Key id and algorithm of the code's signature, kept beside the record.
    code_kid: str
    code_alg: str
    #: When it happened on site (the device's time for a late registration), and when it was recorded.
    occurred_at: datetime
    recorded_at: datetime | None
    #: WGS-84 position of the device (converted from GCJ-02 when given so), the coordinate system given, the
    #: distance to the enterprise's recorded location.
    longitude: float | None
    latitude: float | None
    crs: str | None
    distance_m: float | None
    #: 补录 (recorded later without network on site), always with a reason and flagged on every report.
    late: bool
    late_reason: str | None
    #: Checked in on another day of the window than the scheduled one: the reason.
    off_schedule_reason: str | None
    idempotency_key: str
    request_hash: str
    checked_out_at: datetime | None = None
    checked_out_by: str | None = None


class FindingOutcome(LabelledEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"
    __labels__ = {"compliant": "符合", "non_compliant": "不符合", "not_applicable": "不适用"}


class HazardLevel(LabelledEnum):
    GENERAL = "general"
    MAJOR = "major"
    __labels__ = {"general": "一般隐患", "major": "重大事故隐患"}


@dataclass(slots=True)
class Photo:
    id: int | None
    sha256: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime | None = None


@dataclass(slots=True)
class Hazard:
    id: int | None
    level: HazardLevel
    description: str
    location: str
    legal_basis: str
    photos: list[Photo] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    """One merged check item of a visit: its outcome, note and hazards."""

    id: int | None
    visit_id: int
    item_code: str
    outcome: FindingOutcome
    note: str
    recorded_by: str
    #: On-site items need a check-in; 书面检查 / 网络监测 items are completed without one.
    off_site: bool
    hazards: list[Hazard] = field(default_factory=list)
    recorded_at: datetime | None = None
    version: int = 1


class ResultType(LabelledEnum):
    """检查结果 as provincial systems use them (multi-select; ``check_result_types`` holds the rules)."""

    NO_PROBLEM = "no_problem"
    PROBLEM_PENDING = "problem_pending"
    PROBLEM_CORRECTED = "problem_corrected"
    NO_ACTIVITY = "no_activity"
    UNREACHABLE = "unreachable"
    CLOSED = "closed"
    REFUSED = "refused"
    DEREGISTERED = "deregistered"
    __labels__ = {
        "no_problem": "未发现问题",
        "problem_pending": "发现问题待后续处理",
        "problem_corrected": "发现问题经责令已改正",
        "no_activity": "未发现开展本次抽查涉及的经营活动",
        "unreachable": "通过登记的住所（经营场所）无法联系",
        "closed": "已关闭停业或正在组织清算",
        "refused": "不配合检查情节严重",
        "deregistered": "注销/吊销/撤销/迁出",
    }


#: Results that mean the inspection itself could not take place (no findings needed).
NOT_INSPECTED = frozenset({ResultType.NO_ACTIVITY, ResultType.UNREACHABLE, ResultType.CLOSED, ResultType.REFUSED,
                           ResultType.DEREGISTERED})
PROBLEMS = frozenset({ResultType.PROBLEM_PENDING, ResultType.PROBLEM_CORRECTED})


class ResultStatus(LabelledEnum):
    ENTERED = "entered"
    RETURNED = "returned"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    __labels__ = {"entered": "已录入待审核", "returned": "已退回修改", "reviewed": "已审核待公示", "published": "已公示"}


@dataclass(slots=True)
class InspectionResult:
    """The result of one task's inspection of one enterprise (a merged visit has one per task)."""

    id: int | None
    visit_id: int
    draw_id: str
    plan_no: str
    task_no: str
    uscc: str
    enterprise_name: str
    department_code: str
    types: tuple[ResultType, ...]
    summary: str
    status: ResultStatus
    entered_by: str
    check_date: date
    #: The visit's check-in was a late registration (补录): shown on every report and on publication.
    late_registration: bool = False
    hazard_count: int = 0
    major_hazard_count: int = 0
    entered_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    return_reason: str | None = None
    published_by: str | None = None
    published_at: datetime | None = None
    version: int = 1
    #: 处理方式 once the follow-up decides it: order_correction, case_filing, transfer (provincial Handling).
    handling: str | None = None


@dataclass(frozen=True, slots=True)
class Rating:
    """The enterprise's anonymous rating of a finished visit (once)."""

    visit_id: int
    score: int
    comment: str
    rated_at: datetime | None = None


@dataclass(slots=True)
class SigningKey:
    """A key that signs QR codes. The newest unretired key signs; every key not revoked verifies."""

    kid: str
    algorithm: str
    public_key: bytes
    private_key: bytes
    created_at: datetime | None = None
    retired_at: datetime | None = None
    revoked_at: datetime | None = None
