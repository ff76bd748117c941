"""The demo roster of inspectors (执法人员) of the bureau's units and partner departments.

Certificate serials and phone-number suffixes are bijections of the roster position, so they do not repeat;
certificate expiries (expired, expiring, valid) and duty statuses are stratified: exact shares in a seeded order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.directories.demo.people import _mobile, _person_name
from app.domain.directories.demo.tables import T
from app.domain.directories.model import Inspector, InspectorStatus

__all__ = ["DEMO_CONFLICT_REASONS", "generate_inspectors"]

#: Typical declared conflicts of interest (利害关系), for callers that attach some to demo inspectors.
DEMO_CONFLICT_REASONS: tuple[str, ...] = (
    "近亲属在该企业任职",
    "曾在该企业任职未满三年",
    "与该企业存在经济往来",
    "近亲属持有该企业股份",
    "曾为该企业提供有偿咨询服务",
    "与该企业负责人存在其他利害关系",
)

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
