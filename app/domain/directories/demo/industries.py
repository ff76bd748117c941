"""Demo industries: name suffixes, counties, safety risk levels and tags per industry; credit and status shares.

The industry table is weighted per mille (工贸 ≈70 %, 危险化学品, 矿山, 中介机构与学校). Schools have no suffix
table: :func:`_school_name` names them after their county.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from app.domain.directories.demo.codes import (
    _REG_COMPANY,
    _REG_PRIVATE_NON_ENTERPRISE,
    _REG_PUBLIC_INSTITUTION,
    _REG_SOLE_TRADER,
    _REG_USUM,
)
from app.domain.directories.demo.places import (
    _BRANDS,
    _CHEMICAL_COUNTY_WEIGHTS,
    _COAL_COUNTY_WEIGHTS,
    _DEFAULT_COUNTY_WEIGHTS,
    _MINE_COUNTY_WEIGHTS,
    _SERVICE_COUNTY_WEIGHTS,
    _County,
    _county_table,
)
from app.domain.directories.demo.tables import _table, _words
from app.domain.directories.model import CreditClass, EnterpriseStatus, SafetyRiskLevel

_COMPANY_FORMS: tuple[tuple[str, int], ...] = (("有限公司", 16), ("有限责任公司", 3), ("股份有限公司", 1))

_CN_ORDINALS: tuple[str, ...] = _words(
    "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十"
)


#: A name suffix, the registration prefix of such an entity and that prefix's USCC weighted sum.
_Suffix = tuple[str, str, int]


def _suffixes(trades: str, specials: Sequence[tuple[str, str, int]] = ()) -> tuple[_Suffix, ...]:
    """Name suffix table: every trade word (``word:weight``) with a company form, plus special full suffixes."""
    weighted: list[tuple[_Suffix, int]] = []
    for item in trades.split():
        word, _, weight = item.partition(":")
        for form, form_weight in _COMPANY_FORMS:
            weighted.append(((word + form, _REG_COMPANY, _REG_USUM[_REG_COMPANY]), int(weight or 1) * form_weight))
    weighted.extend(((suffix, reg, _REG_USUM[reg]), weight * 20) for suffix, reg, weight in specials)
    return _table(weighted)


_A, _B, _C, _D = CreditClass.A, CreditClass.B, CreditClass.C, CreditClass.D
_MAJOR, _HIGH, _GENERAL, _LOW = (
    SafetyRiskLevel.MAJOR,
    SafetyRiskLevel.HIGH,
    SafetyRiskLevel.GENERAL,
    SafetyRiskLevel.LOW,
)

_TAG_MAJOR_HAZARD = "重大危险源"
_TAG_KEY_PROCESS = "重点监管危险化工工艺"
_TAG_DUST = "涉爆粉尘"
_TAG_CONFINED = "有限空间作业"
_TAG_TAILINGS = "尾矿库"


@dataclass(slots=True)
class _Industry:
    code: str
    counties: tuple[_County, ...]
    #: Name suffix table; empty for schools, which have their own names.
    suffixes: tuple[_Suffix, ...]
    safety: tuple[SafetyRiskLevel | None, ...]
    #: (tag, probability) in canonical tag order; independent of each other.
    tags: tuple[tuple[str, float], ...]
    #: Probability that the address is a village rather than a street number.
    rural: float
    #: Every combination of :attr:`tags`, weighted by its probability (per mille).
    tag_table: tuple[tuple[str, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        weighted: list[tuple[tuple[str, ...], int]] = []
        for present in product((True, False), repeat=len(self.tags)):
            p = 1.0
            for (_, tag_p), yes in zip(self.tags, present, strict=True):
                p *= tag_p if yes else 1.0 - tag_p
            combo = tuple(tag for (tag, _), yes in zip(self.tags, present, strict=True) if yes)
            weighted.append((combo, round(p * 1000)))
        self.tag_table = _table(weighted)


_SAFETY_HAZMAT_PRODUCTION = _table([(_MAJOR, 14), (_HIGH, 36), (_GENERAL, 38), (_LOW, 9), (None, 3)])
_SAFETY_HAZMAT_TRADE = _table([(_MAJOR, 3), (_HIGH, 17), (_GENERAL, 46), (_LOW, 29), (None, 5)])
_SAFETY_MINE = _table([(_MAJOR, 9), (_HIGH, 31), (_GENERAL, 42), (_LOW, 14), (None, 4)])
_SAFETY_COAL = _table([(_MAJOR, 30), (_HIGH, 50), (_GENERAL, 18), (None, 2)])
_SAFETY_HEAVY = _table([(_MAJOR, 3), (_HIGH, 17), (_GENERAL, 30), (_LOW, 15), (None, 35)])
_SAFETY_LIGHT = _table([(_HIGH, 4), (_GENERAL, 20), (_LOW, 26), (None, 50)])
_SAFETY_SERVICE = _table([(_GENERAL, 5), (_LOW, 20), (None, 75)])

_GM_TAGS = ((_TAG_CONFINED, 0.18),)
_GM_DUST_TAGS = ((_TAG_DUST, 0.16), (_TAG_CONFINED, 0.18))

_INDUSTRY_DATA: tuple[tuple[_Industry, int], ...] = (
    # 工贸 (≈70 %)
    (
        _Industry(
            "GM-YJ",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes("钢铁:3 特钢:2 冶金:2 铸业:3 金属制品:3 钢管:2 钢结构:2 轧钢:1"),
            _SAFETY_HEAVY,
            _GM_TAGS,
            0.30,
        ),
        60,
    ),
    (
        _Industry(
            "GM-YS",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes("有色金属:3 铝业:3 铜业:2 合金材料:2 铝材:2"),
            _SAFETY_HEAVY,
            _GM_TAGS,
            0.25,
        ),
        20,
    ),
    (
        _Industry(
            "GM-JC",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes("建材:3 玻璃:3 水泥:2 陶瓷:1 混凝土:3 新型建材:2 石材:2 耐火材料:2 玻璃制品:2"),
            _SAFETY_HEAVY,
            _GM_TAGS,
            0.35,
        ),
        100,
    ),
    (
        _Industry(
            "GM-JX",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes(
                "机械制造:4 重工机械:2 装备制造:2 汽车零部件:2 机电设备:2 锻造:1 精密机械:2 轮毂制造:1 "
                "船舶修造:1 五金制品:2 环保设备:1",
                [("机械厂", _REG_COMPANY, 2), ("机械加工厂", _REG_SOLE_TRADER, 1)],
            ),
            _SAFETY_HEAVY,
            _GM_DUST_TAGS,
            0.20,
        ),
        160,
    ),
    (
        _Industry(
            "GM-QG",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes(
                "食品:4 粮油:2 葡萄酿酒:2 饮料:1 包装:2 印刷:1 家具:2 淀粉:1 饲料:2 木业:1 纸业:1 塑料制品:2 "
                "水产品加工:2 肉类加工:1",
                [("食品厂", _REG_COMPANY, 1), ("面粉加工厂", _REG_SOLE_TRADER, 1)],
            ),
            _SAFETY_LIGHT,
            _GM_DUST_TAGS,
            0.30,
        ),
        140,
    ),
    (
        _Industry(
            "GM-FZ",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes("纺织:3 服装:3 制衣:2 毛纺:1 家纺:1 皮革制品:1"),
            _SAFETY_LIGHT,
            _GM_TAGS,
            0.25,
        ),
        40,
    ),
    (
        _Industry(
            "GM-YC",
            _county_table(_SERVICE_COUNTY_WEIGHTS),
            _suffixes("烟草物流:2 卷烟配送:1 烟叶复烤:1"),
            _SAFETY_LIGHT,
            _GM_TAGS,
            0.05,
        ),
        5,
    ),
    (
        _Industry(
            "GM-SM",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes(
                "商贸:4 物流:3 仓储:2 商业管理:1 超市:2 贸易:2 冷链物流:1 购物中心:1",
                [("五金商店", _REG_SOLE_TRADER, 1), ("批发部", _REG_SOLE_TRADER, 1), ("超市", _REG_SOLE_TRADER, 1)],
            ),
            _SAFETY_LIGHT,
            _GM_TAGS,
            0.15,
        ),
        180,
    ),
    # 危险化学品
    (
        _Industry(
            "WH-SC",
            _county_table(_CHEMICAL_COUNTY_WEIGHTS),
            _suffixes("化工:5 石化:1 精细化工:2 气体:2 化学:2 新材料:1 涂料:1 医药化工:1"),
            _SAFETY_HAZMAT_PRODUCTION,
            ((_TAG_MAJOR_HAZARD, 0.35), (_TAG_KEY_PROCESS, 0.40)),
            0.20,
        ),
        30,
    ),
    (
        _Industry(
            "WH-JY",
            _county_table(_DEFAULT_COUNTY_WEIGHTS),
            _suffixes(
                "石油销售:2 燃气:3 化工贸易:3 危险品贸易:1 气体销售:2 油品销售:1",
                [("加油站", _REG_COMPANY, 4), ("液化气站", _REG_COMPANY, 1)],
            ),
            _SAFETY_HAZMAT_TRADE,
            ((_TAG_MAJOR_HAZARD, 0.08),),
            0.25,
        ),
        100,
    ),
    # 非煤矿山, 煤矿
    (
        _Industry(
            "FM",
            _county_table(_MINE_COUNTY_WEIGHTS),
            _suffixes(
                "矿业:6 铁矿:2 金矿:1 石材开采:1 砂石料:2",
                [("石料厂", _REG_COMPANY, 2), ("铁矿", _REG_COMPANY, 1), ("采石场", _REG_COMPANY, 1)],
            ),
            _SAFETY_MINE,
            ((_TAG_MAJOR_HAZARD, 0.05), (_TAG_TAILINGS, 0.20)),
            0.92,
        ),
        70,
    ),
    (
        _Industry(
            "MK",
            _county_table(_COAL_COUNTY_WEIGHTS),
            _suffixes("煤业:3 矿业:1", [("煤矿", _REG_COMPANY, 1)]),
            _SAFETY_COAL,
            (),
            0.95,
        ),
        5,
    ),
    # 中介机构与学校
    (
        _Industry(
            "PJ",
            _county_table(_SERVICE_COUNTY_WEIGHTS),
            _suffixes("安全评价:3 安全技术咨询:2 安全科技:2 安全技术服务:2 安全评价咨询:1"),
            _SAFETY_SERVICE,
            (),
            0.0,
        ),
        10,
    ),
    (
        _Industry(
            "JC",
            _county_table(_SERVICE_COUNTY_WEIGHTS),
            _suffixes("检测技术:3 检验检测:3 特种设备检测:1 环境检测:1 安全检测:2"),
            _SAFETY_SERVICE,
            (),
            0.0,
        ),
        10,
    ),
    (
        _Industry(
            "PX",
            _county_table(_SERVICE_COUNTY_WEIGHTS),
            _suffixes(
                "安全培训:3 安全技术培训:2 教育咨询:1",
                [
                    ("职业技能培训学校", _REG_PRIVATE_NON_ENTERPRISE, 2),
                    ("安全生产培训中心", _REG_PRIVATE_NON_ENTERPRISE, 1),
                ],
            ),
            _SAFETY_SERVICE,
            (),
            0.0,
        ),
        10,
    ),
    (
        _Industry("XX", _county_table(_DEFAULT_COUNTY_WEIGHTS), (), _SAFETY_SERVICE, (), 0.15),
        60,
    ),
)
assert sum(w for _, w in _INDUSTRY_DATA) == 1000
_INDUSTRY_TABLE: tuple[_Industry, ...] = _table(_INDUSTRY_DATA)
_INDUSTRY_BY_CODE: dict[str, _Industry] = {ind.code: ind for ind, _ in _INDUSTRY_DATA}

_CREDIT_TABLE: tuple[CreditClass | None, ...] = _table([(_A, 392), (_B, 441), (_C, 118), (_D, 29), (None, 20)])
_STATUS_TABLE: tuple[EnterpriseStatus, ...] = _table(
    [
        (EnterpriseStatus.ACTIVE, 94),
        (EnterpriseStatus.SUSPENDED, 3),
        (EnterpriseStatus.DEREGISTERED, 2),
        (EnterpriseStatus.REVOKED, 1),
    ]
)


def _school_name(r: random.Random, county: _County) -> tuple[str, str]:
    """(name, registration prefix) of a school or training school (学校及培训机构)."""
    x = r.random()
    if x < 0.15:
        return f"秦皇岛市第{_CN_ORDINALS[int(r.random() * 20)]}中学", _REG_PUBLIC_INSTITUTION
    if x < 0.35:
        return f"{county.school_prefix}第{_CN_ORDINALS[int(r.random() * 9)]}中学", _REG_PUBLIC_INSTITUTION
    if x < 0.45:
        kind = ("实验学校", "实验中学", "实验小学")[int(r.random() * 3)]
        return county.school_prefix + kind, _REG_PUBLIC_INSTITUTION
    if x < 0.65:
        if county.towns:
            return f"{county.school_prefix}{county.towns[int(r.random() * len(county.towns))]}中心小学", (
                _REG_PUBLIC_INSTITUTION
            )
        return f"{county.school_prefix}第{_CN_ORDINALS[int(r.random() * 12)]}小学", _REG_PUBLIC_INSTITUTION
    brand = _BRANDS[int(r.random() * len(_BRANDS))]
    if x < 0.80:
        return f"{county.school_prefix}{brand}幼儿园", _REG_PRIVATE_NON_ENTERPRISE
    if x < 0.92:
        return f"{county.prefixes[int(r.random() * len(county.prefixes))]}{brand}培训学校", (
            _REG_PRIVATE_NON_ENTERPRISE
        )
    return f"秦皇岛{brand}职业技术学校", _REG_PRIVATE_NON_ENTERPRISE
