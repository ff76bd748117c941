"""Static material the population is drawn from: counties, industries, names, places.

Pure data and weight tables; nothing here depends on the seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "province.json"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    short: str
    slots: int
    """How many of every 100 consecutive enterprises are registered here."""
    lon: float
    lat: float
    streets: tuple[str, ...]
    towns: tuple[str, ...]


COUNTIES: tuple[County, ...] = (
    County("130302", "海港区", "秦皇岛市海港区", 30, 119.60, 39.94,
           ("河北大街", "迎宾路", "文化路", "建设大街", "海阳路", "秦皇东大街", "西港路", "东港路", "北环路", "红旗路", "友谊路", "白塔岭路"),
           ("石门寨镇", "驻操营镇", "海港镇", "西港镇", "杜庄镇")),
    County("130303", "山海关区", "秦皇岛市山海关区", 8, 119.77, 40.00,
           ("南关大街", "关城南路", "龙海大道", "南海西路", "沈山路"), ("第一关镇", "石河镇", "孟姜镇")),
    County("130304", "北戴河区", "秦皇岛市北戴河区", 6, 119.48, 39.83,
           ("海宁路", "联峰路", "西经路", "东经路", "保二路"), ("戴河镇", "牛头崖镇")),
    County("130306", "抚宁区", "秦皇岛市抚宁区", 11, 119.24, 39.88,
           ("迎宾大街", "金山大街", "骊城大街", "兴华路"),
           ("抚宁镇", "留守营镇", "榆关镇", "台营镇", "大新寨镇", "坟坨镇", "茶棚乡", "深河乡")),
    County("130321", "青龙满族自治县", "青龙满族自治县", 9, 118.95, 40.41,
           ("燕山路", "青龙大街", "迎宾路"),
           ("青龙镇", "祖山镇", "木头凳镇", "双山子镇", "肖营子镇", "大巫岚镇", "土门子镇", "八道河镇", "隔河头镇", "娄杖子镇")),
    County("130322", "昌黎县", "昌黎县", 14, 119.16, 39.71,
           ("民生路", "碣阳大街", "新华路", "昌黎大街"),
           ("昌黎镇", "靖安镇", "安山镇", "龙家店镇", "泥井镇", "荒佃庄镇", "刘台庄镇", "朱各庄镇", "新集镇", "马坨店乡")),
    County("130324", "卢龙县", "卢龙县", 9, 118.89, 39.89,
           ("永平大街", "卢龙大街", "滨河路"),
           ("卢龙镇", "潘庄镇", "燕河营镇", "双望镇", "刘田各庄镇", "石门镇", "木井镇", "陈官屯镇")),
    County("130371", "秦皇岛经济技术开发区", "秦皇岛经济技术开发区", 9, 119.52, 39.95,
           ("天台山路", "龙海道", "泰山路", "长江西道", "黄河道", "珠江道", "永定河道", "秦皇西大街"), ()),
    County("130372", "北戴河新区", "北戴河新区", 4, 119.30, 39.66,
           ("滨海大道", "渤海路", "金山嘴路"), ("团林乡", "大蒲河镇", "留守营镇")),
)
COUNTY_BY_CODE = {county.code: county for county in COUNTIES}
LON_RANGE = (118.5, 120.0)
LAT_RANGE = (39.6, 40.6)

INDUSTRY_NAMES: dict[str, str] = {
    "FM": "非煤矿山",
    "WH-SC": "危险化学品生产",
    "WH-JY": "危险化学品经营",
    "GM-YJ": "冶金",
    "GM-YS": "有色",
    "GM-JC": "建材",
    "GM-JX": "机械",
    "GM-QG": "轻工",
    "GM-FZ": "纺织",
    "GM-YC": "烟草",
    "GM-SM": "商贸",
    "MK": "煤矿",
    "PJ": "安全评价机构",
    "JC": "检测检验机构",
    "PX": "安全生产培训机构",
    "XX": "学校及培训机构",
}

# Enterprises per 1000 before the county adjustment: 工贸 the majority, then 危化经营, 学校, 非煤矿山, 危化生产.
_INDUSTRY_WEIGHTS: dict[str, float] = {
    "GM-JX": 150, "GM-QG": 140, "GM-SM": 130, "GM-JC": 80, "GM-YJ": 45, "GM-FZ": 40, "GM-YS": 25, "GM-YC": 3,
    "WH-JY": 140, "WH-SC": 45, "FM": 60, "MK": 4, "PJ": 8, "JC": 12, "PX": 15, "XX": 60,
}
# Mines sit in the hills of 青龙/卢龙/抚宁, chemicals and machinery in the development zone and 山海关's port.
_COUNTY_FACTORS: dict[str, dict[str, float]] = {
    "FM": {"130321": 3.0, "130324": 2.5, "130306": 2.0, "130302": 0.6, "130303": 0.5,
           "130304": 0.05, "130371": 0.05, "130372": 0.1},
    "MK": {"130306": 3.0, "130302": 2.0, "130303": 0, "130304": 0, "130322": 0, "130371": 0, "130372": 0},
    "WH-SC": {"130371": 2.5, "130303": 2.0, "130306": 1.2, "130304": 0.1, "130372": 0.6},
    "GM-YJ": {"130302": 1.5, "130371": 1.5, "130306": 1.5, "130303": 1.5, "130304": 0.1},
    "GM-JX": {"130371": 2.5, "130303": 1.5, "130304": 0.3},
    "GM-QG": {"130322": 2.0, "130372": 1.5},
    "PJ": {"130302": 2.0, "130371": 1.5, "130321": 0.5, "130324": 0.5, "130372": 0.5},
    "JC": {"130302": 2.0, "130371": 1.5, "130321": 0.5, "130324": 0.5, "130372": 0.5},
    "PX": {"130302": 2.0, "130371": 1.2},
}


def _industry_table(county: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    codes = tuple(_INDUSTRY_WEIGHTS)
    weights = [_INDUSTRY_WEIGHTS[code] * _COUNTY_FACTORS.get(code, {}).get(county, 1.0) for code in codes]
    total = sum(weights)
    return codes, tuple(value / total for value in accumulate(weights))


INDUSTRY_TABLES = {county.code: _industry_table(county.code) for county in COUNTIES}
"""Per county: industry codes and their cumulative probabilities (for bisect on random())."""

HIGH_HAZARD = frozenset({"WH-SC", "FM", "MK", "GM-YJ"})

# Name endings by industry (the 字号 goes before them).
NAME_ENDINGS: dict[str, tuple[str, ...]] = {
    "FM": ("矿业有限公司", "石材有限公司", "矿产品有限公司", "铁矿", "金矿有限公司", "石英砂有限公司", "采石场", "建材矿业有限公司"),
    "WH-SC": ("化工有限公司", "化学有限公司", "石化有限公司", "气体有限公司", "精细化工有限公司", "涂料有限公司"),
    "WH-JY": ("石油销售有限公司", "加油站", "化工贸易有限公司", "燃气有限公司", "化工产品经销有限公司", "气体销售有限公司"),
    "GM-YJ": ("钢铁有限公司", "特钢有限公司", "铸业有限公司", "金属制品有限公司", "钢管有限公司", "钢结构有限公司"),
    "GM-YS": ("铝业有限公司", "有色金属有限公司", "铜业有限公司", "合金材料有限公司"),
    "GM-JC": ("水泥有限公司", "玻璃有限公司", "建材有限公司", "新型建材有限公司", "陶瓷有限公司", "混凝土有限公司"),
    "GM-JX": ("机械制造有限公司", "重工有限公司", "装备制造有限公司", "汽车零部件有限公司", "机械有限公司", "阀门有限公司"),
    "GM-QG": ("食品有限公司", "粮油有限公司", "葡萄酒有限公司", "纸业有限公司", "木业有限公司", "家具有限公司", "水产品有限公司", "塑料制品有限公司"),
    "GM-FZ": ("纺织有限公司", "服装有限公司", "制衣有限公司", "针织有限公司"),
    "GM-YC": ("烟草有限公司", "烟叶复烤有限公司"),
    "GM-SM": ("商贸有限公司", "物流有限公司", "仓储有限公司", "冷链物流有限公司", "购物中心有限公司", "超市有限公司"),
    "MK": ("煤矿", "煤业有限公司"),
    "PJ": ("安全评价有限公司", "安全技术咨询有限公司", "安全科技有限公司"),
    "JC": ("检测技术有限公司", "检验检测有限公司", "特种设备检测有限公司"),
    "PX": ("安全技术培训中心", "职业技能培训学校", "安全生产培训有限公司"),
}
SCHOOL_ENDINGS = ("中学", "小学", "实验学校", "职业技术学校", "幼儿园")
CHINESE_NUMBERS = "一二三四五六七八九十"

TRADE_CHARS = "鑫华宏泰恒盛永金瑞祥嘉润海港渤燕长兴通达天正新利源丰昌隆顺和安佳腾凯宇鼎东北秦榆诚信德福晟远航骏博"

# Tags by industry with their probability.
TAGS: dict[str, tuple[tuple[str, float], ...]] = {
    "WH-SC": (("重大危险源", 0.35), ("重点监管危险化工工艺", 0.30), ("有限空间作业", 0.20)),
    "WH-JY": (("重大危险源", 0.06), ("有限空间作业", 0.05)),
    "FM": (("尾矿库", 0.25), ("有限空间作业", 0.05)),
    "MK": (("有限空间作业", 0.20),),
    "GM-YJ": (("重大危险源", 0.08), ("涉高温熔融金属", 0.30), ("粉尘涉爆", 0.05), ("有限空间作业", 0.25)),
    "GM-YS": (("涉高温熔融金属", 0.20), ("粉尘涉爆", 0.25), ("有限空间作业", 0.15)),
    "GM-JC": (("粉尘涉爆", 0.06), ("有限空间作业", 0.15)),
    "GM-JX": (("粉尘涉爆", 0.12), ("有限空间作业", 0.06)),
    "GM-QG": (("粉尘涉爆", 0.08), ("涉氨制冷", 0.10), ("有限空间作业", 0.10)),
    "GM-FZ": (("粉尘涉爆", 0.15), ("有限空间作业", 0.03)),
    "GM-YC": (("粉尘涉爆", 0.30),),
    "GM-SM": (("涉氨制冷", 0.04), ("有限空间作业", 0.03)),
}
ALL_TAGS = ("重大危险源", "重点监管危险化工工艺", "尾矿库", "粉尘涉爆", "涉氨制冷", "有限空间作业", "涉高温熔融金属")

RISK_GRADES = (("A", 0.388), ("B", 0.825), ("C", 0.9415), ("D", 0.97), (None, 1.0))
"""Cumulative: A ≈ 38.8 %, B ≈ 43.7 %, C ≈ 11.6 %, D ≈ 2.9 %, not yet graded 3 %."""
SAFETY_LEVELS_HIGH = (("重大", 0.12), ("较大", 0.42), ("一般", 0.82), ("低", 0.95), (None, 1.0))
SAFETY_LEVELS_OTHER = (("重大", 0.01), ("较大", 0.09), ("一般", 0.47), ("低", 0.95), (None, 1.0))
ENT_STATUSES = (("存续", 0.91), ("停业", 0.965), ("注销", 0.99), ("吊销", 1.0))
INSPECTOR_STATUSES = (("在岗", 0.85), ("离岗", 0.90), ("借调", 0.96), ("退休", 1.0))

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN_CHARS_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建志国峰海东亮成永春"
GIVEN_CHARS_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英华红梅琳婷雪慧莹颖倩洁晶欣怡佳悦璐瑶婧蕾薇"
VILLAGE_ENDINGS = ("庄", "营", "沟", "峪", "堡", "屯", "店")

MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "172", "177", "178", "180", "181", "182", "183", "184",
                   "185", "186", "187", "188", "189", "191", "193", "195", "198", "199")

# The 应急管理 units' specialties (industry codes); partners by deptType.
UNIT_SPECIALTIES: dict[str, tuple[str, ...]] = {
    "执法一大队": ("FM", "MK", "WH-SC", "WH-JY"),
    "执法二大队": ("GM-YJ", "GM-YS", "GM-JC", "GM-JX"),
    "执法三大队": ("GM-QG", "GM-FZ", "GM-YC", "GM-SM", "PJ", "JC", "PX"),
    "非煤矿山安全监督管理科": ("FM",),
    "危险化学品安全监督管理科": ("WH-SC", "WH-JY"),
    "工贸行业安全监督管理科": ("GM-YJ", "GM-YS", "GM-JC", "GM-JX", "GM-QG", "GM-FZ", "GM-YC", "GM-SM"),
    "煤炭安全管理科": ("MK",),
    "办公室": ("PX",),
    "人事培训科": ("PX", "PJ"),
    "执法监督科": ("FM", "WH-SC", "WH-JY", "GM-YJ", "GM-JX", "PJ", "JC"),
    "震害防御科": ("FM", "GM-JC"),
}
PARTNER_SPECIALTIES: dict[str, tuple[str, ...]] = {
    "水务": ("FM", "GM-QG"),
    "气象": ("WH-SC", "WH-JY"),
    "生态环境": ("WH-SC", "GM-YJ", "GM-JC", "FM"),
    "工信": ("GM-YJ", "GM-YS", "GM-JC", "GM-JX", "GM-QG", "GM-FZ"),
    "教育": ("XX",),
    "卫健": ("XX", "PX"),
    "市场监管": ("WH-JY", "GM-SM", "JC", "GM-JX"),
}
PARTNER_CODES = {"水务": "SW", "气象": "QX", "生态环境": "ST", "工信": "GX", "教育": "JY", "卫健": "WJ", "市场监管": "SJ"}
CERT_PREFIXES = {"应急管理": "冀应急执字", "水务": "冀水执字", "气象": "冀气执字", "生态环境": "冀环执字",
                 "工信": "冀工信执字", "教育": "冀教执字", "卫健": "冀卫执字", "市场监管": "冀市监执字"}


@cache
def province_data() -> dict[str, Any]:
    """simulator/data/province.json: the 41 check items and the 18 units."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def pick(table: tuple[tuple[Any, float], ...], draw: float) -> Any:
    """The entry of a cumulative (value, upper bound) table that `draw` in [0, 1) falls into."""
    for value, upper in table:
        if draw < upper:
            return value
    return table[-1][0]
