"""Tokens: issue, use, expiry (1001) and wrong credentials (1002)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.config import SimulatorConfig
from tests.simulator.helpers import Sim, open_sim


async def test_a_token_opens_the_directories(sim: Sim) -> None:
    response = await sim.client.post("/api/v1/auth/token",
                                     json={"clientId": "qhd-yjj", "clientSecret": "qhd-yjj-simulator-secret"})
    body = response.json()
    assert body["code"] == "0000"
    assert body["msg"] == "成功"
    assert body["data"]["expiresIn"] == 7200
    assert set(body) == {"code", "msg", "data", "requestId"}
    sim.token = body["data"]["accessToken"]
    assert (await sim.call("/api/v1/check-items"))["code"] == "0000"


@pytest.mark.parametrize("credentials", [
    {"clientId": "qhd-yjj", "clientSecret": "wrong"},
    {"clientId": "someone-else", "clientSecret": "qhd-yjj-simulator-secret"},
])
async def test_wrong_credentials_are_1002(sim: Sim, credentials: dict[str, str]) -> None:
    body = (await sim.client.post("/api/v1/auth/token", json=credentials)).json()
    assert body["code"] == "1002"
    assert body["data"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"clientSecret": "x"}, "clientId"),
    ({"clientId": "qhd-yjj"}, "clientSecret"),
    ({"clientId": 1, "clientSecret": "x"}, "clientId"),
])
async def test_missing_credentials_are_2001(sim: Sim, body: dict[str, Any], field: str) -> None:
    answer = (await sim.client.post("/api/v1/auth/token", json=body)).json()
    assert answer["code"] == "2001"
    assert field in answer["msg"]


async def test_a_body_that_is_not_json_is_2001(sim: Sim) -> None:
    answer = (await sim.client.post("/api/v1/auth/token", content=b"clientId=qhd-yjj")).json()
    assert answer["code"] == "2001"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}])
async def test_missing_or_invalid_tokens_are_1001(sim: Sim, headers: dict[str, str]) -> None:
    for path in ("/api/v1/enterprises", "/api/v1/inspectors", "/api/v1/check-items",
                 "/api/v1/results/91350100M000100Y43"):
        body = (await sim.client.get(path, headers=headers)).json()
        assert body["code"] == "1001", path
    body = (await sim.client.post("/api/v1/tasks", json={"requestId": "x"}, headers=headers)).json()
    assert body["code"] == "1001"


async def test_tokens_expire_with_the_simulator_clock() -> None:
    async with open_sim(SimulatorConfig(enterprises=10, token_ttl_seconds=60)) as sim:
        assert (await sim.call("/api/v1/check-items"))["code"] == "0000"
        await sim.control("POST", "/clock", {"advanceSeconds": 59})
        assert (await sim.call("/api/v1/check-items"))["code"] == "0000"
        await sim.control("POST", "/clock", {"advanceSeconds": 2})
        body = await sim.call("/api/v1/check-items")
        assert body["code"] == "1001"
        assert body["msg"] == "访问令牌无效或已过期"
        await sim.new_token()
        assert (await sim.call("/api/v1/check-items"))["code"] == "0000"


async def test_expiring_every_token(sim: Sim) -> None:
    await sim.new_token()
    assert (await sim.control("POST", "/tokens/expire"))["expired"] == 1
    assert (await sim.call("/api/v1/enterprises"))["code"] == "1001"


async def test_custom_credentials() -> None:
    async with open_sim(SimulatorConfig(enterprises=10, client_id="other", client_secret="s3cret")) as sim:
        assert (await sim.call("/api/v1/enterprises"))["code"] == "0000"
        body = (await sim.client.post("/api/v1/auth/token",
                                      json={"clientId": "qhd-yjj", "clientSecret": "qhd-yjj-simulator-secret"})).json()
        assert body["code"] == "1002"
