"""The 2026 plans of the seed document: its two attachment tables parsed into :class:`Plan` objects.

附件 1 (联合科室 column) holds the internal joint plans, 附件 2 (联合部门 column) the cross-department plans; each
row is one plan with one task. Unit names, items, scopes, windows and sampling words are resolved against the
catalogue and the keyword tables below; anything that does not resolve raises :class:`InvalidInput` rather
than being guessed.

Naming rule: numbers (``plan_no``, ``task_no``) lose every space ("秦联 2026025" → "秦联2026025", "001 号" →
"001号"); names collapse whitespace and drop any space next to a Chinese character or Chinese punctuation
("2026 年市应急管理局非煤矿山随机抽查计划 001" → "2026年市应急管理局非煤矿山随机抽查计划001"). The ``*_text``
fields keep the cells as written.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple

from app.domain.directories.catalogue import (
    DEPARTMENTS_BY_CODE,
    ITEMS_BY_CODE,
    department_code_for,
    item_code_for,
    items_in_category,
    normalise_name,
)
from app.domain.directories.reference import DEPT_TYPES, INDUSTRIES
from app.domain.errors import InvalidInput
from app.domain.plans.model import (
    JointType,
    Plan,
    PlanKind,
    PlanStatus,
    SamplingMode,
    SamplingRule,
    TargetScope,
    Task,
    TaskType,
)

ISSUING_DOCUMENT = "秦皇岛市应急管理局关于印发2026年度随机抽查工作计划的通知"

_BUREAU_TYPE = "应急管理"
_TEAM_SIZE = 2

#: The table columns; the tenth names the joint units and tells the attachment's kind.
_COLUMNS = ("抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型", "抽查比例", "抽查事项",
            "抽查对象范围", "发起科室", "", "抽查时间")
_JOINT_COLUMN = 9
_KIND_BY_JOINT_COLUMN: Mapping[str, PlanKind] = MappingProxyType(
    {"联合科室": PlanKind.INTERNAL_JOINT, "联合部门": PlanKind.CROSS_DEPARTMENT}
)

_GM_ALL = tuple(code for code in INDUSTRIES if code == "GM" or code.startswith("GM-"))

#: 抽查对象范围 (without spaces and without a leading 全市) → industry codes.
_SCOPE_INDUSTRIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "非煤矿山领域企业": ("FM",),
        "非煤矿山": ("FM",),
        "危险化学品生产、经营企业": ("WH-SC", "WH-JY"),
        "危险化学品生产企业": ("WH-SC",),
        "工贸行业企业": _GM_ALL,
        "煤矿企业": ("MK",),
        "安全评价机构、检测检验机构": ("PJ", "JC"),
        "安全生产培训机构": ("PX",),
        "市直属院校(含民办学校、培训机构)": ("XX",),
    }
)
if {c for codes in _SCOPE_INDUSTRIES.values() for c in codes} - INDUSTRIES.keys():
    raise ValueError("scope table names unknown industries")

_ANNUAL_QUOTA_MARK = "年度监督检查计划"
_CREDIT_MARK = "信用风险等级"
_RATIO = re.compile(r"(\d+(?:\.\d+)?)%以上")
_PER_INDUSTRY = re.compile(r"各行业不少于\s*(\d+)\s*家")

_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_WINDOW = re.compile(r"^(\d{4})年(\d{1,2})(?:月?(?:至|到|-|－|–|—|~|～)(\d{1,2}))?月$")
_PLAN_NO = re.compile(r"^(?:秦联)?(\d{4})\d{3}$")
_CATEGORY = re.compile(r"“(.+?)”")
_SEGMENT = re.compile("(" + "|".join(map(re.escape, DEPT_TYPES)) + r")部门\s*:")
_UNIT_SEPARATORS = re.compile(r"[、/,;]")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u201c\u201d"
_SPACE_NEXT_TO_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")


class _Row(NamedTuple):
    plan_no: str
    plan_name: str
    task_no: str
    task_name: str
    task_type: str
    sampling: str
    items: str
    scope: str
    lead: str
    joint: str
    window: str


def _error(code: str, zh: str, en: str, **details: Any) -> InvalidInput:
    return InvalidInput(zh, en, code=f"plans.{code}", details=details)


def _compact(text: str) -> str:
    """Normalised punctuation, no whitespace at all (for numbers and for matching)."""
    return "".join(normalise_name(text).split())


def _readable(text: str) -> str:
    """A name as stored: whitespace collapsed, and dropped wherever it touches a Chinese character."""
    return _SPACE_NEXT_TO_CJK.sub("", " ".join(text.split()))


# --------------------------------------------------------------------------------------------- document layout


def _header(lines: list[str]) -> tuple[str, date]:
    """The notice's title (spaces removed) and the date it was signed (the first date line after the title)."""
    for i, line in enumerate(lines):
        title = _compact(line.lstrip("#"))
        if "关于印发" in title and title.endswith("通知"):
            for later in lines[i + 1:]:
                found = _DATE.match(_compact(later))
                if found:
                    return title, date(*(int(g) for g in found.groups()))
    raise _error("seed_header_unknown", "未找到印发通知的标题或日期", "The notice's title or date was not found")


def _tables(lines: list[str]) -> Iterator[tuple[PlanKind, list[_Row], str]]:
    """Each attachment table: its kind, its rows and the text of its 备注 paragraph."""
    i = 0
    while i < len(lines):
        cells = [c.strip() for c in lines[i].split("\t")]
        i += 1
        if cells[0] != _COLUMNS[0]:
            continue
        kind = _KIND_BY_JOINT_COLUMN.get(cells[_JOINT_COLUMN]) if len(cells) == len(_COLUMNS) else None
        if kind is None or [c for n, c in enumerate(cells) if n != _JOINT_COLUMN] != [c for c in _COLUMNS if c]:
            raise _error("seed_header_unknown", f"附件表头无法识别：{lines[i - 1]}", "Unknown table header",
                         header=cells)
        rows: list[_Row] = []
        while i < len(lines) and "\t" in lines[i] and not lines[i].strip().startswith("备注"):
            row = [c.strip() for c in lines[i].split("\t")]
            if len(row) != len(_COLUMNS) or not row[0]:
                raise _error("seed_row_malformed", f"表格行无法识别：{lines[i]}", "Malformed table row", row=row)
            rows.append(_Row(*row))
            i += 1
        notes, i = _notes(lines, i)
        yield kind, rows, notes


def _notes(lines: list[str], i: int) -> tuple[str, int]:
    """The 备注 paragraph after a table (label removed, lines stripped, joined by newlines) and the next index."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or not lines[i].strip().startswith("备注"):
        return "", i
    found = [re.sub(r"^备注\s*[:：]\s*", "", lines[i].strip())]
    i += 1
    while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith("#"):
        found.append(lines[i].strip())
        i += 1
    return "\n".join(found), i


# --------------------------------------------------------------------------------------------- cells


def _units(text: str) -> list[str]:
    codes: list[str] = []
    for name in _UNIT_SEPARATORS.split(normalise_name(text)):
        if not name.strip():
            continue
        code = department_code_for(name)
        if code is None:
            raise _error("seed_unit_unknown", f"无法识别的单位：{name.strip()}", "Unknown unit", name=name.strip())
        codes.append(code)
    return codes


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _task_type(text: str) -> TaskType:
    key = _compact(text)
    if key.startswith("不定向"):
        return TaskType.UNDIRECTED
    if key in ("定向", "定向抽查"):
        return TaskType.DIRECTED
    raise _error("seed_task_type_unknown", f"无法识别的抽查类型：{text}", "Unknown task type", text=text)


def _category_codes(category: str) -> tuple[str, ...]:
    codes = tuple(item.code for item in items_in_category(category))
    if not codes:
        raise _error("seed_item_unknown", f"抽查事项清单中没有该类别：{category}", "Unknown item category",
                     name=category)
    return codes


def _item_code(name: str, dept_type: str) -> str:
    code = item_code_for(name)
    if code is None or ITEMS_BY_CODE[code].dept_type != dept_type:
        raise _error("seed_item_unknown", f"{dept_type}部门的抽查事项清单中没有：{name}", "Unknown check item",
                     name=name, dept_type=dept_type)
    return code


def _internal_items(text: str, lead: str) -> dict[str, tuple[str, ...]]:
    """附件 1: the categories named in “…”, all their items, for the lead unit."""
    categories = _CATEGORY.findall(text)
    if not categories:
        raise _error("seed_item_unknown", f"抽查事项未指明类别：{text}", "No item category named", name=text)
    return {lead: _unique(code for category in categories for code in _category_codes(category))}


def _joint_items(text: str, departments: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """附件 2: per "XX部门:" segment, its items, for the participating unit of that department type."""
    parts = _SEGMENT.split(normalise_name(text))
    if parts[0].strip(" ;"):
        raise _error("seed_item_unknown", f"抽查事项未指明部门：{parts[0].strip()}", "Item without a department",
                     name=parts[0].strip())
    items: dict[str, list[str]] = {}
    for dept_type, segment in zip(parts[1::2], parts[2::2], strict=True):
        owner = next((d for d in departments if DEPARTMENTS_BY_CODE[d].dept_type == dept_type), None)
        if owner is None:
            raise _error("seed_item_department_missing", f"{dept_type}部门未参加该任务", "No participating unit of "
                         "that department type", dept_type=dept_type)
        for name in (n.strip() for n in segment.split(";")):
            if not name:
                continue
            if dept_type == _BUREAU_TYPE and items_in_category(name):
                items.setdefault(owner, []).extend(_category_codes(name))
            else:
                items.setdefault(owner, []).append(_item_code(name, dept_type))
    return {dept: _unique(codes) for dept, codes in items.items()}


def _scope(text: str) -> TargetScope:
    industries = _SCOPE_INDUSTRIES.get(_compact(text).removeprefix("全市"))
    if industries is None:
        raise _error("seed_scope_unknown", f"无法识别的抽查对象范围：{text}", "Unknown target scope", text=text)
    return TargetScope(text=text, industries=industries)


def _window(text: str) -> tuple[date, date]:
    """A 抽查时间 cell ("2026 年 2 月至 12 月", "2026 年 7-8 月") → first day of the first month, last of the last."""
    found = _WINDOW.match(_compact(text))
    year, first, last = (int(found[1]), int(found[2]), int(found[3] or found[2])) if found else (0, 0, 0)
    if not found or not 1 <= first <= last <= 12:
        raise _error("seed_window_unreadable", f"无法识别的抽查时间：{text}", "Unreadable inspection window",
                     text=text)
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _sampling(text: str, departments: tuple[str, ...], per_industry: int | None) -> SamplingRule:
    """抽查比例: an annual quota, or a minimum ratio (credit-based when the words say so). Teams come from every
    participating unit when the bureau leads, from the bureau's own units only when it merely joins."""
    key = _compact(text)
    bureau = tuple(d for d in departments if DEPARTMENTS_BY_CODE[d].dept_type == _BUREAU_TYPE)
    bureau_leads = bureau[:1] == departments[:1]
    rule = SamplingRule(text=text, mode=SamplingMode.ANNUAL_QUOTA, team_size=_TEAM_SIZE,
                        team_departments=departments if bureau_leads else bureau)
    if _ANNUAL_QUOTA_MARK in key:
        return rule
    ratio = _RATIO.search(key)
    if ratio is None:
        raise _error("seed_sampling_unknown", f"无法识别的抽查比例：{text}", "Unreadable sampling rule", text=text)
    mode = SamplingMode.CREDIT_RATIO if _CREDIT_MARK in key else SamplingMode.RATIO
    return replace(rule, mode=mode, min_ratio=float(ratio[1]) / 100,
                   min_per_industry=per_industry if bureau_leads else None)


# --------------------------------------------------------------------------------------------- plans


def _task(row: _Row, kind: PlanKind, per_industry: int | None) -> Task:
    initiators = _units(row.lead)
    if not initiators:
        raise _error("seed_unit_unknown", f"未填写发起科室：{row.plan_no}", "No initiating unit", row=row.plan_no)
    joined = _units(row.joint)
    lead = initiators[0]
    joint = tuple(d for d in _unique([*initiators[1:], *joined]) if d != lead)
    departments = (lead, *joint)
    if kind is PlanKind.CROSS_DEPARTMENT:
        joint_type, items = JointType.CROSS_DEPARTMENT, _joint_items(row.items, departments)
    else:
        joint_type = JointType.INTERNAL if joined else JointType.SINGLE
        items = _internal_items(row.items, lead)
    start, end = _window(row.window)
    return Task(
        task_no=_compact(row.task_no),
        name=_readable(row.task_name),
        task_type=_task_type(row.task_type),
        joint_type=joint_type,
        lead_department=lead,
        joint_departments=joint,
        items=items,
        items_text=row.items,
        scope=_scope(row.scope),
        window_start=start,
        window_end=end,
        window_text=row.window,
        sampling=_sampling(row.sampling, departments, per_industry if kind is PlanKind.CROSS_DEPARTMENT else None),
        lead_text=row.lead,
        joint_text=row.joint,
    )


def parse_plan_document(text: str) -> list[Plan]:
    """The plans of the seed document, in document order: one published plan (version 1) per table row,
    each with its one task. Raises :class:`InvalidInput` (``plans.seed_*``) for anything it cannot resolve."""
    lines = text.splitlines()
    title, issued_on = _header(lines)
    plans: list[Plan] = []
    for kind, rows, notes in _tables(lines):
        found = _PER_INDUSTRY.search(notes)
        per_industry = int(found[1]) if found else None
        for row in rows:
            plan_no = _compact(row.plan_no)
            year = _PLAN_NO.match(plan_no)
            if year is None:
                raise _error("seed_row_malformed", f"无法识别的抽查计划编号：{plan_no}", "Unreadable plan number",
                             plan_no=plan_no)
            plans.append(
                Plan(
                    plan_no=plan_no,
                    name=_readable(row.plan_name),
                    year=int(year[1]),
                    kind=kind,
                    issuing_document=title,
                    issued_on=issued_on,
                    tasks=[_task(row, kind, per_industry)],
                    status=PlanStatus.PUBLISHED,
                    version=1,
                    notes=notes,
                )
            )
    if not plans:
        raise _error("seed_row_malformed", "文档中没有抽查计划表", "The document has no plan table")
    return plans
