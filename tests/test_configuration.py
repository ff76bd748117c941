"""Misconfiguration: production refuses default secrets, the docs can be switched off, CORS is closed by default."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from app.main import create_app
from app.settings import Environment, Settings

REAL_SECRET = "a-production-secret-of-at-least-32-characters"


def test_production_refuses_the_default_secrets() -> None:
    with pytest.raises(ValidationError, match="AUTH__JWT_SECRET"):
        Settings(environment=Environment.PRODUCTION)
    with pytest.raises(ValidationError, match="PROVINCIAL__BASE_URL"):
        Settings(environment=Environment.PRODUCTION, auth={"jwt_secret": REAL_SECRET})


def test_production_refuses_sessions_without_an_idle_limit() -> None:
    with pytest.raises(ValidationError, match="AUTH__IDLE_MINUTES"):
        Settings(environment=Environment.PRODUCTION, auth={"jwt_secret": REAL_SECRET, "idle_minutes": 0},
                 provincial={"base_url": "https://platform.example", "client_secret": "not-the-simulator-1"})
    assert Settings().auth.idle_minutes == 30


async def test_docs_and_the_contract_can_be_switched_off_and_cors_stays_closed() -> None:
    settings = Settings(environment=Environment.PRODUCTION, docs_enabled=False, auth={"jwt_secret": REAL_SECRET},
                        provincial={"base_url": "https://platform.example", "client_secret": "not-the-simulator-1"})
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert (await client.get(path)).status_code == 404
        preflight = await client.options("/api/v1/public/results", headers={
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in preflight.headers
        answer = await client.get("/docs", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in answer.headers
