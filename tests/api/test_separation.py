"""三权分立: the system administrator (accounts), the security administrator (security policy, API keys, the
security log) and the auditor (the audit trail, draw records) cannot do each other's work, and no account holds
two of their roles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pyotp
import pytest

from app.deps import Container
from app.domain.auth.model import ROLE_PERMISSIONS, SEPARATED_ROLES, Permission, Role
from app.settings import Settings
from tests.api.test_auth import STRONG_PASSWORD, login, user_body
from tests.conftest import PASSWORD
from tests.support import FixedClock, MakeUser, assert_problem


async def user_id_of(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    user_id: int = (await client.get("/api/v1/auth/me", headers=headers)).json()["user_id"]
    return user_id


async def refusals(client: httpx.AsyncClient, auditor: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/audit/records", params={"action": "request.refused"}, headers=auditor)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_three_separated_roles_share_no_permission() -> None:
    admin, security, auditor = (ROLE_PERMISSIONS[r] for r in (Role.ADMIN, Role.SECURITY, Role.AUDITOR))

    assert {Role.ADMIN, Role.SECURITY, Role.AUDITOR} == SEPARATED_ROLES
    assert admin & auditor == set()
    assert security & auditor == set()
    assert admin & security == {Permission.USERS_READ}  # both read the list of accounts; only admin changes it
    assert Permission.USERS_MANAGE in admin
    assert {Permission.SECURITY_MANAGE, Permission.API_KEYS_MANAGE, Permission.SECURITY_LOG_READ} <= security
    assert auditor == {Permission.AUDIT_READ, Permission.DRAWS_READ}
    assert Role.SECURITY.label == "安全保密管理员"


@pytest.mark.parametrize(("role", "to"), [("security", "auditor"), ("auditor", "admin"), ("admin", "security"),
                                          ("security", "admin")])
async def test_an_account_never_moves_between_the_three_roles_and_the_refusal_is_audited(
    client: httpx.AsyncClient, make_user: MakeUser, role: str, to: str
) -> None:
    admin = await make_user("admin", "BGS")
    auditor = await make_user("auditor", "ZJK")
    target = await user_id_of(client, await make_user(role, "BGS"))

    response = await client.patch(f"/api/v1/users/{target}", json={"role": to}, headers=admin)

    body = assert_problem(response, 403, "user.separation_of_duties")
    assert body["detail"].startswith("三权分立")
    assert body["detail_en"].startswith("separation of duties")
    assert (body["from"], body["to"]) == (role, to)
    listed = {u["id"]: u["role"] for u in (await client.get("/api/v1/users", headers=admin)).json()}
    assert listed[target] == role
    assert [r["after"]["code"] for r in await refusals(client, auditor)] == ["user.separation_of_duties"]


async def test_other_role_changes_stay_with_the_administrator(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin", "BGS")
    created = await client.post("/api/v1/users", json=user_body("wang.wu", role="security", department_code="BGS"),
                                headers=admin)
    assert created.status_code == 201, created.text

    back = await client.patch(f"/api/v1/users/{created.json()['id']}", json={"role": "partner"}, headers=admin)

    assert back.status_code == 200, back.text
    assert back.json()["role"] == "partner"


@pytest.mark.parametrize("role", ["security", "auditor"])
async def test_the_administrator_sets_no_password_of_the_other_two(
    client: httpx.AsyncClient, make_user: MakeUser, role: str
) -> None:
    admin = await make_user("admin", "BGS")
    target = await user_id_of(client, await make_user(role, "BGS"))

    response = await client.patch(f"/api/v1/users/{target}", json={"password": STRONG_PASSWORD}, headers=admin)

    assert assert_problem(response, 403, "user.separation_of_duties")["field"] == "password"


@pytest.mark.parametrize("role", ["admin", "security", "auditor"])
async def test_no_api_key_for_an_account_of_the_three_roles(
    client: httpx.AsyncClient, make_user: MakeUser, role: str
) -> None:
    security = await make_user("security", "BGS")
    owner = await user_id_of(client, await make_user(role, "BGS"))

    response = await client.post("/api/v1/api-keys", headers=security, json={
        "name": "某对接", "user_id": owner, "scopes": ["users:read"]})

    assert assert_problem(response, 403, "api_key.separated_role")["role"] == role


SECURITY_WORK = [("POST", "/api/v1/users/{id}/unlock"), ("POST", "/api/v1/users/{id}/totp/reset"),
                 ("GET", "/api/v1/users/{id}/sessions"), ("POST", "/api/v1/users/{id}/sessions/revoke"),
                 ("GET", "/api/v1/security/events"), ("GET", "/api/v1/api-keys")]


@pytest.mark.parametrize("role", ["admin", "auditor", "supervisor"])
async def test_only_the_security_administrator_does_security_work(
    client: httpx.AsyncClient, make_user: MakeUser, role: str
) -> None:
    headers = await make_user(role, "BGS")
    target = await user_id_of(client, await make_user("partner", "SW"))

    for method, path in SECURITY_WORK:
        response = await client.request(method, path.format(id=target), headers=headers)
        assert_problem(response, 403, "auth.forbidden")


async def test_the_security_administrator_manages_no_accounts_and_reads_no_audit_trail(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    security = await make_user("security", "BGS")
    target = await user_id_of(client, await make_user("partner", "SW"))

    create = await client.post("/api/v1/users", json=user_body("wang.wu"), headers=security)
    patch = await client.patch(f"/api/v1/users/{target}", json={"active": False}, headers=security)
    trail = await client.get("/api/v1/audit/records", headers=security)
    rotate = await client.post("/api/v1/signing-keys/rotate", headers=security)

    assert assert_problem(create, 403, "auth.forbidden")["permission"] == "users:manage"
    assert assert_problem(patch, 403, "auth.forbidden")["permission"] == "users:manage"
    assert assert_problem(trail, 403, "auth.forbidden")["permission"] == "audit:read"
    assert assert_problem(rotate, 403, "auth.forbidden")["permission"] == "keys:manage"
    assert (await client.get("/api/v1/users", headers=security)).status_code == 200


async def test_the_security_administrator_unlocks_an_account(
    client: httpx.AsyncClient, make_user: MakeUser, container: Container, settings: Settings
) -> None:
    security = await make_user("security", "BGS")
    auditor = await make_user("auditor", "ZJK")
    target = await user_id_of(client, await make_user("partner", "SW", username="zhao.liu"))
    container.clock = FixedClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    for _ in range(settings.auth.max_failed_logins):
        await login(client, "zhao.liu", "Wrong-Passw0rd!")
    assert_problem(await login(client, "zhao.liu", PASSWORD), 429, "auth.locked_out")

    unlocked = await client.post(f"/api/v1/users/{target}/unlock", headers=security)

    assert unlocked.status_code == 200, unlocked.text
    assert (await login(client, "zhao.liu", PASSWORD)).status_code == 200
    trail = (await client.get("/api/v1/audit/records", params={"action": "user.unlock"}, headers=auditor)).json()
    assert trail["items"][0]["after"] == {"failed_logins": 0, "locked_until": None}


async def test_the_security_administrator_ends_an_accounts_sessions(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    security = await make_user("security", "BGS")
    await make_user("partner", "SW", username="zhao.liu")
    token = (await login(client, "zhao.liu", PASSWORD)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    target = await user_id_of(client, headers)
    listed = (await client.get(f"/api/v1/users/{target}/sessions", headers=security)).json()
    assert len(listed) == 2  # the fixture's and the login's

    revoked = await client.post(f"/api/v1/users/{target}/sessions/revoke", headers=security)

    assert revoked.json() == {"revoked": 2}
    assert_problem(await client.get("/api/v1/auth/me", headers=headers), 401, "auth.session_revoked")
    assert (await client.get(f"/api/v1/users/{target}/sessions", headers=security)).json() == []
    own = await user_id_of(client, security)
    assert_problem(await client.post(f"/api/v1/users/{own}/sessions/revoke", headers=security), 403,
                   "user.self_change")
    assert_problem(await client.post("/api/v1/users/999999/unlock", headers=security), 404, "user.not_found")


async def test_the_security_administrator_resets_a_lost_second_factor(
    client: httpx.AsyncClient, make_user: MakeUser, container: Container
) -> None:
    security = await make_user("security", "BGS")
    supervisor = await make_user("supervisor", "ZJK", username="zjk.chief")
    target = await user_id_of(client, supervisor)
    secret = (await client.post("/api/v1/auth/totp/setup", headers=supervisor)).json()["secret"]
    confirmed = await client.post("/api/v1/auth/totp/confirm", headers=supervisor,
                                  json={"code": pyotp.TOTP(secret).at(container.clock.now())})
    assert confirmed.status_code == 204, confirmed.text
    assert (await client.post("/api/v1/auth/token", data={"username": "zjk.chief", "password": PASSWORD})
            ).status_code == 401  # the code is needed now

    reset = await client.post(f"/api/v1/users/{target}/totp/reset", headers=security)

    assert reset.status_code == 200, reset.text
    assert_problem(await client.get("/api/v1/auth/me", headers=supervisor), 401, "auth.session_revoked")
    again = await client.post("/api/v1/auth/token", data={"username": "zjk.chief", "password": PASSWORD})
    assert again.status_code == 200, again.text


async def test_the_security_administrator_narrows_an_api_keys_scopes(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    security = await make_user("security", "BGS")
    owner = await user_id_of(client, await make_user("integration", "BGS"))
    key = (await client.post("/api/v1/api-keys", headers=security, json={
        "name": "市应急指挥平台对接", "user_id": owner, "scopes": ["directory:read", "enterprises:write"]})).json()

    narrowed = await client.patch(f"/api/v1/api-keys/{key['id']}", json={"scopes": ["directory:read"]},
                                  headers=security)
    beyond = await client.patch(f"/api/v1/api-keys/{key['id']}", json={"scopes": ["audit:read"]}, headers=security)

    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["scopes"] == ["directory:read"]
    assert_problem(beyond, 422, "api_key.scope_beyond_role")
    me = await client.get("/api/v1/auth/me", headers={"X-API-Key": key["key"]})
    assert me.json()["permissions"] == ["directory:read"]
    await client.post(f"/api/v1/api-keys/{key['id']}/revoke", headers=security)
    assert_problem(await client.patch(f"/api/v1/api-keys/{key['id']}", json={"scopes": ["directory:read"]},
                                      headers=security), 409, "api_key.revoked")


async def test_the_security_log_holds_sign_ins_and_refusals_but_not_business_records(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    security = await make_user("security", "BGS")
    supervisor = await make_user("supervisor", "ZJK", username="zjk.chief")
    await login(client, "zjk.chief", "Wrong-Passw0rd!")
    await login(client, "zjk.chief", PASSWORD)
    await client.post("/api/v1/enterprises", headers=supervisor, json={
        "uscc": "91130302MA0000001X", "name": "某公司", "county_code": "130302", "industry_code": "GM-JX"})

    events = await client.get("/api/v1/security/events", headers=security)

    assert events.status_code == 200, events.text
    actions = {r["action"] for r in events.json()["items"]}
    assert {"auth.login", "auth.login_failed"} <= actions
    assert all(a.split(".")[0] in {"auth", "user", "api_key", "session", "request"} for a in actions)
