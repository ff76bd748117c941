"""The bureau's reference data (departments and check items) against the 2026 plan in the seed document."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from app.domain.directories.catalogue import (
    CHECK_ITEMS,
    DEPARTMENT_ALIASES,
    DEPARTMENTS,
    DEPARTMENTS_BY_CODE,
    EMERGENCY_CATEGORIES,
    ITEMS_BY_CODE,
    ITEMS_BY_NAME,
    KEY_CATEGORIES,
    department_code_for,
    item_code_for,
    items_in_category,
    normalise_name,
)
from app.domain.directories.model import DepartmentKind, ItemKind, ItemStatus
from app.domain.directories.reference import DEPT_TYPES

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "qinhuangdao-2026-random-inspection-plan.md"

#: 附件 1: the categories the internal joint plans select items from.
SEED_CATEGORIES = (
    "非煤矿山企业的安全检查",
    "危险化学品及相关企业的安全检查",
    "工贸行业企业的安全检查",
    "煤矿企业的安全检查",
    "安全评价机构、检测检验机构的行政检查",
    "安全生产培训机构的行政检查",
)

#: 附件 2: the items each department contributes to the cross-department plans (dept_type, name).
SEED_PARTNER_ITEMS = (
    ("水务", "对单位/个人取用水行为的随机抽查"),
    ("气象", "对雷电灾害防御活动的执法检查"),
    ("气象", "对雷电灾害防御活动的监督检查"),
    ("气象", "对气象灾害防御工作的监督检查"),
    ("生态环境", "对建设项目(含海岸工程建设项目)、排放污染物的企业、事业单位和其他生产经营者的检查"),
    ("生态环境", "自然保护区内非法开矿、修路、筑坝、建设情况"),
    ("生态环境", "对建设项目环境影响评价制度执行情况的检查(表)的检查"),
    ("生态环境", "对建设项目环境影响报告书(表)的检查"),
    ("工信", "监控化学品专项监督检查"),
    ("教育", "学校体育、美育、卫生与健康教育工作的检查"),
    ("教育", "对中小学等持有教师资格证者的监管"),
    ("教育", "教师培训工作的检查"),
    ("教育", "对校园安全工作落实情况的监督检查"),
    ("教育", "对中小学国家课程教材使用的检查"),
    ("教育", "自费出国留学中介机构检查"),
    ("卫健", "对学校卫生的监督检查"),
    ("卫健", "对托育(幼)机构卫生的监督检查"),
    ("卫健", "对饮用水卫生的监督检查"),
    ("市场监管", "餐饮服务监督检查"),
    ("市场监管", "校园食品销售监督检查"),
)

#: Unit names of the seed's 发起科室 / 联合科室 / 联合部门 columns and notes, with the department they mean.
SEED_UNITS = {
    "执法一大队": "ZF1",
    "执法二大队": "ZF2",
    "执法三大队": "ZF3",
    "非煤矿山安全监督管理科": "FMK",
    "非煤矿山安全监管科": "FMK",
    "非煤科": "FMK",
    "危险化学品安全监督管理科": "WHK",
    "危险化学品安全监管科": "WHK",
    "危化科": "WHK",
    "工贸行业安全监督管理科": "GMK",
    "工贸科": "GMK",
    "煤炭安全管理科": "MTK",
    "局办公室": "BGS",
    "人事培训科": "RSK",
    "震害防御科": "ZFK",
    "市应急管理局(震防御科)": "ZFK",
    "水务局": "SW",
    "市气象局": "QX",
    "市生态环境局": "ST",
    "市工信局": "GX",
    "市教育相关科室": "JY",
    "市卫健委": "WJ",
    "市市场监管局": "SJ",
}

PLAN_NO = re.compile(r"^(?:秦联\s*)?\d{7}$")
UNIT_COLUMNS = ("发起科室", "联合科室", "联合部门")
DEPT_MARKER = re.compile(r"\s*([\u4e00-\u9fff]+)部门\s*:\s*")


# --------------------------------------------------------------------------------------------- seed parsing


def _seed_text() -> str:
    if not SEED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed document not found at {SEED}: CI must check the catalogue against it")
        pytest.skip(f"seed document not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


def _seed_rows() -> list[dict[str, str]]:
    """The rows of both attachment tables (tab-separated lines), keyed by their header."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in _seed_text().splitlines():
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) < 2:
            header = None
        elif cells[0] == "抽查计划编号":
            header = cells
        elif header is not None and PLAN_NO.match(cells[0]):
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _seed_unit_names() -> set[str]:
    names: set[str] = set()
    for row in _seed_rows():
        for column in UNIT_COLUMNS:
            for name in re.split(r"[、/]", normalise_name(row.get(column, ""))):
                if name.strip():
                    names.add(name.strip())
    return names


def _seed_category_of_internal_plans() -> list[str]:
    return [m.group(1) for row in _seed_rows() for m in re.finditer(r"“(.+?)”", row["抽查事项"])]


def _seed_joint_items() -> list[tuple[str, str]]:
    """(dept_type, item text) for every item the cross-department plans list, per named department."""
    found: list[tuple[str, str]] = []
    for row in _seed_rows():
        if "联合部门" not in row:
            continue
        parts = DEPT_MARKER.split(normalise_name(row["抽查事项"]))
        for dept_type, text in zip(parts[1::2], parts[2::2], strict=True):
            found += [(dept_type, item.strip()) for item in text.split(";") if item.strip()]
    return found


# --------------------------------------------------------------------------------------------- departments


def test_department_codes_are_unique_and_types_known() -> None:
    codes = [d.code for d in DEPARTMENTS]
    assert len(codes) == len(set(codes))
    assert all(d.dept_type in DEPT_TYPES for d in DEPARTMENTS)


def test_department_kinds() -> None:
    kinds = Counter(d.kind for d in DEPARTMENTS)
    assert kinds == {DepartmentKind.BRIGADE: 3, DepartmentKind.SECTION: 8, DepartmentKind.PARTNER: 7}
    assert all(d.dept_type == "应急管理" for d in DEPARTMENTS if d.kind is not DepartmentKind.PARTNER)
    assert all(d.name.startswith("秦皇岛市") for d in DEPARTMENTS)


def test_every_alias_points_to_a_department_and_names_resolve_to_themselves() -> None:
    assert set(DEPARTMENT_ALIASES.values()) <= DEPARTMENTS_BY_CODE.keys()
    for dept in DEPARTMENTS:
        assert department_code_for(dept.name) == dept.code
        assert department_code_for(dept.short_name) == dept.code


@pytest.mark.parametrize(("name", "code"), sorted(SEED_UNITS.items()))
def test_seed_unit_spellings_resolve(name: str, code: str) -> None:
    assert department_code_for(name) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("市应急管理局（震防御科）", "ZFK"),
        ("市应急管理局 ( 震防御科 )", "ZFK"),
        ("  执法一大队\u3000", "ZF1"),
        ("秦皇岛市 应急管理局 执法三大队", "ZF3"),
        ("秦皇岛市卫生健康委员会", "WJ"),
    ],
)
def test_department_lookup_normalises_parentheses_and_whitespace(name: str, code: str) -> None:
    assert department_code_for(name) == code


def test_unknown_department_is_none() -> None:
    assert department_code_for("市公安局") is None
    assert department_code_for("") is None


def test_every_unit_in_the_seed_tables_resolves() -> None:
    names = _seed_unit_names()
    assert len(names) >= 15
    unresolved = sorted(n for n in names if department_code_for(n) is None)
    assert unresolved == []


def test_units_named_in_the_seed_notes_resolve() -> None:
    lists = re.findall(r"涉及([^，,。]+?)(?:的|[，,。])", _seed_text())
    names = {name.strip() for found in lists for name in found.split("、") if name.strip()}
    assert {"工贸科", "非煤科", "危化科", "震害防御科"} <= names
    assert sorted(n for n in names if department_code_for(n) is None) == []


# --------------------------------------------------------------------------------------------- check items


def test_item_codes_and_names_are_unique() -> None:
    codes = [i.code for i in CHECK_ITEMS]
    names = [normalise_name(i.name) for i in CHECK_ITEMS]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    assert set(ITEMS_BY_CODE) == set(codes)
    assert len(ITEMS_BY_NAME) == len(CHECK_ITEMS)


def test_item_codes_follow_the_provincial_style() -> None:
    pattern = re.compile(r"^(?:YJ-(?:FM|WH|GM|MK|PJ|PX|FZ)|SW|QX|ST|GX|JY|WJ|SJ)-\d{3}$")
    assert [i.code for i in CHECK_ITEMS if not pattern.match(i.code)] == []


def test_every_item_belongs_to_a_known_department_of_its_type() -> None:
    for item in CHECK_ITEMS:
        assert item.department_code in DEPARTMENTS_BY_CODE, item.code
        assert DEPARTMENTS_BY_CODE[item.department_code].dept_type == item.dept_type, item.code
        assert item.dept_type in DEPT_TYPES, item.code


def test_items_are_published_with_basis_and_target() -> None:
    for item in CHECK_ITEMS:
        assert item.status is ItemStatus.PUBLISHED, item.code
        assert item.legal_basis.startswith("《"), item.code
        assert item.legal_basis.count("《") == item.legal_basis.count("》"), item.code
        assert item.target_type, item.code
        assert item.frequency_cap is None or item.frequency_cap >= 1, item.code


def test_item_kind_and_caps() -> None:
    for item in CHECK_ITEMS:
        if item.category in KEY_CATEGORIES:
            assert item.kind is ItemKind.KEY, item.code
            assert item.frequency_cap == 2, item.code
        else:
            assert item.kind is ItemKind.GENERAL, item.code


def test_emergency_categories_have_items_of_their_owning_unit() -> None:
    owners = {
        "非煤矿山企业的安全检查": "FMK",
        "危险化学品及相关企业的安全检查": "WHK",
        "工贸行业企业的安全检查": "GMK",
        "煤矿企业的安全检查": "MTK",
        "安全评价机构、检测检验机构的行政检查": "BGS",
        "安全生产培训机构的行政检查": "RSK",
        "对防震减灾科普学校(基地)开展宣传教育情况的随机抽查": "ZFK",
    }
    assert set(owners) == set(EMERGENCY_CATEGORIES)
    for category, owner in owners.items():
        items = items_in_category(category)
        expected = 1 if owner == "ZFK" else 2
        assert len(items) >= expected, category
        assert len(items) <= 4, category
        assert {i.department_code for i in items} == {owner}
        assert {i.dept_type for i in items} == {"应急管理"}


def test_earthquake_education_item_is_named_after_its_category() -> None:
    (item,) = items_in_category("对防震减灾科普学校（基地）开展宣传教育情况的随机抽查")
    assert item.code == "YJ-FZ-001"
    assert item.name == item.category


@pytest.mark.parametrize("category", SEED_CATEGORIES)
def test_every_category_of_attachment_1_has_items(category: str) -> None:
    assert items_in_category(category)


def test_categories_parsed_from_attachment_1_match() -> None:
    categories = _seed_category_of_internal_plans()
    assert sorted(categories) == sorted(SEED_CATEGORIES)
    assert all(items_in_category(c) for c in categories)


@pytest.mark.parametrize(("dept_type", "name"), SEED_PARTNER_ITEMS)
def test_every_partner_item_of_attachment_2_is_listed(dept_type: str, name: str) -> None:
    code = ITEMS_BY_NAME[name]
    assert item_code_for(name) == code
    assert item_code_for(name.replace("(", "（").replace(")", "）")) == code
    item = ITEMS_BY_CODE[code]
    assert item.dept_type == dept_type
    assert DEPARTMENTS_BY_CODE[item.department_code].kind is DepartmentKind.PARTNER


def test_items_parsed_from_attachment_2_resolve() -> None:
    joint = _seed_joint_items()
    assert len(joint) >= 20
    for dept_type, text in joint:
        if dept_type == "应急管理":
            assert items_in_category(text) or item_code_for(text), text
            continue
        code = item_code_for(text)
        assert code is not None, text
        assert ITEMS_BY_CODE[code].dept_type == dept_type, text
    partner_names = {normalise_name(name) for dept_type, name in joint if dept_type != "应急管理"}
    assert partner_names == {name for _, name in SEED_PARTNER_ITEMS}


def test_unknown_item_and_category() -> None:
    assert item_code_for("不存在的事项") is None
    assert items_in_category("不存在的类别") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对托育（幼）机构卫生的监督检查", "对托育(幼)机构卫生的监督检查"),
        ("应急管理部门：  非煤矿山企业的安全检查；", "应急管理部门: 非煤矿山企业的安全检查;"),
        ("结合企业信用风险等级，3%以上", "结合企业信用风险等级,3%以上"),
        ("\t 执法一大队 \u3000", "执法一大队"),
    ],
)
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected
