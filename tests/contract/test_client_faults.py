"""The httpx client against the simulator's injected faults: what is retried, what is not, and how."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.adapters.provincial.client import ProvincialClient, RetryPolicy
from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.domain.provincial.model import DirectoryKind
from simulator.app import create_app
from simulator.config import SimulatorConfig
from tests.contract.test_provincial_port import result, task


@dataclass
class Sim:
    client: ProvincialClient
    control: httpx.AsyncClient
    sleeps: list[float] = field(default_factory=list)

    async def faults(self, **body: Any) -> None:
        answer = await self.control.post("/_sim/faults", json=body)
        assert answer.status_code == 200, answer.text

    async def stats(self) -> dict[str, Any]:
        return (await self.control.get("/_sim/stats")).json()


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    app = create_app(SimulatorConfig(enterprises=40, inspectors_per_unit=2))
    transport = httpx.ASGITransport(app=app)
    async with (httpx.AsyncClient(transport=transport, base_url="http://sim") as http,
                httpx.AsyncClient(transport=transport, base_url="http://sim") as control):
        sleeps: list[float] = []

        async def record_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        client = ProvincialClient(http, client_id="qhd-yjj", client_secret="qhd-yjj-simulator-secret",
                                  timeout_seconds=0.3, retry=RetryPolicy(attempts=5, base_seconds=0.5, cap_seconds=8),
                                  sleep=record_sleep, rng=lambda: 1.0)
        yield Sim(client, control, sleeps)


async def fetch(sim: Sim) -> int:
    page = await sim.client.fetch_changes(DirectoryKind.ENTERPRISES, since=None, page_no=1, page_size=10)
    return len(page.records)


def test_backoff_is_full_jitter_under_an_exponential_cap() -> None:
    policy = RetryPolicy(attempts=6, base_seconds=0.5, cap_seconds=4)
    assert [policy.delay(n, lambda: 1.0) for n in range(1, 6)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.delay(3, lambda: 0.25) == 1.0
    assert policy.delay(3, lambda: 0.0) == 0.0


async def test_gateway_errors_busy_codes_and_unreadable_bodies_are_retried_until_an_answer(sim: Sim) -> None:
    await sim.faults(sequence=["http502", "http503", "code9001", "malformed"], pathPrefix="/api/v1/enterprises")

    assert await fetch(sim) == 10
    assert sim.sleeps == [1.0, 2.0, 4.0, 8.0]  # exponential, capped, jitter at its maximum here


async def test_a_429_waits_at_least_what_retry_after_asks(sim: Sim) -> None:
    sim.client._rng = lambda: 0.0
    await sim.faults(sequence=["http429"], pathPrefix="/api/v1/enterprises")

    assert await fetch(sim) == 10
    assert sim.sleeps == [1.0]


async def test_an_expired_token_is_renewed_once_and_the_call_repeated(sim: Sim) -> None:
    assert await fetch(sim) == 10
    await sim.control.post("/_sim/tokens/expire")
    assert await fetch(sim) == 10
    await sim.faults(sequence=["token_expired"], pathPrefix="/api/v1/enterprises")
    assert await fetch(sim) == 10
    assert sim.sleeps == []
    assert (await sim.stats())["requests"].get("POST /api/v1/auth/token", 0) == 3


async def test_wrong_credentials_are_a_rejection_not_a_retry(sim: Sim) -> None:
    sim.client._credentials["clientSecret"] = "wrong"
    with pytest.raises(PlatformRejected) as raised:
        await fetch(sim)
    assert raised.value.platform_code == "1002"
    assert raised.value.code == "provincial.credentials_rejected"
    assert sim.sleeps == []


async def test_a_business_rejection_is_raised_at_once(sim: Sim) -> None:
    with pytest.raises(PlatformRejected) as raised:
        await sim.client.register_task("req-bad", task(task_name=""))
    assert raised.value.platform_code == "2001"
    assert sim.sleeps == []


async def test_a_platform_that_stays_down_gives_platform_unavailable_after_the_retry_budget(sim: Sim) -> None:
    await sim.faults(rate=1.0, kinds=["http503"], pathPrefix="/api/v1/enterprises")
    with pytest.raises(PlatformUnavailable) as raised:
        await fetch(sim)
    assert raised.value.platform_code == "503"
    assert len(sim.sleeps) == 4


async def test_a_call_that_hangs_times_out_and_is_retried(sim: Sim) -> None:
    await sim.faults(sequence=["timeout"], pathPrefix="/api/v1/enterprises", delaySeconds=5)
    assert await fetch(sim) == 10
    assert len(sim.sleeps) == 1


async def test_a_lost_response_is_repeated_under_the_same_key_and_applied_once(sim: Sim) -> None:
    platform_task_id = await sim.client.register_task("req-task", task())
    page = await sim.client.fetch_changes(DirectoryKind.ENTERPRISES, since=None, page_no=1, page_size=5)
    uscc = page.records[0].key
    await sim.faults(sequence=["lost_response"], pathPrefix="/api/v1/results")

    outcome = await sim.client.push_results("req-results", [result(platform_task_id, uscc)])

    assert outcome.accepted == 1
    held = (await sim.control.get("/_sim/pushes", params={"kind": "results"})).json()["results"]
    assert [r["appliedCount"] for r in held] == [1], held
