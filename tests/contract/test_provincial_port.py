"""One contract for the provincial platform port, run against the in-memory fake and against the httpx client
talking to the simulator: a mismatch between either and PROVINCIAL_API.md shows up here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.adapters.provincial.client import ProvincialClient, RetryPolicy
from app.adapters.provincial.fake import FakeProvincialPlatform
from app.domain.directories.catalogue import CHECK_ITEMS
from app.domain.directories.demo import generate_enterprises, generate_inspectors
from app.domain.directories.model import CreditClass, Enterprise
from app.domain.errors import PlatformRejected
from app.domain.ports import ProvincialPlatform
from app.domain.provincial.model import (
    DirectoryKind,
    DrawReport,
    DrawTarget,
    DrawTeam,
    Handling,
    RemoteRecord,
    ResultRecord,
    TaskRegistration,
    TeamMember,
)
from simulator.app import create_app
from simulator.config import SimulatorConfig

POPULATION = 60
T0 = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass
class Harness:
    """The port under test, and what the test needs to arrange on the platform's side."""

    platform: ProvincialPlatform
    fake: FakeProvincialPlatform | None = None
    control: httpx.AsyncClient | None = None
    _tick: int = 0

    async def change(self, kind: DirectoryKind, count: int, deletions: int) -> tuple[list[str], list[str]]:
        """Change ``count`` records and delete ``deletions``, later than anything before; returns their keys."""
        if self.fake is not None:
            self._tick += 1
            at = T0 + timedelta(days=self._tick)
            live = [r for r in sorted(self.fake.records[kind].values(), key=lambda r: r.key) if not r.deleted]
            changed = live[:count]
            for record in changed:
                assert isinstance(record.value, Enterprise)
                self.fake.put(kind, [replace(record.value, address=f"变更后的地址 {self._tick}")], at)
            removed = live[count:count + deletions]
            for record in removed:
                self.fake.delete(kind, record.key, at)
            return [r.key for r in changed], [r.key for r in removed]
        assert self.control is not None
        await self.control.post("/_sim/clock", json={"advanceSeconds": 86_400})
        answer = (await self.control.post("/_sim/mutate", json={
            "kind": "check-items" if kind is DirectoryKind.CHECK_ITEMS else kind.value,
            "count": count, "deleteCount": deletions})).json()
        return answer["changedIds"], answer["deletedIds"]


@pytest.fixture(params=["fake", "simulator"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "fake":
        fake = FakeProvincialPlatform()
        fake.put(DirectoryKind.ENTERPRISES, generate_enterprises(POPULATION), T0)
        fake.put(DirectoryKind.INSPECTORS, generate_inspectors(today=T0.date()), T0)
        fake.put(DirectoryKind.CHECK_ITEMS, CHECK_ITEMS, T0)
        yield Harness(fake, fake=fake)
        return
    simulator = create_app(SimulatorConfig(enterprises=POPULATION, inspectors_per_unit=4))
    transport = httpx.ASGITransport(app=simulator)
    async with (httpx.AsyncClient(transport=transport, base_url="http://sim") as http,
                httpx.AsyncClient(transport=transport, base_url="http://sim") as control):
        client = ProvincialClient(http, client_id="qhd-yjj", client_secret="qhd-yjj-simulator-secret",
                                  retry=RetryPolicy(attempts=3, base_seconds=0.001, cap_seconds=0.01))
        yield Harness(client, control=control)


async def walk(platform: ProvincialPlatform, kind: DirectoryKind, since: datetime | None = None,
               size: int = 25) -> list[RemoteRecord]:
    records: list[RemoteRecord] = []
    page_no = 1
    while True:
        page = await platform.fetch_changes(kind, since=since, page_no=page_no, page_size=size)
        records += page.records
        if len(page.records) < size:
            assert page.total == len(records)
            return records
        page_no += 1


def task(no: str = "2026001-01", **changes: Any) -> TaskRegistration:
    base = TaskRegistration("2026001", "2026年非煤矿山企业安全生产随机抽查", no, "非煤矿山企业的安全检查", "不定向", "内部联合",
                            "秦皇岛市应急管理局非煤矿山安全监督管理科", ("秦皇岛市应急管理局执法一大队",), ("YJ-FM-001",),
                            date(2026, 4, 1), date(2026, 6, 30))
    return replace(base, **changes)


def result(platform_task_id: str, uscc: str, **changes: Any) -> ResultRecord:
    base = ResultRecord(platform_task_id, uscc, date(2026, 5, 12), ("未发现问题",), "现场检查未发现问题", 0, 0, None,
                        Handling.NONE, ("ZF1-001", "ZF1-002"), date(2026, 5, 20))
    return replace(base, **changes)


async def known_usccs(platform: ProvincialPlatform, n: int) -> list[str]:
    page = await platform.fetch_changes(DirectoryKind.ENTERPRISES, since=None, page_no=1, page_size=100)
    return [r.key for r in page.records if not r.deleted and r.value is not None][:n]


async def test_directory_pages_hold_every_record_once_in_update_time_then_key_order(harness: Harness) -> None:
    for kind in DirectoryKind:
        records = await walk(harness.platform, kind)
        assert records, kind
        assert len({r.key for r in records}) == len(records), f"{kind}: a record repeats"
        order = [(r.updated_at, r.key) for r in records]
        assert order == sorted(order), kind
        assert all(r.value is not None and not r.problems for r in records), kind


async def test_enterprise_records_map_to_valid_domain_enterprises(harness: Harness) -> None:
    records = await walk(harness.platform, DirectoryKind.ENTERPRISES)
    assert len(records) == POPULATION
    for record in records:
        enterprise = record.value
        assert isinstance(enterprise, Enterprise)
        assert enterprise.uscc == record.key
        assert enterprise.credit_class is None or isinstance(enterprise.credit_class, CreditClass)


async def test_changes_since_a_time_are_the_changed_and_deleted_records_only(harness: Harness) -> None:
    before = await walk(harness.platform, DirectoryKind.ENTERPRISES)
    newest = max(r.updated_at for r in before if r.updated_at)
    changed, deleted = await harness.change(DirectoryKind.ENTERPRISES, 3, 2)

    since = newest + timedelta(seconds=1)
    increment = await walk(harness.platform, DirectoryKind.ENTERPRISES, since=since)

    assert {r.key for r in increment} == {*changed, *deleted}
    assert {r.key for r in increment if r.deleted} == set(deleted)
    assert all(r.value is None for r in increment if r.deleted)
    assert all(r.updated_at and r.updated_at >= since for r in increment)


async def test_a_page_size_outside_1_to_500_is_refused_with_2001(harness: Harness) -> None:
    with pytest.raises(PlatformRejected) as raised:
        await harness.platform.fetch_changes(DirectoryKind.ENTERPRISES, since=None, page_no=1, page_size=501)
    assert raised.value.platform_code == "2001"


async def test_task_registration_is_idempotent_by_request_id(harness: Harness) -> None:
    first = await harness.platform.register_task("req-task-1", task())
    assert await harness.platform.register_task("req-task-1", task()) == first
    with pytest.raises(PlatformRejected) as raised:
        await harness.platform.register_task("req-task-1", task(task_name="改过的任务名称"))
    assert raised.value.platform_code == "3001"
    # The platform de-duplicates by task number too.
    assert await harness.platform.register_task("req-task-1-again", task()) == first


async def test_a_draw_for_an_unknown_task_is_refused_with_2002(harness: Harness) -> None:
    uscc = (await known_usccs(harness.platform, 1))[0]
    draw = DrawReport("D2026001-01", "12345678901234567890", "CN-INSPECT/v1", "a" * 64, T0,
                      (DrawTarget(uscc, CreditClass.B, "GM-JX/B"),),
                      (DrawTeam(uscc, (TeamMember("ZF1-001", True), TeamMember("ZF1-002", False))),))
    with pytest.raises(PlatformRejected) as raised:
        await harness.platform.push_draw("req-draw-x", "P-NO-SUCH-TASK", draw)
    assert raised.value.platform_code == "2002"
    platform_task_id = await harness.platform.register_task("req-task-d", task())
    await harness.platform.push_draw("req-draw-1", platform_task_id, draw)
    await harness.platform.push_draw("req-draw-1", platform_task_id, draw)  # a repeat is answered, not applied


async def test_a_results_batch_is_accepted_record_by_record_and_replays_are_applied_once(harness: Harness) -> None:
    platform_task_id = await harness.platform.register_task("req-task-r", task())
    good = await known_usccs(harness.platform, 2)
    batch = [result(platform_task_id, good[0]), result(platform_task_id, "91130300MA00000000"),
             result(platform_task_id, good[1], hazard_count=2, handling=Handling.ORDER_CORRECTION,
                    rectify_deadline=date(2026, 6, 12), result_codes=("发现问题待后续处理",))]

    outcome = await harness.platform.push_results("req-results-1", batch)
    again = await harness.platform.push_results("req-results-1", batch)

    assert outcome == again
    assert outcome.accepted == 2
    assert [r.index for r in outcome.rejected] == [1]
    assert outcome.rejected[0].code in {"2001", "2002"}
    held = await harness.platform.read_results(good[1], platform_task_id)
    assert len(held) == 1
    assert held[0].hazard_count == 2
    assert held[0].handling is Handling.ORDER_CORRECTION
    with pytest.raises(PlatformRejected) as raised:
        await harness.platform.push_results("req-results-1", batch[:1])
    assert raised.value.platform_code == "3001"
