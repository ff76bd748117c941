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
    with pytest.raises(ValidationError, match="AUTH__JWT_SECRET"):
        Settings(environment=Environment.PRODUCTION, auth={"jwt_secret": "short-secret"})
    with pytest.raises(ValidationError, match="PROVINCIAL__BASE_URL"):
        Settings(environment=Environment.PRODUCTION, auth={"jwt_secret": REAL_SECRET})
    with pytest.raises(ValidationError, match="PROVINCIAL__CLIENT_SECRET"):  # the simulator's published credential
        Settings(environment=Environment.PRODUCTION, auth={"jwt_secret": REAL_SECRET},
                 provincial={"base_url": "https://platform.example"})


def test_production_refuses_the_default_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the service starts: settings read from the environment, the JWT secret left at its default."""
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PROVINCIAL__BASE_URL", "https://platform.example")
    monkeypatch.setenv("PROVINCIAL__CLIENT_SECRET", "not-the-simulator-1")
    monkeypatch.delenv("AUTH__JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="AUTH__JWT_SECRET"):
        Settings(_env_file=None)  # type: ignore[call-arg]


async def test_cors_is_closed_with_the_default_settings() -> None:
    """No origin is allowed unless configured: the development defaults send no CORS headers either."""
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        preflight = await client.options("/api/v1/auth/token", headers={
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
        answer = await client.get("/api/v1/no-such-thing", headers={"Origin": "https://elsewhere.example"})
    for response in (preflight, answer):
        assert not any(name.startswith("access-control-") for name in response.headers)


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
