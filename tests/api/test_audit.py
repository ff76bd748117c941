"""全程留痕: every change leaves a hash-chained audit record; tampering is refused or detected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.adapters.db.repositories.audit import Actor
from app.adapters.db.tables import AuditRecordRow
from app.deps import Container
from app.domain.audit.model import GENESIS_HASH, AuditEvent, record_hash
from app.domain.directories.uscc import complete_uscc
from tests.support import MakeUser, assert_problem

AUDIT = AuditRecordRow.__table__


def uscc(n: int) -> str:
    return complete_uscc(f"91130302MA{n:07d}")


def enterprise_body(code: str, **extra: Any) -> dict[str, Any]:
    return {"uscc": code, "name": "秦皇岛市海港区宏达机械制造有限公司", "county_code": "130302",
            "industry_code": "GM-JX", "contact_phone": "13803350001"} | extra


@pytest.fixture
async def auditor(make_user: MakeUser) -> dict[str, str]:
    return await make_user("auditor", "ZJK")


async def all_records(client: httpx.AsyncClient, auditor: dict[str, str], **filters: str) -> list[dict[str, Any]]:
    """The whole trail (newest first), following the cursor."""
    records: list[dict[str, Any]] = []
    params: dict[str, Any] = {**filters, "limit": 500}
    while True:
        response = await client.get("/api/v1/audit/records", params=params, headers=auditor)
        assert response.status_code == 200, response.text
        page = response.json()
        records += page["items"]
        if not page["next_cursor"]:
            return records
        params["cursor"] = page["next_cursor"]


async def verify(client: httpx.AsyncClient, auditor: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/audit/verify", headers=auditor)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


# --- what is recorded ----------------------------------------------------------------------------------------


async def test_enterprise_create_update_delete_are_recorded_with_actor_request_and_before_after(
    client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    username = (await client.get("/api/v1/auth/me", headers=supervisor)).json()["username"]
    code = uscc(1)

    created = await client.post("/api/v1/enterprises", json=enterprise_body(code),
                                headers=supervisor | {"X-Request-ID": "req-create-0001"})
    assert created.status_code == 201, created.text
    patched = await client.patch(f"/api/v1/enterprises/{code}", json={"name": "秦皇岛宏达重工有限公司"},
                                 headers=supervisor | {"X-Request-ID": "req-update-0001"})
    assert patched.status_code == 200, patched.text
    deleted = await client.delete(f"/api/v1/enterprises/{code}", params={"reason": "企业已注销"},
                                  headers=supervisor | {"X-Request-ID": "req-delete-0001"})
    assert deleted.status_code == 204, deleted.text

    records = await all_records(client, auditor, object_type="enterprise", object_id=code)
    assert [(r["action"], r["actor"], r["actor_role"], r["request_id"]) for r in records] == [
        ("enterprise.delete", username, "supervisor", "req-delete-0001"),
        ("enterprise.update", username, "supervisor", "req-update-0001"),
        ("enterprise.create", username, "supervisor", "req-create-0001"),
    ]
    delete, update, create = records
    assert create["before"] is None
    assert create["after"]["uscc"] == code
    assert create["after"]["name"] == "秦皇岛市海港区宏达机械制造有限公司"
    assert update["before"]["name"] == "秦皇岛市海港区宏达机械制造有限公司"
    assert update["after"]["name"] == "秦皇岛宏达重工有限公司"
    assert delete["before"]["name"] == "秦皇岛宏达重工有限公司"
    assert delete["after"] == {"reason": "企业已注销"}
    # Consecutive links of one chain.
    assert delete["seq"] == update["seq"] + 1 == create["seq"] + 2
    assert delete["prev_hash"] == update["hash"]
    assert update["prev_hash"] == create["hash"]


async def test_login_user_and_key_administration_are_recorded(
    client: httpx.AsyncClient, make_user: MakeUser, auditor: dict[str, str]
) -> None:
    admin = await make_user("admin", "BGS")
    admin_name = (await client.get("/api/v1/auth/me", headers=admin)).json()["username"]
    security = await make_user("security", "BGS")
    security_name = (await client.get("/api/v1/auth/me", headers=security)).json()["username"]
    created = await client.post("/api/v1/users", headers=admin, json={
        "username": "platform", "display_name": "市应急指挥平台", "role": "integration", "department_code": "BGS",
        "password": "Qhd-Strong-2026!"})
    assert created.status_code == 201, created.text
    key = await client.post("/api/v1/api-keys", headers=security, json={
        "name": "市应急指挥平台对接", "user_id": created.json()["id"], "scopes": ["directory:read"]})
    assert key.status_code == 201, key.text
    login = await client.post("/api/v1/auth/token", data={"username": "platform", "password": "Qhd-Strong-2026!"})
    assert login.status_code == 200, login.text

    records = await all_records(client, auditor)

    by_action = {r["action"]: r for r in records}
    assert by_action["user.create"]["actor"] == admin_name
    assert "password_hash" not in by_action["user.create"]["after"]
    assert by_action["api_key.create"]["actor"] == security_name
    assert "secret_hash" not in by_action["api_key.create"]["after"]
    assert key.json()["key"] not in str(records)
    assert (by_action["auth.login"]["actor"], by_action["auth.login"]["actor_role"]) == ("platform", "integration")


async def test_failed_changes_change_nothing_and_their_refusals_are_audited(
    client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    code = uscc(2)
    assert (await client.post("/api/v1/enterprises", json=enterprise_body(code), headers=supervisor)).status_code == 201
    before = await all_records(client, auditor)

    bad_county = await client.patch(f"/api/v1/enterprises/{code}", json={"county_code": "999999"}, headers=supervisor)
    duplicate = await client.post("/api/v1/enterprises", json=enterprise_body(code), headers=supervisor)
    unknown = await client.patch(f"/api/v1/enterprises/{uscc(3)}", json={"name": "某公司"}, headers=supervisor)
    unchanged = await client.patch(f"/api/v1/enterprises/{code}", json={"county_code": "130302"}, headers=supervisor)

    assert_problem(bad_county, 422, "county.unknown")
    assert_problem(duplicate, 409, "enterprise.duplicate")
    assert_problem(unknown, 404, "enterprise.not_found")
    assert unchanged.status_code == 200
    after = await all_records(client, auditor)
    added = after[: len(after) - len(before)] if after[-len(before):] == before else after
    assert [(r["action"], r["after"]["code"]) for r in added] == [
        ("request.refused", "enterprise.duplicate"), ("request.refused", "county.unknown")]  # newest first
    assert all(r["object_type"] == "request" for r in added)
    history = await client.get(f"/api/v1/enterprises/{code}/history", headers=supervisor)
    assert [v["version"] for v in history.json()] == [1]


async def test_records_page_newest_first_with_a_cursor(
    client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    for n in range(5):
        assert (await client.post("/api/v1/enterprises", json=enterprise_body(uscc(10 + n)),
                                  headers=supervisor)).status_code == 201

    first = (await client.get("/api/v1/audit/records", params={"limit": 2, "action": "enterprise.create"},
                              headers=auditor)).json()
    rest = await all_records(client, auditor, action="enterprise.create")

    assert [r["object_id"] for r in first["items"]] == [uscc(14), uscc(13)]
    assert first["next_cursor"]
    assert [r["object_id"] for r in rest] == [uscc(n) for n in (14, 13, 12, 11, 10)]
    seqs = [r["seq"] for r in rest]
    assert seqs == sorted(seqs, reverse=True)


# --- verification --------------------------------------------------------------------------------------------


async def test_verify_reports_an_intact_chain_and_counts_every_record(
    client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    for n in range(3):
        await client.post("/api/v1/enterprises", json=enterprise_body(uscc(20 + n)), headers=supervisor)
    await client.patch(f"/api/v1/enterprises/{uscc(20)}", json={"tags": ["重大危险源"]}, headers=supervisor)
    records = await all_records(client, auditor)

    report = await verify(client, auditor)

    assert report["ok"] is True
    assert report["checked"] == len(records) == 4
    assert report["head_hash"] == records[0]["hash"]
    assert report["broken_seq"] is None
    assert report["problem"] is None
    assert "审计链完整" in report["message"]


@pytest.mark.parametrize("role", ["supervisor", "admin", "security", "department", "integration"])
async def test_only_auditors_read_or_verify_the_trail(client: httpx.AsyncClient, make_user: MakeUser, role: str) -> None:
    headers = await make_user(role, {"supervisor": "ZJK", "admin": "BGS", "security": "BGS"}.get(role, "ZF1"))

    for path in ("/api/v1/audit/records", "/api/v1/audit/verify"):
        body = assert_problem(await client.get(path, headers=headers), 403, "auth.forbidden")
        assert body["permission"] == "audit:read"


# --- tampering -----------------------------------------------------------------------------------------------


@asynccontextmanager
async def guard_bypassed(container: Container, event: str) -> AsyncIterator[AsyncConnection]:
    """A transaction in which a DBA (a superuser) has switched the append-only guard off; on SQLite the guard is put
    back as it was. Events still waiting to be chained are sealed first, so the tampering hits the chain."""
    await container.db.audit_sealer.seal()
    guard = None
    try:
        async with container.db.engine.begin() as connection:
            if container.db.is_sqlite:
                name = f"audit_record_no_{event.lower()}"
                guard = (await connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                                  {"n": name})).scalar()
                await connection.execute(sa.text(f"DROP TRIGGER {name}"))
            else:
                await connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            yield connection
    finally:
        if guard is not None:  # put back unless the failed transaction kept it
            async with container.db.engine.begin() as connection:
                await connection.execute(sa.text(guard.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)))


@pytest.fixture
async def trail(client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]) -> list[dict[str, Any]]:
    """A trail of six records, oldest first."""
    for n in range(5):
        response = await client.post("/api/v1/enterprises", json=enterprise_body(uscc(30 + n)), headers=supervisor)
        assert response.status_code == 201, response.text
    await client.patch(f"/api/v1/enterprises/{uscc(30)}", json={"name": "秦皇岛宏达重工有限公司"}, headers=supervisor)
    records = list(reversed(await all_records(client, auditor)))
    assert len(records) == 6
    assert (await verify(client, auditor))["ok"] is True
    return records


@pytest.mark.parametrize("statement", [
    sa.update(AUDIT).where(AUDIT.c.seq == 2).values(actor="someone-else"),
    sa.delete(AUDIT).where(AUDIT.c.seq == 2),
    sa.delete(AUDIT),
], ids=["update", "delete-one", "delete-all"])
async def test_the_database_refuses_to_update_or_delete_audit_records(
    container: Container, trail: list[dict[str, Any]], statement: Any
) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        async with container.db.engine.begin() as connection:
            await connection.execute(statement)

    async with container.db.engine.connect() as connection:
        count = (await connection.execute(sa.select(sa.func.count()).select_from(AUDIT))).scalar()
        actor = (await connection.execute(sa.select(AUDIT.c.actor).where(AUDIT.c.seq == 2))).scalar()
    assert count == len(trail)
    assert actor == trail[1]["actor"]


async def test_the_database_refuses_truncate_on_postgresql(container: Container, trail: list[dict[str, Any]]) -> None:
    if container.db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE; DELETE is guarded instead")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        async with container.db.engine.begin() as connection:
            await connection.execute(sa.text("TRUNCATE audit_record"))


async def test_verify_detects_a_record_changed_behind_the_guard(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    target = trail[3]
    forged_after = {**(target["after"] or {}), "name": "伪造的企业名称"}

    async with guard_bypassed(container, "UPDATE") as connection:
        await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == target["seq"]).values(after=forged_after))

    report = await verify(client, auditor)
    assert report["ok"] is False
    assert report["broken_seq"] == target["seq"]
    assert report["problem"] == "hash"
    assert report["checked"] == target["seq"] - 1
    assert report["head_hash"] == trail[2]["hash"]
    assert report["found"] == target["hash"]
    assert report["expected"] != target["hash"]
    assert f"第 {target['seq']} 条" in report["message"]


async def test_verify_detects_a_record_rehashed_behind_the_guard(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    """A forger who also recomputes the changed record's hash breaks the next link instead."""
    from app.domain.audit.model import record_hash

    target = trail[3]
    async with container.db.engine.connect() as connection:
        row = (await connection.execute(sa.select(AUDIT).where(AUDIT.c.seq == target["seq"]))).one()
    fields = {k: getattr(row, k) for k in ("seq", "at", "actor", "actor_role", "action", "object_type", "object_id",
                                             "before", "request_id")}
    forged_hash = record_hash(prev_hash=row.prev_hash, after={"name": "伪造"}, **fields)

    async with guard_bypassed(container, "UPDATE") as connection:
        await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == target["seq"])
                                 .values(after={"name": "伪造"}, hash=forged_hash))

    report = await verify(client, auditor)
    assert (report["ok"], report["broken_seq"], report["problem"]) == (False, target["seq"] + 1, "prev_hash")


async def test_verify_detects_a_deleted_middle_record_as_a_gap(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    removed = trail[2]

    async with guard_bypassed(container, "DELETE") as connection:
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq == removed["seq"]))

    report = await verify(client, auditor)
    assert report["ok"] is False
    assert report["problem"] == "gap"
    assert report["broken_seq"] == removed["seq"] + 1
    assert report["checked"] == removed["seq"] - 1
    assert (report["expected"], report["found"]) == (f"seq {removed['seq']}", f"seq {removed['seq'] + 1}")


async def test_verify_detects_a_deleted_first_record(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    async with guard_bypassed(container, "DELETE") as connection:
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq == 1))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"], report["checked"]) == (False, "gap", 2, 0)
    assert (report["expected"], report["found"]) == ("seq 1", "seq 2")


async def test_verify_detects_two_records_swapped(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    """Records 3 and 4 exchange places (their numbers swapped): the first of them is named."""
    async with guard_bypassed(container, "UPDATE") as connection:
        for old, new in ((3, -3), (4, 3), (-3, 4)):
            await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == old).values(seq=new))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"]) == (False, "prev_hash", 3)
    assert report["checked"] == 2
    assert (report["expected"], report["found"]) == (trail[1]["hash"], trail[2]["hash"])
    assert "第 3 条" in report["message"]


async def test_verify_detects_the_tail_cut_off_after_a_signed_checkpoint(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    """Deleting the newest records leaves every remaining link intact; the chain is now shorter than a signed
    checkpoint, which names the first missing record."""
    checkpoint = (await client.post("/api/v1/audit/checkpoints", headers=auditor)).json()
    assert checkpoint["seq"] == len(trail)
    assert (await verify(client, auditor))["checkpoint_seq"] == checkpoint["seq"]

    async with guard_bypassed(container, "DELETE") as connection:
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq >= 5))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"]) == (False, "truncated", 5)
    assert (report["checked"], report["head_seq"], report["checkpoint_seq"]) == (4, 4, checkpoint["seq"])
    assert (report["expected"], report["found"]) == (f"seq {checkpoint['seq']}", "seq 4")
    assert "截断" in report["message"]


async def test_a_checkpoint_with_a_forged_signature_does_not_count(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], trail: list[dict[str, Any]]
) -> None:
    """Someone who inserts a checkpoint of their own cannot make the verify endpoint raise a false alarm."""
    checkpoint = (await client.post("/api/v1/audit/checkpoints", headers=auditor)).json()
    async with container.db.engine.begin() as connection:
        await connection.execute(sa.text(
            "INSERT INTO audit_checkpoint (seq, head_hash, at, kid, algorithm, signature) "
            "VALUES (500, :h, :at, :kid, :alg, 'AAAA')"),
            {"h": "f" * 64, "at": trail[0]["at"].replace("T", " ").replace("Z", "+00:00")
             if container.db.is_sqlite else datetime.fromisoformat(trail[0]["at"]),
             "kid": checkpoint["kid"], "alg": checkpoint["algorithm"]})

    report = await verify(client, auditor)
    assert (report["ok"], report["checkpoint_seq"]) == (True, checkpoint["seq"])


async def test_the_guards_are_back_after_a_bypass(
    container: Container, trail: list[dict[str, Any]]
) -> None:
    async with guard_bypassed(container, "UPDATE") as connection:
        await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == 1).values(actor=trail[0]["actor"]))

    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        async with container.db.engine.begin() as connection:
            await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == 1).values(actor="x"))


# --- concurrency ---------------------------------------------------------------------------------------------


async def test_parallel_changes_leave_a_valid_chain(
    client: httpx.AsyncClient, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    codes = [uscc(100 + n) for n in range(20)]
    created = await asyncio.gather(*(
        client.post("/api/v1/enterprises", json=enterprise_body(c), headers=supervisor) for c in codes))
    assert [r.status_code for r in created] == [201] * 20

    patched = await asyncio.gather(*(
        client.patch(f"/api/v1/enterprises/{c}", json={"name": f"秦皇岛并发测试企业{n:02d}有限公司"},
                     headers=supervisor | {"X-Request-ID": f"parallel-{n:02d}"})
        for n, c in enumerate(codes)))
    assert [r.status_code for r in patched] == [200] * 20, [r.text for r in patched if r.status_code != 200]

    report = await verify(client, auditor)
    assert report["ok"] is True, report
    updates = await all_records(client, auditor, action="enterprise.update")
    assert sorted(r["request_id"] for r in updates) == [f"parallel-{n:02d}" for n in range(20)]
    everything = await all_records(client, auditor)
    seqs = sorted(r["seq"] for r in everything)
    assert seqs == list(range(1, len(everything) + 1))
    assert report["checked"] == len(everything)


# --- signed checkpoints ------------------------------------------------------------------------------------------


async def rewrite_whole_chain(container: Container) -> None:
    """What a database superuser could do: change an old record and recompute every hash after it."""
    async with guard_bypassed(container, "UPDATE") as connection:
        rows = (await connection.execute(sa.select(AUDIT).order_by(AUDIT.c.seq))).all()
        prev = GENESIS_HASH
        for row in rows:
            actor = "someone-else" if row.seq == 2 else row.actor
            digest = record_hash(prev_hash=prev, seq=row.seq, at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),
                                 actor=actor, actor_role=row.actor_role, action=row.action,
                                 object_type=row.object_type, object_id=row.object_id, before=row.before,
                                 after=row.after, request_id=row.request_id)
            await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == row.seq).values(
                actor=actor, prev_hash=prev, hash=digest))
            prev = digest


async def test_a_signed_checkpoint_exposes_a_rewrite_that_recomputed_every_hash(
    client: httpx.AsyncClient, container: Container, trail: list[dict[str, Any]], auditor: dict[str, str]
) -> None:
    made = await client.post("/api/v1/audit/checkpoints", headers=auditor)
    assert made.status_code == 201, made.text
    checkpoint = made.json()
    assert checkpoint["seq"] >= len(trail)
    assert (await client.post("/api/v1/audit/checkpoints/verify", json=checkpoint, headers=auditor)).json() == {
        "ok": True, "seq": checkpoint["seq"], "problems": []}
    forged = {**checkpoint, "head_hash": "0" * 64}
    assert "检查点签名无效" in (await client.post("/api/v1/audit/checkpoints/verify", json=forged,
                                                 headers=auditor)).json()["problems"][0]

    await rewrite_whole_chain(container)
    report = (await client.post("/api/v1/audit/checkpoints/verify", json=checkpoint, headers=auditor)).json()
    assert report["ok"] is False
    assert any("整体改写" in p for p in report["problems"])
    # Every link holds again; the verify endpoint compares the chain with the stored signed checkpoints too.
    chain = await verify(client, auditor)
    assert (chain["ok"], chain["problem"], chain["broken_seq"]) == (False, "checkpoint", checkpoint["seq"])
    assert chain["expected"] == checkpoint["head_hash"]
    assert "改写" in chain["message"]


async def test_the_daily_checkpoint_is_exported_outside_the_database(
    client: httpx.AsyncClient, container: Container, trail: list[dict[str, Any]], auditor: dict[str, str]
) -> None:
    path = await container.jobs.checkpoint()
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["format"] == "QHD-AUDIT-CHECKPOINT/1"
    assert path.parent == container.settings.audit.checkpoint_dir
    listed = (await client.get("/api/v1/audit/checkpoints", headers=auditor)).json()
    assert listed[0]["signature"] == exported["signature"]
    assert (await client.post("/api/v1/audit/checkpoints/verify", json=exported, headers=auditor)).json()["ok"]
    assert_problem(await client.post("/api/v1/audit/checkpoints/verify", json={"seq": 1}, headers=auditor), 422,
                   "checkpoint.malformed")


async def test_fifty_writers_of_a_hundred_events_never_fork_the_chain(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str]
) -> None:
    async def writer(n: int) -> None:
        for batch in range(20):  # 100 events each, five to a transaction
            async with container.uow(Actor(f"writer-{n:02d}", "system", None)) as uow:
                for k in range(5):
                    uow.audit.record(AuditEvent("test.concurrent", "writer", f"{n}", None, {"event": batch * 5 + k}))
                await uow.commit()

    await asyncio.gather(*(writer(n) for n in range(50)))
    report = await verify(client, auditor)
    assert report["ok"] is True, report
    assert report["checked"] == 5000


async def test_events_a_stopped_process_left_unsealed_are_chained_by_the_next_reader(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str]
) -> None:
    """On PostgreSQL events wait in the inbox until a sealer chains them; with no sealer running (the process
    stopped right after its commits), the next reader of the trail chains them first: nothing is lost."""
    sealer = container.db.audit_sealer
    was_running = sealer.running
    await sealer.stop()
    try:
        for n in range(3):
            async with container.uow(Actor("writer", "system", None)) as uow:
                uow.audit.record(AuditEvent("test.inbox", "writer", str(n), None, {"n": n}))
                await uow.commit()
        async with container.db.engine.connect() as connection:
            waiting = (await connection.execute(sa.text("SELECT count(*) FROM audit_inbox"))).scalar_one()
            chained = (await connection.execute(
                sa.select(sa.func.count()).select_from(AUDIT).where(AUDIT.c.action == "test.inbox"))).scalar_one()
        assert (waiting, chained) == ((0, 3) if container.db.is_sqlite else (3, 0))
        records = await all_records(client, auditor, action="test.inbox")
        assert [r["object_id"] for r in records] == ["2", "1", "0"]
        assert (await verify(client, auditor))["ok"] is True
        async with container.db.engine.connect() as connection:
            assert (await connection.execute(sa.text("SELECT count(*) FROM audit_inbox"))).scalar_one() == 0
    finally:
        if was_running:
            sealer.start()
