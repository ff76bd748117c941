"""Deterministic changes for POST /_sim/mutate: which records change, and how."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from simulator import pools
from simulator.clock import format_time
from simulator.directory import Directory
from simulator.enterprises import address, mobile, person_name

_REVISIONS = ("《中华人民共和国安全生产法》（2021年修正）", "《河北省安全生产条例》（2024年修订）",
              "《生产安全事故应急条例》", "《安全生产严重失信主体名单管理办法》", "《工贸企业重大事故隐患判定标准》")


@dataclass(frozen=True)
class MutationResult:
    changed: int
    deleted: int
    update_time: str
    changed_ids: list[str]
    deleted_ids: list[str]

    def as_json(self) -> dict[str, object]:
        return {"changed": self.changed, "deleted": self.deleted, "updateTime": self.update_time,
                "changedIds": self.changed_ids, "deletedIds": self.deleted_ids}


def _other(rng: random.Random, options: tuple[Any, ...], current: Any) -> Any:
    choices = [option for option in options if option != current]
    return rng.choice(choices)


def _change_enterprise(rng: random.Random, record: dict[str, Any]) -> None:
    fields = rng.sample(("riskGrade", "safetyRiskLevel", "entStatus", "contactPhone", "address", "tags", "legalPerson"),
                        rng.randint(1, 3))
    county = pools.COUNTY_BY_CODE.get(str(record.get("regionCode")), pools.COUNTIES[0])
    for name in fields:
        if name == "riskGrade":
            record[name] = _other(rng, ("A", "B", "C", "D"), record.get(name))
        elif name == "safetyRiskLevel":
            record[name] = _other(rng, ("重大", "较大", "一般", "低"), record.get(name))
        elif name == "entStatus":
            record[name] = _other(rng, ("存续", "停业", "注销", "吊销"), record.get(name))
        elif name == "contactPhone":
            record[name] = mobile(rng)
        elif name == "address":
            record[name] = address(rng, county)
        elif name == "legalPerson":
            record[name] = person_name(rng)
        else:
            tags = list(record.get("tags") or [])
            candidates = [tag for tag, _ in pools.TAGS.get(str(record.get("industryCode")), ())] or ["有限空间作业"]
            tag = rng.choice(candidates)
            record[name] = [item for item in tags if item != tag] if tag in tags else [*tags, tag]


def _change_inspector(rng: random.Random, record: dict[str, Any], today: date) -> None:
    for name in rng.sample(("lawCertExpiry", "status", "phone", "specialties"), rng.randint(1, 2)):
        if name == "lawCertExpiry":
            record[name] = (today + timedelta(days=rng.choice((rng.randint(-30, 60), rng.randint(365, 1825))))).isoformat()
        elif name == "status":
            record[name] = _other(rng, ("在岗", "离岗", "借调", "退休"), record.get(name))
        elif name == "phone":
            record[name] = mobile(rng)
        else:
            current = list(record.get("specialties") or [])
            code = rng.choice(tuple(pools.INDUSTRY_NAMES))
            record[name] = [item for item in current if item != code] if code in current else [*current, code]


def _change_item(rng: random.Random, record: dict[str, Any]) -> None:
    if rng.random() < 0.8:
        basis = str(record.get("checkBasis") or "")
        revision = rng.choice([text for text in _REVISIONS if text not in basis] or list(_REVISIONS))
        record["checkBasis"] = f"{basis}；{revision}" if basis else revision
    else:
        cap = record.get("frequencyCap")
        record["frequencyCap"] = _other(rng, (None, 1, 2, 3, 4), cap)


def mutate(directory: Directory, rng: random.Random, *, changes: int, deletions: int, stamp: int,
           today: date) -> MutationResult:
    """Pick `changes + deletions` live records at random; change the first ones, delete the others."""
    picked = directory.sample_live(rng, changes + deletions)
    changers: dict[str, Callable[[random.Random, dict[str, Any]], None]] = {
        "enterprises": _change_enterprise,
        "inspectors": lambda rng_, record: _change_inspector(rng_, record, today),
        "check-items": _change_item,
    }
    change = changers[directory.kind]
    for pick in picked[:changes]:
        change(rng, pick.record)
        directory.put(pick.record_id, pick.record, stamp, deleted=False, index=pick.index)
    for pick in picked[changes:]:
        directory.put(pick.record_id, pick.record, stamp, deleted=True, index=pick.index)
    changed_ids = [pick.record_id for pick in picked[:changes]]
    deleted_ids = [pick.record_id for pick in picked[changes:]]
    return MutationResult(len(changed_ids), len(deleted_ids), format_time(stamp), changed_ids, deleted_ids)
