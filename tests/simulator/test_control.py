"""The /_sim control API: reset, config, clock, records, stats."""

from __future__ import annotations

import time

from simulator.config import SimulatorConfig
from tests.simulator.helpers import Sim, open_sim, task_body


async def test_config_describes_the_instance(sim: Sim) -> None:
    config = await sim.control("GET", "/config")
    assert config["seed"] == 2026
    assert config["enterprises"] == 600
    assert config["baseTime"] == "2026-11-01 00:00:00"
    assert config["now"] >= config["baseTime"]
    assert config["counts"]["enterprises"]["total"] == 600
    assert config["counts"]["inspectors"]["total"] == 126
    assert config["counts"]["check-items"]["total"] == 41


async def test_reset_rebuilds_and_clears_everything(sim: Sim) -> None:
    await sim.new_token()
    before = (await sim.page("enterprises", 1, 5))["records"]
    await sim.control("POST", "/mutate", {"kind": "enterprises", "count": 10, "deleteCount": 5})
    await sim.pushed("/api/v1/tasks", task_body("req-1"))
    await sim.control("POST", "/faults", {"sequence": ["http502"], "pathPrefix": "/api/v1/inspectors"})
    config = await sim.control("POST", "/reset", {"seed": 7, "enterprises": 250})
    assert (config["seed"], config["enterprises"]) == (7, 250)
    assert config["counts"]["enterprises"] == {"total": 250, "live": 250, "deleted": 0, "generated": 250, "overlay": 0}
    assert (await sim.call("/api/v1/enterprises"))["code"] == "1001"  # tokens are gone
    await sim.new_token()
    assert (await sim.page("enterprises", 1, 5))["records"] != before
    assert (await sim.control("GET", "/pushes"))["requests"] == []
    assert (await sim.control("GET", "/faults"))["configured"] is None
    assert (await sim.call("/api/v1/inspectors"))["code"] == "0000"
    back = await sim.control("POST", "/reset", {"seed": 2026, "enterprises": 600})
    assert back["enterprises"] == 600
    await sim.new_token()
    assert (await sim.page("enterprises", 1, 5))["records"] == before
    await sim.control("POST", "/reset", {"seed": 9})
    empty_body = await sim.client.post("/_sim/reset")  # back to what the app was created with
    assert (empty_body.json()["seed"], empty_body.json()["enterprises"]) == (2026, 600)
    assert (await sim.client.post("/_sim/reset", json={"enterprises": 2_000_000})).status_code == 422


async def test_the_clock_moves_forward_on_request(sim: Sim) -> None:
    now = (await sim.control("GET", "/clock"))["now"]
    later = await sim.control("POST", "/clock", {"advanceSeconds": 3600})
    assert later["now"] > now
    assert later["offsetSeconds"] == 3600
    assert (await sim.client.post("/_sim/clock", json={"advanceSeconds": -1})).status_code == 422


async def test_records_can_be_read_put_and_deleted(sim: Sim) -> None:
    item = await sim.control("GET", "/records/check-items/YJ-FM-001")
    assert item["itemCode"] == "YJ-FM-001"
    assert item["deleted"] is False
    stored = await sim.control("PUT", "/records/inspectors/RY-NEW-1", {"personId": "RY-NEW-1", "name": "新人"})
    assert stored["record"] == {"personId": "RY-NEW-1", "name": "新人", "updateTime": stored["record"]["updateTime"],
                                "deleted": False}
    assert (await sim.control("GET", "/config"))["counts"]["inspectors"]["total"] == 127
    deleted = await sim.control("DELETE", "/records/check-items/YJ-FM-001")
    assert deleted["record"]["deleted"] is True
    again = await sim.control("DELETE", "/records/check-items/YJ-FM-001")
    assert again["record"]["updateTime"] == deleted["record"]["updateTime"]
    assert (await sim.client.get("/_sim/records/inspectors/nobody")).status_code == 404
    assert (await sim.client.put("/_sim/records/things/1", json={})).status_code == 422
    answer = await sim.pushed("/api/v1/tasks", task_body("req-1"))  # YJ-FM-001 is deleted now
    assert answer["code"] == "2002"


async def test_stats_count_requests_per_route(sim: Sim) -> None:
    await sim.new_token()
    await sim.call("/api/v1/enterprises")
    await sim.pushed("/api/v1/tasks/P-1/draws", {"requestId": "r"})
    await sim.call("/api/v1/results/91350100M000100Y43")
    stats = await sim.control("GET", "/stats")
    assert stats["requests"]["POST /api/v1/auth/token"] == 1
    assert stats["requests"]["GET /api/v1/enterprises"] == 1
    assert stats["requests"]["POST /api/v1/tasks/{platformTaskId}/draws"] == 1
    assert stats["requests"]["GET /api/v1/results/{uniscid}"] == 1


async def test_mutating_one_percent_of_a_million_is_quick() -> None:
    async with open_sim(SimulatorConfig(enterprises=1_000_000)) as sim:
        started = time.perf_counter()
        result = await sim.control("POST", "/mutate", {"kind": "enterprises", "changeRate": 0.01})
        assert time.perf_counter() - started < 5
        assert result["changed"] == 10_000
        total = (await sim.page("enterprises", 1, 1, updateTimeStart=result["updateTime"]))["total"]
        assert total == 10_000


async def test_two_apps_in_one_process_are_independent() -> None:
    async with open_sim() as first, open_sim() as second:
        await first.control("POST", "/mutate", {"kind": "inspectors", "deleteCount": 3})
        assert (await first.control("GET", "/config"))["counts"]["inspectors"]["deleted"] == 3
        assert (await second.control("GET", "/config"))["counts"]["inspectors"]["deleted"] == 0
