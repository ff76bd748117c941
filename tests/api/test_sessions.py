"""Login sessions: idle expiry, logout and revocation, kept in the database (shared by every service process)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from app.adapters.db.tables import AuditRecordRow, LoginSessionRow
from app.deps import Container
from app.domain.auth.service import password_problems
from app.settings import Settings
from tests.conftest import PASSWORD
from tests.support import FixedClock, MakeUser, assert_problem

START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def idle_limit(settings: Settings) -> None:
    """The production default (the other tests run without an idle limit, their clocks jump by days)."""
    settings.auth.idle_minutes = 30


async def sign_in(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def sessions(container: Container) -> list[dict[str, object]]:
    """The sessions opened by logins (at the tests' fixed clock; the fixture's own sessions are left out)."""
    table = LoginSessionRow.__table__
    async with container.db.engine.connect() as connection:
        rows = await connection.execute(sa.select(table).where(table.c.created_at == START))
        return [dict(r._mapping) for r in rows]


def at(container: Container, moment: datetime) -> None:
    container.clock = FixedClock(moment)  # type: ignore[assignment]


async def test_a_login_opens_a_session_named_in_the_token(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    await make_user("partner", "SW", username="li.si")
    at(container, START)

    headers = await sign_in(client, "li.si")

    [row] = await sessions(container)
    assert row["last_seen_at"] == START
    assert row["revoked_at"] is None
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200


async def test_a_session_unused_for_the_idle_limit_ends_with_401_session_idle(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("partner", "SW", username="li.si")
    idle = timedelta(minutes=settings.auth.idle_minutes)
    at(container, START)
    headers = await sign_in(client, "li.si")

    at(container, START + idle + timedelta(seconds=1))
    response = await client.get("/api/v1/auth/me", headers=headers)

    body = assert_problem(response, 401, "auth.session_idle")
    assert f"{settings.auth.idle_minutes} 分钟未操作" in body["detail"]
    assert body["detail_en"].startswith("the session ended after")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_activity_keeps_a_session_open_with_one_write_a_minute_at_most(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("partner", "SW", username="li.si")
    idle = timedelta(minutes=settings.auth.idle_minutes)
    at(container, START)
    headers = await sign_in(client, "li.si")

    at(container, START + timedelta(seconds=30))  # within the minute: no write
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert (await sessions(container))[0]["last_seen_at"] == START

    used = START + idle - timedelta(minutes=1)  # just before the limit: the request refreshes the session
    at(container, used)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert (await sessions(container))[0]["last_seen_at"] == used

    at(container, used + idle - timedelta(seconds=1))  # long after login, but not idle
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200


async def test_logout_ends_the_session_and_is_audited(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    await make_user("partner", "SW", username="li.si")
    headers = await sign_in(client, "li.si")
    other = await sign_in(client, "li.si")  # a second device keeps its own session

    response = await client.post("/api/v1/auth/logout", headers=headers)

    assert response.status_code == 204, response.text
    assert_problem(await client.get("/api/v1/auth/me", headers=headers), 401, "auth.session_revoked")
    assert (await client.get("/api/v1/auth/me", headers=other)).status_code == 200
    await container.db.audit_sealer.seal()  # PostgreSQL: the events the requests left in the inbox, chained
    async with container.db.engine.connect() as connection:
        actions = list((await connection.execute(sa.select(AuditRecordRow.__table__.c.action))).scalars())
    assert "auth.logout" in actions


async def test_a_token_without_a_session_is_refused(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    headers = await make_user("partner", "SW")
    user_id = (await client.get("/api/v1/auth/me", headers=headers)).json()["user_id"]
    sessionless = container.tokens.issue({"sub": str(user_id), "role": "partner", "dept": "SW"}, minutes=10)
    unknown = container.tokens.issue({"sub": str(user_id), "role": "partner", "dept": "SW", "sid": "0" * 32},
                                     minutes=10)

    for token in (sessionless, unknown):
        response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401, "auth.token_invalid")


async def test_the_dashboard_cookie_follows_the_same_session(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("supervisor", "ZJK", username="zjk.chief")
    at(container, START)
    login = await client.post("/dashboard/login", data={"username": "zjk.chief", "password": PASSWORD})
    assert login.status_code == 303, login.text
    assert (await client.get("/dashboard")).status_code == 200

    at(container, START + timedelta(minutes=settings.auth.idle_minutes, seconds=1))
    idle = await client.get("/dashboard")
    assert idle.status_code == 303
    assert idle.headers["location"].endswith("/dashboard/login")

    at(container, START)
    client.cookies.clear()
    await client.post("/dashboard/login", data={"username": "zjk.chief", "password": PASSWORD})
    cookie = client.cookies.get("qhd_dashboard")
    logout = await client.post("/dashboard/logout", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert logout.status_code == 303
    client.cookies.set("qhd_dashboard", cookie or "", path="/dashboard")  # a copied cookie is dead too
    replay = await client.get("/dashboard")
    assert replay.status_code == 303
    assert replay.headers["location"].endswith("/dashboard/login")


@pytest.mark.parametrize(("password", "problems"), [
    ("Short-1a", ["密码至少 10 位"]),
    ("alllowercase-only", ["密码须包含大写字母、小写字母、数字、符号中的至少三类"]),
    ("Li.Si-2026-Strong", ["密码不得包含用户名"]),
    ("Qhd-Strong-2026!", []),
], ids=["too-short", "two-classes", "contains-username", "strong"])
def test_the_password_policy_checks_length_classes_and_username(password: str, problems: list[str]) -> None:
    assert password_problems(password, "li.si") == problems

