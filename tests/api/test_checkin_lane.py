"""The check-in's fast lane (PostgreSQL): it serves the ordinary check-in itself, with the same answer and the same
records as the route, and hands everything else on to the route, which answers as it always did.

The rules themselves are tested through the API in ``test_onsite.py``, which on PostgreSQL goes through the lane
as well; here: who serves what, that nothing differs, and that nothing is counted or written twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.adapters.db.tables import AuditRecordRow, CheckInRow, LoginSessionRow, RateLimitRow, VisitRow
from app.deps import Container
from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_onsite import Site, Who, check_in, enterprise_code, site  # noqa: F401 - fixtures by name
from tests.support import assert_problem


@pytest.fixture(autouse=True)
def _postgres_only(container: Container) -> None:
    if container.db.is_sqlite:
        assert container.checkin_lane is None
        pytest.skip("SQLite has no fast lane: the route serves every check-in")


def counts(container: Container) -> tuple[int, int]:
    lane = container.checkin_lane
    assert lane is not None
    return lane.served, lane.handed_on


async def audit_of(container: Container, visit_id: int, action: str) -> list[Any]:
    await container.db.audit_sealer.seal()
    table = AuditRecordRow.__table__
    async with container.db.engine.connect() as connection:
        rows = await connection.execute(sa.select(table).where(
            table.c.object_type == "visit", table.c.object_id == str(visit_id), table.c.action == action))
        return list(rows)


async def test_the_lane_serves_a_check_in_and_the_route_answers_its_retry_alike(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    served, handed_on = counts(container)
    first = await check_in(client, site, code, key="lane-0001")
    assert first.status_code == 201, first.text
    assert first.headers["content-type"] == "application/json"
    assert counts(container) == (served + 1, handed_on)

    retry = await check_in(client, site, code, key="lane-0001")  # answered by the route from the stored record
    assert retry.status_code == 200, retry.text
    assert counts(container) == (served + 1, handed_on + 1)
    assert retry.json() == first.json()

    async with container.db.engine.connect() as connection:
        visit = (await connection.execute(sa.select(VisitRow.__table__.c.status, VisitRow.__table__.c.version)
                                          .where(VisitRow.__table__.c.id == site.visit["id"]))).one()
        stored = (await connection.execute(sa.select(CheckInRow.__table__)
                                           .where(CheckInRow.__table__.c.visit_id == site.visit["id"]))).one()
    assert visit.status == "in_progress"
    assert visit.version == site.visit["version"] + 1
    assert (stored.id, stored.idempotency_key, stored.method) == (first.json()["id"], "lane-0001", "enterprise_code")
    [event] = await audit_of(container, site.visit["id"], "checkin.create")
    assert event.actor_role == "inspector"
    assert event.before == {"status": "planned"}
    assert event.after["check_in_id"] == stored.id
    assert event.after["status"] == "in_progress"
    assert event.request_id == first.headers["x-request-id"]


async def test_refusals_go_to_the_route_which_refuses_and_audits_them_once(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    served, handed_on = counts(container)
    far = await check_in(client, site, code, position=site.position(latitude=site.enterprise["latitude"] + 0.1))
    assert_problem(far, 409, "checkin.too_far")
    forged = await check_in(client, site, code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB"))
    assert forged.status_code in (409, 422), forged.text
    assert counts(container) == (served, handed_on + 2)
    assert len(await audit_of(container, site.visit["id"], "checkin.refused")) == 2
    assert await audit_of(container, site.visit["id"], "checkin.create") == []


async def test_a_request_the_lane_hands_on_counts_once_against_the_rate_limit(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    container.settings.limits.rate_checkin_per_minute = 2
    code = await enterprise_code(client, site, ready["zf1"])
    assert_problem(await check_in(client, site, code, position=site.position(latitude=0.5)), 409, "checkin.too_far")
    assert (await check_in(client, site, code)).status_code == 201  # the second request of the minute
    limited = await check_in(client, site, code)
    assert_problem(limited, 429, "request.rate_limited")
    async with container.db.engine.connect() as connection:
        table = RateLimitRow.__table__
        count = (await connection.execute(sa.select(table.c.count).where(table.c.key.like("checkin:user:%")))).scalar()
    assert count == 3


async def test_twenty_parallel_check_ins_of_one_visit_with_different_keys_make_one(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    answers = await asyncio.gather(*(check_in(client, site, code, key=f"parallel-{n:04d}") for n in range(20)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"checkin.state_invalid"}
    assert len(await audit_of(container, site.visit["id"], "checkin.create")) == 1


async def test_the_lane_touches_the_session_and_refuses_a_revoked_one_through_the_route(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    sessions = LoginSessionRow.__table__
    async with container.db.engine.begin() as connection:
        await connection.execute(sa.update(sessions).values(last_seen_at=container.clock.now() - timedelta(minutes=5)))
    assert (await check_in(client, site, code)).status_code == 201
    async with container.db.engine.begin() as connection:
        seen = (await connection.execute(sa.select(sa.func.max(sessions.c.last_seen_at)))).scalar()
        assert seen == container.clock.now()
        await connection.execute(sa.update(sessions).values(revoked_at=container.clock.now()))
    refused = await check_in(client, site, code, key=uuid.uuid4().hex)
    assert_problem(refused, 401, "auth.session_revoked")


async def test_the_lane_uses_up_a_visit_code_and_the_route_refuses_its_replay(
    client: httpx.AsyncClient, container: Container, site: Site  # noqa: F811
) -> None:
    shown = await client.get(f"{site.url}/code", headers=site.phone)
    assert shown.status_code == 200, shown.text
    code = shown.json()["code"]
    served, handed_on = counts(container)
    first = await check_in(client, site, code)
    assert first.status_code == 201, first.text
    assert first.json()["method"] == "visit_code"
    assert counts(container) == (served + 1, handed_on)
    async with container.db.engine.connect() as connection:
        used = (await connection.execute(sa.text("SELECT visit_id FROM code_nonce"))).scalars().all()
    assert used == [site.visit["id"]]
    assert_problem(await check_in(client, site, code), 409, "checkin.state_invalid")
    assert counts(container) == (served + 1, handed_on + 1)


async def test_the_lane_gives_its_connections_first_come_first_served(container: Container) -> None:
    """A check-in released its connection: the longest waiter gets it, not one that arrives just then (asyncpg's
    pool alone would let the newcomer through and send the waiter to the back of the queue)."""
    lane = container.checkin_lane
    assert lane is not None
    size = container.db.pool_size
    order: list[str] = []
    held = [lane.opened() for _ in range(size)]
    for opened in held:
        await opened.__aenter__()

    async def take(name: str) -> None:
        async with lane.opened():
            order.append(name)

    waiting = [asyncio.create_task(take(f"waiter-{n}")) for n in range(3)]
    await asyncio.sleep(0.05)  # all three queue for a connection
    newcomers: list[asyncio.Task[None]] = []

    async def arriving() -> None:  # one newcomer at every turn of the event loop, while connections come back
        for n in range(200):
            newcomers.append(asyncio.create_task(take(f"newcomer-{n}")))
            await asyncio.sleep(0)

    arrivals = asyncio.create_task(arriving())
    for opened in held:
        await opened.__aexit__(None, None, None)
        await asyncio.sleep(0)
    await arrivals
    await asyncio.wait_for(asyncio.gather(*waiting, *newcomers), 10)
    assert order[:3] == ["waiter-0", "waiter-1", "waiter-2"], order[:6]

