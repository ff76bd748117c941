"""The 2026 plans parsed from the seed document, checked row by row against values copied by hand.

Naming rule under test: plan and task numbers lose every space ("秦联 2026025" → "秦联2026025", "001 号" →
"001号"); plan and task names collapse whitespace and drop every space that touches a Chinese character or
Chinese punctuation ("2026 年市应急管理局非煤矿山随机抽查计划 001" → "2026年市应急管理局非煤矿山随机抽查计划001").
The ``*_text`` fields (and ``scope.text``, ``sampling.text``, ``notes``) keep the document's words as written.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

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
from app.domain.plans.seed import ISSUING_DOCUMENT, parse_plan_document

DOCUMENT_NAME = "qinhuangdao-2026-random-inspection-plan.md"
DOCUMENT = Path(__file__).resolve().parents[2] / "app" / "data" / DOCUMENT_NAME
SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "seed" / DOCUMENT_NAME

TITLE = "秦皇岛市应急管理局关于印发2026年度随机抽查工作计划的通知"
ISSUED_ON = date(2026, 3, 3)

NOTES_1 = (
    "1. 2026 年度局内部联合随机抽查涉及工贸科、非煤科、危化科、执法一大队、执法二大队、执法三大队的，"
    "各执法大队请结合局《2026 年度安全生产监督检查计划》本着“能联尽联、应联尽联”的原则开展联合随机抽查，"
    "每个季度发起内部联合随机抽查不得少于 2 次。\n"
    "2. 煤炭安全管理科、局办公室、人事培训科根据工作需要联合相关科室（大队）开展随机抽查或自行开展随机抽查。"
)
NOTES_2 = (
    "1. 2026 年度跨部门联合随机抽查, 我局作为发起部门, 涉及非煤科、危化科、执法一大队、执法二大队, 抽查时, "
    "请结合局《2026 年度安全生产监督检查计划》确定一定数量企业与跨部门联合抽查计划同步执行, 原则上各行业不少于 3 家。"
    " 2. 2026 年度跨部门联合随机抽查, 我局作为联合部门, 涉及震害防御科。"
)

QUOTA = "按照市政府批准的年度监督检查计划中规定的数量开展。"
FEB_DEC = "2026 年 2 月至 12 月"
CREDIT_3 = "结合企业信用风险等级, 3%以上"
GM_ALL = ("GM", "GM-YJ", "GM-YS", "GM-JC", "GM-JX", "GM-QG", "GM-FZ", "GM-YC", "GM-SM")


def _internal(
    no: str,
    plan_name: str,
    task_name: str,
    items_text: str,
    scope: TargetScope,
    lead: tuple[str, str],
    joint: tuple[str, str] | None,
    items: tuple[str, ...],
) -> Plan:
    """An expected 附件 1 plan: one directed task on the annual quota, Feb–Dec, items keyed by the lead unit."""
    lead_text, lead_code = lead
    joint_text, joint_codes = (joint[0], (joint[1],)) if joint else ("", ())
    task = Task(
        task_no=f"{no}号",
        name=task_name,
        task_type=TaskType.DIRECTED,
        joint_type=JointType.INTERNAL if joint else JointType.SINGLE,
        lead_department=lead_code,
        joint_departments=joint_codes,
        items={lead_code: items},
        items_text=items_text,
        scope=scope,
        window_start=date(2026, 2, 1),
        window_end=date(2026, 12, 31),
        window_text=FEB_DEC,
        sampling=SamplingRule(text=QUOTA, mode=SamplingMode.ANNUAL_QUOTA, team_departments=(lead_code, *joint_codes),
                              team_size=2),
        lead_text=lead_text,
        joint_text=joint_text,
    )
    return Plan(plan_no=f"2026{no}", name=plan_name, year=2026, kind=PlanKind.INTERNAL_JOINT,
                issuing_document=TITLE, issued_on=ISSUED_ON, tasks=[task], status=PlanStatus.PUBLISHED, version=1,
                notes=NOTES_1)


def _cross(no: str, task: Task) -> Plan:
    return Plan(plan_no=f"秦联2026{no}", name=f"2026年秦皇岛市部门联合抽查{no}", year=2026,
                kind=PlanKind.CROSS_DEPARTMENT, issuing_document=TITLE, issued_on=ISSUED_ON, tasks=[task],
                status=PlanStatus.PUBLISHED, version=1, notes=NOTES_2)


EXPECTED: tuple[Plan, ...] = (
    _internal(
        "001",
        "2026年市应急管理局非煤矿山随机抽查计划001",
        "秦应急执一2026年度内部联合随机抽查",
        "按照市应急管理局随机抽查事项清单“非煤矿山企业的安全检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市非煤矿山领域企业", industries=("FM",)),
        ("执法一大队", "ZF1"),
        ("非煤矿山安全监督管理科", "FMK"),
        ("YJ-FM-001", "YJ-FM-002", "YJ-FM-003", "YJ-FM-004"),
    ),
    _internal(
        "002",
        "2026年市应急管理局危化随机抽查计划002",
        "秦应急执二2026年度内部联合随机抽查",
        "按照市应急管理局随机抽查事项清单“危险化学品及相关企业的安全检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市危险化学品生产、经营企业", industries=("WH-SC", "WH-JY")),
        ("执法二大队", "ZF2"),
        ("危险化学品安全监督管理科", "WHK"),
        ("YJ-WH-001", "YJ-WH-002", "YJ-WH-003", "YJ-WH-004"),
    ),
    _internal(
        "003",
        "2026年市应急管理局工贸随机抽查计划003",
        "秦应急执三2026年度内部联合随机抽查",
        "按照市应急管理局随机抽查事项清单“工贸行业企业的安全检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市工贸行业企业", industries=GM_ALL),
        ("执法三大队", "ZF3"),
        ("工贸行业安全监督管理科", "GMK"),
        ("YJ-GM-001", "YJ-GM-002", "YJ-GM-003", "YJ-GM-004"),
    ),
    _internal(
        "004",
        "2026年市应急管理局煤矿随机抽查计划004",
        "秦应急煤矿监管2026年度内部联合随机抽查",
        "从市应急管理局随机抽查事项清单“煤矿企业的安全检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市煤矿企业", industries=("MK",)),
        ("煤炭安全管理科", "MTK"),
        None,
        ("YJ-MK-001", "YJ-MK-002", "YJ-MK-003"),
    ),
    _internal(
        "005",
        "2026年市应急管理局评价、检测机构随机抽查计划005",
        "秦应急评价、检测2026年度内部联合随机抽查",
        "从市应急管理局随机抽查事项清单“安全评价机构、检测检验机构的行政检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市安全评价机构、检测检验机构", industries=("PJ", "JC")),
        ("局办公室", "BGS"),
        None,
        ("YJ-PJ-001", "YJ-PJ-002", "YJ-PJ-003"),
    ),
    _internal(
        "006",
        "2026年市应急管理局培训机构随机抽查计划006",
        "秦应急培训2026年度内部联合随机抽查",
        "从市应急管理局随机抽查事项清单“安全生产培训机构的行政检查”抽查类别选取特定抽查事项",
        TargetScope(text="全市安全生产培训机构", industries=("PX",)),
        ("人事培训科", "RSK"),
        None,
        ("YJ-PX-001", "YJ-PX-002"),
    ),
    _cross(
        "025",
        Task(
            task_no="秦联025",
            name="2026年秦皇岛市非煤矿山“一查”跨部门联合抽查",
            task_type=TaskType.DIRECTED,
            joint_type=JointType.CROSS_DEPARTMENT,
            lead_department="FMK",
            joint_departments=("ZF1", "SW", "QX", "ST"),
            items={
                "FMK": ("YJ-FM-001", "YJ-FM-002", "YJ-FM-003", "YJ-FM-004"),
                "SW": ("SW-001",),
                "QX": ("QX-001",),
                "ST": ("ST-001", "ST-002", "ST-003"),
            },
            items_text=(
                "应急管理部门: 非煤矿山企业的安全检查; 水务部门: 对单位/个人取用水行为的随机抽查; "
                "气象部门: 对雷电灾害防御活动的执法检查; 生态环境部门: 对建设项目(含海岸工程建设项目)、"
                "排放污染物的企业、事业单位和其他生产经营者的检查; 自然保护区内非法开矿、修路、筑坝、建设情况; "
                "对建设项目环境影响评价制度执行情况的检查(表)的检查"
            ),
            scope=TargetScope(text="非煤矿山", industries=("FM",)),
            window_start=date(2026, 7, 1),
            window_end=date(2026, 8, 31),
            window_text="2026 年 7-8 月",
            sampling=SamplingRule(text=CREDIT_3, mode=SamplingMode.CREDIT_RATIO, min_ratio=0.03, min_per_industry=3,
                                  team_departments=("FMK", "ZF1", "SW", "QX", "ST"), team_size=2),
            lead_text="非煤矿山安全监管科/执法一大队",
            joint_text="水务局、市气象局、市生态环境局",
        ),
    ),
    _cross(
        "031",
        Task(
            task_no="秦联031",
            name="2026年秦皇岛市危险化学品行业“一查”跨部门联合抽查",
            task_type=TaskType.DIRECTED,
            joint_type=JointType.CROSS_DEPARTMENT,
            lead_department="WHK",
            joint_departments=("ZF2", "GX", "ST", "QX"),
            items={
                "WHK": ("YJ-WH-001", "YJ-WH-002", "YJ-WH-003", "YJ-WH-004"),
                "GX": ("GX-001",),
                "ST": ("ST-001", "ST-004"),
                "QX": ("QX-002",),
            },
            items_text=(
                "应急管理部门: 危险化学品及相关企业的安全检查; 工信部门: 监控化学品专项监督检查; "
                "生态环境部门: 对建设项目(含海岸工程建设项目)、排放污染物的企业、事业单位和其他生产经营者的检查; "
                "对建设项目环境影响报告书(表)的检查 气象部门: 对雷电灾害防御活动的监督检查"
            ),
            scope=TargetScope(text="全市危险化学品生产企业", industries=("WH-SC",)),
            window_start=date(2026, 10, 1),
            window_end=date(2026, 11, 30),
            window_text="2026 年 10-11 月",
            sampling=SamplingRule(text=CREDIT_3, mode=SamplingMode.CREDIT_RATIO, min_ratio=0.03, min_per_industry=3,
                                  team_departments=("WHK", "ZF2", "GX", "ST", "QX"), team_size=2),
            lead_text="危险化学品安全监管科/执法二大队",
            joint_text="市工信局、市生态环境局、市气象局",
        ),
    ),
    _cross(
        "040",
        Task(
            task_no="秦联040",
            name="2026年秦皇岛市跨部门联合抽查",
            task_type=TaskType.DIRECTED,
            joint_type=JointType.CROSS_DEPARTMENT,
            lead_department="JY",
            joint_departments=("WJ", "SJ", "ZFK", "QX"),
            items={
                "JY": ("JY-001", "JY-002", "JY-003", "JY-004", "JY-005", "JY-006"),
                "WJ": ("WJ-001", "WJ-002", "WJ-003"),
                "SJ": ("SJ-001", "SJ-002"),
                "ZFK": ("YJ-FZ-001",),
                "QX": ("QX-003",),
            },
            items_text=(
                "教育部门: 学校体育、美育、卫生与健康教育工作的检查; 对中小学等持有教师资格证者的监管; "
                "教师培训工作的检查; 对校园安全工作落实情况的监督检查; 对中小学国家课程教材使用的检查; "
                "自费出国留学中介机构检查 卫健部门: 对学校卫生的监督检查; 对托育(幼)机构卫生的监督检查; "
                "对饮用水卫生的监督检查; 市场监管部门: 餐饮服务监督检查; 校园食品销售监督检查; "
                "应急管理部门: 对防震减灾科普学校(基地)开展宣传教育情况的随机抽查; "
                "气象部门: 对气象灾害防御工作的监督检查"
            ),
            scope=TargetScope(text="市直属院校(含民办学校、培训机构)", industries=("XX",)),
            window_start=date(2026, 4, 1),
            window_end=date(2026, 11, 30),
            window_text="2026 年 4-11 月",
            sampling=SamplingRule(text="3%以上", mode=SamplingMode.RATIO, min_ratio=0.03, min_per_industry=None,
                                  team_departments=("ZFK",), team_size=2),
            lead_text="市教育相关科室",
            joint_text="市卫健委、市市场监管局、市应急管理局(震防御科)、市气象局",
        ),
    ),
)


@pytest.fixture(scope="module")
def document() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plans(document: str) -> dict[str, Plan]:
    return {plan.plan_no: plan for plan in parse_plan_document(document)}


# --------------------------------------------------------------------------------------------- the nine rows


def test_nine_plans_in_document_order(document: str) -> None:
    assert [p.plan_no for p in parse_plan_document(document)] == [p.plan_no for p in EXPECTED]


def _assert_fields(actual: Any, expected: Any, where: str, skip: tuple[str, ...] = ()) -> None:
    for f in dataclasses.fields(expected):
        if f.name not in skip:
            assert getattr(actual, f.name) == getattr(expected, f.name), f"{where}.{f.name}"


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.plan_no for p in EXPECTED])
def test_every_field_of_every_row(plans: dict[str, Plan], expected: Plan) -> None:
    actual = plans[expected.plan_no]
    _assert_fields(actual, expected, expected.plan_no, skip=("tasks",))
    assert len(actual.tasks) == 1
    (task,), (want,) = actual.tasks, expected.tasks
    where = f"{expected.plan_no}/{want.task_no}"
    _assert_fields(task, want, where, skip=("items", "scope", "sampling"))
    assert list(task.items) == list(want.items), f"{where}.items departments (document order)"
    for department, codes in want.items.items():
        assert task.items[department] == codes, f"{where}.items[{department}]"
    _assert_fields(task.scope, want.scope, f"{where}.scope")
    _assert_fields(task.sampling, want.sampling, f"{where}.sampling")
    assert actual == expected


def test_issuing_document_is_the_notice_title_without_spaces(document: str) -> None:
    heading = "## 秦皇岛市应急管理局 关于印发 2026 年度随机抽查工作计划的 通知"
    assert heading in document.splitlines()
    assert ISSUING_DOCUMENT == TITLE == heading.removeprefix("## ").replace(" ", "")
    assert "2026 年 3 月 3 日" in document


def test_numbers_and_names_follow_the_naming_rule(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        task = plan.tasks[0]
        for text in (plan.plan_no, task.task_no):
            assert text == "".join(text.split())
        # no name of the seed has a Latin word, so the rule leaves no space at all
        assert " " not in plan.name
        assert " " not in task.name


def test_bureau_only_joins_040(plans: dict[str, Plan]) -> None:
    task = plans["秦联2026040"].tasks[0]
    assert task.departments == ("JY", "WJ", "SJ", "ZFK", "QX")
    assert task.sampling.team_departments == ("ZFK",)
    assert task.sampling.min_per_industry is None


# --------------------------------------------------------------------------------------------- the document


def test_shipped_copy_equals_the_shared_seed() -> None:
    if not SHARED_COPY.is_file():
        pytest.skip(f"shared seed not found at {SHARED_COPY}")
    assert DOCUMENT.read_bytes() == SHARED_COPY.read_bytes()


def test_parsing_is_deterministic(document: str) -> None:
    assert parse_plan_document(document) == parse_plan_document(document)


def _variant(document: str, old: str, new: str) -> str:
    assert document.count(old) >= 1, old
    return document.replace(old, new)


def test_undirected_task_type(document: str) -> None:
    text = _variant(document, "\t定向\t3%以上\t", "\t不定向抽查\t3%以上\t")
    assert parse_plan_document(text)[-1].tasks[0].task_type is TaskType.UNDIRECTED


def test_window_end_is_the_last_day_of_the_month(document: str) -> None:
    text = _variant(document, "\t2026 年 7-8 月", "\t2028 年 2 月")
    task = parse_plan_document(text)[6].tasks[0]
    assert (task.window_start, task.window_end) == (date(2028, 2, 1), date(2028, 2, 29))
    assert task.window_text == "2028 年 2 月"


@pytest.mark.parametrize(
    ("old", "new", "code", "name"),
    [
        ("\t执法三大队\t", "\t执法九大队\t", "plans.seed_unit_unknown", "执法九大队"),
        ("市卫健委、", "市公安局、", "plans.seed_unit_unknown", "市公安局"),
        ("对饮用水卫生的监督检查", "对游泳场所卫生的监督检查", "plans.seed_item_unknown", "对游泳场所卫生的监督检查"),
        ("“煤矿企业的安全检查”", "“燃气企业的安全检查”", "plans.seed_item_unknown", "燃气企业的安全检查"),
        ("应急管理部门: 危险化学品及相关企业的安全检查", "应急管理部门: 烟花爆竹企业的安全检查",
         "plans.seed_item_unknown", "烟花爆竹企业的安全检查"),
        # a real item, but of another department type
        ("水务部门: 对单位/个人取用水行为的随机抽查", "水务部门: 餐饮服务监督检查", "plans.seed_item_unknown",
         "餐饮服务监督检查"),
        # an unknown "XX部门:" is no segment boundary: its words become part of the previous segment's item
        ("气象部门: 对气象灾害防御工作的监督检查", "公安部门: 对气象灾害防御工作的监督检查",
         "plans.seed_item_unknown", "公安部门: 对气象灾害防御工作的监督检查"),
    ],
)
def test_unknown_unit_or_item(document: str, old: str, new: str, code: str, name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_plan_document(_variant(document, old, new))
    assert caught.value.code == code
    assert caught.value.details["name"] == name


def test_items_of_a_department_not_taking_part(document: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_plan_document(_variant(document, "\t水务局、市气象局", "\t市气象局"))
    assert caught.value.code == "plans.seed_item_department_missing"
    assert caught.value.details["dept_type"] == "水务"


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("\t全市煤矿企业\t", "\t全市燃气企业\t", "plans.seed_scope_unknown"),
        ("\t非煤矿山\t", "\t非煤矿山及尾矿库\t", "plans.seed_scope_unknown"),
        ("\t2026 年 7-8 月", "\t2026 年夏季", "plans.seed_window_unreadable"),
        ("\t2026 年 4-11 月", "\t2026 年 11-4 月", "plans.seed_window_unreadable"),
        ("\t2026 年 10-11 月", "\t2026 年 10-13 月", "plans.seed_window_unreadable"),
        ("\t定向\t3%以上\t", "\t随机\t3%以上\t", "plans.seed_task_type_unknown"),
        ("\t定向\t3%以上\t", "\t定向\t适量\t", "plans.seed_sampling_unknown"),
        ("\t联合部门\t", "\t配合部门\t", "plans.seed_header_unknown"),
        ("秦皇岛市应急管理局 关于印发", "秦皇岛市应急管理局 印发", "plans.seed_header_unknown"),
        ("秦联 2026031\t", "秦联 26031\t", "plans.seed_row_malformed"),
    ],
)
def test_unreadable_cells(document: str, old: str, new: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_plan_document(_variant(document, old, new))
    assert caught.value.code == code


def test_a_document_without_tables_is_refused(document: str) -> None:
    head = document.split("# 附件 1")[0]
    with pytest.raises(InvalidInput) as caught:
        parse_plan_document(head)
    assert caught.value.code == "plans.seed_row_malformed"
