"""The bureau's reference data: its departments and partners, and the published check-item list (一单).

The data follows the 2026 plan (``shared/seed/qinhuangdao-2026-random-inspection-plan.md``): the categories its
internal joint plans select items from (附件 1) and the items its cross-department plans name (附件 2).
Item names keep the seed's spelling (half-width parentheses); every lookup goes through :func:`normalise_name`,
so full-width spellings and stray whitespace still resolve.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.domain.directories.model import (
    CheckItem,
    CheckMethod,
    Department,
    DepartmentKind,
    ItemKind,
    ItemStatus,
)

_BUREAU = "秦皇岛市应急管理局"
_EM = "应急管理"

# ---------------------------------------------------------------------------------------------------------------
# Name normalisation
# ---------------------------------------------------------------------------------------------------------------

_FULL_TO_HALF = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "／": "/",
    }
)


def normalise_name(text: str) -> str:
    """Map full-width parentheses, colons, commas, semicolons and slashes to half-width; collapse whitespace."""
    return " ".join(text.translate(_FULL_TO_HALF).split())


def _key(text: str) -> str:
    """Lookup key: the normalised name without any whitespace (Chinese names carry no meaningful spaces)."""
    return normalise_name(text).replace(" ", "")


# ---------------------------------------------------------------------------------------------------------------
# Departments (bureau sections and brigades, partner departments)
# ---------------------------------------------------------------------------------------------------------------


def _bureau_unit(code: str, unit: str, short_name: str, kind: DepartmentKind) -> Department:
    return Department(code=code, name=f"{_BUREAU}{unit}", short_name=short_name, kind=kind, dept_type=_EM)


DEPARTMENTS: tuple[Department, ...] = (
    # 执法大队
    _bureau_unit("ZF1", "执法一大队", "执法一大队", DepartmentKind.BRIGADE),
    _bureau_unit("ZF2", "执法二大队", "执法二大队", DepartmentKind.BRIGADE),
    _bureau_unit("ZF3", "执法三大队", "执法三大队", DepartmentKind.BRIGADE),
    # 业务科室
    _bureau_unit("FMK", "非煤矿山安全监督管理科", "非煤科", DepartmentKind.SECTION),
    _bureau_unit("WHK", "危险化学品安全监督管理科", "危化科", DepartmentKind.SECTION),
    _bureau_unit("GMK", "工贸行业安全监督管理科", "工贸科", DepartmentKind.SECTION),
    _bureau_unit("MTK", "煤炭安全管理科", "煤炭安全管理科", DepartmentKind.SECTION),
    _bureau_unit("BGS", "办公室", "局办公室", DepartmentKind.SECTION),
    _bureau_unit("RSK", "人事培训科", "人事培训科", DepartmentKind.SECTION),
    _bureau_unit("ZJK", "执法监督科", "执法监督科", DepartmentKind.SECTION),
    _bureau_unit("ZFK", "震害防御科", "震害防御科", DepartmentKind.SECTION),
    # 联合部门
    Department("SW", "秦皇岛市水务局", "水务局", DepartmentKind.PARTNER, "水务"),
    Department("QX", "秦皇岛市气象局", "市气象局", DepartmentKind.PARTNER, "气象"),
    Department("ST", "秦皇岛市生态环境局", "市生态环境局", DepartmentKind.PARTNER, "生态环境"),
    Department("GX", "秦皇岛市工业和信息化局", "市工信局", DepartmentKind.PARTNER, "工信"),
    Department("JY", "秦皇岛市教育局", "市教育局", DepartmentKind.PARTNER, "教育"),
    Department("WJ", "秦皇岛市卫生健康委员会", "市卫健委", DepartmentKind.PARTNER, "卫健"),
    Department("SJ", "秦皇岛市市场监督管理局", "市市场监管局", DepartmentKind.PARTNER, "市场监管"),
)

DEPARTMENTS_BY_CODE: Mapping[str, Department] = MappingProxyType({d.code: d for d in DEPARTMENTS})

#: Other spellings of unit names (the seed's tables and notes, common abbreviations) → department code.
#: Full names and short names of :data:`DEPARTMENTS` are added automatically.
_EXTRA_ALIASES: dict[str, str] = {
    # 执法大队
    "一大队": "ZF1",
    "执法1大队": "ZF1",
    "二大队": "ZF2",
    "执法2大队": "ZF2",
    "三大队": "ZF3",
    "执法3大队": "ZF3",
    # 非煤矿山安全监督管理科
    "非煤矿山安全监督管理科": "FMK",
    "非煤矿山安全监管科": "FMK",
    "非煤矿山科": "FMK",
    "非煤科": "FMK",
    # 危险化学品安全监督管理科
    "危险化学品安全监督管理科": "WHK",
    "危险化学品安全监管科": "WHK",
    "危险化学品科": "WHK",
    "危化品科": "WHK",
    "危化科": "WHK",
    # 工贸行业安全监督管理科
    "工贸行业安全监督管理科": "GMK",
    "工贸行业安全监管科": "GMK",
    "工贸科": "GMK",
    # 煤炭安全管理科
    "煤炭安全管理科": "MTK",
    "煤炭科": "MTK",
    # 局办公室
    "局办公室": "BGS",
    "办公室": "BGS",
    # 人事培训科
    "人事培训科": "RSK",
    # 执法监督科
    "执法监督科": "ZJK",
    # 震害防御科
    "震害防御科": "ZFK",
    "震防御科": "ZFK",
    "震防科": "ZFK",
    "市应急管理局(震防御科)": "ZFK",
    "市应急管理局(震害防御科)": "ZFK",
    # 水务
    "水务局": "SW",
    "市水务局": "SW",
    "水务部门": "SW",
    # 气象
    "气象局": "QX",
    "市气象局": "QX",
    "气象部门": "QX",
    # 生态环境
    "生态环境局": "ST",
    "市生态环境局": "ST",
    "生态环境部门": "ST",
    # 工信
    "工信局": "GX",
    "市工信局": "GX",
    "工业和信息化局": "GX",
    "市工业和信息化局": "GX",
    "工信部门": "GX",
    # 教育
    "教育局": "JY",
    "市教育局": "JY",
    "教育部门": "JY",
    "市教育相关科室": "JY",
    # 卫健
    "卫健委": "WJ",
    "市卫健委": "WJ",
    "卫生健康委员会": "WJ",
    "市卫生健康委员会": "WJ",
    "卫健部门": "WJ",
    # 市场监管
    "市场监管局": "SJ",
    "市市场监管局": "SJ",
    "市场监督管理局": "SJ",
    "市市场监督管理局": "SJ",
    "市场监管部门": "SJ",
}


def _build_aliases() -> dict[str, str]:
    pairs: list[tuple[str, str]] = []
    for dept in DEPARTMENTS:
        pairs += [(dept.name, dept.code), (dept.short_name, dept.code)]
        if dept.name.startswith("秦皇岛市"):
            pairs.append((dept.name.removeprefix("秦皇岛"), dept.code))  # 市应急管理局执法一大队, 市水务局 …
    pairs += _EXTRA_ALIASES.items()
    aliases: dict[str, str] = {}
    for name, code in pairs:
        if aliases.setdefault(name, code) != code:
            raise ValueError(f"ambiguous department alias {name!r}")
    unknown = set(aliases.values()) - DEPARTMENTS_BY_CODE.keys()
    if unknown:
        raise ValueError(f"aliases point to unknown departments: {sorted(unknown)}")
    return aliases


DEPARTMENT_ALIASES: Mapping[str, str] = MappingProxyType(_build_aliases())

_DEPARTMENT_INDEX: Mapping[str, str] = MappingProxyType({_key(k): v for k, v in DEPARTMENT_ALIASES.items()})


def department_code_for(name: str) -> str | None:
    """The department code a unit name refers to (any spelling of :data:`DEPARTMENT_ALIASES`), else ``None``."""
    key = _key(name)
    if key in DEPARTMENTS_BY_CODE:
        return key
    return _DEPARTMENT_INDEX.get(key)


# ---------------------------------------------------------------------------------------------------------------
# Check items (抽查事项清单)
# ---------------------------------------------------------------------------------------------------------------

#: Emergency-management categories (抽查类别) as the seed's plans name them.
CATEGORY_NON_COAL_MINES = "非煤矿山企业的安全检查"
CATEGORY_HAZARDOUS_CHEMICALS = "危险化学品及相关企业的安全检查"
CATEGORY_INDUSTRY_TRADE = "工贸行业企业的安全检查"
CATEGORY_COAL_MINES = "煤矿企业的安全检查"
CATEGORY_ASSESSMENT_BODIES = "安全评价机构、检测检验机构的行政检查"
CATEGORY_TRAINING_BODIES = "安全生产培训机构的行政检查"
CATEGORY_EARTHQUAKE_EDUCATION = "对防震减灾科普学校(基地)开展宣传教育情况的随机抽查"

EMERGENCY_CATEGORIES: tuple[str, ...] = (
    CATEGORY_NON_COAL_MINES,
    CATEGORY_HAZARDOUS_CHEMICALS,
    CATEGORY_INDUSTRY_TRADE,
    CATEGORY_COAL_MINES,
    CATEGORY_ASSESSMENT_BODIES,
    CATEGORY_TRAINING_BODIES,
    CATEGORY_EARTHQUAKE_EDUCATION,
)

#: Categories whose items are 重点检查事项 (the high-risk industries).
KEY_CATEGORIES: frozenset[str] = frozenset({CATEGORY_NON_COAL_MINES, CATEGORY_HAZARDOUS_CHEMICALS, CATEGORY_COAL_MINES})

_KEY_CAP = 2
_GENERAL_CAP = 1

_SAFETY_LAW_65 = "《中华人民共和国安全生产法》第六十五条"


def _em_item(
    code: str,
    name: str,
    category: str,
    department_code: str,
    legal_basis: str,
    target_type: str,
    method: CheckMethod = CheckMethod.ON_SITE,
) -> CheckItem:
    key = category in KEY_CATEGORIES
    return CheckItem(
        code=code,
        name=name,
        category=category,
        dept_type=_EM,
        department_code=department_code,
        legal_basis=legal_basis,
        method=method,
        target_type=target_type,
        kind=ItemKind.KEY if key else ItemKind.GENERAL,
        frequency_cap=_KEY_CAP if key else _GENERAL_CAP,
        status=ItemStatus.PUBLISHED,
    )


def _partner_item(
    code: str,
    name: str,
    category: str,
    department_code: str,
    legal_basis: str,
    target_type: str,
    method: CheckMethod = CheckMethod.ON_SITE,
    frequency_cap: int | None = _GENERAL_CAP,
) -> CheckItem:
    return CheckItem(
        code=code,
        name=name,
        category=category,
        dept_type=DEPARTMENTS_BY_CODE[department_code].dept_type,
        department_code=department_code,
        legal_basis=legal_basis,
        method=method,
        target_type=target_type,
        kind=ItemKind.GENERAL,
        frequency_cap=frequency_cap,
        status=ItemStatus.PUBLISHED,
    )


_EMERGENCY_ITEMS: tuple[CheckItem, ...] = (
    # 非煤矿山企业的安全检查 (非煤科)
    _em_item(
        "YJ-FM-001",
        "对非煤矿山企业安全生产许可证持证及安全生产条件保持情况的检查",
        CATEGORY_NON_COAL_MINES,
        "FMK",
        f"{_SAFETY_LAW_65}；《中华人民共和国矿山安全法》；《安全生产许可证条例》；《非煤矿矿山企业安全生产许可证实施办法》",
        "非煤矿山企业",
    ),
    _em_item(
        "YJ-FM-002",
        "对非煤矿山企业安全生产主体责任落实情况的检查",
        CATEGORY_NON_COAL_MINES,
        "FMK",
        f"{_SAFETY_LAW_65}；《中华人民共和国矿山安全法》；《金属非金属矿山安全规程》",
        "非煤矿山企业",
    ),
    _em_item(
        "YJ-FM-003",
        "对非煤矿山企业重大事故隐患排查治理情况的检查",
        CATEGORY_NON_COAL_MINES,
        "FMK",
        f"{_SAFETY_LAW_65}；《金属非金属矿山重大事故隐患判定标准》",
        "非煤矿山企业",
    ),
    _em_item(
        "YJ-FM-004",
        "对尾矿库安全运行管理情况的检查",
        CATEGORY_NON_COAL_MINES,
        "FMK",
        f"{_SAFETY_LAW_65}；《尾矿库安全监督管理规定》",
        "非煤矿山企业",
    ),
    # 危险化学品及相关企业的安全检查 (危化科)
    _em_item(
        "YJ-WH-001",
        "对危险化学品生产企业安全生产许可证持证及安全生产条件保持情况的检查",
        CATEGORY_HAZARDOUS_CHEMICALS,
        "WHK",
        f"{_SAFETY_LAW_65}；《危险化学品安全管理条例》；《安全生产许可证条例》；《危险化学品生产企业安全生产许可证实施办法》",
        "危险化学品生产企业",
    ),
    _em_item(
        "YJ-WH-002",
        "对危险化学品经营企业经营许可及安全经营条件的检查",
        CATEGORY_HAZARDOUS_CHEMICALS,
        "WHK",
        f"{_SAFETY_LAW_65}；《危险化学品安全管理条例》；《危险化学品经营许可证管理办法》",
        "危险化学品经营企业",
    ),
    _em_item(
        "YJ-WH-003",
        "对危险化学品重大危险源安全管理及监测监控情况的检查",
        CATEGORY_HAZARDOUS_CHEMICALS,
        "WHK",
        f"{_SAFETY_LAW_65}；《危险化学品安全管理条例》；《危险化学品重大危险源监督管理暂行规定》",
        "危险化学品生产、经营企业",
        CheckMethod.ONLINE_MONITORING,
    ),
    _em_item(
        "YJ-WH-004",
        "对化工和危险化学品企业重大生产安全事故隐患排查治理情况的检查",
        CATEGORY_HAZARDOUS_CHEMICALS,
        "WHK",
        f"{_SAFETY_LAW_65}；《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准(试行)》",
        "危险化学品生产、经营企业",
    ),
    # 工贸行业企业的安全检查 (工贸科)
    _em_item(
        "YJ-GM-001",
        "对工贸企业安全生产主体责任落实情况的检查",
        CATEGORY_INDUSTRY_TRADE,
        "GMK",
        _SAFETY_LAW_65,
        "工贸行业企业",
    ),
    _em_item(
        "YJ-GM-002",
        "对工贸企业重大事故隐患排查治理情况的检查",
        CATEGORY_INDUSTRY_TRADE,
        "GMK",
        f"{_SAFETY_LAW_65}；《工贸企业重大事故隐患判定标准》",
        "工贸行业企业",
    ),
    _em_item(
        "YJ-GM-003",
        "对粉尘涉爆企业粉尘防爆安全管理情况的检查",
        CATEGORY_INDUSTRY_TRADE,
        "GMK",
        f"{_SAFETY_LAW_65}；《工贸企业粉尘防爆安全规定》",
        "工贸行业企业",
    ),
    _em_item(
        "YJ-GM-004",
        "对工贸企业有限空间作业安全管理情况的检查",
        CATEGORY_INDUSTRY_TRADE,
        "GMK",
        f"{_SAFETY_LAW_65}；《工贸企业有限空间作业安全规定》",
        "工贸行业企业",
    ),
    # 煤矿企业的安全检查 (煤炭安全管理科)
    _em_item(
        "YJ-MK-001",
        "对煤矿企业安全生产许可证持证及安全生产条件保持情况的检查",
        CATEGORY_COAL_MINES,
        "MTK",
        f"{_SAFETY_LAW_65}；《煤矿安全生产条例》；《安全生产许可证条例》；《煤矿企业安全生产许可证实施办法》",
        "煤矿企业",
    ),
    _em_item(
        "YJ-MK-002",
        "对煤矿企业执行《煤矿安全规程》情况的检查",
        CATEGORY_COAL_MINES,
        "MTK",
        f"{_SAFETY_LAW_65}；《煤矿安全生产条例》；《煤矿安全规程》",
        "煤矿企业",
    ),
    _em_item(
        "YJ-MK-003",
        "对煤矿重大事故隐患排查治理情况的检查",
        CATEGORY_COAL_MINES,
        "MTK",
        f"{_SAFETY_LAW_65}；《煤矿安全生产条例》；《煤矿重大事故隐患判定标准》",
        "煤矿企业",
    ),
    # 安全评价机构、检测检验机构的行政检查 (局办公室)
    _em_item(
        "YJ-PJ-001",
        "对安全评价机构资质条件保持及执业活动情况的检查",
        CATEGORY_ASSESSMENT_BODIES,
        "BGS",
        "《中华人民共和国安全生产法》；《安全评价检测检验机构管理办法》(应急管理部令第1号)",
        "安全评价机构",
    ),
    _em_item(
        "YJ-PJ-002",
        "对安全生产检测检验机构资质条件保持及执业活动情况的检查",
        CATEGORY_ASSESSMENT_BODIES,
        "BGS",
        "《中华人民共和国安全生产法》；《安全评价检测检验机构管理办法》(应急管理部令第1号)",
        "检测检验机构",
    ),
    _em_item(
        "YJ-PJ-003",
        "对安全评价报告、检测检验报告质量的检查",
        CATEGORY_ASSESSMENT_BODIES,
        "BGS",
        "《安全评价检测检验机构管理办法》(应急管理部令第1号)",
        "安全评价机构、检测检验机构",
        CheckMethod.DOCUMENTARY,
    ),
    # 安全生产培训机构的行政检查 (人事培训科)
    _em_item(
        "YJ-PX-001",
        "对安全生产培训机构培训条件及培训活动开展情况的检查",
        CATEGORY_TRAINING_BODIES,
        "RSK",
        "《中华人民共和国安全生产法》；《安全生产培训管理办法》",
        "安全生产培训机构",
    ),
    _em_item(
        "YJ-PX-002",
        "对安全生产培训机构培训档案及考核管理情况的检查",
        CATEGORY_TRAINING_BODIES,
        "RSK",
        "《安全生产培训管理办法》；《特种作业人员安全技术培训考核管理规定》",
        "安全生产培训机构",
        CheckMethod.DOCUMENTARY,
    ),
    # 防震减灾科普宣传教育 (震害防御科, joins 秦联2026040)
    _em_item(
        "YJ-FZ-001",
        CATEGORY_EARTHQUAKE_EDUCATION,
        CATEGORY_EARTHQUAKE_EDUCATION,
        "ZFK",
        "《中华人民共和国防震减灾法》",
        "防震减灾科普学校(基地)",
    ),
)

_PARTNER_ITEMS: tuple[CheckItem, ...] = (
    # 水务
    _partner_item(
        "SW-001",
        "对单位/个人取用水行为的随机抽查",
        "取用水行为的监督检查",
        "SW",
        "《中华人民共和国水法》；《取水许可和水资源费征收管理条例》",
        "取用水单位和个人",
    ),
    # 气象
    _partner_item(
        "QX-001",
        "对雷电灾害防御活动的执法检查",
        "雷电灾害防御的监督检查",
        "QX",
        "《中华人民共和国气象法》；《气象灾害防御条例》；《防雷减灾管理办法》",
        "雷电防护装置使用单位",
    ),
    _partner_item(
        "QX-002",
        "对雷电灾害防御活动的监督检查",
        "雷电灾害防御的监督检查",
        "QX",
        "《中华人民共和国气象法》；《气象灾害防御条例》；《防雷减灾管理办法》",
        "雷电防护装置使用单位",
    ),
    _partner_item(
        "QX-003",
        "对气象灾害防御工作的监督检查",
        "气象灾害防御的监督检查",
        "QX",
        "《中华人民共和国气象法》；《气象灾害防御条例》",
        "学校等气象灾害防御重点单位",
    ),
    # 生态环境
    _partner_item(
        "ST-001",
        "对建设项目(含海岸工程建设项目)、排放污染物的企业、事业单位和其他生产经营者的检查",
        "污染源及建设项目的环境监督检查",
        "ST",
        "《中华人民共和国环境保护法》第二十四条；《中华人民共和国海洋环境保护法》；《排污许可管理条例》",
        "建设单位及排污单位",
    ),
    _partner_item(
        "ST-002",
        "自然保护区内非法开矿、修路、筑坝、建设情况",
        "自然保护区的监督检查",
        "ST",
        "《中华人民共和国自然保护区条例》",
        "自然保护区内的单位和个人",
        frequency_cap=None,
    ),
    _partner_item(
        "ST-003",
        "对建设项目环境影响评价制度执行情况的检查(表)的检查",
        "建设项目环境影响评价的监督检查",
        "ST",
        "《中华人民共和国环境影响评价法》；《建设项目环境保护管理条例》",
        "建设单位",
    ),
    _partner_item(
        "ST-004",
        "对建设项目环境影响报告书(表)的检查",
        "建设项目环境影响评价的监督检查",
        "ST",
        "《中华人民共和国环境影响评价法》；《建设项目环境保护管理条例》；《建设项目环境影响报告书(表)编制监督管理办法》",
        "建设单位及环境影响报告书(表)编制单位",
        CheckMethod.DOCUMENTARY,
    ),
    # 工信
    _partner_item(
        "GX-001",
        "监控化学品专项监督检查",
        "监控化学品的监督检查",
        "GX",
        "《监控化学品管理条例》；《〈监控化学品管理条例〉实施细则》",
        "监控化学品生产、经营、使用单位",
    ),
    # 教育
    _partner_item(
        "JY-001",
        "学校体育、美育、卫生与健康教育工作的检查",
        "学校教育教学工作的检查",
        "JY",
        "《中华人民共和国教育法》；《学校体育工作条例》；《学校卫生工作条例》",
        "学校",
    ),
    _partner_item(
        "JY-002",
        "对中小学等持有教师资格证者的监管",
        "教师管理的检查",
        "JY",
        "《中华人民共和国教师法》；《教师资格条例》",
        "持有教师资格证的教师",
        CheckMethod.DOCUMENTARY,
        frequency_cap=None,
    ),
    _partner_item(
        "JY-003",
        "教师培训工作的检查",
        "教师管理的检查",
        "JY",
        "《中华人民共和国教师法》；《中小学教师继续教育规定》",
        "学校及教师培训机构",
        CheckMethod.DOCUMENTARY,
    ),
    _partner_item(
        "JY-004",
        "对校园安全工作落实情况的监督检查",
        "校园安全的监督检查",
        "JY",
        "《中华人民共和国教育法》；《中小学幼儿园安全管理办法》",
        "学校及幼儿园",
    ),
    _partner_item(
        "JY-005",
        "对中小学国家课程教材使用的检查",
        "学校教育教学工作的检查",
        "JY",
        "《中华人民共和国教育法》；《中小学教材管理办法》",
        "中小学校",
    ),
    _partner_item(
        "JY-006",
        "自费出国留学中介机构检查",
        "自费出国留学中介机构的检查",
        "JY",
        "《自费出国留学中介服务管理规定》",
        "自费出国留学中介机构",
    ),
    # 卫健
    _partner_item(
        "WJ-001",
        "对学校卫生的监督检查",
        "公共卫生的监督检查",
        "WJ",
        "《学校卫生工作条例》；《中华人民共和国传染病防治法》",
        "学校",
    ),
    _partner_item(
        "WJ-002",
        "对托育(幼)机构卫生的监督检查",
        "公共卫生的监督检查",
        "WJ",
        "《托儿所幼儿园卫生保健管理办法》",
        "托育机构及幼儿园",
    ),
    _partner_item(
        "WJ-003",
        "对饮用水卫生的监督检查",
        "公共卫生的监督检查",
        "WJ",
        "《中华人民共和国传染病防治法》；《生活饮用水卫生监督管理办法》",
        "供水单位(含学校自备供水设施)",
    ),
    # 市场监管
    _partner_item(
        "SJ-001",
        "餐饮服务监督检查",
        "食品经营的监督检查",
        "SJ",
        "《中华人民共和国食品安全法》；《中华人民共和国食品安全法实施条例》",
        "餐饮服务提供者(含学校食堂)",
    ),
    _partner_item(
        "SJ-002",
        "校园食品销售监督检查",
        "食品经营的监督检查",
        "SJ",
        "《中华人民共和国食品安全法》；《学校食品安全与营养健康管理规定》",
        "校园及周边食品销售者",
    ),
)

CHECK_ITEMS: tuple[CheckItem, ...] = _EMERGENCY_ITEMS + _PARTNER_ITEMS


def _unique(pairs: list[tuple[str, str]], what: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for key, code in pairs:
        if key in mapping:
            raise ValueError(f"duplicate check-item {what}: {key!r}")
        mapping[key] = code
    return mapping


_unique([(i.code, i.code) for i in CHECK_ITEMS], "code")

ITEMS_BY_CODE: Mapping[str, CheckItem] = MappingProxyType({i.code: i for i in CHECK_ITEMS})

#: Item name, exactly as the seed writes it (half-width parentheses) → item code.
ITEMS_BY_NAME: Mapping[str, str] = MappingProxyType(_unique([(i.name, i.code) for i in CHECK_ITEMS], "name"))

_ITEM_INDEX: Mapping[str, str] = MappingProxyType(_unique([(_key(i.name), i.code) for i in CHECK_ITEMS], "name"))


def item_code_for(name: str) -> str | None:
    """The code of the item with this name, tolerant of full-width punctuation and whitespace; else ``None``."""
    return _ITEM_INDEX.get(_key(name))


def items_in_category(category: str) -> tuple[CheckItem, ...]:
    """The items of one 抽查类别 (the category text is normalised before comparing), in list order."""
    key = _key(category)
    return tuple(item for item in CHECK_ITEMS if _key(item.category) == key)


_CATEGORY_DEPARTMENTS: Mapping[str, str] = MappingProxyType({_key(i.category): i.department_code for i in CHECK_ITEMS})
_PARTNER_BY_TYPE: Mapping[str, str] = MappingProxyType(
    {d.dept_type: d.code for d in DEPARTMENTS if d.kind is DepartmentKind.PARTNER}
)


def department_for_item(dept_type: str, category: str) -> str | None:
    """The unit responsible for an item of this department type and category: the section that owns the
    category in the bureau's list (执法监督科 for a category the list does not have yet), else the partner
    department of that type; ``None`` when there is none."""
    if dept_type == _EM:
        return _CATEGORY_DEPARTMENTS.get(_key(category), "ZJK")
    return _PARTNER_BY_TYPE.get(dept_type)


def _check_references() -> None:
    for item in CHECK_ITEMS:
        dept = DEPARTMENTS_BY_CODE.get(item.department_code)
        if dept is None:
            raise ValueError(f"{item.code}: unknown department {item.department_code!r}")
        if dept.dept_type != item.dept_type:
            raise ValueError(f"{item.code}: dept_type {item.dept_type!r} differs from {dept.code}'s {dept.dept_type!r}")


_check_references()
