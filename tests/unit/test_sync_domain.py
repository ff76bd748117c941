"""Pure pieces of sync and the outbox: page de-duplication, quarantine keys, drift, the retry schedule, and the
mapping of platform records (adapter code, but pure: no I/O)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.adapters.provincial.wire import format_time, parse_time, remote_record
from app.domain.directories.model import CreditClass, Enterprise, EnterpriseStatus, SafetyRiskLevel
from app.domain.outbox.model import RetrySchedule
from app.domain.provincial.model import DirectoryKind, RemoteRecord
from app.domain.sync.apply import latest_per_key, quarantine_key
from app.domain.sync.model import DRIFT_SAMPLE, Drift
from tests.support import make_uscc

T0 = datetime(2026, 11, 1, tzinfo=UTC)
E = DirectoryKind.ENTERPRISES


def rec(key: str, minutes: int, deleted: bool = False) -> RemoteRecord:
    return RemoteRecord(E, key, T0 + timedelta(minutes=minutes), deleted, None)


def test_a_page_repeating_a_record_keeps_its_newest_version_once() -> None:
    page = [rec("A", 1), rec("B", 2), rec("A", 3, deleted=True), rec("B", 2)]
    kept = latest_per_key(page)
    assert [(r.key, r.deleted) for r in kept] == [("A", True), ("B", False)]


@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers(0, 50)), max_size=30), st.randoms())
def test_deduplication_does_not_depend_on_the_order_of_a_page(entries: list[tuple[str, int]], rnd: random.Random) -> None:
    page = [rec(k, m) for k, m in entries]
    shuffled = page[:]
    rnd.shuffle(shuffled)
    newest = {k: max(m for kk, m in entries if kk == k) for k, _ in entries}
    assert {r.key: r.updated_at for r in latest_per_key(shuffled)} == {
        k: T0 + timedelta(minutes=m) for k, m in newest.items()}


def test_a_record_without_a_key_is_quarantined_under_a_stable_digest() -> None:
    one = RemoteRecord(E, "", None, False, None, (), {"entName": "无代码企业"})
    same = RemoteRecord(E, "", None, False, None, (), {"entName": "无代码企业"})
    other = RemoteRecord(E, "", None, False, None, (), {"entName": "另一家"})
    assert quarantine_key(one) == quarantine_key(same) != quarantine_key(other)
    assert quarantine_key(one).startswith("#")
    assert len(quarantine_key(one)) <= 64


def test_drift_counts_everything_but_keeps_a_bounded_sample() -> None:
    drift = Drift()
    for n in range(DRIFT_SAMPLE + 5):
        drift.note("local_only", f"K{n}")
    assert drift.local_only == DRIFT_SAMPLE + 5
    assert len(drift.samples["local_only"]) == DRIFT_SAMPLE


@given(st.integers(0, 40), st.randoms())
def test_the_retry_schedule_stays_between_now_and_the_cap(attempts: int, rnd: random.Random) -> None:
    schedule = RetrySchedule(base=timedelta(seconds=5), cap=timedelta(hours=1))
    due = schedule.next_attempt(T0, attempts, rnd)
    assert T0 < due <= T0 + timedelta(hours=1)


def test_platform_times_are_china_standard_time_to_the_second() -> None:
    moment = parse_time("2026-03-03 09:30:00")
    assert moment == datetime(2026, 3, 3, 1, 30, tzinfo=UTC)
    assert format_time(datetime(2026, 3, 3, 1, 30, 15, tzinfo=UTC)) == "2026-03-03 09:30:15"


def wire_enterprise(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "uniscid": make_uscc(1).lower(), "entName": " 秦皇岛市宏达机械有限公司 ", "regionCode": "130302",
        "industryCode": "GM-JX", "industryName": "机械", "riskGrade": "C", "safetyRiskLevel": "较大",
        "entStatus": "停业", "address": "海港区", "legalPerson": "张三", "contactPhone": "13800000000",
        "longitude": 119.6, "latitude": 39.9, "tags": ["粉尘涉爆"], "updateTime": "2026-10-01 08:00:00",
        "deleted": False,
    }
    record.update(changes)
    return record


def test_a_well_formed_enterprise_maps_to_the_domain() -> None:
    mapped = remote_record(E, wire_enterprise())
    assert mapped.problems == ()
    assert mapped.key == make_uscc(1)
    assert mapped.value == Enterprise(
        uscc=make_uscc(1), name="秦皇岛市宏达机械有限公司", county_code="130302", industry_code="GM-JX",
        status=EnterpriseStatus.SUSPENDED, address="海港区", longitude=119.6, latitude=39.9,
        credit_class=CreditClass.C, safety_risk_level=SafetyRiskLevel.HIGH, tags=("粉尘涉爆",), legal_person="张三",
        contact_phone="13800000000")


def test_malformed_enterprise_fields_are_named_not_raised() -> None:
    mapped = remote_record(E, wire_enterprise(longitude="东经119度", entStatus="歇业", tags="重大危险源",
                                              updateTime="2026/10/01"))
    assert mapped.value is None
    assert {(p.field, p.code) for p in mapped.problems} == {
        ("longitude", "provincial.field_type"), ("entStatus", "provincial.code_unknown"),
        ("tags", "provincial.field_type"), ("updateTime", "provincial.field_format")}


def test_a_deleted_record_carries_only_its_key_and_time() -> None:
    mapped = remote_record(E, {"uniscid": make_uscc(2), "deleted": True, "updateTime": "2026-10-01 08:00:00"})
    assert (mapped.deleted, mapped.value, mapped.problems) == (True, None, ())


def test_a_record_that_is_not_an_object_is_a_problem() -> None:
    mapped = remote_record(E, ["not", "an", "object"])
    assert mapped.value is None
    assert mapped.problems[0].code == "provincial.record_type"


def test_an_inspector_of_an_unknown_unit_is_a_problem() -> None:
    mapped = remote_record(DirectoryKind.INSPECTORS, {
        "personId": "P-1", "name": "李四", "deptCode": "X", "deptName": "某某县应急管理局", "lawCertNo": "冀应急执字1",
        "lawCertExpiry": "2027-01-01", "status": "在岗", "updateTime": "2026-10-01 08:00:00"})
    assert [p.code for p in mapped.problems] == ["provincial.department_unknown"]
