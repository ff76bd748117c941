"""Login, tokens, API keys, the role × permission matrix and user administration."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import jwt
import pyotp
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.adapters.clock import SystemClock
from app.deps import Container
from app.domain.directories.uscc import complete_uscc
from app.main import PUBLIC_ROUTES
from app.settings import Settings
from tests.conftest import PASSWORD
from tests.support import FixedClock, MakeUser, assert_problem

STRONG_PASSWORD = "Qhd-Strong-2026!"


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


_USCC_SERIAL = iter(range(10_000_000))


def new_uscc() -> str:
    """A fresh valid code for each call (the serial keeps them unique within a run)."""
    return complete_uscc(f"91130302MA{next(_USCC_SERIAL):07d}")


def enterprise_body(uscc: str | None = None) -> dict[str, Any]:
    return {"uscc": uscc or new_uscc(), "name": "秦皇岛市海港区宏达机械制造有限公司", "county_code": "130302",
            "industry_code": "GM-JX"}


# --- login -------------------------------------------------------------------------------------------------------


async def test_login_returns_a_jwt_usable_on_me(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("supervisor", "ZJK", username="zhang.san")

    response = await login(client, "zhang.san", PASSWORD)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.auth.access_token_minutes * 60
    claims = jwt.decode(body["access_token"], settings.auth.jwt_secret.get_secret_value(), algorithms=["HS256"],
                        issuer=settings.auth.jwt_issuer)
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    me = await client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    identity = me.json()
    assert identity.pop("user_id") == int(claims["sub"])
    assert identity == {
        "username": "zhang.san", "role": "supervisor", "role_label": "执法监督科", "department_code": "ZJK",
        "auth_method": "password", "person_id": None,
        "permissions": sorted(["directory:read", "departments:write", "items:write", "enterprises:write",
                               "inspectors:write", "personal_data:read", "provincial:read",
                               "provincial:operate", "plans:write", "plans:approve", "compliance:read",
                               "draws:run", "schedule:read", "schedule:write", "results:review",
                               "checkin_location:read"]),
    }


@pytest.mark.parametrize(("username", "password"), [("zhang.san", "Wrong-Passw0rd!"), ("nobody.here", PASSWORD)],
                         ids=["wrong-password", "unknown-user"])
async def test_login_with_bad_credentials_is_401_invalid_credentials(
    client: httpx.AsyncClient, make_user: MakeUser, username: str, password: str
) -> None:
    await make_user("supervisor", "ZJK", username="zhang.san")

    response = await login(client, username, password)

    body = assert_problem(response, 401, "auth.invalid_credentials")
    assert response.headers["www-authenticate"] == "Bearer"
    assert body["detail"] == "用户名或密码错误"
    assert "access_token" not in body


async def test_disabled_user_can_neither_log_in_nor_use_an_earlier_token(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user("admin", "BGS")
    await make_user("partner", "SW", username="li.si")
    token = (await login(client, "li.si", PASSWORD)).json()["access_token"]
    user_id = (await client.get("/api/v1/auth/me", headers=bearer(token))).json()["user_id"]

    disabled = await client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200, disabled.text

    assert_problem(await login(client, "li.si", PASSWORD), 401, "auth.invalid_credentials")
    stale = await client.get("/api/v1/auth/me", headers=bearer(token))
    assert_problem(stale, 401, "auth.account_disabled")


async def test_login_form_fields_are_required(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", data={"username": "zhang.san"})

    body = assert_problem(response, 422, "request.validation_failed")
    assert [e["field"] for e in body["errors"]] == ["body.password"]


# --- every protected route refuses bad credentials -------------------------------------------------------------


def api_routes(app: FastAPI) -> list[Any]:
    """Every API route, those of included routers too (newer FastAPI keeps an included router as one entry)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI lists every route flat
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]


def protected_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path template) of every API route not declared public."""
    for route in api_routes(app):
        for method in sorted(route.methods):
            if (method, route.path) not in PUBLIC_ROUTES:
                yield method, route.path


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def bad_credentials(settings: Settings, user_id: str) -> dict[str, tuple[dict[str, str], str]]:
    """Credentials that must never authenticate, with the error code each one earns."""
    secret, issuer = settings.auth.jwt_secret.get_secret_value(), settings.auth.jwt_issuer
    past = datetime.now(UTC) - timedelta(hours=2)
    claims = {"sub": user_id, "role": "supervisor", "dept": "ZJK", "iss": issuer}
    expired = jwt.encode({**claims, "iat": past, "nbf": past, "exp": past + timedelta(minutes=30)}, secret,
                         algorithm="HS256")
    now = datetime.now(UTC)
    fresh = {**claims, "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=30)).timestamp())}
    alg_none = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(fresh)}."
    other_secret = jwt.encode(fresh, "another-secret-of-sufficient-length-0123456789", algorithm="HS256")
    return {
        "no credentials": ({}, "auth.unauthenticated"),
        "malformed token": (bearer("not-a-jwt"), "auth.token_invalid"),
        "expired token": (bearer(expired), "auth.token_expired"),
        "alg none token": (bearer(alg_none), "auth.token_invalid"),
        "token signed with another secret": (bearer(other_secret), "auth.token_invalid"),
        "garbage api key": ({"X-API-Key": "garbage"}, "auth.api_key_invalid"),
        "unknown api key": ({"X-API-Key": "qhd_deadbeef_" + "x" * 43}, "auth.api_key_invalid"),
        "unknown api key as bearer": (bearer("qhd_deadbeef_" + "x" * 43), "auth.api_key_invalid"),
    }


async def test_every_non_public_route_refuses_missing_or_bad_credentials(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, make_user: MakeUser
) -> None:
    # A real user behind the forged tokens: only the signature, expiry or algorithm is wrong.
    me = await client.get("/api/v1/auth/me", headers=await make_user("supervisor", "ZJK"))
    user_id = str(me.json()["user_id"])
    routes = list(protected_routes(app))
    assert ("GET", "/api/v1/enterprises") in routes
    assert ("GET", "/api/v1/audit/verify") in routes
    assert len(routes) >= 30

    failures = []
    for method, template in routes:
        # Path parameters of the wrong type and an empty JSON body: credentials are checked before parameters
        # and body are validated, so nothing about the route's inputs leaks to an anonymous caller.
        path = re.sub(r"\{[^}]+\}", "x", template)
        for name, (headers, code) in bad_credentials(settings, user_id).items():
            response = await client.request(method, path, headers=headers, json={})
            ok = (response.status_code == 401
                  and response.headers["content-type"].startswith("application/problem+json")
                  and response.json()["code"] == code
                  and response.headers.get("www-authenticate") == "Bearer")
            if not ok:
                failures.append(f"{method} {template} with {name}: {response.status_code} {response.text[:120]}")
    assert not failures, "\n".join(failures)


def test_public_routes_all_exist(app: FastAPI) -> None:
    declared = {(m, r.path) for r in api_routes(app) for m in r.methods}

    assert declared >= PUBLIC_ROUTES, "PUBLIC_ROUTES names a route that does not exist"


async def test_public_routes_answer_without_credentials(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/api/v1/public/counties", "/api/v1/public/industries",
                 f"/api/v1/public/check-items/{date.today().year}"):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)


# --- role × permission matrix ----------------------------------------------------------------------------------

READ_DIRECTORY = ("GET", "/api/v1/enterprises")
READ_INSPECTORS = ("GET", "/api/v1/inspectors")
READ_ITEMS = ("GET", "/api/v1/check-items")
WRITE_ENTERPRISE = ("POST", "/api/v1/enterprises")
WRITE_DEPARTMENT = ("PATCH", "/api/v1/departments/ZF1")
READ_AUDIT = ("GET", "/api/v1/audit/records")
VERIFY_AUDIT = ("GET", "/api/v1/audit/verify")
MANAGE_USERS = ("GET", "/api/v1/users")
MANAGE_KEYS = ("GET", "/api/v1/api-keys")
ROUTES = (READ_DIRECTORY, READ_INSPECTORS, READ_ITEMS, WRITE_ENTERPRISE, WRITE_DEPARTMENT, READ_AUDIT, VERIFY_AUDIT,
          MANAGE_USERS, MANAGE_KEYS)
READS = {READ_DIRECTORY, READ_INSPECTORS, READ_ITEMS}
AUDIT = {READ_AUDIT, VERIFY_AUDIT}

ALLOWED: dict[str, set[tuple[str, str]]] = {
    # 三权分立: the administrator manages accounts, never records, keys or the audit trail; the security
    # administrator API keys (and reads the accounts), the auditor the trail.
    "admin": READS | {MANAGE_USERS},
    "security": {MANAGE_USERS, MANAGE_KEYS},
    "supervisor": READS | {WRITE_ENTERPRISE, WRITE_DEPARTMENT},
    "department": READS | {WRITE_ENTERPRISE},
    "inspector": READS,
    "partner": READS,
    "auditor": AUDIT,
    "integration": READS | {WRITE_ENTERPRISE},
}
DEPARTMENT_OF = {"admin": "BGS", "security": "BGS", "supervisor": "ZJK", "department": "ZF1", "inspector": "ZF1", "partner": "SW",
                 "auditor": "ZJK", "integration": "BGS"}


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_role_permission_matrix(client: httpx.AsyncClient, make_user: MakeUser, role: str) -> None:
    headers = await make_user(role, DEPARTMENT_OF[role])

    for method, path in ROUTES:
        body: dict[str, Any] | None = None
        if (method, path) == WRITE_ENTERPRISE:
            body = enterprise_body()
        elif (method, path) == WRITE_DEPARTMENT:
            body = {"short_name": "执法一大队"}
        response = await client.request(method, path, headers=headers, json=body)
        if (method, path) in ALLOWED[role]:
            assert response.status_code in (200, 201), (role, method, path, response.text)
        else:
            problem = assert_problem(response, 403, "auth.forbidden")
            assert problem["permission"]


async def test_admin_cannot_write_enterprises_or_read_the_audit_trail(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user("admin", "BGS")

    write = await client.post("/api/v1/enterprises", json=enterprise_body(), headers=admin)
    trail = await client.get("/api/v1/audit/records", headers=admin)

    assert assert_problem(write, 403, "auth.forbidden")["permission"] == "enterprises:write"
    assert assert_problem(trail, 403, "auth.forbidden")["permission"] == "audit:read"


async def test_forbidden_is_decided_before_the_body_is_validated(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    partner = await make_user("partner", "SW")

    response = await client.post("/api/v1/enterprises", json={"nonsense": True}, headers=partner)

    assert_problem(response, 403, "auth.forbidden")


# --- user administration -------------------------------------------------------------------------------------


def user_body(username: str, **overrides: Any) -> dict[str, Any]:
    return {"username": username, "display_name": "王五", "role": "department", "department_code": "ZF2",
            "password": STRONG_PASSWORD} | overrides


async def test_admin_creates_a_user_who_can_log_in(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")

    created = await client.post("/api/v1/users", json=user_body("wang.wu"), headers=admin)

    assert created.status_code == 201, created.text
    user = created.json()
    assert {k: user[k] for k in ("username", "role", "department_code", "active")} == {
        "username": "wang.wu", "role": "department", "department_code": "ZF2", "active": True}
    assert "password" not in user
    assert "password_hash" not in user
    assert (await login(client, "wang.wu", STRONG_PASSWORD)).status_code == 200
    listed = await client.get("/api/v1/users", headers=admin)
    assert "wang.wu" in [u["username"] for u in listed.json()]


@pytest.mark.parametrize("password", ["Short-1!", "alllowercase-but-long", "Wang.Wu-2026!x"],
                         ids=["too-short", "one-class", "contains-username"])
async def test_creating_a_user_with_a_weak_password_is_422(
    client: httpx.AsyncClient, make_user: MakeUser, password: str
) -> None:
    admin = await make_user("admin", "BGS")

    response = await client.post("/api/v1/users", json=user_body("wang.wu", password=password), headers=admin)

    body = assert_problem(response, 422, "auth.weak_password")
    assert body["problems"]
    assert (await login(client, "wang.wu", password)).status_code == 401


async def test_creating_a_duplicate_username_is_409(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    assert (await client.post("/api/v1/users", json=user_body("wang.wu"), headers=admin)).status_code == 201

    response = await client.post("/api/v1/users", json=user_body("wang.wu", role="partner"), headers=admin)

    assert_problem(response, 409, "user.duplicate")


async def test_admin_changes_role_and_disables_a_user(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    user_id = (await client.post("/api/v1/users", json=user_body("wang.wu"), headers=admin)).json()["id"]

    promoted = await client.patch(f"/api/v1/users/{user_id}", json={"role": "supervisor", "department_code": "ZJK"},
                                  headers=admin)
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["role"], promoted.json()["department_code"]) == ("supervisor", "ZJK")
    token = (await login(client, "wang.wu", STRONG_PASSWORD)).json()["access_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(token))).json()["role"] == "supervisor"

    disabled = await client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["active"] is False
    assert_problem(await login(client, "wang.wu", STRONG_PASSWORD), 401, "auth.invalid_credentials")


async def test_admin_resets_a_password_under_the_policy(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    user_id = (await client.post("/api/v1/users", json=user_body("wang.wu"), headers=admin)).json()["id"]

    weak = await client.patch(f"/api/v1/users/{user_id}", json={"password": "weak"}, headers=admin)
    assert_problem(weak, 422, "auth.weak_password")
    reset = await client.patch(f"/api/v1/users/{user_id}", json={"password": "Another-Str0ng!"}, headers=admin)
    assert reset.status_code == 200, reset.text

    assert (await login(client, "wang.wu", STRONG_PASSWORD)).status_code == 401
    assert (await login(client, "wang.wu", "Another-Str0ng!")).status_code == 200


@pytest.mark.parametrize("change", [{"active": False}, {"role": "supervisor"}], ids=["disable", "re-role"])
async def test_admin_cannot_disable_or_re_role_themself(
    client: httpx.AsyncClient, make_user: MakeUser, change: dict[str, Any]
) -> None:
    admin = await make_user("admin", "BGS")
    own_id = (await client.get("/api/v1/auth/me", headers=admin)).json()["user_id"]

    response = await client.patch(f"/api/v1/users/{own_id}", json=change, headers=admin)

    assert_problem(response, 409, "user.self_change")
    assert (await client.get("/api/v1/users", headers=admin)).status_code == 200


async def test_patching_an_unknown_user_is_404(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")

    response = await client.patch("/api/v1/users/999999", json={"active": False}, headers=admin)

    assert_problem(response, 404, "user.not_found")


async def test_user_fields_the_server_owns_cannot_be_set(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")

    response = await client.post("/api/v1/users", json=user_body("wang.wu", password_hash="x", id=1), headers=admin)

    body = assert_problem(response, 422, "request.validation_failed")
    assert {e["code"] for e in body["errors"]} == {"validation.extra_forbidden"}


# --- API keys ------------------------------------------------------------------------------------------------


async def create_integration_user(client: httpx.AsyncClient, admin: dict[str, str], username: str) -> int:
    response = await client.post("/api/v1/users", headers=admin, json=user_body(
        username, display_name="市应急指挥平台", role="integration", department_code="BGS"))
    assert response.status_code == 201, response.text
    user_id: int = response.json()["id"]
    return user_id


async def issue_key(client: httpx.AsyncClient, security: dict[str, str], user_id: int, scopes: list[str],
                    **extra: Any) -> httpx.Response:
    return await client.post("/api/v1/api-keys", headers=security,
                             json={"name": "市应急指挥平台对接", "user_id": user_id, "scopes": scopes} | extra)


async def test_api_key_works_in_x_api_key_and_as_bearer_within_its_scopes(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")

    issued = await issue_key(client, security, owner, ["directory:read"])

    assert issued.status_code == 201, issued.text
    key = issued.json()
    assert key["key"].startswith(f"qhd_{key['prefix']}_")
    assert key["scopes"] == ["directory:read"]
    for headers in ({"X-API-Key": key["key"]}, bearer(key["key"])):
        me = await client.get("/api/v1/auth/me", headers=headers)
        assert me.status_code == 200, me.text
        assert (me.json()["username"], me.json()["auth_method"], me.json()["permissions"]) == (
            "platform", "api_key", ["directory:read"])
        assert (await client.get("/api/v1/enterprises", headers=headers)).status_code == 200
        # The owner's role could write enterprises; the key's scope cannot.
        write = await client.post("/api/v1/enterprises", json=enterprise_body(), headers=headers)
        assert assert_problem(write, 403, "auth.forbidden")["permission"] == "enterprises:write"
    # The plaintext is shown once: listings carry only the prefix.
    listed = (await client.get("/api/v1/api-keys", headers=security)).json()
    assert [k["prefix"] for k in listed] == [key["prefix"]]
    assert "key" not in listed[0]


async def test_api_key_with_write_scope_writes_enterprises(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")
    key = (await issue_key(client, security, owner, ["directory:read", "enterprises:write"])).json()["key"]

    response = await client.post("/api/v1/enterprises", json=enterprise_body(), headers={"X-API-Key": key})

    assert response.status_code == 201, response.text


async def test_api_key_scopes_beyond_the_owners_role_are_422(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")

    response = await issue_key(client, security, owner, ["directory:read", "audit:read"])

    body = assert_problem(response, 422, "api_key.scope_beyond_role")
    assert "audit:read" in body["detail"]
    assert (await client.get("/api/v1/api-keys", headers=security)).json() == []


async def test_api_key_for_an_unknown_user_or_unknown_scope_is_422(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")

    assert_problem(await issue_key(client, security, 999999, ["directory:read"]), 422, "user.unknown")
    owner = await create_integration_user(client, admin, "platform")
    unknown_scope = await issue_key(client, security, owner, ["everything"])
    assert_problem(unknown_scope, 422, "request.validation_failed")


async def test_revoked_api_key_is_401(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")
    key = (await issue_key(client, security, owner, ["directory:read"])).json()
    assert (await client.get("/api/v1/enterprises", headers={"X-API-Key": key["key"]})).status_code == 200

    revoked = await client.post(f"/api/v1/api-keys/{key['id']}/revoke", headers=security)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    for headers in ({"X-API-Key": key["key"]}, bearer(key["key"])):
        response = await client.get("/api/v1/enterprises", headers=headers)
        assert_problem(response, 401, "auth.api_key_revoked")
        assert response.headers["www-authenticate"] == "Bearer"


async def test_revoking_an_unknown_key_is_404(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    security = await make_user("security", "BGS")

    assert_problem(await client.post("/api/v1/api-keys/999999/revoke", headers=security), 404, "api_key.not_found")


class ShiftedClock(SystemClock):
    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return super().now() + self.offset


async def test_expired_api_key_is_401(client: httpx.AsyncClient, make_user: MakeUser, container: Container) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")
    expires = datetime.now(UTC) + timedelta(hours=1)
    key = (await issue_key(client, security, owner, ["directory:read"], expires_at=expires.isoformat())).json()
    assert (await client.get("/api/v1/enterprises", headers={"X-API-Key": key["key"]})).status_code == 200

    container.clock = ShiftedClock(timedelta(hours=2))  # two hours later

    response = await client.get("/api/v1/enterprises", headers={"X-API-Key": key["key"]})
    assert_problem(response, 401, "auth.api_key_revoked")


async def test_api_key_expiry_in_the_past_is_422(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    response = await issue_key(client, security, owner, ["directory:read"], expires_at=past)

    assert_problem(response, 422, "api_key.expiry_past")


async def test_api_key_of_a_disabled_owner_is_401(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")
    key = (await issue_key(client, security, owner, ["directory:read"])).json()["key"]

    await client.patch(f"/api/v1/users/{owner}", json={"active": False}, headers=admin)

    assert_problem(await client.get("/api/v1/enterprises", headers={"X-API-Key": key}), 401, "auth.api_key_revoked")


async def test_api_key_with_a_wrong_secret_is_401(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    security = await make_user("security", "BGS")
    owner = await create_integration_user(client, admin, "platform")
    key = (await issue_key(client, security, owner, ["directory:read"])).json()
    forged = f"qhd_{key['prefix']}_{uuid.uuid4().hex}"

    assert_problem(await client.get("/api/v1/enterprises", headers={"X-API-Key": forged}), 401,
                   "auth.api_key_invalid")


async def test_repeated_failures_lock_the_account_for_a_while(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("supervisor", "ZJK", username="zhao.liu")
    auditor = await make_user("auditor", "ZJK")
    container.clock = FixedClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    for _ in range(settings.auth.max_failed_logins):
        assert_problem(await login(client, "zhao.liu", "Wrong-Passw0rd!"), 401, "auth.invalid_credentials")
    locked = await login(client, "zhao.liu", PASSWORD)  # even the right password waits now
    assert_problem(locked, 429, "auth.locked_out")
    assert int(locked.headers["Retry-After"]) == settings.auth.lockout_minutes * 60
    trail = (await client.get("/api/v1/audit/records", params={"object_type": "user"}, headers=auditor)).json()
    actions = [r["action"] for r in trail["items"]]
    assert actions.count("auth.login_failed") == settings.auth.max_failed_logins - 1
    assert actions.count("auth.login_locked") == 1
    container.clock = FixedClock(datetime(2026, 11, 2, 2, settings.auth.lockout_minutes + 1, tzinfo=UTC))  # type: ignore[assignment]
    assert (await login(client, "zhao.liu", PASSWORD)).status_code == 200


async def test_public_searches_and_logins_are_rate_limited_in_the_shared_store(
    client: httpx.AsyncClient, container: Container
) -> None:
    container.settings.limits.rate_public_per_minute = 3
    container.settings.limits.rate_login_per_minute = 2
    for _ in range(3):
        assert (await client.get("/api/v1/public/results")).status_code == 200
    limited = await client.get("/api/v1/public/results")
    assert_problem(limited, 429, "request.rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 61
    for _ in range(2):
        assert_problem(await login(client, "nobody.here", "Wrong-Passw0rd!"), 401, "auth.invalid_credentials")
    assert_problem(await login(client, "nobody.here", "Wrong-Passw0rd!"), 429, "request.rate_limited")
    container.clock = FixedClock(container.clock.now() + timedelta(minutes=1, seconds=1))  # type: ignore[assignment]
    assert (await client.get("/api/v1/public/results")).status_code == 200  # a new window


async def test_admin_supervisor_and_auditor_sign_in_with_a_second_factor(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    container.settings.auth.require_second_factor = True
    await make_user("supervisor", "ZJK", username="qian.qi")
    token = (await login(client, "qian.qi", PASSWORD)).json()["access_token"]
    limited = bearer(token)
    assert_problem(await client.get("/api/v1/plans", headers=limited), 403, "auth.second_factor_required")
    assert (await client.get("/api/v1/auth/me", headers=limited)).status_code == 200

    setup = (await client.post("/api/v1/auth/totp/setup", headers=limited)).json()
    assert setup["uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    assert_problem(await client.post("/api/v1/auth/totp/confirm", json={"code": "000000"}, headers=limited), 422,
                   "auth.otp_invalid")
    confirm_at = container.clock.now()
    confirmed = await client.post("/api/v1/auth/totp/confirm", json={"code": totp.at(confirm_at)}, headers=limited)
    assert confirmed.status_code == 204, confirmed.text

    assert_problem(await login(client, "qian.qi", PASSWORD), 401, "auth.otp_required")
    container.clock = FixedClock(confirm_at + timedelta(seconds=60))  # type: ignore[assignment]
    code = totp.at(container.clock.now())
    signed_in = await client.post("/api/v1/auth/token", data={"username": "qian.qi", "password": PASSWORD, "otp": code})
    assert signed_in.status_code == 200, signed_in.text
    assert (await client.get("/api/v1/plans", headers=bearer(signed_in.json()["access_token"]))).status_code == 200
    replay = await client.post("/api/v1/auth/token", data={"username": "qian.qi", "password": PASSWORD, "otp": code})
    assert_problem(replay, 401, "auth.otp_invalid")  # a code works once

    await make_user("department", "ZF1", username="sun.ba")  # other roles need no second factor
    officer = (await login(client, "sun.ba", PASSWORD)).json()["access_token"]
    assert (await client.get("/api/v1/plans", headers=bearer(officer))).status_code == 200
