"""The deterministic population of one seed: check items, units and inspectors, enterprises.

Pure (no web framework). Enterprises are generated lazily by index (see simulator.enterprises); the check
items come from simulator/data/province.json as they are; inspectors are a small pure function of
(seed, unit, sequence number). Mutations live in simulator.directory's overlays, not here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from simulator import pools
from simulator.config import SimulatorConfig
from simulator.directory import Directory
from simulator.enterprises import EnterpriseSource, mobile, person_name
from simulator.seeded import seeded
from simulator.spaces import EMPTY, IndexSpace, RangeSpace


@dataclass(frozen=True)
class Unit:
    dept_code: str
    dept_name: str
    dept_type: str
    kind: str
    """"section", "brigade" or "partner"."""
    number: int
    """1-based position in province.json."""


def units() -> tuple[Unit, ...]:
    """The 18 units of province.json with invented codes: 130300YJ01…130300YJ11 for the bureau,
    130300SW01-style (by department type) for the partner departments."""
    result = []
    for number, unit in enumerate(pools.province_data()["departments"], start=1):
        if unit["deptType"] == "应急管理":
            code = f"130300YJ{number:02d}"
        else:
            code = f"130300{pools.PARTNER_CODES[unit['deptType']]}01"
        result.append(Unit(code, unit["deptName"], unit["deptType"], unit["kind"], number))
    return tuple(result)


class CheckItemSource:
    """The 41 check items of province.json, in file order."""

    id_field = "itemCode"
    key_field = None

    def __init__(self) -> None:
        self._items: list[dict[str, Any]] = list(pools.province_data()["checkItems"])
        self._index = {item["itemCode"]: number for number, item in enumerate(self._items)}
        self.size = len(self._items)

    def record(self, index: int) -> dict[str, Any]:
        return dict(self._items[index])

    def index_of(self, record_id: str) -> int | None:
        return self._index.get(record_id)

    def key_of(self, index: int) -> str | None:
        return None

    def space(self, key: str) -> IndexSpace:
        return EMPTY


class InspectorSource:
    """Inspectors unit by unit: a brigade has `per_unit`, a section or partner department half as many."""

    id_field = "personId"
    key_field = "deptCode"

    def __init__(self, seed: int, per_unit: int, base_day: date) -> None:
        self.seed = seed
        self.base_day = base_day
        self.units = units()
        self._slots: list[tuple[Unit, int]] = []
        self._ranges: dict[str, RangeSpace] = {}
        for unit in self.units:
            count = per_unit if unit.kind == "brigade" else max(1, per_unit // 2)
            start = len(self._slots)
            self._slots.extend((unit, sequence) for sequence in range(1, count + 1))
            self._ranges[unit.dept_code] = RangeSpace(start, len(self._slots))
        self._index = {self._person_id(unit, sequence): number for number, (unit, sequence) in enumerate(self._slots)}
        self.size = len(self._slots)

    @staticmethod
    def _person_id(unit: Unit, sequence: int) -> str:
        return f"RY{unit.dept_code}{sequence:04d}"

    def index_of(self, record_id: str) -> int | None:
        return self._index.get(record_id)

    def key_of(self, index: int) -> str:
        return self._slots[index][0].dept_code

    def space(self, key: str) -> IndexSpace:
        return self._ranges.get(key, EMPTY)

    def record(self, index: int) -> dict[str, Any]:
        unit, sequence = self._slots[index]
        rng = seeded(self.seed, "inspector", unit.dept_code, sequence)
        pool = self._specialty_pool(unit)
        specialties = sorted(rng.sample(pool, min(len(pool), rng.randint(1, 3))), key=pool.index)
        prefix = pools.CERT_PREFIXES[unit.dept_type]
        issued = rng.randint(16, 25)
        return {
            "personId": self._person_id(unit, sequence),
            "name": person_name(rng),
            "deptCode": unit.dept_code,
            "deptName": unit.dept_name,
            "lawCertNo": f"{prefix}1303{issued:02d}{unit.number:02d}{sequence:04d}",
            "lawCertExpiry": (self.base_day + timedelta(days=self._expiry_offset(rng))).isoformat(),
            "status": pools.pick(pools.INSPECTOR_STATUSES, rng.random()),
            "specialties": specialties,
            "phone": mobile(rng),
        }

    @staticmethod
    def _specialty_pool(unit: Unit) -> list[str]:
        if unit.dept_type != "应急管理":
            return list(pools.PARTNER_SPECIALTIES[unit.dept_type])
        short = unit.dept_name.removeprefix("秦皇岛市应急管理局")
        return list(pools.UNIT_SPECIALTIES.get(short, ("GM-JX",)))

    @staticmethod
    def _expiry_offset(rng: random.Random) -> int:
        """Days from base_time to lawCertExpiry: 5 % expired, 6 % within 30 days, 12 % in 30–90, the rest later."""
        draw = rng.random()
        if draw < 0.05:
            return -rng.randint(1, 200)
        if draw < 0.11:
            return rng.randint(0, 29)
        if draw < 0.23:
            return rng.randint(30, 90)
        return rng.randint(91, 1800)


@dataclass
class Population:
    """The three directories of one simulator instance."""

    check_items: Directory
    enterprises: Directory
    inspectors: Directory

    @classmethod
    def build(cls, config: SimulatorConfig) -> Population:
        base = config.base_epoch
        history = config.history_days * 86400
        base_day = config.base_time.date()
        return cls(
            check_items=Directory("check-items", CheckItemSource(), base, history),
            enterprises=Directory("enterprises", EnterpriseSource(config.seed, config.enterprises), base, history),
            inspectors=Directory("inspectors", InspectorSource(config.seed, config.inspectors_per_unit, base_day),
                                 base, history),
        )

    def directory(self, kind: str) -> Directory:
        return {"check-items": self.check_items, "enterprises": self.enterprises, "inspectors": self.inspectors}[kind]
