"""Field rules of directory records, shared by the API, the CLI and bulk imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.domain.directories.model import Enterprise, Inspector
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.directories.uscc import uscc_problem
from app.domain.errors import InvalidInput

PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")
PERSON_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
MAX_TAGS = 20


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message_zh, "message_en": self.message_en}


def raise_if_any(problems: list[FieldProblem], *, what_zh: str, what_en: str) -> None:
    if problems:
        first = problems[0]
        raise InvalidInput(
            f"{what_zh}：{first.message_zh}" + (f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""),
            f"{what_en}: {first.message_en}",
            code=first.code,
            details={"errors": [p.as_dict() for p in problems]},
        )


_USCC_CODES = {"length": "uscc.length", "character": "uscc.character", "checksum": "uscc.checksum"}


def uscc_problems(uscc: str, field: str = "uscc") -> list[FieldProblem]:
    problem = uscc_problem(uscc)
    if problem is None:
        return []
    return [FieldProblem(field, _USCC_CODES[problem.reason], problem.message_zh, problem.message_en)]


def county_problems(code: str, field: str = "county_code") -> list[FieldProblem]:
    if code in COUNTIES:
        return []
    return [FieldProblem(field, "county.unknown", f"区县代码“{code}”不属于秦皇岛市（可用：{'、'.join(COUNTIES)}）",
                         f"unknown county code '{code}' (allowed: {', '.join(COUNTIES)})")]


def industry_problems(code: str, field: str = "industry_code") -> list[FieldProblem]:
    if code in INDUSTRIES:
        return []
    return [FieldProblem(field, "industry.unknown", f"行业代码“{code}”不存在（可用：{'、'.join(INDUSTRIES)}）",
                         f"unknown industry code '{code}'")]


def phone_problems(phone: str | None, field: str) -> list[FieldProblem]:
    if phone is None or PHONE.match(phone):
        return []
    return [FieldProblem(field, "phone.invalid", "联系电话格式不正确（手机号 11 位，或带区号的固定电话）",
                         "phone number is not a mainland mobile or landline number")]


def enterprise_problems(e: Enterprise) -> list[FieldProblem]:
    # Imports call this for every row: the common, valid case takes the cheap checks only.
    problems = uscc_problems(e.uscc)
    if e.county_code not in COUNTIES:
        problems += county_problems(e.county_code)
    if e.industry_code not in INDUSTRIES:
        problems += industry_problems(e.industry_code)
    if not e.name.strip():
        problems.append(FieldProblem("name", "name.empty", "企业名称不能为空", "name must not be empty"))
    if e.longitude is not None or e.latitude is not None:
        problems += _location_problems(e.longitude, e.latitude)
    if e.tags:
        problems += _tag_problems(e.tags)
    if e.contact_phone is not None and not PHONE.match(e.contact_phone):
        problems += phone_problems(e.contact_phone, "contact_phone")
    return problems


def _location_problems(longitude: float | None, latitude: float | None) -> list[FieldProblem]:
    if longitude is None or latitude is None:
        return [FieldProblem("longitude", "location.incomplete", "经度和纬度须同时填写",
                             "longitude and latitude go together")]
    problems = []
    if not -180 <= longitude <= 180:
        problems.append(FieldProblem("longitude", "location.range", "经度超出范围（-180～180）", "longitude out of range"))
    if not -90 <= latitude <= 90:
        problems.append(FieldProblem("latitude", "location.range", "纬度超出范围（-90～90）", "latitude out of range"))
    return problems


def _tag_problems(tags: tuple[str, ...]) -> list[FieldProblem]:
    problems = []
    if len(tags) > MAX_TAGS or any(not t.strip() or len(t) > 50 for t in tags):
        problems.append(FieldProblem("tags", "tags.invalid", f"标签最多 {MAX_TAGS} 个，每个 1～50 个字符",
                                     f"at most {MAX_TAGS} tags of 1-50 characters"))
    if len(set(tags)) != len(tags):
        problems.append(FieldProblem("tags", "tags.duplicate", "标签重复", "duplicate tags"))
    return problems


def inspector_problems(i: Inspector) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not PERSON_ID.match(i.person_id):
        problems.append(FieldProblem("person_id", "person_id.invalid", "人员编号只能由字母、数字、-、_ 组成（2～32 位）",
                                     "person id must be 2-32 letters, digits, '-' or '_'"))
    if not i.name.strip():
        problems.append(FieldProblem("name", "name.empty", "姓名不能为空", "name must not be empty"))
    if not i.cert_no.strip():
        problems.append(FieldProblem("cert_no", "cert_no.empty", "执法证号不能为空", "certificate number required"))
    problems += [p for s in i.specialties for p in industry_problems(s, "specialties")]
    problems += phone_problems(i.phone, "phone")
    return problems
