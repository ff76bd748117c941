"""A deterministic demo population of 秦皇岛: enterprises (检查对象) and inspectors (执法人员).

Pure and reproducible: no I/O, no clock (``today`` is an argument), no global randomness; every call builds its own
``random.Random`` from the seed. Used for demos, tests and benchmarks (streaming up to a million enterprises), so
the per-row work is a handful of table look-ups.

* :func:`generate_enterprises` is lazy and *prefix-stable*: the first ``k`` rows of ``generate_enterprises(n)`` are
  ``generate_enterprises(k)``, because one RNG is consumed row by row and nothing depends on ``count``.
* USCCs are unique by construction: the organisation-code part (positions 9–17) is an injective function of the
  row index (see :func:`generate_enterprises`), and the check characters follow GB 11714 and GB 32100.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cache
from itertools import product
from typing import NamedTuple, TypeVar

from app.domain.directories.model import (
    CreditClass,
    Enterprise,
    EnterpriseStatus,
    Inspector,
    InspectorStatus,
    SafetyRiskLevel,
)
from app.domain.directories.reference import COUNTIES
from app.domain.directories.uscc import ALPHABET, WEIGHTS

__all__ = ["DEMO_CONFLICT_REASONS", "generate_enterprises", "generate_inspectors"]

T = TypeVar("T")

#: Typical declared conflicts of interest (利害关系), for callers that attach some to demo inspectors.
DEMO_CONFLICT_REASONS: tuple[str, ...] = (
    "近亲属在该企业任职",
    "曾在该企业任职未满三年",
    "与该企业存在经济往来",
    "近亲属持有该企业股份",
    "曾为该企业提供有偿咨询服务",
    "与该企业负责人存在其他利害关系",
)

# ---------------------------------------------------------------------------------------------------------------
# Helpers: weighted look-up tables (choice = table[int(random() * len(table))])
# ---------------------------------------------------------------------------------------------------------------


def _table(weighted: Sequence[tuple[T, int]]) -> tuple[T, ...]:
    """Expand ``(value, integer weight)`` pairs into a table for O(1) weighted choice."""
    return tuple(value for value, weight in weighted for _ in range(weight))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ---------------------------------------------------------------------------------------------------------------
# People: names and phone numbers
# ---------------------------------------------------------------------------------------------------------------

# Surnames weighted roughly as in northern Hebei (关、那、佟 are common Manchu surnames in 青龙).
_SURNAMES: tuple[str, ...] = _table(
    [(s, 8) for s in _words("王 李 张 刘")]
    + [(s, 4) for s in _words("赵 杨 陈 孙 高")]
    + [(s, 2) for s in _words("马 于 郭 徐 田 周 吴 董 齐 魏 杜 宋 冯 韩 贾 曹 郑 朱 胡 许 孟 石 姜 崔")]
    + [
        (s, 1)
        for s in _words(
            "邢 程 苏 梁 谢 侯 袁 何 吕 付 闫 白 常 邵 任 秦 薛 牛 霍 葛 康 邱 庞 谷 卢 穆 范 潘 蔡 曲 佟 关 那 尹 史"
        )
    ]
)

_GIVEN_NAMES: tuple[str, ...] = _words(
    # male
    "伟 磊 强 军 勇 杰 涛 斌 超 鹏 浩 宇 鑫 刚 波 辉 明 亮 峰 健 旭 凯 帅 龙 "
    "建国 建军 建华 志强 志刚 志勇 海涛 海军 海龙 国庆 国华 国强 永生 永刚 立新 立军 振华 振宇 春生 晓东 "
    "晓峰 文博 文杰 俊杰 子豪 宇轩 浩然 天宇 博文 明辉 金龙 德胜 长江 树林 宝山 玉山 连生 庆丰 占国 红军 "
    "卫东 利民 新民 学军 景龙 云飞 少华 嘉伟 宏伟 士杰 "
    # female
    "静 敏 燕 艳 丽 娜 颖 婷 雪 萍 红 霞 芳 洁 琳 丹 秀英 秀兰 桂英 桂兰 玉兰 玉梅 淑华 淑芬 丽娜 丽华 "
    "丽萍 晓燕 晓丽 春梅 春燕 海燕 红梅 雪梅 慧敏 佳琪 欣怡 梓涵 雨欣 思雨 诗涵 美玲 亚男 彩霞 凤霞 金凤 "
    "玉洁 晓雪 文静 丹丹 婷婷 莉莉 秀云 淑敏"
)

_MOBILE_PREFIXES: tuple[str, ...] = _table(
    [(p, 3) for p in _words("130 131 132 133 135 136 137 138 139")]
    + [(p, 2) for p in _words("150 151 152 155 156 157 158 159 180 181 182 183 185 186 187 188 189")]
    + [(p, 1) for p in _words("153 166 173 176 177 178 191 198 199")]
)

#: Every (weighted) surname with every given name: one look-up per person.
_FULL_NAMES: tuple[str, ...] = tuple(s + g for s in _SURNAMES for g in _GIVEN_NAMES)
#: Mobile prefixes as numbers: ``str(base + eight random digits)`` is an 11-digit number.
_MOBILE_BASES: tuple[int, ...] = tuple(int(p) * 100_000_000 for p in _MOBILE_PREFIXES)


def _person_name(rnd: random.Random) -> str:
    return _FULL_NAMES[int(rnd.random() * len(_FULL_NAMES))]


def _mobile(rnd: random.Random, suffix: int) -> str:
    return str(_MOBILE_BASES[int(rnd.random() * len(_MOBILE_BASES))] + suffix)


# ---------------------------------------------------------------------------------------------------------------
# USCC arithmetic (GB 32100): weighted sums of character values, so a code's check character is a table sum
# ---------------------------------------------------------------------------------------------------------------

_USCC_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def _uscc_sum(text: str, position: int) -> int:
    """Σ value × weight of ``text`` placed at 0-based ``position`` of a USCC."""
    return sum(_USCC_VALUE[ch] * WEIGHTS[position + i] for i, ch in enumerate(text))


# ---------------------------------------------------------------------------------------------------------------
# Counties: name prefixes, roads, towns and a plausible centre (longitude, latitude) with a jitter
# ---------------------------------------------------------------------------------------------------------------

_BRANDS: tuple[str, ...] = _words(
    "宏达 鑫源 安泰 恒信 永兴 天宇 金鼎 润丰 盛达 远航 瑞祥 海通 兴隆 振华 泰和 德润 鸿运 嘉禾 旭日 燕山 "
    "渤海 碣石 祖山 孤竹 天马 华兴 汇通 鼎盛 宏远 建新 东方 明达 顺发 广源 富达 金海 长兴 新港 海润 宝丰 "
    "裕丰 众诚 诚信 同创 华盛 博远 凯达 信达 隆昌 百川 通达 宏图 华宇 金盛 鑫达 鑫泰 鑫海 鑫盛 瑞丰 瑞达 "
    "恒通 恒达 恒泰 永盛 永丰 天成 天元 天泽 汇丰 汇鑫 中盛 中诚 利民 利达 福泰 福源 昌盛 昌达 荣达 荣盛 "
    "金源 金泰 金宇 华泰 华通 佳诚 欣荣 亿丰 亿达 万隆 海蓝 碧海 蓝天 青山 秦港 港城 榆关 骊城 长城 东港 "
    "北港 石河 洋河 戴河 滦河 海阳 晟达 卓越 力源 志诚 宏伟 润泽 兴达 通宇 冀东 京秦 燕赵 安信 安达 安诚"
)

_VILLAGES: tuple[str, ...] = _words(
    "东沟 西沟 北台子 南庄 大杖子 小杖子 双山 石门 马圈子 大岭 上庄 下庄 柳树沟 杨树岭 黄土营 前营 后营 "
    "王各庄 李家堡 张家峪 三道沟 二道河 东山 西山 高家店 平山营 新立 沙河 青石岭 榆树沟 桃园 梨树沟"
)

#: Street numbers, skewed towards small numbers (quantiles of u² on 1..398).
_STREET_NUMBERS: tuple[str, ...] = tuple(f"{int(((i + 0.5) / 1000) ** 2 * 398) + 1}号" for i in range(1000))

_MICRO = 1_000_000


@dataclass(slots=True)
class _County:
    code: str
    name: str
    #: Name prefixes of enterprises registered here (weighted table).
    prefixes: tuple[str, ...]
    #: Prefix of school names (public schools are named after their county).
    school_prefix: str
    roads: tuple[str, ...]
    towns: tuple[str, ...]
    lon: float
    lat: float
    lon_jitter: float
    lat_jitter: float
    # Derived look-up tables.
    name_heads: tuple[str, ...] = field(init=False)
    street_heads: tuple[str, ...] = field(init=False)
    village_addresses: tuple[str, ...] = field(init=False)
    usum: int = field(init=False)
    lon_low: int = field(init=False)
    lon_span: int = field(init=False)
    lat_low: int = field(init=False)
    lat_span: int = field(init=False)

    def __post_init__(self) -> None:
        address_head = f"河北省秦皇岛市{self.name}"
        self.name_heads = tuple(p + b for p in self.prefixes for b in _BRANDS)
        self.street_heads = tuple(address_head + road for road in self.roads)
        self.village_addresses = tuple(f"{address_head}{t}{v}村" for t in self.towns for v in _VILLAGES)
        self.usum = _uscc_sum(self.code, 2)
        self.lon_low = round((self.lon - self.lon_jitter) * _MICRO)
        self.lon_span = round(2 * self.lon_jitter * _MICRO)
        self.lat_low = round((self.lat - self.lat_jitter) * _MICRO)
        self.lat_span = round(2 * self.lat_jitter * _MICRO)


_COUNTY_DATA: tuple[_County, ...] = (
    _County(
        "130302",
        COUNTIES["130302"],
        _table([("秦皇岛市海港区", 8), ("秦皇岛", 7), ("秦皇岛市", 5)]),
        "秦皇岛市海港区",
        _words(
            "文化路 迎宾路 河北大街 海阳路 建设大街 民族路 秦皇东大街 秦皇西大街 港城大街 红旗路 白塔岭路 "
            "燕山大街 北环路 友谊路 和平大街 西港路 东港路 海滨路 光明路 文化北路"
        ),
        _words("石门寨镇 驻操营镇 杜庄镇 海港镇 西港镇"),
        119.585,
        39.965,
        0.060,
        0.050,
    ),
    _County(
        "130303",
        COUNTIES["130303"],
        _table([("秦皇岛市山海关区", 9), ("山海关", 4), ("秦皇岛", 7)]),
        "秦皇岛市山海关区",
        _words("南关大街 西关大街 东大街 沈山路 老龙头路 长城路 南海西路 龙海大道 站前路 关城路"),
        _words("石河镇 孟姜镇 第一关镇"),
        119.755,
        40.005,
        0.030,
        0.030,
    ),
    _County(
        "130304",
        COUNTIES["130304"],
        _table([("秦皇岛市北戴河区", 10), ("北戴河", 3), ("秦皇岛", 7)]),
        "秦皇岛市北戴河区",
        _words("海宁路 保二路 联峰路 西经路 东经路 戴河路 金山嘴路 草场路"),
        _words("戴河镇 牛头崖镇"),
        119.485,
        39.835,
        0.030,
        0.025,
    ),
    _County(
        "130306",
        COUNTIES["130306"],
        _table([("秦皇岛市抚宁区", 10), ("抚宁县", 2), ("秦皇岛", 8)]),
        "秦皇岛市抚宁区",
        _words("骊城大街 迎宾大街 兴华路 金山大街 滨河路 兴隆大街 骊城北路"),
        _words("抚宁镇 留守营镇 榆关镇 台营镇 大新寨镇 坟坨镇 深河乡 茶棚乡"),
        119.245,
        39.885,
        0.080,
        0.060,
    ),
    _County(
        "130321",
        COUNTIES["130321"],
        _table([("青龙满族自治县", 14), ("青龙", 2), ("秦皇岛", 4)]),
        "青龙满族自治县",
        _words("燕山路 朝阳路 滨河大街 祖山路 兴隆路 民族大街 青龙大街"),
        _words("青龙镇 祖山镇 木头凳镇 双山子镇 肖营子镇 大巫岚镇 土门子镇 八道河镇 隔河头镇 娄杖子镇 凉水河乡"),
        118.950,
        40.405,
        0.150,
        0.100,
    ),
    _County(
        "130322",
        COUNTIES["130322"],
        _table([("昌黎县", 15), ("秦皇岛", 5)]),
        "昌黎县",
        _words("碣阳大街 民生路 五峰路 滨河路 新华路 昌黎大街 平安大街"),
        _words("昌黎镇 靖安镇 泥井镇 龙家店镇 安山镇 刘台庄镇 朱各庄镇 荒佃庄镇"),
        119.160,
        39.710,
        0.070,
        0.060,
    ),
    _County(
        "130324",
        COUNTIES["130324"],
        _table([("卢龙县", 15), ("秦皇岛", 5)]),
        "卢龙县",
        _words("永平大街 孤竹路 文化路 迎宾路 新华路 建设路"),
        _words("卢龙镇 潘庄镇 燕河营镇 双望镇 刘田各庄镇 石门镇 木井镇 陈官屯镇 印庄乡"),
        118.890,
        39.890,
        0.070,
        0.070,
    ),
    _County(
        "130371",
        COUNTIES["130371"],
        _table([("秦皇岛", 12), ("秦皇岛经济技术开发区", 5), ("秦皇岛市", 3)]),
        "秦皇岛经济技术开发区",
        _words("龙海道 泰山路 黄河道 长江道 珠江道 天台山路 华山中路 峨眉山路 永定河道 漓江道 嵩山路 松花江道"),
        (),
        119.520,
        39.930,
        0.030,
        0.020,
    ),
    _County(
        "130372",
        COUNTIES["130372"],
        _table([("秦皇岛北戴河新区", 10), ("秦皇岛", 10)]),
        "秦皇岛北戴河新区",
        _words("滨海大道 大蒲河路 南戴河路 七里海路 黄金海岸路 团林路"),
        _words("大蒲河镇 团林乡"),
        119.350,
        39.660,
        0.050,
        0.040,
    ),
)
_COUNTY_BY_CODE: dict[str, _County] = {c.code: c for c in _COUNTY_DATA}
assert set(_COUNTY_BY_CODE) == set(COUNTIES)

# Enterprise share per county for ordinary industries (海港区 largest; 经开区, 昌黎县, 抚宁区 sizeable).
_DEFAULT_COUNTY_WEIGHTS: dict[str, int] = {
    "130302": 28,
    "130371": 15,
    "130322": 13,
    "130306": 12,
    "130324": 7,
    "130321": 7,
    "130303": 6,
    "130304": 5,
    "130372": 7,
}
_MINE_COUNTY_WEIGHTS = {"130321": 42, "130324": 26, "130306": 14, "130302": 10, "130322": 5, "130303": 3}
_COAL_COUNTY_WEIGHTS = {"130302": 50, "130306": 30, "130321": 10, "130324": 10}  # 柳江煤田: 石门寨一带
_CHEMICAL_COUNTY_WEIGHTS = {
    "130371": 34,
    "130322": 18,
    "130306": 14,
    "130302": 12,
    "130303": 8,
    "130324": 6,
    "130372": 6,
    "130321": 2,
}
_SERVICE_COUNTY_WEIGHTS = {
    "130302": 48,
    "130371": 24,
    "130304": 6,
    "130303": 5,
    "130306": 5,
    "130322": 5,
    "130324": 3,
    "130321": 2,
    "130372": 2,
}


def _county_table(weights: dict[str, int]) -> tuple[_County, ...]:
    return _table([(_COUNTY_BY_CODE[code], w) for code, w in weights.items()])


# ---------------------------------------------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------------------------------------------

_COMPANY_FORMS: tuple[tuple[str, int], ...] = (("有限公司", 16), ("有限责任公司", 3), ("股份有限公司", 1))

# Registration authority + organisation type (GB 32100 positions 1–2).
_REG_COMPANY = "91"  # 工商 / 企业
_REG_SOLE_TRADER = "92"  # 工商 / 个体工商户
_REG_PUBLIC_INSTITUTION = "12"  # 机构编制 / 事业单位
_REG_PRIVATE_NON_ENTERPRISE = "52"  # 民政 / 民办非企业单位
_REG_USUM: dict[str, int] = {
    reg: _uscc_sum(reg, 0)
    for reg in (_REG_COMPANY, _REG_SOLE_TRADER, _REG_PUBLIC_INSTITUTION, _REG_PRIVATE_NON_ENTERPRISE)
}

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

#: Row index forced to be a coal mine, so that every population of ≥ 200 rows has at least one (prefix-stable).
_FORCED_COAL_INDEX = 137

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


# ---------------------------------------------------------------------------------------------------------------
# Organisation code (GB 11714, USCC positions 9–17): a bijection of the row index
# ---------------------------------------------------------------------------------------------------------------

_B31_3 = 31**3
_MA_CAPACITY = 31**6  # "MA" + 6 base-31 characters
_DIGIT_CAPACITY = 10**8  # 8 digits (legacy, pre-2015 organisation codes)
# Affine scrambles x → (a·x + b) mod capacity; each a is coprime with its capacity, so they are bijections.
_MA_MUL, _MA_ADD = 48_271, 7_654_321
_DIGIT_MUL, _DIGIT_ADD = 69_069_421, 13_033_017
_LEGACY_SHARE = 0.35
_MAX_COUNT = _MA_CAPACITY

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_START = 8  # 0-based position of the organisation code in a USCC


def _gb11714_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def _gb11714_sum(text: str, position: int) -> int:
    return sum(_gb11714_value(ch) * _GB11714_WEIGHTS[position + i] for i, ch in enumerate(text))


class _OrgTables(NamedTuple):
    """Pieces of organisation codes with their GB 11714 sums (``gb_*``) and GB 32100 sums (``u_*``)."""

    triples: tuple[str, ...]  # base-31 triples: "MA" + triples[hi] + triples[lo]
    gb_ma_hi: tuple[int, ...]
    gb_ma_lo: tuple[int, ...]
    u_ma_hi: tuple[int, ...]
    u_ma_lo: tuple[int, ...]
    quads: tuple[str, ...]  # 4 digits: quads[hi] + quads[lo]
    gb_dg_hi: tuple[int, ...]
    gb_dg_lo: tuple[int, ...]
    u_dg_hi: tuple[int, ...]
    u_dg_lo: tuple[int, ...]
    gb_ma: int  # "MA"
    u_ma: int
    check: tuple[str, ...]  # GB 11714 check character by (sum mod 11)
    u_check: tuple[int, ...]  # its GB 32100 contribution at position 17 (1-based)


@cache
def _org_tables() -> _OrgTables:
    triples = tuple(a + b + c for a in ALPHABET for b in ALPHABET for c in ALPHABET)
    quads = tuple(f"{n:04d}" for n in range(10_000))
    check = tuple("0" if m == 0 else "X" if m == 1 else str(11 - m) for m in range(11))
    return _OrgTables(
        triples=triples,
        gb_ma_hi=tuple(_gb11714_sum(t, 2) for t in triples),
        gb_ma_lo=tuple(_gb11714_sum(t, 5) for t in triples),
        u_ma_hi=tuple(_uscc_sum(t, _ORG_START + 2) for t in triples),
        u_ma_lo=tuple(_uscc_sum(t, _ORG_START + 5) for t in triples),
        quads=quads,
        gb_dg_hi=tuple(_gb11714_sum(q, 0) for q in quads),
        gb_dg_lo=tuple(_gb11714_sum(q, 4) for q in quads),
        u_dg_hi=tuple(_uscc_sum(q, _ORG_START) for q in quads),
        u_dg_lo=tuple(_uscc_sum(q, _ORG_START + 4) for q in quads),
        gb_ma=_gb11714_sum("MA", 0),
        u_ma=_uscc_sum("MA", _ORG_START),
        check=check,
        u_check=tuple(_uscc_sum(c, _ORG_START + 8) for c in check),
    )


# ---------------------------------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------------------------------

#: The leading fields of :class:`Enterprise`, in the order the generator passes them.
_ENTERPRISE_ORDER = (
    "uscc",
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


def _enterprise_by_keywords(
    uscc: str,
    name: str,
    county_code: str,
    industry_code: str,
    status: EnterpriseStatus,
    address: str,
    longitude: float,
    latitude: float,
    credit_class: CreditClass | None,
    safety_risk_level: SafetyRiskLevel | None,
    tags: tuple[str, ...],
    legal_person: str,
    contact_name: str,
    contact_phone: str,
) -> Enterprise:
    return Enterprise(
        uscc=uscc,
        name=name,
        county_code=county_code,
        industry_code=industry_code,
        status=status,
        address=address,
        longitude=longitude,
        latitude=latitude,
        credit_class=credit_class,
        safety_risk_level=safety_risk_level,
        tags=tags,
        legal_person=legal_person,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


# Positional construction is about a fifth faster than keywords; use it only while the model's field order allows.
_new_enterprise = (
    Enterprise
    if tuple(f.name for f in fields(Enterprise))[: len(_ENTERPRISE_ORDER)] == _ENTERPRISE_ORDER
    else _enterprise_by_keywords
)


def generate_enterprises(count: int, *, seed: int = 2026) -> Iterator[Enterprise]:
    """Yield ``count`` demo enterprises; deterministic in ``seed`` and prefix-stable in ``count``.

    Row ``i`` gets the organisation code ``"MA" + base31((48271·i + b) mod 31⁶)`` or, for about a third of the
    rows, the legacy 8-digit ``(a·i + b) mod 10⁸`` (only while ``i < 10⁸``), each with its GB 11714 check
    character. Both maps are injective and their images are disjoint (letter vs digit first), so the USCCs
    ``reg + county + organisation code + check`` are unique by construction. The check characters are table sums
    of the same arithmetic as :func:`app.domain.directories.uscc.check_character` (per-row calls would halve the
    speed); the tests compare every code with :func:`~app.domain.directories.uscc.complete_uscc`.
    """
    if count < 0 or count > _MAX_COUNT:
        raise ValueError(f"count must be between 0 and {_MAX_COUNT}")
    rng = random.Random(f"qhd-demo-enterprises:{seed}")  # noqa: S311 - demo data, not security
    r = rng.random
    org = _org_tables()
    triples, gb_ma_hi, gb_ma_lo, u_ma_hi, u_ma_lo = org.triples, org.gb_ma_hi, org.gb_ma_lo, org.u_ma_hi, org.u_ma_lo
    quads, gb_dg_hi, gb_dg_lo, u_dg_hi, u_dg_lo = org.quads, org.gb_dg_hi, org.gb_dg_lo, org.u_dg_hi, org.u_dg_lo
    gb_ma, u_ma, gb_check, u_check = org.gb_ma, org.u_ma, org.check, org.u_check
    alphabet = ALPHABET
    industries, n_industries = _INDUSTRY_TABLE, len(_INDUSTRY_TABLE)
    coal = _INDUSTRY_BY_CODE["MK"]
    full_names, n_full_names = _FULL_NAMES, len(_FULL_NAMES)
    mobiles, n_mobiles = _MOBILE_BASES, len(_MOBILE_BASES)
    numbers, n_numbers = _STREET_NUMBERS, len(_STREET_NUMBERS)
    credits, n_credits = _CREDIT_TABLE, len(_CREDIT_TABLE)
    statuses, n_statuses = _STATUS_TABLE, len(_STATUS_TABLE)
    new_enterprise = _new_enterprise

    for index in range(count):
        industry = industries[int(r() * n_industries)]
        if index == _FORCED_COAL_INDEX:
            industry = coal
        counties = industry.counties
        county = counties[int(r() * len(counties))]

        # Name and registration prefix.
        suffixes = industry.suffixes
        if suffixes:
            suffix, reg, reg_usum = suffixes[int(r() * len(suffixes))]
            heads = county.name_heads
            name = heads[int(r() * len(heads))] + suffix
        else:
            name, reg = _school_name(rng, county)
            reg_usum = _REG_USUM[reg]

        # USCC: registration prefix, county, organisation code (bijective in the index), check character.
        if r() < _LEGACY_SHARE and index < _DIGIT_CAPACITY:
            hi, lo = divmod((index * _DIGIT_MUL + _DIGIT_ADD) % _DIGIT_CAPACITY, 10_000)
            m = (gb_dg_hi[hi] + gb_dg_lo[lo]) % 11
            code = quads[hi] + quads[lo] + gb_check[m]
            usum = u_dg_hi[hi] + u_dg_lo[lo] + u_check[m]
        else:
            hi, lo = divmod((index * _MA_MUL + _MA_ADD) % _MA_CAPACITY, _B31_3)
            m = (gb_ma + gb_ma_hi[hi] + gb_ma_lo[lo]) % 11
            code = "MA" + triples[hi] + triples[lo] + gb_check[m]
            usum = u_ma + u_ma_hi[hi] + u_ma_lo[lo] + u_check[m]
        uscc = reg + county.code + code + alphabet[-(reg_usum + county.usum + usum) % 31]

        # Address and location.
        villages = county.village_addresses
        if villages and r() < industry.rural:
            address = villages[int(r() * len(villages))]
        else:
            streets = county.street_heads
            address = streets[int(r() * len(streets))] + numbers[int(r() * n_numbers)]
        longitude = (county.lon_low + int(r() * county.lon_span)) / _MICRO
        latitude = (county.lat_low + int(r() * county.lat_span)) / _MICRO

        # Classification.
        safety = industry.safety
        tags = industry.tag_table

        # People.
        legal_person = full_names[int(r() * n_full_names)]
        contact_name = legal_person if r() < 0.3 else full_names[int(r() * n_full_names)]

        yield new_enterprise(
            uscc,
            name,
            county.code,
            industry.code,
            statuses[int(r() * n_statuses)],
            address,
            longitude,
            latitude,
            credits[int(r() * n_credits)],
            safety[int(r() * len(safety))],
            tags[int(r() * len(tags))],
            legal_person,
            contact_name,
            str(mobiles[int(r() * n_mobiles)] + int(r() * 100_000_000)),
        )


# ---------------------------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------------------------

_GM_CODES = ("GM-YJ", "GM-YS", "GM-JC", "GM-JX", "GM-QG", "GM-FZ", "GM-YC", "GM-SM")
_BUREAU_CERT = "冀应急执字"


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    size: int
    cert_prefix: str
    specialties: tuple[str, ...]


_UNITS: tuple[_Unit, ...] = (
    _Unit("ZF1", 12, _BUREAU_CERT, ("FM",)),
    _Unit("ZF2", 12, _BUREAU_CERT, ("WH-SC", "WH-JY")),
    _Unit("ZF3", 12, _BUREAU_CERT, _GM_CODES),
    _Unit("FMK", 6, _BUREAU_CERT, ("FM",)),
    _Unit("WHK", 6, _BUREAU_CERT, ("WH-SC", "WH-JY")),
    _Unit("GMK", 6, _BUREAU_CERT, _GM_CODES),
    _Unit("MTK", 4, _BUREAU_CERT, ("MK",)),
    _Unit("BGS", 4, _BUREAU_CERT, ("PJ", "JC")),
    _Unit("RSK", 4, _BUREAU_CERT, ("PX",)),
    _Unit("ZJK", 4, _BUREAU_CERT, ()),
    _Unit("ZFK", 4, _BUREAU_CERT, ("XX",)),
    _Unit("SW", 5, "冀水执字", ("FM",)),
    _Unit("QX", 5, "冀气执字", ("FM", "WH-SC", "XX")),
    _Unit("ST", 5, "冀环执字", ("FM", "WH-SC")),
    _Unit("GX", 5, "冀工信执字", ("WH-SC",)),
    _Unit("JY", 5, "冀教执字", ("XX",)),
    _Unit("WJ", 5, "冀卫执字", ("XX",)),
    _Unit("SJ", 5, "冀市监执字", ("XX",)),
)

_CITY_CODE = "1303"
_CERT_CAPACITY = 1_000_000
_CERT_MUL = 738_917  # coprime with 10**6: the certificate serials are a bijection of the roster position
_PHONE_MUL = 73_856_093  # coprime with 10**8: phone suffixes are a bijection of the roster position
_MAX_PER_UNIT = 9_999

_EXPIRED_SHARE = 0.08
_EXPIRING_SHARE = 0.10
_EXPIRING_DAYS = 60
_STATUS_SHARES = (
    (InspectorStatus.OFF_DUTY, 0.04),
    (InspectorStatus.SECONDED, 0.03),
    (InspectorStatus.RETIRED, 0.02),
)


def _stratified(rnd: random.Random, total: int, shares: Sequence[tuple[T, float]], rest: T) -> list[T]:
    """Exactly ``round(share × total)`` of each value (the rest ``rest``), in a seeded random order."""
    values: list[T] = []
    for value, share in shares:
        values.extend([value] * round(share * total))
    values.extend([rest] * (total - len(values)))
    rnd.shuffle(values)
    return values


def generate_inspectors(*, today: date, seed: int = 2026, per_unit: int | None = None) -> list[Inspector]:
    """The demo roster: inspectors of every bureau unit and partner department, certificates relative to ``today``.

    About 8 % of certificates expired 1–200 days ago, about 10 % expire within 60 days, the rest in 1–5 years.
    ``per_unit`` overrides every unit's size. Conflicts are left empty (see :data:`DEMO_CONFLICT_REASONS`).
    """
    if per_unit is not None and not 0 <= per_unit <= _MAX_PER_UNIT:
        raise ValueError(f"per_unit must be between 0 and {_MAX_PER_UNIT}")
    rng = random.Random(f"qhd-demo-inspectors:{seed}")  # noqa: S311 - demo data, not security
    sizes = [unit.size if per_unit is None else per_unit for unit in _UNITS]
    total = sum(sizes)

    expiry_kinds = _stratified(rng, total, [("expired", _EXPIRED_SHARE), ("expiring", _EXPIRING_SHARE)], "valid")
    statuses = _stratified(rng, total, _STATUS_SHARES, InspectorStatus.ON_DUTY)
    cert_offset = rng.randrange(_CERT_CAPACITY)
    phone_offset = rng.randrange(100_000_000)

    inspectors: list[Inspector] = []
    used_names: set[str] = set()
    position = 0
    for unit, size in zip(_UNITS, sizes, strict=True):
        for number in range(1, size + 1):
            name = _person_name(rng)
            for _ in range(20):  # prefer distinct names, but never loop forever on a huge roster
                if name not in used_names:
                    break
                name = _person_name(rng)
            used_names.add(name)

            kind = expiry_kinds[position]
            if kind == "expired":
                expiry = today - timedelta(days=rng.randint(1, 200))
            elif kind == "expiring":
                expiry = today + timedelta(days=rng.randint(1, _EXPIRING_DAYS))
            else:
                expiry = today + timedelta(days=rng.randint(366, 5 * 365))

            serial = (position * _CERT_MUL + cert_offset) % _CERT_CAPACITY
            suffix = (position * _PHONE_MUL + phone_offset) % 100_000_000
            inspectors.append(
                Inspector(
                    person_id=f"QHD-{unit.code}-{number:04d}",
                    name=name,
                    department_code=unit.code,
                    cert_no=f"{unit.cert_prefix}{_CITY_CODE}{serial:06d}",
                    cert_expiry=expiry,
                    status=statuses[position],
                    specialties=unit.specialties,
                    phone=_mobile(rng, suffix),
                )
            )
            position += 1
    return inspectors
