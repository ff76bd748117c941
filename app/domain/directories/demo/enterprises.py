"""The demo enterprises (检查对象): :func:`generate_enterprises` streams rows built from the demo tables.

Benchmarks stream up to a million rows, so the generator binds its tables to locals and the per-row work is a
handful of table look-ups; USCC check characters are sums of the tables of :mod:`app.domain.directories.demo.codes`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import fields

from app.domain.directories.demo.codes import (
    _B31_3,
    _DIGIT_ADD,
    _DIGIT_CAPACITY,
    _DIGIT_MUL,
    _LEGACY_SHARE,
    _MA_ADD,
    _MA_CAPACITY,
    _MA_MUL,
    _MAX_COUNT,
    _REG_USUM,
    _org_tables,
)
from app.domain.directories.demo.industries import (
    _CREDIT_TABLE,
    _INDUSTRY_BY_CODE,
    _INDUSTRY_TABLE,
    _STATUS_TABLE,
    _school_name,
)
from app.domain.directories.demo.people import _FULL_NAMES, _MOBILE_BASES
from app.domain.directories.demo.places import _MICRO, _STREET_NUMBERS
from app.domain.directories.model import CreditClass, Enterprise, EnterpriseStatus, SafetyRiskLevel
from app.domain.directories.uscc import ALPHABET

__all__ = ["generate_enterprises"]

#: Row index forced to be a coal mine, so that every population of ≥ 200 rows has at least one (prefix-stable).
_FORCED_COAL_INDEX = 137

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
