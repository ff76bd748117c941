"""Reference code lists: the counties of 秦皇岛 and the industries of the emergency-management line."""

from __future__ import annotations

from types import MappingProxyType

#: County-level divisions of 秦皇岛市 (DOMAIN.md §3).
COUNTIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "130302": "海港区",
        "130303": "山海关区",
        "130304": "北戴河区",
        "130306": "抚宁区",
        "130321": "青龙满族自治县",
        "130322": "昌黎县",
        "130324": "卢龙县",
        "130371": "经济技术开发区",
        "130372": "北戴河新区",
    }
)

#: Industry codes used by the provincial platform (PROVINCIAL_API.md).
INDUSTRIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "FM": "非煤矿山",
        "WH-SC": "危险化学品生产",
        "WH-JY": "危险化学品经营",
        "GM": "工贸",
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
)


def industry_family(code: str) -> str:
    """The top-level industry of a code: ``GM-JX`` → ``GM``, ``WH-SC`` stays ``WH-SC``."""
    return "GM" if code.startswith("GM-") else code


#: Department types of check items (部门类型, PROVINCIAL_API.md).
DEPT_TYPES: tuple[str, ...] = ("应急管理", "水务", "气象", "生态环境", "工信", "教育", "卫健", "市场监管")
