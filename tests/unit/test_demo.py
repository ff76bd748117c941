"""The demo population generator: deterministic, prefix-stable, valid and realistic in its proportions."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from app.domain.directories.catalogue import DEPARTMENTS
from app.domain.directories.demo import DEMO_CONFLICT_REASONS, generate_enterprises, generate_inspectors
from app.domain.directories.demo import enterprises as demo_enterprises
from app.domain.directories.model import CreditClass, Enterprise, EnterpriseStatus, InspectorStatus
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.directories.uscc import complete_uscc, is_valid_uscc

TODAY = date(2026, 3, 3)
GM_CODES = {"GM-YJ", "GM-YS", "GM-JC", "GM-JX", "GM-QG", "GM-FZ", "GM-YC", "GM-SM"}
LEAF_INDUSTRIES = set(INDUSTRIES) - {"GM"}
UNIT_SIZES = {
    **dict.fromkeys(("ZF1", "ZF2", "ZF3"), 12),
    **dict.fromkeys(("FMK", "WHK", "GMK"), 6),
    **dict.fromkeys(("MTK", "BGS", "RSK", "ZJK", "ZFK"), 4),
    **dict.fromkeys(("SW", "QX", "ST", "GX", "JY", "WJ", "SJ"), 5),
}
ALLOWED_TAGS = {
    "重大危险源": {"WH-SC", "WH-JY", "FM"},
    "重点监管危险化工工艺": {"WH-SC"},
    "涉爆粉尘": {"GM-JX", "GM-QG"},
    "有限空间作业": GM_CODES,
    "尾矿库": {"FM"},
}


@pytest.fixture(scope="module")
def population() -> list[Enterprise]:
    return list(generate_enterprises(20_000))


def _share(counter: Counter[object], key: object, total: int) -> float:
    return 100 * counter[key] / total


def _gb11714_is_valid(code: str) -> bool:
    """Organisation code check (GB 11714): 8 body characters, weights 3 7 9 10 5 8 4 2, check 11 − Σ mod 11."""
    values = [int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10 for ch in code[:8]]
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return code[8] == ("X" if c == 10 else "0" if c == 11 else str(c))


# ---------------------------------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------------------------------


def test_enterprises_are_a_lazy_generator() -> None:
    rows = generate_enterprises(1_000_000)
    assert inspect.isgenerator(rows)
    assert isinstance(next(rows), Enterprise)


def test_enterprises_are_deterministic(population: list[Enterprise]) -> None:
    assert list(generate_enterprises(3_000)) == population[:3_000]
    assert list(generate_enterprises(500, seed=7)) == list(generate_enterprises(500, seed=7))
    assert list(generate_enterprises(500, seed=7)) != population[:500]


def test_enterprises_are_prefix_stable(population: list[Enterprise]) -> None:
    assert list(generate_enterprises(1_234)) == population[:1_234]
    assert list(generate_enterprises(1)) == population[:1]
    assert list(generate_enterprises(0)) == []


def test_keyword_construction_fallback_gives_the_same_rows(
    population: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_enterprises, "_new_enterprise", demo_enterprises._enterprise_by_keywords)
    assert list(generate_enterprises(300)) == population[:300]


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        next(generate_enterprises(-1))


def test_usccs_are_valid_and_unique(population: list[Enterprise]) -> None:
    codes = [e.uscc for e in generate_enterprises(200_000)]
    assert len(set(codes)) == len(codes)
    assert all(complete_uscc(code[:17]) == code for code in codes)
    assert all(code[:2] in {"91", "92", "12", "52"} for code in codes)
    assert all(_gb11714_is_valid(code[8:17]) for code in codes[:5_000])
    assert all(e.uscc[2:8] == e.county_code for e in population)
    assert is_valid_uscc(codes[-1])


def test_every_county_present_with_haigang_largest(population: list[Enterprise]) -> None:
    counties = Counter(e.county_code for e in population[:5_000])
    assert set(counties) == set(COUNTIES)
    assert counties.most_common(1)[0][0] == "130302"
    mines = Counter(e.county_code for e in population if e.industry_code == "FM")
    assert mines["130321"] + mines["130324"] > sum(mines.values()) / 2  # 青龙、卢龙 hold most non-coal mines


def test_every_industry_present(population: list[Enterprise]) -> None:
    assert {e.industry_code for e in population[:5_000]} == LEAF_INDUSTRIES
    assert any(e.industry_code == "MK" for e in population[:200])


def test_industry_proportions(population: list[Enterprise]) -> None:
    industries = Counter(e.industry_code for e in population)
    total = len(population)
    assert sum(industries[c] for c in GM_CODES) * 100 / total == pytest.approx(70, abs=3)
    for code, share in {"WH-JY": 10, "WH-SC": 3, "FM": 7, "MK": 0.5, "PJ": 1, "JC": 1, "PX": 1, "XX": 6}.items():
        assert _share(industries, code, total) == pytest.approx(share, abs=max(1.0, share / 5)), code


def test_credit_class_and_status_proportions(population: list[Enterprise]) -> None:
    total = len(population)
    classes = Counter(e.credit_class for e in population)
    expected: dict[object, float] = {CreditClass.A: 40, CreditClass.B: 45, CreditClass.C: 12, CreditClass.D: 3, None: 2}
    for key, share in expected.items():
        assert _share(classes, key, total) == pytest.approx(share, abs=3), key
    statuses = Counter(e.status for e in population)
    assert _share(statuses, EnterpriseStatus.ACTIVE, total) == pytest.approx(94, abs=2)
    for status in EnterpriseStatus:
        assert statuses[status] > 0


def test_risk_levels_and_tags(population: list[Enterprise]) -> None:
    hazardous = [e for e in population if e.industry_code in {"FM", "WH-SC", "WH-JY", "MK"}]
    assert sum(e.safety_risk_level is not None for e in hazardous) > 0.9 * len(hazardous)
    schools = [e for e in population if e.industry_code == "XX"]
    assert sum(e.safety_risk_level is None for e in schools) > 0.5 * len(schools)
    seen: set[str] = set()
    for e in population:
        assert isinstance(e.tags, tuple)
        assert len(set(e.tags)) == len(e.tags)
        for tag in e.tags:
            assert e.industry_code in ALLOWED_TAGS[tag], (tag, e.industry_code)
            seen.add(tag)
    assert seen == set(ALLOWED_TAGS)
    assert sum(not e.tags for e in population) > 0.7 * len(population)


def test_addresses_locations_and_contacts(population: list[Enterprise]) -> None:
    for e in population[:5_000]:
        assert e.address is not None
        assert e.address.startswith(f"河北省秦皇岛市{COUNTIES[e.county_code]}")
        assert e.address.endswith(("号", "村"))
        assert e.longitude is not None
        assert e.latitude is not None
        assert 118.55 <= e.longitude <= 119.85
        assert 39.55 <= e.latitude <= 40.60
        assert round(e.longitude, 6) == e.longitude
        assert round(e.latitude, 6) == e.latitude
        assert e.contact_phone is not None
        assert re.fullmatch(r"1[3-9]\d{9}", e.contact_phone)
        assert e.legal_person
        assert 2 <= len(e.legal_person) <= 3
        assert e.contact_name
        assert e.name.endswith(
            ("公司", "厂", "站", "矿", "场", "店", "部", "超市", "学校", "中学", "小学", "幼儿园", "中心")
        )
    assert len({e.name for e in population}) > 0.8 * len(population)


# ---------------------------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------------------------


def test_inspectors_of_every_unit() -> None:
    inspectors = generate_inspectors(today=TODAY)
    assert Counter(i.department_code for i in inspectors) == UNIT_SIZES
    assert {d.code for d in DEPARTMENTS} <= set(UNIT_SIZES)
    assert all(i.conflicts == [] for i in inspectors)


def test_inspectors_ids_certificates_and_phones_are_unique() -> None:
    inspectors = generate_inspectors(today=TODAY)
    assert len({i.person_id for i in inspectors}) == len(inspectors)
    assert len({i.cert_no for i in inspectors}) == len(inspectors)
    assert len({i.phone for i in inspectors}) == len(inspectors)
    for i in inspectors:
        assert re.fullmatch(rf"QHD-{i.department_code}-\d{{4}}", i.person_id)
        assert re.fullmatch(r"冀\w+执字1303\d{6}", i.cert_no)
        assert i.cert_no.startswith("冀应急执字") == (
            i.department_code not in {"SW", "QX", "ST", "GX", "JY", "WJ", "SJ"}
        )
        assert i.phone is not None
        assert re.fullmatch(r"1[3-9]\d{9}", i.phone)


def test_inspector_certificates_expire_relative_to_today() -> None:
    inspectors = generate_inspectors(today=TODAY)
    days = [(i.cert_expiry - TODAY).days for i in inspectors]
    assert 1 <= sum(-200 <= d < 0 for d in days) <= 0.15 * len(days)
    assert 1 <= sum(0 < d <= 60 for d in days) <= 0.15 * len(days)
    assert all(-200 <= d <= 60 or 365 <= d <= 5 * 366 for d in days)
    later = generate_inspectors(today=TODAY + timedelta(days=100))
    assert [i.cert_expiry - j.cert_expiry for i, j in zip(later, inspectors, strict=True)] == [
        timedelta(days=100)
    ] * len(inspectors)


def test_inspector_statuses_and_specialties() -> None:
    inspectors = generate_inspectors(today=TODAY)
    statuses = Counter(i.status for i in inspectors)
    assert statuses[InspectorStatus.ON_DUTY] > 0.85 * len(inspectors)
    assert statuses[InspectorStatus.ON_DUTY] < len(inspectors)
    expected = {
        "ZF1": {"FM"},
        "FMK": {"FM"},
        "ZF2": {"WH-SC", "WH-JY"},
        "WHK": {"WH-SC", "WH-JY"},
        "ZF3": GM_CODES,
        "GMK": GM_CODES,
        "MTK": {"MK"},
        "BGS": {"PJ", "JC"},
        "RSK": {"PX"},
        "ZFK": {"XX"},
    }
    for i in inspectors:
        assert set(i.specialties) <= LEAF_INDUSTRIES
        if i.department_code in expected:
            assert set(i.specialties) == expected[i.department_code]


def test_inspectors_are_deterministic_and_per_unit_overrides() -> None:
    assert generate_inspectors(today=TODAY) == generate_inspectors(today=TODAY)
    assert generate_inspectors(today=TODAY, seed=1) != generate_inspectors(today=TODAY)
    three = generate_inspectors(today=TODAY, per_unit=3)
    assert Counter(i.department_code for i in three) == dict.fromkeys(UNIT_SIZES, 3)
    assert generate_inspectors(today=TODAY, per_unit=0) == []
    with pytest.raises(ValueError, match="per_unit"):
        generate_inspectors(today=TODAY, per_unit=-1)


def test_conflict_reasons() -> None:
    assert len(DEMO_CONFLICT_REASONS) >= 3
    assert len(set(DEMO_CONFLICT_REASONS)) == len(DEMO_CONFLICT_REASONS)
    assert "近亲属在该企业任职" in DEMO_CONFLICT_REASONS
