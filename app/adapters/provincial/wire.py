"""The platform's wire format (PROVINCIAL_API.md): field names, envelopes, times, and the mapping to domain terms.

Directory records are mapped one by one and never raise: a record that cannot be mapped comes back with its
problems (it goes to quarantine) and the rest of the page goes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from app.domain.directories.catalogue import department_code_for, department_for_item
from app.domain.directories.model import (
    CheckItem,
    CheckMethod,
    CreditClass,
    Enterprise,
    EnterpriseStatus,
    Inspector,
    InspectorStatus,
    ItemKind,
    ItemStatus,
    SafetyRiskLevel,
)
from app.domain.directories.validation import FieldProblem
from app.domain.errors import PlatformUnavailable
from app.domain.provincial.model import (
    DirectoryKind,
    DrawReport,
    Handling,
    PushOutcome,
    RecordRejection,
    RemotePage,
    RemoteRecord,
    RemoteValue,
    ResultRecord,
    TaskRegistration,
)

CST = timezone(timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
OK = "0000"

PATHS: dict[DirectoryKind, str] = {
    DirectoryKind.CHECK_ITEMS: "/api/v1/check-items",
    DirectoryKind.ENTERPRISES: "/api/v1/enterprises",
    DirectoryKind.INSPECTORS: "/api/v1/inspectors",
}
KEYS: dict[DirectoryKind, str] = {
    DirectoryKind.CHECK_ITEMS: "itemCode",
    DirectoryKind.ENTERPRISES: "uniscid",
    DirectoryKind.INSPECTORS: "personId",
}


def format_time(moment: datetime) -> str:
    return moment.astimezone(CST).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """A platform time (China Standard Time, to the second) as an aware datetime in CST."""
    if len(text) != 19 or text[10] != " ":
        raise ValueError(text)
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def bad_response(what_zh: str, what_en: str) -> PlatformUnavailable:
    return PlatformUnavailable(f"省级平台返回的数据无法识别：{what_zh}", f"unreadable platform response: {what_en}",
                               code="provincial.bad_response")


# ---------------------------------------------------------------------------------------------------------------
# Directory records
# ---------------------------------------------------------------------------------------------------------------


class _Problems(Exception):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems


class _Reader:
    """Reads the fields of one platform record, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.problems: list[FieldProblem] = []

    def _problem(self, name: str, code: str, zh: str, en: str) -> None:
        self.problems.append(FieldProblem(name, code, zh, en))

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._problem(name, "provincial.field_missing", f"省平台记录缺少字段 {name}", f"field {name} missing")
            return None
        if not isinstance(value, str):
            self._problem(name, "provincial.field_type", f"省平台字段 {name} 应为文本", f"field {name} is not text")
            return None
        return value.strip()

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem(name, "provincial.field_type", f"省平台字段 {name} 应为数字", f"field {name} is not a number")
            return None
        return float(value)

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._problem(name, "provincial.field_type", f"省平台字段 {name} 应为整数", f"field {name} is not an integer")
            return None
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._problem(name, "provincial.field_type", f"省平台字段 {name} 应为文本数组", f"field {name} is not a list of text")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def day(self, name: str) -> date | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._problem(name, "provincial.field_format", f"省平台字段 {name} 不是日期（yyyy-MM-dd）", f"field {name} is not a date")
            return None

    def label(self, name: str, enum: Any, *, required: bool = True) -> Any:
        text = self.text(name, required=required)
        if text is None:
            return None
        try:
            return enum.parse(text)
        except ValueError:
            self._problem(name, "provincial.code_unknown", f"省平台字段 {name} 的取值“{text}”无法识别",
                          f"unknown value '{text}' in field {name}")
            return None


def _check_item(r: _Reader) -> CheckItem:
    code, category, dept_type = r.text("itemCode"), r.text("category"), r.text("deptType")
    item = CheckItem(
        code=code or "", name=r.text("itemName") or "", category=category or "", dept_type=dept_type or "",
        department_code=department_for_item(dept_type or "", category or "") or "",
        legal_basis=r.text("checkBasis") or "", method=r.label("checkMethod", CheckMethod) or CheckMethod.ON_SITE,
        target_type=r.text("targetType", required=False) or "", kind=r.label("itemKind", ItemKind) or ItemKind.GENERAL,
        frequency_cap=r.integer("frequencyCap"), status=ItemStatus.PUBLISHED,
    )
    if dept_type and category and not item.department_code:
        r._problem("deptType", "provincial.department_unknown", f"部门类型“{dept_type}”没有对应的本地单位",
                   f"no local unit for department type '{dept_type}'")
    return item


def _enterprise(r: _Reader) -> Enterprise:
    uscc, county, industry = r.text("uniscid"), r.text("regionCode"), r.text("industryCode")
    grade = r.text("riskGrade", required=False)
    credit_class: CreditClass | None = None
    if grade is not None:
        try:
            credit_class = CreditClass(grade.upper())
        except ValueError:
            r._problem("riskGrade", "provincial.code_unknown", f"信用风险分类“{grade}”无法识别", f"unknown riskGrade '{grade}'")
    return Enterprise(
        uscc=(uscc or "").upper(), name=r.text("entName") or "", county_code=county or "", industry_code=industry or "",
        status=r.label("entStatus", EnterpriseStatus) or EnterpriseStatus.ACTIVE, address=r.text("address", required=False),
        longitude=r.number("longitude"), latitude=r.number("latitude"), credit_class=credit_class,
        safety_risk_level=r.label("safetyRiskLevel", SafetyRiskLevel, required=False), tags=r.texts("tags"),
        legal_person=r.text("legalPerson", required=False), contact_phone=r.text("contactPhone", required=False),
    )


def _spellings(enum: Any) -> dict[str, Any]:
    return {key: member for member in enum for key in (member.value, getattr(member, "label", member.value))}


_STATUSES, _SAFETY_LEVELS = _spellings(EnterpriseStatus), _spellings(SafetyRiskLevel)
_GRADES = {c.value: c for c in CreditClass}
_OPTIONAL_TEXT = ("address", "legalPerson", "contactPhone", "safetyRiskLevel", "riskGrade")


def _enterprise_fast(raw: dict[str, Any]) -> Enterprise | None:
    """The common, well-formed record in one pass; ``None`` sends anything unusual to the careful reader."""
    get = raw.get
    uscc, name, county, industry = get("uniscid"), get("entName"), get("regionCode"), get("industryCode")
    status = _STATUSES.get(get("entStatus"))  # type: ignore[arg-type]
    if not (type(uscc) is str and type(name) is str and type(county) is str and type(industry) is str
            and status is not None and uscc and name.strip() and county and industry):
        return None
    for field_name in _OPTIONAL_TEXT:
        value = get(field_name)
        if value is not None and type(value) is not str:
            return None
    longitude, latitude, tags = get("longitude"), get("latitude"), get("tags")
    if not ((longitude is None or type(longitude) in (int, float)) and (latitude is None or type(latitude) in (int, float))
            and (tags is None or (type(tags) is list and all(type(t) is str for t in tags)))):
        return None
    grade, level = get("riskGrade"), get("safetyRiskLevel")
    credit_class = _GRADES.get(grade) if grade else None
    safety_level = _SAFETY_LEVELS.get(level) if level else None
    if (grade and credit_class is None) or (level and safety_level is None):
        return None
    return Enterprise(
        uscc=uscc.strip().upper(), name=name.strip(), county_code=county.strip(), industry_code=industry.strip(),
        status=status, address=(get("address") or "").strip() or None,
        longitude=None if longitude is None else float(longitude), latitude=None if latitude is None else float(latitude),
        credit_class=credit_class, safety_risk_level=safety_level,
        tags=tuple(t.strip() for t in tags if t.strip()) if tags else (),
        legal_person=(get("legalPerson") or "").strip() or None, contact_phone=(get("contactPhone") or "").strip() or None,
    )


def _inspector(r: _Reader) -> Inspector:
    dept_name = r.text("deptName")
    department = department_code_for(dept_name) if dept_name else None
    if dept_name and department is None:
        r._problem("deptName", "provincial.department_unknown", f"单位“{dept_name}”不是本局或联合部门",
                   f"unknown department '{dept_name}'")
    return Inspector(
        person_id=r.text("personId") or "", name=r.text("name") or "", department_code=department or "",
        cert_no=r.text("lawCertNo") or "", cert_expiry=r.day("lawCertExpiry") or date.min,
        status=r.label("status", InspectorStatus) or InspectorStatus.ON_DUTY, specialties=r.texts("specialties"),
        phone=r.text("phone", required=False),
    )


_MAPPERS: dict[DirectoryKind, Callable[[_Reader], RemoteValue]] = {
    DirectoryKind.CHECK_ITEMS: _check_item,
    DirectoryKind.ENTERPRISES: _enterprise,
    DirectoryKind.INSPECTORS: _inspector,
}


def remote_record(kind: DirectoryKind, raw: Any) -> RemoteRecord:
    """One directory record in domain terms; problems instead of exceptions."""
    if not isinstance(raw, dict):
        problem = FieldProblem("record", "provincial.record_type", "省平台记录不是对象", "record is not an object")
        return RemoteRecord(kind, "", None, False, None, (problem,), {"value": raw})
    r = _Reader(raw)
    key_field = KEYS[kind]
    key = raw.get(key_field)
    key = key.strip() if isinstance(key, str) else ""
    if kind is DirectoryKind.ENTERPRISES:
        key = key.upper()
    updated_at = None
    stamp = raw.get("updateTime")
    with contextlib.suppress(ValueError):
        updated_at = parse_time(stamp) if isinstance(stamp, str) else None
    if updated_at is None:
        r._problem("updateTime", "provincial.field_format", "省平台记录的 updateTime 缺失或格式错误",
                   "updateTime missing or malformed")
    if not key:
        r._problem(key_field, "provincial.field_missing", f"省平台记录缺少字段 {key_field}", f"field {key_field} missing")
    deleted = raw.get("deleted") is True
    if deleted:
        return RemoteRecord(kind, key, updated_at, True, None, tuple(r.problems), raw)
    if kind is DirectoryKind.ENTERPRISES and not r.problems:
        fast = _enterprise_fast(raw)
        if fast is not None:
            return RemoteRecord(kind, key, updated_at, False, fast, (), raw)
    value = _MAPPERS[kind](r)
    problems = tuple(r.problems)
    return RemoteRecord(kind, key, updated_at, False, None if problems else value, problems, raw)


def unwrap(body: Any) -> tuple[str, str, Any]:
    """(code, msg, data) of an envelope; a body that is not one is a transient fault."""
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise bad_response("缺少响应信封", "no envelope")
    msg = body.get("msg")
    return body["code"], msg if isinstance(msg, str) else "", body.get("data")


def remote_page(kind: DirectoryKind, data: Any) -> RemotePage:
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise bad_response("分页数据缺少 records", "page without records")
    try:
        total, page_no, page_size = int(data["total"]), int(data["pageNo"]), int(data["pageSize"])
    except (KeyError, TypeError, ValueError) as exc:
        raise bad_response("分页字段不完整", "incomplete paging fields") from exc
    return RemotePage(total, page_no, page_size, [remote_record(kind, raw) for raw in data["records"]])


# ---------------------------------------------------------------------------------------------------------------
# Pushes
# ---------------------------------------------------------------------------------------------------------------


def task_body(key: str, task: TaskRegistration) -> dict[str, Any]:
    return {
        "requestId": key, "planNo": task.plan_no, "planName": task.plan_name, "taskNo": task.task_no,
        "taskName": task.task_name, "taskType": task.task_type, "jointType": task.joint_type,
        "leadDept": task.lead_department, "jointDepts": list(task.joint_departments), "itemCodes": list(task.item_codes),
        "startDate": task.start_date.isoformat(), "endDate": task.end_date.isoformat(),
    }


def draw_body(key: str, draw: DrawReport) -> dict[str, Any]:
    return {
        "requestId": key, "drawNo": draw.draw_no, "seed": draw.seed, "algorithm": draw.algorithm,
        "populationHash": draw.population_hash, "drawnAt": format_time(draw.drawn_at),
        "targets": [{"uniscid": t.uscc, "riskGrade": t.credit_class.value if t.credit_class else None,
                     "stratum": t.stratum} for t in draw.targets],
        "teams": [{"uniscid": team.uscc,
                   "inspectors": [{"personId": m.person_id, "role": "组长" if m.leader else "组员"} for m in team.members]}
                  for team in draw.teams],
    }


def result_wire(record: ResultRecord) -> dict[str, Any]:
    return {
        "platformTaskId": record.platform_task_id, "uniscid": record.uscc, "checkDate": record.check_date.isoformat(),
        "resultCodes": list(record.result_codes), "resultText": record.result_text, "hazardCount": record.hazard_count,
        "majorHazardCount": record.major_hazard_count,
        "rectifyDeadline": record.rectify_deadline.isoformat() if record.rectify_deadline else None,
        "handling": record.handling.label, "inspectors": list(record.inspectors),
        "publicityDate": record.publicity_date.isoformat() if record.publicity_date else None,
    }


def results_body(key: str, records: Sequence[ResultRecord]) -> dict[str, Any]:
    return {"requestId": key, "records": [result_wire(r) for r in records]}


def push_outcome(data: Any, sent: int) -> PushOutcome:
    if not isinstance(data, dict) or not isinstance(data.get("accepted"), int):
        raise bad_response("结果推送的应答缺少 accepted", "results answer without accepted")
    rejected = data.get("rejected") or []
    if not isinstance(rejected, list):
        raise bad_response("rejected 不是数组", "rejected is not a list")
    try:
        rejections = tuple(RecordRejection(int(r["index"]), str(r["code"]), str(r.get("msg", ""))) for r in rejected)
    except (KeyError, TypeError, ValueError) as exc:
        raise bad_response("rejected 条目不完整", "incomplete rejected entries") from exc
    if data["accepted"] + len(rejections) != sent or any(not 0 <= r.index < sent for r in rejections):
        raise bad_response("accepted 与 rejected 与推送条数不符", "accepted and rejected do not add up")
    return PushOutcome(data["accepted"], rejections)


def result_from_wire(raw: Any) -> ResultRecord:
    try:
        return ResultRecord(
            platform_task_id=str(raw["platformTaskId"]), uscc=str(raw["uniscid"]),
            check_date=date.fromisoformat(raw["checkDate"]), result_codes=tuple(raw.get("resultCodes") or ()),
            result_text=raw.get("resultText") or "", hazard_count=int(raw.get("hazardCount") or 0),
            major_hazard_count=int(raw.get("majorHazardCount") or 0),
            rectify_deadline=date.fromisoformat(raw["rectifyDeadline"]) if raw.get("rectifyDeadline") else None,
            handling=Handling.parse(raw.get("handling") or "无"), inspectors=tuple(raw.get("inspectors") or ()),
            publicity_date=date.fromisoformat(raw["publicityDate"]) if raw.get("publicityDate") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise bad_response("结果记录不完整", "incomplete result record") from exc
