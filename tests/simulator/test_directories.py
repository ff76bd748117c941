"""Paging, ordering, incremental sync and filters of the three directories over HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator.config import SimulatorConfig
from simulator.directory import Directory
from tests.simulator.helpers import DIRECTORY_IDS, Sim, open_sim, order_key


def ids(kind: str, records: list[dict[str, Any]]) -> list[str]:
    return [record[DIRECTORY_IDS[kind]] for record in records]


@pytest.mark.parametrize(("kind", "page_size"), [("enterprises", 37), ("inspectors", 10), ("check-items", 7)])
async def test_a_full_walk_returns_every_record_once_in_order(sim: Sim, kind: str, page_size: int) -> None:
    total, records = await sim.walk(kind, page_size)
    assert total == len(records) == {"enterprises": 600, "inspectors": 126, "check-items": 41}[kind]
    assert len(set(ids(kind, records))) == total
    assert records == sorted(records, key=order_key(kind))
    assert all(record["deleted"] is False for record in records)


async def test_same_seed_gives_byte_identical_answers_other_seed_other_data() -> None:
    async def answers(seed: int) -> list[bytes]:
        async with open_sim(SimulatorConfig(seed=seed, enterprises=800)) as instance:
            headers = await instance.headers()
            result = []
            calls: list[tuple[str, dict[str, Any]]] = [
                ("/api/v1/enterprises", {"pageNo": 2, "pageSize": 100}),
                ("/api/v1/inspectors", {"pageNo": 1, "pageSize": 500}),
                ("/api/v1/check-items", {"pageNo": 1, "pageSize": 50}),
                ("/api/v1/enterprises", {"pageNo": 1, "pageSize": 50, "regionCode": "130321"}),
            ]
            for path, params in calls:
                result.append((await instance.client.get(path, params=params, headers=headers)).content)
            return result

    first, again, other = await answers(2026), await answers(2026), await answers(2027)
    assert first == again
    assert first[0] != other[0]
    assert first[1] != other[1]
    assert first[2][:200] == other[2][:200]  # the check items do not depend on the seed


async def test_paging_past_the_end_and_the_total(sim: Sim) -> None:
    data = await sim.page("enterprises", 100, 500)
    assert data == {"total": 600, "pageNo": 100, "pageSize": 500, "records": []}
    data = await sim.page("enterprises", 2, 500)
    assert len(data["records"]) == 100


@pytest.mark.parametrize(("params", "field"), [
    ({"pageNo": 0, "pageSize": 10}, "pageNo"),
    ({"pageNo": "abc", "pageSize": 10}, "pageNo"),
    ({"pageNo": -1, "pageSize": 10}, "pageNo"),
    ({"pageNo": 1, "pageSize": 0}, "pageSize"),
    ({"pageNo": 1, "pageSize": 501}, "pageSize"),
    ({"pageNo": 1, "pageSize": "1.5"}, "pageSize"),
    ({"pageNo": 1, "pageSize": 10, "updateTimeStart": "2026-01-01"}, "updateTimeStart"),
    ({"pageNo": 1, "pageSize": 10, "updateTimeStart": "2026-13-01 00:00:00"}, "updateTimeStart"),
    ({"pageNo": 1, "pageSize": 10, "regionCode": "1303"}, "regionCode"),
])
async def test_bad_paging_and_filters_are_2001_naming_the_field(sim: Sim, params: dict[str, Any], field: str) -> None:
    body = await sim.call("/api/v1/enterprises", **params)
    assert body["code"] == "2001"
    assert field in body["msg"]
    assert body["data"] is None


async def test_incremental_sync_returns_exactly_the_changed_and_deleted(sim: Sim) -> None:
    _, before = await sim.walk("enterprises")
    first = await sim.control("POST", "/mutate", {"kind": "enterprises", "changeRate": 0.05, "deleteRate": 0.02})
    assert (first["changed"], first["deleted"]) == (30, 12)
    total, changed = await sim.walk("enterprises", 7, updateTimeStart=first["updateTime"])
    assert total == 42
    assert set(ids("enterprises", changed)) == set(first["changedIds"]) | set(first["deletedIds"])
    assert changed == sorted(changed, key=order_key("enterprises"))
    for record in changed:
        assert record["updateTime"] == first["updateTime"]
        assert record["deleted"] is (record["uniscid"] in first["deletedIds"])
    old = {record["uniscid"]: record for record in before}
    for record in changed:
        if not record["deleted"]:
            assert {k: v for k, v in record.items() if k != "updateTime"} != {
                k: v for k, v in old[record["uniscid"]].items() if k != "updateTime"}

    await sim.control("POST", "/clock", {"advanceSeconds": 60})
    second = await sim.control("POST", "/mutate", {"kind": "enterprises", "count": 5, "deleteCount": 1})
    assert second["updateTime"] > first["updateTime"]
    _, later = await sim.walk("enterprises", updateTimeStart=second["updateTime"])
    assert set(ids("enterprises", later)) == set(second["changedIds"]) | set(second["deletedIds"])

    total, full = await sim.walk("enterprises", 50)
    assert total == 600  # deleted records stay in a full pull, flagged
    assert len(set(ids("enterprises", full))) == 600
    assert full == sorted(full, key=order_key("enterprises"))
    deleted = {record["uniscid"] for record in full if record["deleted"]}
    assert deleted == set(first["deletedIds"]) | set(second["deletedIds"])
    config = await sim.control("GET", "/config")
    assert config["counts"]["enterprises"]["live"] == 600 - len(deleted)


@pytest.mark.parametrize("kind", ["inspectors", "check-items"])
async def test_mutating_inspectors_and_check_items(sim: Sim, kind: str) -> None:
    result = await sim.control("POST", "/mutate", {"kind": kind, "count": 3, "deleteCount": 2})
    assert (result["changed"], result["deleted"]) == (3, 2)
    total, records = await sim.walk(kind, updateTimeStart=result["updateTime"])
    assert total == 5
    assert set(ids(kind, records)) == set(result["changedIds"]) | set(result["deletedIds"])


async def test_mutate_is_deterministic_for_a_given_seed() -> None:
    picks = []
    for _ in range(2):
        async with open_sim() as instance:
            picks.append(await instance.control("POST", "/mutate", {"kind": "enterprises", "count": 20, "seed": 5}))
    assert picks[0]["changedIds"] == picks[1]["changedIds"]


async def test_region_and_department_filters(sim: Sim) -> None:
    await sim.control("POST", "/mutate", {"kind": "enterprises", "changeRate": 0.1, "deleteRate": 0.05})
    _, everything = await sim.walk("enterprises")
    for county in ("130302", "130372", "130321"):
        total, records = await sim.walk("enterprises", 13, regionCode=county)
        assert records == [record for record in everything if record["regionCode"] == county]
        assert total == len(records) > 0
    since = everything[-1]["updateTime"]
    total, recent = await sim.walk("enterprises", 5, regionCode="130302", updateTimeStart=since)
    assert recent == [r for r in everything if r["regionCode"] == "130302" and r["updateTime"] >= since]
    assert (await sim.page("enterprises", regionCode="110101"))["total"] == 0

    _, inspectors = await sim.walk("inspectors")
    total, unit = await sim.walk("inspectors", 5, deptCode="130300YJ02")
    assert unit == [record for record in inspectors if record["deptCode"] == "130300YJ02"]
    assert total == 12
    assert unit[0]["deptName"] == "秦皇岛市应急管理局执法二大队"


async def test_an_injected_record_is_served_as_it_is(sim: Sim) -> None:
    bad = {"uniscid": "91130302MA0A1B2C3X", "entName": 12345, "regionCode": "130302", "industryCode": "ZZ-99"}
    stored = await sim.control("PUT", "/records/enterprises/91130302MA0A1B2C3X", bad)
    assert stored["record"]["entName"] == 12345
    _, records = await sim.walk("enterprises", updateTimeStart=stored["record"]["updateTime"])
    assert records == [{**bad, "updateTime": stored["record"]["updateTime"], "deleted": False}]
    assert (await sim.page("enterprises", 1, 1, regionCode="130302"))["total"] == \
        len([r for r in (await sim.walk("enterprises"))[1] if r["regionCode"] == "130302"])

    existing = (await sim.page("enterprises", 1, 1))["records"][0]
    moved = {**existing, "regionCode": "130372", "address": "河北省秦皇岛市北戴河新区滨海大道1号"}
    await sim.control("PUT", f"/records/enterprises/{existing['uniscid']}", moved)
    _, records = await sim.walk("enterprises")
    assert len(records) == 601
    assert [r["uniscid"] for r in records].count(existing["uniscid"]) == 1
    _, new_county = await sim.walk("enterprises", regionCode="130372")
    assert existing["uniscid"] in ids("enterprises", new_county)
    _, old_county = await sim.walk("enterprises", regionCode=existing["regionCode"])
    assert existing["uniscid"] not in ids("enterprises", old_county)

    deleted = await sim.control("DELETE", f"/records/enterprises/{existing['uniscid']}")
    assert deleted["record"]["deleted"] is True
    assert deleted["record"]["regionCode"] == "130372"
    missing = await sim.client.delete("/_sim/records/enterprises/91350100M000100Y43")
    assert missing.status_code == 404


class CountingSource:
    """Wraps a source and counts the records it generates."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.generated = 0

    def record(self, index: int) -> dict[str, Any]:
        self.generated += 1
        return self.inner.record(index)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_deep_page_of_a_million_touches_only_that_page() -> None:
    async with open_sim(SimulatorConfig(enterprises=1_000_000)) as big:
        directory: Directory = big.app.state.sim.population.enterprises
        await big.control("POST", "/mutate", {"kind": "enterprises", "changeRate": 0.01, "deleteRate": 0.002})
        counter = CountingSource(directory.source)
        directory.source = counter
        started = time.perf_counter()
        data = await big.page("enterprises", 1500, 500)
        elapsed = time.perf_counter() - started
        assert data["total"] == 1_000_000
        assert len(data["records"]) == 500
        assert counter.generated <= 500 * 1.02 + 10  # the page, not the population
        assert elapsed < 2
        counter.generated = 0
        regional = await big.page("enterprises", 150, 500, regionCode="130321")
        assert len(regional["records"]) == 500
        assert all(record["regionCode"] == "130321" for record in regional["records"])
        assert counter.generated <= 500 * 1.02 + 10
        counter.generated = 0
        last = await big.page("enterprises", 2000, 500)
        assert all(record["updateTime"] >= "2026-11-01 00:00:00" for record in last["records"][-100:])
        assert counter.generated <= 500
