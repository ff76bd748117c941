"""Retention of the audit trail: records older than the retention (at least 186 days) are purged up to a signed
checkpoint, a signed anchor is left for verification to start from, nothing younger is ever removed, and tampering
after a purge is still found."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.adapters.db.repositories.audit import Actor
from app.adapters.db.tables import AuditAnchorRow, AuditRecordRow
from app.adapters.db.uow import SqlUnitOfWork
from app.deps import Container
from app.domain.audit.checkpoints import make_checkpoint
from app.domain.audit.model import AuditEvent, Checkpoint
from app.domain.audit.retention import PurgeReport, purge_expired
from app.domain.errors import Conflict, InvalidInput
from app.settings import AuditSettings, Settings
from tests.api.test_audit import verify
from tests.support import FixedClock, MakeUser

AUDIT = AuditRecordRow.__table__
ANCHOR = AuditAnchorRow.__table__
#: Real time: the database's own clock enforces the 186-day floor.
NOW = datetime.now(UTC).replace(microsecond=0)


def uow_at(container: Container, moment: datetime, actor: str = "test") -> SqlUnitOfWork:
    return SqlUnitOfWork(container.db, FixedClock(moment), Actor(actor, "system", None))


async def write(container: Container, moment: datetime, n: int = 1) -> None:
    async with uow_at(container, moment) as uow:
        for k in range(n):
            uow.audit.record(AuditEvent("test.event", "thing", f"{moment:%Y%m%d%H%M%S%f}-{k}", None, {"k": k}))
        await uow.commit()


async def checkpoint(container: Container, moment: datetime) -> Checkpoint:
    return await make_checkpoint(uow_at(container, moment, "system:audit"), container.keys, "system:audit")


async def purge(container: Container, days: int = 186, now: datetime = NOW) -> PurgeReport:
    return await purge_expired(uow_at(container, now, "system:audit"), container.keys, retention_days=days,
                               by="system:audit")


async def rows(container: Container) -> dict[int, datetime]:
    await container.db.audit_sealer.seal()
    async with container.db.engine.connect() as connection:
        result = await connection.execute(sa.select(AUDIT.c.seq, AUDIT.c.at).order_by(AUDIT.c.seq))
        return {r.seq: r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC) for r in result}


@pytest.fixture
async def auditor(make_user: MakeUser) -> dict[str, str]:
    return await make_user("auditor", "ZJK")


@asynccontextmanager
async def as_superuser(container: Container, *guards: str) -> AsyncIterator[AsyncConnection]:
    """A DBA with the guards off: PostgreSQL's replica mode skips triggers; SQLite's named triggers are dropped and
    put back afterwards. Events still waiting to be chained are sealed first."""
    await container.db.audit_sealer.seal()
    saved: list[str] = []
    try:
        async with container.db.engine.begin() as connection:
            if container.db.is_sqlite:
                for name in guards:
                    saved.append((await connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                                           {"n": name})).scalar_one())
                    await connection.execute(sa.text(f"DROP TRIGGER {name}"))
            else:
                await connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            yield connection
    finally:
        async with container.db.engine.begin() as connection:
            for sql in saved:
                await connection.execute(sa.text(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)))


@pytest.fixture
async def purged(container: Container) -> PurgeReport:
    """Records 1–5 (300 days old), checkpoint 5; 8–10 (250 days), checkpoint 10; 12–13 (10 days), checkpoint 13;
    then the purge with a retention of 186 days."""
    await write(container, NOW - timedelta(days=300), 5)
    assert (await checkpoint(container, NOW - timedelta(days=299))).seq == 5  # + signing_key.create, audit.checkpoint
    await write(container, NOW - timedelta(days=250), 3)
    assert (await checkpoint(container, NOW - timedelta(days=249))).seq == 10
    await write(container, NOW - timedelta(days=10), 2)
    assert (await checkpoint(container, NOW - timedelta(days=9))).seq == 13
    return await purge(container)


# --- settings ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 30, 185])
def test_a_retention_under_186_days_is_refused_at_startup(days: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT__RETENTION_DAYS", str(days))
    with pytest.raises(ValidationError, match="不得少于 186 天"):
        Settings()
    with pytest.raises(ValidationError, match="at least 186 days"):
        AuditSettings(retention_days=days)


def test_the_default_retention_keeps_a_year_and_186_days_is_allowed() -> None:
    assert AuditSettings().retention_days >= 186
    assert AuditSettings(retention_days=186).retention_days == 186


async def test_the_purge_itself_refuses_a_short_retention(container: Container) -> None:
    with pytest.raises(InvalidInput):
        await purge(container, days=185)


# --- the purge ----------------------------------------------------------------------------------------------------


async def test_the_purge_removes_old_records_up_to_a_signed_checkpoint_and_leaves_a_signed_anchor(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    assert purged.anchor is not None
    assert (purged.purged, purged.anchor.seq, purged.anchor.purged) == (10, 10, 10)
    assert purged.cutoff == NOW - timedelta(days=186)
    remaining = await rows(container)
    # 11 (the second checkpoint's record, old but after the boundary) stays: the purge stops at a checkpoint.
    assert sorted(remaining) == [11, 12, 13, 14, 15]

    records = (await client.get("/api/v1/audit/records", params={"action": "audit.purge"}, headers=auditor)).json()
    [record] = records["items"]
    assert (record["seq"], record["object_type"], record["object_id"]) == (15, "audit_anchor", "10")
    assert record["after"]["purged"] == 10
    assert record["after"]["retention_days"] == 186
    assert record["after"]["hash"] == purged.anchor.hash

    report = await verify(client, auditor)
    assert report["ok"] is True, report
    assert (report["first_seq"], report["anchor_seq"], report["checked"], report["head_seq"]) == (11, 10, 5, 15)
    assert report["checkpoint_seq"] == 13
    assert "清理锚点" in report["message"]


async def test_a_second_purge_finds_nothing_more_and_new_records_chain_on(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    again = await purge(container)
    assert (again.purged, again.anchor) == (0, None)
    assert again.reason
    await write(container, NOW)
    made = await checkpoint(container, NOW)
    assert made.seq == 16
    report = await verify(client, auditor)
    assert (report["ok"], report["head_seq"], report["checkpoint_seq"]) == (True, 17, 16)
    verified = await client.post("/api/v1/audit/checkpoints/verify", json=made.as_json(), headers=auditor)
    assert verified.json() == {"ok": True, "seq": 16, "problems": []}


async def test_nothing_is_purged_without_a_signed_checkpoint_older_than_the_retention(container: Container) -> None:
    await write(container, NOW - timedelta(days=300), 4)
    await checkpoint(container, NOW - timedelta(days=100))  # covers old records, but its own record is young: fine
    await write(container, NOW - timedelta(days=300), 1)  # an old record after the checkpoint (a long transaction)
    report = await purge(container)
    assert report.purged == 4  # the checkpoint covers 1–4, all older than the retention
    await write(container, NOW - timedelta(days=300), 1)
    report = await purge(container)
    assert (report.purged, report.anchor) == (0, None)  # no newer checkpoint: the rest waits


async def test_a_checkpoint_that_covers_a_young_record_is_not_a_boundary(container: Container) -> None:
    """``at`` is not strictly increasing with ``seq`` (it is taken when the transaction begins): a young record
    before an old one keeps everything from it on."""
    await write(container, NOW - timedelta(days=300), 2)      # 1, 2
    await write(container, NOW - timedelta(days=1), 1)        # 3: young
    await write(container, NOW - timedelta(days=300), 2)      # 4, 5: old, written after
    await checkpoint(container, NOW - timedelta(days=290))    # seq 5
    report = await purge(container)
    assert (report.purged, report.anchor, sorted(await rows(container))[0]) == (0, None, 1)


@pytest.mark.parametrize("seed", range(6))
async def test_property_no_record_younger_than_the_retention_is_ever_removed(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], seed: int
) -> None:
    rng = random.Random(seed)
    days = rng.choice([186, 187, 200, 365])
    cutoff = NOW - timedelta(days=days)
    boundary = [cutoff - timedelta(microseconds=1), cutoff, cutoff + timedelta(microseconds=1)]
    checkpoints: list[Checkpoint] = []
    for _ in range(rng.randint(8, 16)):
        roll = rng.random()
        moment = rng.choice(boundary) if roll < 0.3 else cutoff + timedelta(days=rng.uniform(-200, 150))
        await write(container, moment, rng.randint(1, 3))
        if rng.random() < 0.4:
            checkpoints.append(await checkpoint(container, moment))
    before = await rows(container)

    report = await purge(container, days=days)

    after = await rows(container)
    removed = sorted(set(before) - set(after))
    # Never a record at or after the cutoff; the records exactly at the cutoff stay.
    assert all(before[seq] < cutoff for seq in removed)
    assert all(seq in after for seq, at in before.items() if at >= cutoff)
    # A prefix of the chain, ending at a signed checkpoint, and the greatest such checkpoint.
    eligible = [c.seq for c in checkpoints if all(at < cutoff for seq, at in before.items() if seq <= c.seq)]
    if report.anchor is None:
        assert removed == []
        assert eligible == []
    else:
        assert removed == list(range(1, report.anchor.seq + 1))
        assert report.anchor.seq == max(eligible)
        assert report.anchor.hash == next(c.head_hash for c in checkpoints if c.seq == report.anchor.seq)
    result = await verify(client, auditor)
    assert result["ok"] is True, result


async def test_the_purge_refuses_when_the_chain_does_not_verify(container: Container) -> None:
    """A purge must not destroy the evidence of tampering."""
    await write(container, NOW - timedelta(days=300), 5)
    await checkpoint(container, NOW - timedelta(days=299))
    async with as_superuser(container, "audit_record_no_update") as connection:
        await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == 3).values(actor="someone-else"))

    with pytest.raises(Conflict) as refused:
        await purge(container)
    assert refused.value.code == "audit.purge_refused"
    assert refused.value.details["broken_seq"] == 3
    assert sorted(await rows(container))[:5] == [1, 2, 3, 4, 5]


# --- the database's own guard -----------------------------------------------------------------------------------


async def test_the_database_refuses_to_delete_records_the_anchor_does_not_cover_or_younger_than_186_days(
    container: Container, purged: PurgeReport
) -> None:
    await container.db.audit_sealer.seal()  # the purge's own event (15) is chained before it can be refused
    for seq in (11, 12, 15):  # 11: old but after the anchor; 12 and 15: young
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            async with container.db.engine.begin() as connection:
                await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq == seq))
    for table in ("audit_anchor", "audit_checkpoint"):
        for statement in (f"DELETE FROM {table}", f"UPDATE {table} SET seq = seq + 1"):  # noqa: S608
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                async with container.db.engine.begin() as connection:
                    await connection.execute(sa.text(statement))
    assert sorted(await rows(container)) == [11, 12, 13, 14, 15]


async def test_the_purge_function_refuses_a_short_retention_and_records_beyond_the_anchor(
    container: Container, purged: PurgeReport
) -> None:
    if container.db.is_sqlite:
        pytest.skip("the purge function is PostgreSQL's")
    for args, message in (((185, 10), "at least 186 days"), ((186, 12), "beyond the newest signed anchor")):
        with pytest.raises(sa.exc.DBAPIError, match=message):
            async with container.db.engine.begin() as connection:
                await connection.execute(sa.select(sa.func.audit_purge(*args)))
    # An anchor covering young records (as a superuser could insert) still does not let the function remove them.
    async with container.db.engine.begin() as connection:
        await connection.execute(sa.insert(ANCHOR).values(seq=13, hash="0" * 64, at=NOW, cutoff=NOW, purged=0,
                                                          kid="x", algorithm="x", signature="x"))
        with pytest.raises(sa.exc.DBAPIError, match="younger than 186 days"):
            async with connection.begin_nested():
                await connection.execute(sa.select(sa.func.audit_purge(186, 13)))
        await connection.rollback()


# --- tampering after a purge --------------------------------------------------------------------------------------


async def test_a_record_changed_after_the_purge_is_named(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    async with as_superuser(container, "audit_record_no_update") as connection:
        await connection.execute(sa.update(AUDIT).where(AUDIT.c.seq == 12).values(actor="someone-else"))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"], report["checked"]) == (False, "hash", 12, 1)


async def test_the_first_record_after_the_anchor_deleted_is_a_gap(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    async with as_superuser(container, "audit_record_no_delete") as connection:
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq == 11))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"]) == (False, "gap", 12)
    assert (report["expected"], report["found"]) == ("seq 11", "seq 12")


async def test_the_tail_cut_off_after_a_purge_is_found_by_the_checkpoint(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    async with as_superuser(container, "audit_record_no_delete") as connection:
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq >= 13))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"], report["checkpoint_seq"]) == (
        False, "truncated", 13, 13)


async def test_a_forged_anchor_that_hides_more_records_is_found(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    """Someone deletes records 11–12 and writes an anchor of their own over them: it is not signed by the system."""
    async with as_superuser(container, "audit_record_no_delete") as connection:
        hash_12 = (await connection.execute(sa.select(AUDIT.c.hash).where(AUDIT.c.seq == 12))).scalar_one()
        await connection.execute(sa.delete(AUDIT).where(AUDIT.c.seq <= 12))
        assert purged.anchor is not None
        await connection.execute(sa.insert(ANCHOR).values(
            seq=12, hash=hash_12, at=NOW, cutoff=NOW, purged=2, kid=purged.anchor.kid,
            algorithm=purged.anchor.algorithm, signature=purged.anchor.signature))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"]) == (False, "anchor", 12)
    assert "锚点" in report["message"]
    with pytest.raises(Conflict) as refused:  # nor does the purge build on it
        await purge(container)
    assert "清理锚点未经本系统签名" in refused.value.message_zh


async def test_an_anchor_removed_with_the_records_is_a_gap_from_the_genesis(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    async with as_superuser(container, "audit_anchor_no_delete") as connection:
        await connection.execute(sa.delete(ANCHOR))

    report = await verify(client, auditor)
    assert (report["ok"], report["problem"], report["broken_seq"]) == (False, "gap", 11)
    assert (report["expected"], report["found"], report["first_seq"]) == ("seq 1", "seq 11", 1)


async def test_a_checkpoint_older_than_the_anchor_is_reported_as_purged(
    client: httpx.AsyncClient, container: Container, auditor: dict[str, str], purged: PurgeReport
) -> None:
    old = (await client.get("/api/v1/audit/checkpoints", headers=auditor)).json()
    by_seq = {c["seq"]: c for c in old}
    at_anchor = await client.post("/api/v1/audit/checkpoints/verify", json=by_seq[10], headers=auditor)
    assert at_anchor.json() == {"ok": True, "seq": 10, "problems": []}
    before = (await client.post("/api/v1/audit/checkpoints/verify", json=by_seq[5], headers=auditor)).json()
    assert before["ok"] is False
    assert "已按保存期限清理" in before["problems"][0]


# --- the schedule and the command line --------------------------------------------------------------------------


async def test_the_scheduled_purge_uses_the_configured_retention(container: Container) -> None:
    await write(container, NOW - timedelta(days=250), 3)
    await checkpoint(container, NOW - timedelta(days=249))
    container.settings.audit.retention_days = 300
    kept = await container.jobs.purge()
    assert (kept.purged, kept.cutoff.date()) == (0, (container.clock.now() - timedelta(days=300)).date())
    container.settings.audit.retention_days = 200
    done = await container.jobs.purge()
    assert done.purged == 3
