"""The generated 检查对象名录库: enterprise i is a pure function of (seed, i).

Counties are dealt in blocks of 100 consecutive indices, each block a seeded shuffle of a fixed slot table
(海港区 30 slots, 昌黎县 14, …), so the enterprises of one county can be counted and addressed by rank
without generating the others (see CountySpace). The index is encoded, scrambled, in positions 11–16 of the
统一社会信用代码, which makes codes unique by construction and lets a code be traced back to its index.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, TypeVar

from simulator import pools, uscc
from simulator.seeded import seeded
from simulator.spaces import EMPTY, IndexSpace

T = TypeVar("T")
BLOCK = 100
_MODULUS = 31**6
_COUNTY_CODES = tuple(county.code for county in pools.COUNTIES)
_SLOT_COUNTIES = bytes(number for number, county in enumerate(pools.COUNTIES) for _ in range(county.slots))
assert len(_SLOT_COUNTIES) == BLOCK
_RECENT = 256


def _derive(seed: int, label: str) -> int:
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class EnterpriseSource:
    """Lazily generated enterprises 0..size-1 of one seed."""

    id_field = "uniscid"
    key_field = "regionCode"

    def __init__(self, seed: int, size: int) -> None:
        self.seed = seed
        self.size = size
        multiplier = _derive(seed, "uscc-multiplier") % (_MODULUS - 1) + 1
        if multiplier % 31 == 0:
            multiplier += 1
        self._multiplier = multiplier
        self._inverse = pow(multiplier, -1, _MODULUS)
        self._offset = _derive(seed, "uscc-offset") % _MODULUS
        self._layouts: dict[int, bytes] = {}
        self._positions: OrderedDict[int, dict[str, list[int]]] = OrderedDict()
        self._recent: dict[int, dict[str, Any]] = {}

    # -- counties in blocks ---------------------------------------------------------------------------
    def _layout(self, number: int) -> bytes:
        """Block `number`'s county (as a position in pools.COUNTIES) for each of its 100 indices; 100 bytes a
        block, kept for the life of the population (10,000 blocks for a million enterprises)."""
        layout = self._layouts.get(number)
        if layout is None:
            slots = bytearray(_SLOT_COUNTIES)
            rand = seeded(self.seed, "county-block", number).random
            for last in range(BLOCK - 1, 0, -1):  # Fisher-Yates
                other = int(rand() * (last + 1))
                slots[last], slots[other] = slots[other], slots[last]
            layout = self._layouts[number] = bytes(slots)
        return layout

    def block_positions(self, number: int, code: str) -> list[int]:
        """The positions (0..99) of county `code` in block `number`, ascending."""
        positions = self._positions.get(number)
        if positions is None:
            positions = {}
            for position, county in enumerate(self._layout(number)):
                positions.setdefault(_COUNTY_CODES[county], []).append(position)
            self._positions[number] = positions
            if len(self._positions) > 256:
                self._positions.popitem(last=False)
        return positions.get(code, [])

    def county_of(self, index: int) -> str:
        number, position = divmod(index, BLOCK)
        return _COUNTY_CODES[self._layout(number)[position]]

    def key_of(self, index: int) -> str:
        return self.county_of(index)

    def space(self, key: str) -> IndexSpace:
        county = pools.COUNTY_BY_CODE.get(key)
        if county is None:
            return EMPTY
        return CountySpace(self, key, county.slots)

    # -- codes ---------------------------------------------------------------------------------------
    def _serial(self, index: int) -> str:
        return uscc.to_base31((index * self._multiplier + self._offset) % _MODULUS, 6)

    def index_of(self, code: str) -> int | None:
        """The generated index whose 统一社会信用代码 is `code`, if any."""
        if not uscc.is_valid(code):
            return None
        scrambled = uscc.from_base31(code[10:16])
        if scrambled is None:
            return None
        index = (scrambled - self._offset) * self._inverse % _MODULUS
        if index >= self.size or self.record(index)["uniscid"] != code:
            return None
        return index

    # -- records -------------------------------------------------------------------------------------
    def record(self, index: int) -> dict[str, Any]:
        """Enterprise `index` in platform field names, without updateTime and deleted (a fresh copy)."""
        record = self._recent.get(index)
        if record is None:
            if len(self._recent) >= _RECENT:
                self._recent.clear()
            record = self._recent[index] = self._generate(index)
        return {**record, "tags": list(record["tags"])}

    def _generate(self, index: int) -> dict[str, Any]:
        rng = seeded(self.seed, "enterprise", index)
        rand = rng.random
        county = pools.COUNTY_BY_CODE[self.county_of(index)]
        codes, cumulative = pools.INDUSTRY_TABLES[county.code]
        industry = codes[bisect_right(cumulative, rand() * cumulative[-1])]
        if industry == "XX":
            category = "12" if rand() < 0.6 else "52"
            body_prefix = "40" if category == "12" else "50"
        else:
            category, body_prefix = "91", "MA"
        registry = county.code if rand() < 0.85 else "130300"
        body = body_prefix + self._serial(index)
        first17 = category + registry + body + uscc.org_check_char(body)
        tags = [tag for tag, share in pools.TAGS.get(industry, ()) if rand() < share]
        levels = pools.SAFETY_LEVELS_HIGH if industry in pools.HIGH_HAZARD else pools.SAFETY_LEVELS_OTHER
        located = rand() < 0.96
        lon = min(max(county.lon + rng.gauss(0, 0.05), pools.LON_RANGE[0]), pools.LON_RANGE[1])
        lat = min(max(county.lat + rng.gauss(0, 0.035), pools.LAT_RANGE[0]), pools.LAT_RANGE[1])
        return {
            "uniscid": first17 + uscc.check_char(first17),
            "entName": enterprise_name(rng, industry, county),
            "regionCode": county.code,
            "address": address(rng, county),
            "industryCode": industry,
            "industryName": pools.INDUSTRY_NAMES[industry],
            "riskGrade": pools.pick(pools.RISK_GRADES, rand()),
            "safetyRiskLevel": pools.pick(levels, rand()),
            "entStatus": pools.pick(pools.ENT_STATUSES, rand()),
            "legalPerson": person_name(rng),
            "contactPhone": mobile(rng),
            "longitude": round(lon, 6) if located else None,
            "latitude": round(lat, 6) if located else None,
            "tags": tags,
        }


class CountySpace:
    """The generated enterprises of one county, by rank (see the module docstring)."""

    def __init__(self, source: EnterpriseSource, code: str, per_block: int) -> None:
        self._source = source
        self._code = code
        self._per_block = per_block
        full, rest = divmod(source.size, BLOCK)
        tail = bisect_left(self._positions(full), rest) if rest else 0
        self._size = full * per_block + tail

    def _positions(self, number: int) -> list[int]:
        return self._source.block_positions(number, self._code)

    @property
    def size(self) -> int:
        return self._size

    def rank(self, index: int) -> int:
        index = min(max(index, 0), self._source.size)
        number, position = divmod(index, BLOCK)
        return min(number * self._per_block + bisect_left(self._positions(number), position), self._size)

    def select(self, rank: int) -> int:
        number, nth = divmod(rank, self._per_block)
        return number * BLOCK + self._positions(number)[nth]

    def __contains__(self, index: int) -> bool:
        return 0 <= index < self._source.size and self._source.county_of(index) == self._code


# -- names and places -------------------------------------------------------------------------------
def _pick(rng: random.Random, options: Sequence[T]) -> T:
    """rng.choice without its rejection sampling: one draw, a bias far below anything visible here."""
    return options[int(rng.random() * len(options))]


def person_name(rng: random.Random) -> str:
    given = pools.GIVEN_CHARS_MALE if rng.random() < 0.6 else pools.GIVEN_CHARS_FEMALE
    surname = _pick(rng, pools.SURNAMES)
    if rng.random() < 0.3:
        return surname + _pick(rng, given)
    return surname + _pick(rng, given) + _pick(rng, given)


def mobile(rng: random.Random) -> str:
    return _pick(rng, pools.MOBILE_PREFIXES) + f"{int(rng.random() * 100_000_000):08d}"


def _trade_name(rng: random.Random) -> str:
    chars = pools.TRADE_CHARS
    first = _pick(rng, chars)
    second = _pick(rng, chars)
    while second == first:
        second = _pick(rng, chars)
    return first + second


def enterprise_name(rng: random.Random, industry: str, county: pools.County) -> str:
    trade = _trade_name(rng)
    if industry == "XX":
        ending = _pick(rng, pools.SCHOOL_ENDINGS)
        if ending in ("中学", "小学") and rng.random() < 0.5:
            return f"{county.short}第{_pick(rng, pools.CHINESE_NUMBERS)}{ending}"
        return f"{county.short}{trade}{ending}"
    draw = rng.random()
    if draw < 0.45:
        prefix = "秦皇岛"
    elif draw < 0.65:
        prefix = "秦皇岛市"
    elif draw < 0.9:
        prefix = county.short if not county.short.startswith("秦皇岛") else "秦皇岛"
    else:
        prefix = "河北"
    return prefix + trade + _pick(rng, pools.NAME_ENDINGS[industry])


def address(rng: random.Random, county: pools.County) -> str:
    base = "河北省秦皇岛市" + county.name if not county.name.startswith("秦皇岛") else "河北省" + county.name
    if county.towns and rng.random() < 0.45:
        village = _pick(rng, pools.SURNAMES) + "家" + _pick(rng, pools.VILLAGE_ENDINGS)
        return f"{base}{_pick(rng, county.towns)}{village}村"
    return f"{base}{_pick(rng, county.streets)}{1 + int(rng.random() * 399)}号"
