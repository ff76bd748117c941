"""Directory sync end to end: the service against its embedded simulator, over the API, with faults."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.provincial.model import SYNC_ORDER, DirectoryKind
from app.domain.sync.model import SyncMode, SyncStatus, SyncTrigger
from app.domain.sync.service import execute_run, request_run
from tests.support import MakeUser, assert_problem, make_uscc

RUNS = "/api/v1/sync/runs"
POPULATION = 300  # the embedded simulator's size in the test settings


async def sim(container: Container, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    assert container.http is not None
    response = await container.http.request(method, path, **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def run_sync(container: Container, mode: SyncMode = SyncMode.INCREMENTAL,
                   kinds: tuple[DirectoryKind, ...] = SYNC_ORDER) -> Any:
    def uow() -> Any:
        return container.uow(Actor("test", "system", None))

    run = await request_run(uow(), system_principal("test"), kinds, mode, SyncTrigger.CLI)
    return await execute_run(uow, container.platform, run.id or 0, container.jobs.sync_options())


async def scalar(container: Container, sql: str) -> Any:
    async with container.db.engine.connect() as connection:
        return (await connection.execute(sa.text(sql))).scalar_one()


async def platform_keys(container: Container) -> set[str]:
    """Every live enterprise the platform holds, read page by page from the simulator."""
    keys: set[str] = set()
    token = (await sim(container, "POST", "/api/v1/auth/token",
                       json={"clientId": "qhd-yjj", "clientSecret": "qhd-yjj-simulator-secret"}))["data"]["accessToken"]
    page = 1
    while True:
        data = (await sim(container, "GET", "/api/v1/enterprises", params={"pageNo": page, "pageSize": 500},
                          headers={"Authorization": f"Bearer {token}"}))["data"]
        keys |= {r["uniscid"] for r in data["records"] if not r.get("deleted")}
        if len(data["records"]) < 500:
            return keys
        page += 1


async def test_a_sync_started_over_the_api_runs_in_the_background_and_fills_the_directories(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    started = await client.post(RUNS, json={}, headers=supervisor)

    assert started.status_code == 202, started.text
    run = started.json()
    assert started.headers["Location"] == f"{RUNS}/{run['id']}"
    assert run["status"] in {"queued", "running"}
    await container.jobs.wait(run["id"])
    done = (await client.get(f"{RUNS}/{run['id']}", headers=supervisor)).json()
    assert done["status"] == "succeeded", done
    assert done["counts"]["enterprises"]["created"] == POPULATION
    assert done["counts"]["inspectors"]["created"] > 0
    assert done["counts"]["check_items"]["unchanged"] > 0  # the seed's item list is the platform's list
    listed = await client.get("/api/v1/enterprises", params={"limit": 1, "with_total": "true"}, headers=supervisor)
    assert listed.json()["total"] == POPULATION
    marks = {m["kind"]: m for m in (await client.get("/api/v1/sync/watermarks", headers=supervisor)).json()}
    assert set(marks) == {k.value for k in DirectoryKind}
    assert all(m["watermark_at"] for m in marks.values())


async def test_only_one_run_at_a_time(client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]) -> None:
    await request_run(container.uow(Actor("test", "system", None)), system_principal(), SYNC_ORDER,
                      SyncMode.INCREMENTAL, SyncTrigger.CLI)
    assert_problem(await client.post(RUNS, json={}, headers=supervisor), 409, "sync.already_running")


async def test_sync_endpoints_are_for_the_supervisor_and_integrations(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    inspector = await make_user("inspector", "ZF1")
    admin = await make_user("admin", "BGS")
    assert_problem(await client.post(RUNS, json={}, headers=inspector), 403, "auth.forbidden")
    assert_problem(await client.post(RUNS, json={}, headers=admin), 403, "auth.forbidden")
    assert (await client.get(RUNS, headers=admin)).status_code == 200
    assert_problem(await client.post(RUNS, json={"mode": "sometimes"}, headers=await make_user("supervisor", "ZJK")),
                   422, "request.validation_failed")


async def test_an_increment_applies_changes_and_retires_deletions_keeping_history(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await run_sync(container)
    await sim(container, "POST", "/_sim/clock", json={"advanceSeconds": 3600})
    mutated = await sim(container, "POST", "/_sim/mutate", json={"kind": "enterprises", "count": 6, "deleteCount": 3})

    run = await run_sync(container)

    counts = run.counts["enterprises"]
    assert run.status is SyncStatus.SUCCEEDED
    assert (counts["updated"], counts["retired"], counts["created"]) == (6, 3, 0)
    assert counts["fetched"] < 20, "an increment reads the changes, not the directory"
    changed = mutated["changedIds"][0]
    history = (await client.get(f"/api/v1/enterprises/{changed}/history", headers=supervisor)).json()
    assert sorted((v["version"], v["action"], v["changed_by"]) for v in history) == [
        (1, "sync", f"sync#{run.id - 1}"), (2, "sync", f"sync#{run.id}")]
    removed = mutated["deletedIds"][0]
    assert_problem(await client.get(f"/api/v1/enterprises/{removed}", headers=supervisor), 404, "enterprise.not_found")
    assert await scalar(container, f"SELECT count(*) FROM enterprise_version WHERE enterprise_id = "  # noqa: S608
                        f"(SELECT id FROM enterprise WHERE uscc = '{removed}')") == 2
    assert await platform_keys(container) == set(await local_keys(container))


async def local_keys(container: Container) -> list[str]:
    async with container.db.engine.connect() as connection:
        rows = await connection.execute(sa.text("SELECT uscc FROM enterprise WHERE deleted_at IS NULL"))
        return [r[0] for r in rows]


async def test_bad_platform_records_are_quarantined_with_reasons_and_released_when_fixed(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await run_sync(container)
    good = make_uscc(7)
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    base = {"entName": "秦皇岛市测试机械有限公司", "regionCode": "130302", "industryCode": "GM-JX", "entStatus": "存续",
            "riskGrade": "B"}
    await sim(container, "PUT", f"/_sim/records/enterprises/{bad_checksum}", json={**base, "uniscid": bad_checksum})
    unknown = make_uscc(8)
    await sim(container, "PUT", f"/_sim/records/enterprises/{unknown}",
              json={**base, "uniscid": unknown, "industryCode": "ZZ-99"})
    wrong_type = make_uscc(9)
    await sim(container, "PUT", f"/_sim/records/enterprises/{wrong_type}",
              json={**base, "uniscid": wrong_type, "longitude": "东经119度"})
    fine = make_uscc(10)
    await sim(container, "PUT", f"/_sim/records/enterprises/{fine}", json={**base, "uniscid": fine})

    run = await run_sync(container, kinds=(DirectoryKind.ENTERPRISES,))

    assert run.status is SyncStatus.SUCCEEDED
    assert run.counts["enterprises"]["quarantined"] == 3
    assert run.counts["enterprises"]["created"] == 1
    held = (await client.get("/api/v1/sync/quarantine", params={"resolved": "false"}, headers=supervisor)).json()
    reasons = {q["key"]: {p["code"] for p in q["problems"]} for q in held}
    assert reasons == {bad_checksum: {"uscc.checksum"}, unknown: {"industry.unknown"},
                       wrong_type: {"provincial.field_type"}}
    assert next(q for q in held if q["key"] == unknown)["payload"]["industryCode"] == "ZZ-99"

    await sim(container, "PUT", f"/_sim/records/enterprises/{unknown}", json={**base, "uniscid": unknown})
    again = await run_sync(container, kinds=(DirectoryKind.ENTERPRISES,))

    assert again.counts["enterprises"]["resolved"] == 1
    still = (await client.get("/api/v1/sync/quarantine", params={"resolved": "false"}, headers=supervisor)).json()
    assert {q["key"] for q in still} == {bad_checksum, wrong_type}
    assert (await client.get(f"/api/v1/enterprises/{unknown}", headers=supervisor)).status_code == 200


FAULTS = ["http502", "http503", "http504", "http429", "code9001", "code9999", "token_expired", "malformed", "timeout",
          "duplicate_page", "out_of_order_page", "slow"]


@pytest.mark.parametrize("fault", FAULTS)
async def test_each_fault_class_loses_nothing_and_applies_nothing_twice(container: Container, fault: str) -> None:
    container.settings.provincial.page_size = 50
    await sim(container, "POST", "/_sim/faults",
              json={"sequence": [fault, "ok", fault, "ok", fault], "pathPrefix": "/api/v1/enterprises",
                    "delaySeconds": 0.05})

    run = await run_sync(container, kinds=(DirectoryKind.ENTERPRISES,))

    assert run.status is SyncStatus.SUCCEEDED, run.error_message
    assert run.counts["enterprises"]["created"] == POPULATION
    injected = await sim(container, "GET", "/_sim/faults")
    assert injected["injectedTotal"].get(fault) == 3, injected
    await sim(container, "DELETE", "/_sim/faults")
    assert set(await local_keys(container)) == await platform_keys(container)
    assert await scalar(container, "SELECT count(*) FROM enterprise_version") == POPULATION  # one version each


async def test_a_run_cut_short_keeps_its_committed_pages_and_the_next_run_repeats_nothing(
    container: Container, settings: Any
) -> None:
    container.settings.provincial.page_size = 50
    # Page 1 and 2 answer; then the platform stays down longer than the client's retry budget.
    await sim(container, "POST", "/_sim/faults",
              json={"sequence": ["ok", "ok", *["http503"] * 8], "pathPrefix": "/api/v1/enterprises"})

    failed = await run_sync(container, kinds=(DirectoryKind.ENTERPRISES,))

    assert failed.status is SyncStatus.FAILED
    assert failed.error_code == "provincial.unavailable"
    applied = await scalar(container, "SELECT count(*) FROM enterprise")
    assert 50 <= applied <= 100  # the pages that answered (a seek re-reads the boundary record)
    await sim(container, "DELETE", "/_sim/faults")
    resumed = await run_sync(container, kinds=(DirectoryKind.ENTERPRISES,))
    assert resumed.status is SyncStatus.SUCCEEDED
    assert resumed.counts["enterprises"]["created"] == POPULATION - applied
    assert await scalar(container, "SELECT count(*) FROM enterprise_version") == POPULATION


async def test_the_api_keeps_answering_while_the_platform_is_down(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await run_sync(container)
    await sim(container, "POST", "/_sim/faults", json={"rate": 1.0, "kinds": ["http503"]})

    started = await client.post(RUNS, json={}, headers=supervisor)
    listed = await client.get("/api/v1/enterprises", params={"limit": 5}, headers=supervisor)
    await container.jobs.wait(started.json()["id"])

    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 5
    run = (await client.get(f"{RUNS}/{started.json()['id']}", headers=supervisor)).json()
    assert run["status"] == "failed"
    assert run["error_code"] == "provincial.unavailable"
    assert "省级平台暂时不可用" in run["error_message"]


async def test_a_full_reconciliation_reports_drift_both_ways(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await run_sync(container)
    local_only = make_uscc(42)
    created = await client.post("/api/v1/enterprises", headers=supervisor, json={
        "uscc": local_only, "name": "秦皇岛市本地登记有限公司", "county_code": "130302", "industry_code": "GM-JX"})
    assert created.status_code == 201, created.text
    some = (await local_keys(container))[0]
    async with container.db.engine.begin() as connection:  # a local row that drifted from the platform's
        await connection.execute(sa.text("UPDATE enterprise SET content_hash = 'drifted' WHERE uscc = :u"), {"u": some})

    run = await run_sync(container, SyncMode.FULL)

    drift = run.drift["enterprises"]
    assert drift["local_only"] == 1
    assert drift["samples"]["local_only"] == [local_only]
    assert drift["changed"] == 1
    assert drift["samples"]["changed"] == [some]
    assert drift["remote_only"] == 0
