"""Every error the service sends is RFC 9457 problem+json with a stable code and the request id."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.deps import Container
from app.main import create_app
from app.settings import Settings
from tests.support import assert_problem

PROBLEM_KEYS = {"type", "title", "status", "detail", "detail_en", "code", "instance", "request_id"}
ENTERPRISE = {"uscc": "91130302MA07L6KX3H", "name": "秦皇岛市海港区宏达机械制造有限公司", "county_code": "130302",
              "industry_code": "GM-JX"}


async def test_malformed_json_is_400(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post("/api/v1/enterprises", content=b'{"uscc": "9113', headers=supervisor | {
        "content-type": "application/json"})

    body = assert_problem(response, 400, "request.malformed_json")
    assert body["detail"] == "请求体不是合法的 JSON"
    assert body["errors"][0]["code"] == "validation.json_invalid"


async def test_unknown_field_is_422_extra_forbidden(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post("/api/v1/enterprises", json=ENTERPRISE | {"version": 7}, headers=supervisor)

    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"] == [{"field": "body.version", "code": "validation.extra_forbidden",
                               "message": "不允许的字段（可能是服务器维护的字段或拼写错误）",
                               "message_en": "Extra inputs are not permitted"}]
    assert body["detail"].startswith("body.version：")


async def test_wrong_enum_value_is_422_naming_the_allowed_values(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.post("/api/v1/enterprises", json=ENTERPRISE | {"status": "bankrupt"}, headers=supervisor)

    body = assert_problem(response, 422, "request.validation_failed")
    [error] = body["errors"]
    assert (error["field"], error["code"]) == ("body.status", "validation.enum")
    assert error["message"].startswith("取值不在允许范围内：")
    assert "active" in error["message"]


async def test_several_problems_are_all_listed(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post("/api/v1/enterprises", json={"uscc": "x", "name": "", "county_code": 1},
                                 headers=supervisor)

    body = assert_problem(response, 422, "request.validation_failed")
    fields = {e["field"] for e in body["errors"]}
    assert {"body.name", "body.county_code", "body.industry_code"} <= fields
    assert re.search(r"另有 \d+ 处问题", body["detail"])


async def test_bad_query_parameter_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get("/api/v1/enterprises", params={"limit": "many"}, headers=supervisor)

    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "query.limit"
    assert body["errors"][0]["code"] == "validation.int_parsing"


async def test_domain_rule_violation_is_422_with_its_own_code(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.post("/api/v1/enterprises", json=ENTERPRISE | {"uscc": "91130302MA07L6KX3E"},
                                 headers=supervisor)

    body = assert_problem(response, 422, "uscc.checksum")
    assert "应为“H”" in body["detail"]


async def test_missing_record_is_404_with_its_own_code(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get("/api/v1/enterprises/91130302MA07L6KX3H", headers=supervisor)

    assert_problem(response, 404, "enterprise.not_found")


async def test_unknown_route_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")

    body = assert_problem(response, 404, "route.not_found")
    assert body["detail"] == "请求的地址不存在"


async def test_wrong_method_is_405(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.put("/api/v1/enterprises", json={}, headers=supervisor)

    body = assert_problem(response, 405, "request.method_not_allowed")
    assert body["detail"] == "该地址不支持此请求方法"
    # Starlette lists the methods of the first route on the path only (here GET, not GET and POST).
    assert response.headers["allow"]


async def test_unauthenticated_is_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/enterprises")

    assert_problem(response, 401, "auth.unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


# --- request ids ---------------------------------------------------------------------------------------------


async def test_request_id_is_echoed_in_the_header_and_the_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "ops-2026.11.29:42"})

    assert response.headers["x-request-id"] == "ops-2026.11.29:42"
    assert assert_problem(response, 404, "route.not_found")["request_id"] == "ops-2026.11.29:42"


async def test_request_id_is_echoed_on_success(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "probe-1"})

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "probe-1"


@pytest.mark.parametrize("incoming", ["", "has spaces", "x" * 65, "<script>"], ids=["empty", "spaces", "long", "html"])
async def test_malformed_request_id_is_replaced_by_a_generated_one(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/api/v1/no-such-thing", headers={"X-Request-ID": incoming})

    generated = assert_problem(response, 404, "route.not_found")["request_id"]
    assert generated != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", generated)


async def test_every_request_gets_a_distinct_id(client: httpx.AsyncClient) -> None:
    ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(5)}

    assert len(ids) == 5


# --- body size limit -----------------------------------------------------------------------------------------

#: The middleware allows the upload limit plus 64 KiB for the multipart envelope.
SMALL_LIMIT = 2048
ENVELOPE = 64 * 1024


@pytest.fixture
async def small_limit_client(settings: Settings, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """An app built with a 2 KiB upload limit: the middleware reads it when the app is created, routes from the
    container's settings."""
    limited = settings.model_copy(update={"limits": settings.limits.model_copy(
        update={"max_upload_bytes": SMALL_LIMIT})})
    container.settings = limited
    application = create_app(limited, container=container)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_body_over_the_limit_is_413_before_authentication(small_limit_client: httpx.AsyncClient) -> None:
    payload = json.dumps(ENTERPRISE | {"address": "海" * (SMALL_LIMIT + ENVELOPE)}).encode()

    response = await small_limit_client.post("/api/v1/enterprises", content=payload,
                                             headers={"content-type": "application/json", "X-Request-ID": "big-1"})

    body = assert_problem(response, 413, "payload.too_large")
    assert body["request_id"] == "big-1"
    assert str(SMALL_LIMIT + ENVELOPE) in body["detail_en"]


async def test_streamed_body_over_the_limit_is_413(small_limit_client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 8192  # no Content-Length: the middleware counts what it receives

    response = await small_limit_client.post("/api/v1/enterprises", content=chunks(),
                                             headers=supervisor | {"content-type": "application/json"})

    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "payload.too_large")


async def test_body_within_the_limit_is_accepted(small_limit_client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await small_limit_client.post("/api/v1/enterprises", json=ENTERPRISE, headers=supervisor)

    assert response.status_code == 201, response.text


# --- unexpected failures -------------------------------------------------------------------------------------


async def test_unexpected_exception_is_a_500_problem_without_internals(
    settings: Settings, container: Container
) -> None:
    throwaway = create_app(settings, container=container)

    @throwaway.get("/boom")
    async def boom() -> None:
        raise RuntimeError("connection string postgresql://secret@db")

    async with LifespanManager(throwaway):
        transport = httpx.ASGITransport(app=throwaway, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/boom", headers={"X-Request-ID": "crash-1"})

    body = assert_problem(response, 500, "server.internal_error")
    assert body["request_id"] == "crash-1"
    assert "请求编号" in body["detail"]
    for leak in ("Traceback", "RuntimeError", "secret", "postgresql://", 'File "'):
        assert leak not in response.text


async def test_unreachable_dependency_is_a_503_problem(app: FastAPI, container: Container,
                                                      supervisor: dict[str, str]) -> None:
    """A connection that cannot be made (the database down) is temporary: 503 with Retry-After, no internals."""
    from app.deps import get_container

    def broken_container() -> Container:
        raise ConnectionError("database host 10.0.0.5 unreachable")

    app.dependency_overrides[get_container] = broken_container
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/api/v1/enterprises", headers=supervisor)
    finally:
        app.dependency_overrides.clear()

    assert_problem(response, 503, "service.database_unavailable")
    assert response.headers["retry-after"] == "5"
    assert "10.0.0.5" not in response.text
    assert "ConnectionError" not in response.text


async def test_upload_over_the_file_limit_is_413(small_limit_client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    csv = ("uscc,name,county_code,industry_code\n" + "91130302MA07L6KX3H,某公司,130302,GM-JX\n" * 100).encode()
    assert SMALL_LIMIT < len(csv) < ENVELOPE

    response = await small_limit_client.post("/api/v1/enterprises/import", files={"file": ("big.csv", csv, "text/csv")},
                                             headers=supervisor)

    body = assert_problem(response, 413, "payload.too_large")
    assert body["max_bytes"] == SMALL_LIMIT


#: What must never reach a client: a traceback, the exception's type, the statement or the driver's words.
LEAKS = ("Traceback", 'File "', "IntegrityError", "sqlalchemy", "sqlite", "asyncpg", "psycopg", "INSERT INTO",
         "NOT NULL", "not-null", "department", "[SQL:", "[parameters:")


async def test_a_database_integrity_error_is_a_500_problem_without_sql(settings: Settings, container: Container) -> None:
    """A constraint the database enforces and the service did not check first (here a row without its name,
    written by a throwaway route) answers 500 without the statement, the constraint or the driver's message."""
    import sqlalchemy as sa

    throwaway = create_app(settings, container=container)
    raised: list[BaseException] = []

    @throwaway.post("/integrity")
    async def violate() -> None:
        try:
            async with container.db.engine.begin() as connection:
                await connection.execute(sa.text("INSERT INTO department (code) VALUES ('XX')"))
        except Exception as exc:
            raised.append(exc)
            raise

    async with LifespanManager(throwaway):
        transport = httpx.ASGITransport(app=throwaway, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post("/integrity", headers={"X-Request-ID": "integrity-1"})

    assert [type(e) for e in raised] == [sa.exc.IntegrityError]
    body = assert_problem(response, 500, "server.internal_error")
    assert body["request_id"] == "integrity-1"
    assert set(body) == PROBLEM_KEYS
    for leak in LEAKS:
        assert leak.lower() not in response.text.lower(), leak


async def test_validation_problems_do_not_echo_internals(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post("/api/v1/enterprises", content=b'{"uscc": ', headers=supervisor | {
        "content-type": "application/json"})

    assert_problem(response, 400, "request.malformed_json")
    for leak in ("Traceback", 'File "', "pydantic", "json.decoder"):
        assert leak not in response.text


async def test_nul_characters_are_refused_before_the_database(client: httpx.AsyncClient,
                                                              supervisor: dict[str, str]) -> None:
    """PostgreSQL text cannot hold U+0000 (the statement failed: a 500); SQLite took it. Refused on both."""
    in_query = await client.get("/api/v1/calendar/feeds", params={"owner_id": "ZF1\x00"}, headers=supervisor)
    assert_problem(in_query, 422, "request.nul_character")
    in_path = await client.get("/api/v1/enterprises/9113%000302MA07L6KX3H", headers=supervisor)
    assert_problem(in_path, 422, "request.nul_character")
    in_body = await client.post("/api/v1/enterprises", json=ENTERPRISE | {"address": "海港区\x00"}, headers=supervisor)
    body = assert_problem(in_body, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "body.address"
    in_list = await client.post("/api/v1/enterprises", json=ENTERPRISE | {"tags": ["重大\x00"]}, headers=supervisor)
    assert_problem(in_list, 422, "request.validation_failed")
