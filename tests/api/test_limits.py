"""Resource limits through the real app: page sizes over the cap, rate limits on check-ins and exports, and the
contract declaring 429 wherever a rate limit applies. (Body size: tests/api/test_errors.py; uploads:
test_enterprise_import.py, test_onsite.py; request fields: tests/test_request_limits.py.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.cli import openapi_document
from app.deps import Container
from tests.support import MakeUser, assert_problem


def _limited(dependant: Dependant) -> bool:
    return any(getattr(d.call, "__name__", "").startswith("rate_limit_") or _limited(d)
               for d in dependant.dependencies)


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router, resolved lazily by FastAPI
            yield from _api_routes(route.original_router.routes)


def test_every_rate_limited_route_declares_429(app: FastAPI) -> None:
    spec = openapi_document()
    limited = [(method.lower(), route.path) for route in _api_routes(app.routes)
               if _limited(route.dependant) for method in route.methods]
    assert len(limited) >= 6  # login (API and dashboard), check-in, public searches, exports
    missing = [f"{m.upper()} {p}" for m, p in limited
               if p in spec["paths"] and "429" not in spec["paths"][p][m]["responses"]]
    assert not missing, f"rate-limited routes without 429 in the contract: {missing}"


def _paged_operations() -> list[str]:
    spec = openapi_document()
    return sorted(path for path, methods in spec["paths"].items() for op in methods.values()
                  if any(p["name"] == "limit" and p["in"] == "query" for p in op.get("parameters", [])))


@pytest.mark.parametrize("path", _paged_operations())
async def test_a_page_larger_than_the_cap_is_refused_not_cut(
    path: str, client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    """Every paged list: ``limit`` over LIMITS__MAX_PAGE_SIZE is 422 paging.limit_too_large (never a silent cut);
    at the cap it is answered."""
    container.settings.limits.max_page_size = 2
    role = "auditor" if path.startswith("/api/v1/audit") else "security" if path.startswith("/api/v1/security") \
        else "supervisor"
    headers = await make_user(role, "ZJK")

    assert_problem(await client.get(path, params={"limit": 3}, headers=headers), 422, "paging.limit_too_large")
    assert (await client.get(path, params={"limit": 2}, headers=headers)).status_code == 200


async def test_exports_are_rate_limited_per_account(client: httpx.AsyncClient, container: Container,
                                                    make_user: MakeUser) -> None:
    container.settings.limits.rate_export_per_minute = 2
    supervisor, other = await make_user("supervisor", "ZJK"), await make_user("supervisor", "ZJK")
    params: dict[str, Any] = {"year": 2026, "month": 1, "format": "csv"}
    for _ in range(2):
        assert (await client.get("/api/v1/reports/monthly", params=params, headers=supervisor)).status_code == 200
    limited = await client.get("/api/v1/reports/monthly", params=params, headers=supervisor)
    assert_problem(limited, 429, "request.rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 61
    assert (await client.get("/api/v1/reports/monthly", params=params, headers=other)).status_code == 200


async def test_check_ins_are_rate_limited_per_account(client: httpx.AsyncClient, container: Container,
                                                      make_user: MakeUser) -> None:
    """Counted before the check-in is examined: attempts against a visit that does not exist count too."""
    container.settings.limits.rate_checkin_per_minute = 2
    inspector = await make_user("inspector", "ZF1")
    body = {"code": "QHD1.x.y.z.w.v", "longitude": 119.6, "latitude": 39.93}
    for n in range(2):
        first = await client.post("/api/v1/visits/999999/check-in", json=body,
                                  headers=inspector | {"Idempotency-Key": f"attempt-{n:04d}"})
        assert first.status_code != 429, first.text
    limited = await client.post("/api/v1/visits/999999/check-in", json=body,
                                headers=inspector | {"Idempotency-Key": "attempt-0003"})
    assert_problem(limited, 429, "request.rate_limited")
