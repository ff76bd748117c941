"""Demo places: the counties of 秦皇岛 and their share of enterprises per kind of industry.

Each county has enterprise name prefixes, roads, towns and a plausible centre (longitude, latitude) with a jitter;
from these it derives its look-up tables of name heads, street and village addresses and coordinate ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.directories.demo.codes import _uscc_sum
from app.domain.directories.demo.tables import _table, _words
from app.domain.directories.reference import COUNTIES

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
