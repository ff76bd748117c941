"""Demo people: names weighted as in northern Hebei and mobile numbers with realistic prefixes."""

from __future__ import annotations

import random

from app.domain.directories.demo.tables import _table, _words

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
