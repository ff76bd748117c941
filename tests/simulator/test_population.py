"""The generated population as pure functions (no HTTP)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import pools, uscc
from simulator.config import SimulatorConfig
from simulator.enterprises import EnterpriseSource
from simulator.population import InspectorSource, Population, units

COUNTIES = {"130302", "130303", "130304", "130306", "130321", "130322", "130324", "130371", "130372"}
MOBILE = re.compile(r"1[3-9][0-9]{9}")
BIG = EnterpriseSource(2026, 1_000_000)


def check_enterprise(record: dict[str, object]) -> None:
    assert uscc.is_valid(record["uniscid"])
    assert record["regionCode"] in COUNTIES
    assert record["industryName"] == pools.INDUSTRY_NAMES[str(record["industryCode"])]
    assert record["riskGrade"] in ("A", "B", "C", "D", None)
    assert record["safetyRiskLevel"] in ("重大", "较大", "一般", "低", None)
    assert record["entStatus"] in ("存续", "停业", "注销", "吊销")
    assert MOBILE.fullmatch(str(record["contactPhone"]))
    assert str(record["address"]).startswith("河北省")
    county = pools.COUNTY_BY_CODE[str(record["regionCode"])]
    assert county.name in str(record["address"])
    assert 2 <= len(str(record["legalPerson"])) <= 3
    lon, lat = record["longitude"], record["latitude"]
    assert (lon is None) == (lat is None)
    if isinstance(lon, float) and isinstance(lat, float):
        assert 118.5 <= lon <= 120.0
        assert 39.6 <= lat <= 40.6
    tags = record["tags"]
    assert isinstance(tags, list)
    allowed = {tag for tag, _ in pools.TAGS.get(str(record["industryCode"]), ())}
    assert set(tags) <= allowed


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999_999))
def test_every_generated_enterprise_is_valid_and_traceable(index: int) -> None:
    record = BIG.record(index)
    check_enterprise(record)
    assert BIG.index_of(str(record["uniscid"])) == index


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**31), st.integers(0, 999))
def test_any_seed_gives_valid_codes(seed: int, index: int) -> None:
    source = EnterpriseSource(seed, 1000)
    record = source.record(index)
    check_enterprise(record)
    assert source.index_of(str(record["uniscid"])) == index


def test_codes_outside_the_population_are_not_found() -> None:
    small = EnterpriseSource(2026, 10)
    outside = BIG.record(500_000)["uniscid"]
    assert small.index_of(str(outside)) is None
    assert small.index_of("91350100M000100Y43") is None
    assert small.index_of("not a code") is None


def test_same_seed_same_records_other_seed_other_records() -> None:
    again = EnterpriseSource(2026, 1_000_000)
    other = EnterpriseSource(7, 1_000_000)
    assert [BIG.record(i) for i in range(50)] == [again.record(i) for i in range(50)]
    assert [BIG.record(i)["uniscid"] for i in range(50)] != [other.record(i)["uniscid"] for i in range(50)]


def test_distribution_looks_like_qinhuangdao() -> None:
    records = [BIG.record(i) for i in range(20_000)]
    assert len({record["uniscid"] for record in records}) == len(records)
    counties = Counter(record["regionCode"] for record in records)
    assert set(counties) == COUNTIES
    assert counties.most_common(1)[0][0] == "130302"  # 海港区 is the largest
    industries = Counter(str(record["industryCode"]) for record in records)
    gm = sum(count for code, count in industries.items() if code.startswith("GM-"))
    assert gm / len(records) > 0.5
    assert industries["WH-JY"] > industries["WH-SC"] > industries["MK"] > 0
    assert {"FM", "PJ", "JC", "PX", "XX"} <= set(industries)
    grades = Counter(record["riskGrade"] for record in records)
    share = {grade: count / len(records) for grade, count in grades.items()}
    assert 0.35 < share["A"] < 0.45
    assert 0.40 < share["B"] < 0.50
    assert 0.09 < share["C"] < 0.15
    assert 0.015 < share["D"] < 0.05
    assert 0.01 < share[None] < 0.06
    statuses = Counter(record["entStatus"] for record in records)
    assert statuses["存续"] / len(records) > 0.85
    assert statuses["停业"] > statuses["注销"] > statuses["吊销"] > 0
    assert 0.01 < sum(record["longitude"] is None for record in records) / len(records) < 0.1
    tagged = sum(bool(record["tags"]) for record in records) / len(records)
    assert 0.05 < tagged < 0.4
    mines = [record for record in records if record["industryCode"] == "FM"]
    assert Counter(record["regionCode"] for record in mines).most_common(1)[0][0] in {"130321", "130324", "130306"}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(COUNTIES)), st.integers(0, 5000))
def test_county_space_ranks_and_selects_without_scanning(county: str, index: int) -> None:
    source = EnterpriseSource(99, 5_000)
    space = source.space(county)
    members = [i for i in range(source.size) if source.county_of(i) == county]
    assert space.size == len(members)
    assert space.rank(index) == sum(1 for member in members if member < index)
    if members:
        rank = index % len(members)
        assert space.select(rank) == members[rank]


def test_inspectors_of_every_unit() -> None:
    source = InspectorSource(2026, 12, date(2026, 11, 1))
    records = [source.record(i) for i in range(source.size)]
    names = {unit["deptName"] for unit in pools.province_data()["departments"]}
    assert {record["deptName"] for record in records} == names
    assert len({record["personId"] for record in records}) == len(records)
    assert len({record["lawCertNo"] for record in records}) == len(records)
    per_unit = Counter(record["deptCode"] for record in records)
    brigades = [unit.dept_code for unit in units() if unit.kind == "brigade"]
    assert all(per_unit[code] == 12 for code in brigades)
    assert all(count == 6 for code, count in per_unit.items() if code not in brigades)
    base = date(2026, 11, 1)
    expiries = [date.fromisoformat(str(record["lawCertExpiry"])) for record in records]
    assert any(day < base for day in expiries)
    assert any(base + timedelta(days=30) <= day <= base + timedelta(days=90) for day in expiries)
    statuses = Counter(record["status"] for record in records)
    assert statuses["在岗"] > len(records) * 0.7
    assert set(statuses) <= {"在岗", "离岗", "借调", "退休"}
    for record in records:
        assert MOBILE.fullmatch(str(record["phone"]))
        assert record["specialties"]
        assert set(record["specialties"]) <= set(pools.INDUSTRY_NAMES)
    education = [record for record in records if record["deptName"] == "秦皇岛市教育局"]
    assert all(record["specialties"] == ["XX"] for record in education)


def test_check_items_are_those_of_province_json() -> None:
    population = Population.build(SimulatorConfig(enterprises=10))
    page = population.check_items.page(0, 500)
    items = pools.province_data()["checkItems"]
    assert page.total == len(items) == 41
    assert [{k: v for k, v in record.items() if k not in ("updateTime", "deleted")} for record in page.records] == items
    assert all(record["deleted"] is False for record in page.records)


def test_generated_update_times_are_distinct_increasing_and_before_base_time() -> None:
    config = SimulatorConfig(enterprises=5000)
    population = Population.build(config)
    times = [record["updateTime"] for record in population.enterprises.page(0, 500).records]
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    last = population.enterprises.page(4999, 1).records[0]["updateTime"]
    assert last < "2026-11-01 00:00:00"
