from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.auth.model import Role, User
from app.domain.errors import Conflict
from app.settings import Settings


async def test_healthz_answers_without_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_reports_migrations_at_head(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "route.not_found"


async def test_readyz_is_503_while_the_database_is_unreachable(app: FastAPI, settings: Settings) -> None:
    """What a load balancer and a client see during a database outage (bench/load.py restarts PostgreSQL under
    load): /readyz 503, /healthz 200, requests that need the database 503 with Retry-After."""
    healthy = app.state.container
    unreachable = Container.build(settings, db=Database("postgresql+asyncpg://postgres@127.0.0.1:1/none"))
    app.state.container = unreachable
    try:
        # raise_app_exceptions (the default) also checks that the error is answered, not re-raised to the server.
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            ready = await asyncio.wait_for(client.get("/readyz"), timeout=10)
            alive = await client.get("/healthz")
            search = await asyncio.wait_for(client.get("/api/v1/public/results", params={"q": "钢铁"}), timeout=10)
    finally:
        app.state.container = healthy
        await unreachable.db.dispose()
        if unreachable.http is not None:
            await unreachable.http.aclose()
    assert ready.status_code == 503, ready.text
    assert ready.json()["status"] == "not_ready"
    assert ready.json()["checks"]["database"].startswith("unreachable")
    assert alive.status_code == 200
    # A request that needs the database: 503 with Retry-After (retry shortly), not 500 (a bug).
    assert search.status_code == 503, search.text
    assert search.json()["code"] == "service.database_unavailable"
    assert search.headers["retry-after"] == "5"


async def test_a_concurrent_duplicate_is_a_conflict_not_a_server_error(container: Container) -> None:
    """Two requests inserting the same key at once (two processes, a double submit): the loser gets a Conflict
    (409) from the unit of work instead of the database's IntegrityError (500)."""
    user = User(None, "twice", "twice", Role.INSPECTOR, "ZF1", "not-a-hash")
    async with container.uow(Actor("test", "system", None)) as uow:
        await uow.users.add(user)
        await uow.commit()

    async def again() -> None:
        async with container.uow(Actor("test", "system", None)) as uow:
            await uow.users.add(User(None, "twice", "twice", Role.INSPECTOR, "ZF1", "not-a-hash"))
            await uow.commit()

    with pytest.raises(Conflict) as raised:
        await again()
    assert raised.value.code == "conflict.concurrent"
