"""Fault injection through /_sim/faults: each fault kind, sequences, rates, and pushes left unapplied."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from simulator.config import SimulatorConfig
from tests.simulator.helpers import Sim, open_sim, result_record, task_body


async def faults(sim: Sim, **settings: Any) -> dict[str, Any]:
    answer: dict[str, Any] = await sim.control("POST", "/faults", settings)
    return answer


@pytest.mark.parametrize(("fault", "status"), [("http429", 429), ("http502", 502), ("http503", 503), ("http504", 504)])
async def test_gateway_errors_are_not_envelopes(sim: Sim, fault: str, status: int) -> None:
    await sim.new_token()
    await faults(sim, sequence=[fault])
    response = await sim.get("/api/v1/enterprises")
    assert response.status_code == status
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    if status == 429:
        assert response.headers["Retry-After"] == "1"
    assert (await sim.call("/api/v1/enterprises"))["code"] == "0000"  # the sequence is used up


@pytest.mark.parametrize(("fault", "code"), [("code9001", "9001"), ("code9999", "9999")])
async def test_envelope_errors(sim: Sim, fault: str, code: str) -> None:
    await sim.new_token()
    await faults(sim, sequence=[fault])
    body = await sim.call("/api/v1/inspectors")
    assert body["code"] == code
    assert body["data"] is None


@pytest.mark.parametrize("fault", ["http502", "http503", "code9001", "code9999", "malformed", "token_expired"])
async def test_a_failed_push_is_not_applied(sim: Sim, fault: str) -> None:
    await sim.new_token()
    await faults(sim, sequence=[fault], pathPrefix="/api/v1/tasks")
    await sim.push("/api/v1/tasks", task_body("req-1"))
    pushes = await sim.control("GET", "/pushes")
    assert pushes["requests"] == []
    assert pushes["tasks"] == []
    await sim.new_token()
    answer = await sim.pushed("/api/v1/tasks", task_body("req-1"))
    assert answer["code"] == "0000"
    pushes = await sim.control("GET", "/pushes", kind="tasks")
    assert [(item["requestId"], item["received"]) for item in pushes["requests"]] == [("req-1", 1)]


async def test_token_expired_invalidates_the_token(sim: Sim) -> None:
    await sim.new_token()
    await faults(sim, sequence=["token_expired"])
    assert (await sim.call("/api/v1/enterprises"))["code"] == "1001"
    assert (await sim.call("/api/v1/enterprises"))["code"] == "1001"  # no fault left: the token itself is gone
    await sim.new_token()
    assert (await sim.call("/api/v1/enterprises"))["code"] == "0000"


async def test_timeout_and_slow(sim: Sim) -> None:
    await sim.new_token()
    await faults(sim, sequence=["timeout", "timeout", "slow"], delaySeconds=0.3)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(sim.get("/api/v1/check-items"), 0.05)
    started = time.perf_counter()
    response = await sim.get("/api/v1/check-items")
    assert response.status_code == 504
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    body = await sim.call("/api/v1/check-items")
    assert body["code"] == "0000"
    assert time.perf_counter() - started >= 0.3


async def test_default_delays() -> None:
    async with open_sim(SimulatorConfig(enterprises=10)) as sim:
        await sim.new_token()
        shown = await faults(sim, sequence=["slow"])
        assert shown["delaySeconds"] is None
        started = time.perf_counter()
        await sim.call("/api/v1/check-items")
        assert 0.5 <= time.perf_counter() - started < 5
        await faults(sim, sequence=["timeout"])
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(sim.get("/api/v1/check-items"), 1)


async def test_malformed_bodies(sim: Sim) -> None:
    await sim.new_token()
    await faults(sim, sequence=["malformed", "malformed"])
    first = await sim.get("/api/v1/enterprises")
    assert first.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(first.text)
    second = (await sim.get("/api/v1/enterprises")).json()
    assert second["code"] == "0000"
    assert not isinstance(second["data"], dict)


async def test_duplicate_page_repeats_records_but_loses_none(sim: Sim) -> None:
    await sim.new_token()
    clean = [(await sim.page("enterprises", n, 50))["records"] for n in (1, 2)]
    await faults(sim, sequence=["duplicate_page", "duplicate_page"])
    first = (await sim.page("enterprises", 1, 50))["records"]
    second = (await sim.page("enterprises", 2, 50))["records"]
    assert len(first) > 50
    assert first[:50] == clean[0]
    assert second[-50:] == clean[1]
    assert second[:-50] == clean[0][-len(second) + 50:]


async def test_out_of_order_page_shuffles_the_same_records(sim: Sim) -> None:
    await sim.new_token()
    clean = (await sim.page("inspectors", 1, 100))["records"]
    await faults(sim, sequence=["out_of_order_page"])
    shuffled = (await sim.page("inspectors", 1, 100))["records"]
    assert shuffled != clean
    assert sorted(shuffled, key=lambda record: record["personId"]) == sorted(clean, key=lambda r: r["personId"])


async def test_page_faults_do_not_touch_pushes(sim: Sim) -> None:
    await sim.new_token()
    await faults(sim, sequence=["duplicate_page", "out_of_order_page"])
    assert (await sim.pushed("/api/v1/tasks", task_body("req-1")))["code"] == "0000"
    assert (await sim.pushed("/api/v1/tasks", task_body("req-2", "RW-2")))["code"] == "0000"
    shown = await sim.control("GET", "/faults")
    assert shown["configured"]["injected"] == {}
    assert shown["configured"]["sequence"] == []


async def test_lost_response_applies_the_push_but_answers_504(sim: Sim) -> None:
    await sim.new_token()
    task_id = (await sim.pushed("/api/v1/tasks", task_body("req-task")))["data"]["platformTaskId"]
    code = (await sim.page("enterprises", 1, 1))["records"][0]["uniscid"]
    batch = {"requestId": "req-res", "records": [result_record(task_id, code)]}
    await faults(sim, sequence=["lost_response"], pathPrefix="/api/v1/results")
    lost = await sim.push("/api/v1/results", batch)
    assert lost.status_code == 504
    retry = await sim.pushed("/api/v1/results", batch)
    assert retry["code"] == "0000"
    assert retry["data"]["accepted"] == 1
    pushes = await sim.control("GET", "/pushes", kind="results")
    assert [item["appliedCount"] for item in pushes["results"]] == [1]
    assert [item["received"] for item in pushes["requests"]] == [2]


async def test_a_sequence_with_ok_and_a_path_prefix(sim: Sim) -> None:
    await sim.new_token()
    await faults(sim, sequence=["http502", "ok", "code9001"], pathPrefix="/api/v1/enterprises")
    assert (await sim.call("/api/v1/inspectors"))["code"] == "0000"  # another path consumes nothing
    assert (await sim.get("/api/v1/enterprises")).status_code == 502
    assert (await sim.call("/api/v1/enterprises"))["code"] == "0000"
    assert (await sim.call("/api/v1/enterprises"))["code"] == "9001"
    assert (await sim.call("/api/v1/enterprises"))["code"] == "0000"
    shown = await sim.control("GET", "/faults")
    assert shown["configured"]["injected"] == {"code9001": 1, "http502": 1}
    assert shown["injectedTotal"] == {"code9001": 1, "http502": 1}
    stats = await sim.control("GET", "/stats")
    assert stats["faults"] == {"code9001": 1, "http502": 1}
    assert stats["requests"]["GET /api/v1/enterprises"] == 4
    await sim.control("DELETE", "/faults")
    assert (await sim.control("GET", "/faults"))["configured"] is None


async def outcomes(rate: float, kinds: list[str], count: int) -> list[str]:
    async with open_sim(SimulatorConfig(enterprises=10)) as sim:
        await sim.new_token()
        await faults(sim, rate=rate, kinds=kinds)
        result = []
        for _ in range(count):
            response = await sim.get("/api/v1/check-items", pageSize=1)
            result.append(str(response.status_code) if response.status_code != 200 else response.json()["code"])
        return result


async def test_a_rate_is_seeded_and_roughly_kept() -> None:
    first = await outcomes(0.3, ["http503", "code9999"], 300)
    assert first == await outcomes(0.3, ["http503", "code9999"], 300)
    failures = sum(outcome != "0000" for outcome in first)
    assert 60 < failures < 120
    assert set(first) == {"0000", "503", "9999"}
    assert set(await outcomes(1.0, ["http504"], 20)) == {"504"}


async def test_a_rate_without_kinds_uses_transient_faults() -> None:
    results: set[object] = set()
    async with open_sim(SimulatorConfig(enterprises=10)) as sim:
        await sim.new_token()
        shown = await faults(sim, rate=1.0)
        assert set(shown["kinds"]) == {"http502", "http503", "http504", "code9001", "code9999"}
        for _ in range(30):
            response = await sim.get("/api/v1/check-items")
            results.add(response.status_code if response.status_code != 200 else response.json()["code"])
    assert "0000" not in results


@pytest.mark.parametrize("settings", [
    {"rate": 1.5},
    {"sequence": ["http500"]},
    {"rate": 0.5, "kinds": ["explode"]},
    {"pathPrefix": "/api"},
    {"sequence": ["ok"], "unknown": 1},
])
async def test_invalid_fault_settings_are_refused(sim: Sim, settings: dict[str, Any]) -> None:
    response = await sim.client.post("/_sim/faults", json=settings)
    assert response.status_code == 422
