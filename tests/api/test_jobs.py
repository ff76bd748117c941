"""Background jobs of the service process: start-up clean-up, sync on start, the relay schedule."""

from __future__ import annotations

import asyncio

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.uow import SqlUnitOfWork
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.outbox.model import MessageStatus
from app.domain.outbox.service import enqueue, task_message
from app.domain.provincial.model import SYNC_ORDER
from app.domain.sync.model import SyncMode, SyncStatus, SyncTrigger
from app.domain.sync.service import get_run, request_run
from app.settings import Settings
from tests.api.test_outbox import task


def uow(container: Container) -> SqlUnitOfWork:
    return container.uow(Actor("test", "system", None))


async def test_a_run_left_running_by_a_stopped_process_is_marked_interrupted_at_start(container: Container) -> None:
    run = await request_run(uow(container), system_principal(), SYNC_ORDER, SyncMode.INCREMENTAL, SyncTrigger.API)
    async with uow(container) as u:
        stale = await u.sync.get_run(run.id or 0)
        assert stale is not None
        stale.status = SyncStatus.RUNNING
        await u.sync.update_run(stale)
        await u.commit()

    await container.jobs.start()

    after = await get_run(uow(container), run.id or 0)
    assert after.status is SyncStatus.FAILED
    assert after.error_code == "sync.interrupted"


async def test_sync_on_start_fills_the_directories(container: Container) -> None:
    container.settings.provincial.sync_on_start = True

    await container.jobs.start()
    async with uow(container) as u:
        [started] = await u.sync.list_runs(limit=5)
    await container.jobs.wait(started.id or 0)

    done = await get_run(uow(container), started.id or 0)
    assert done.trigger is SyncTrigger.STARTUP
    assert done.status is SyncStatus.SUCCEEDED
    assert done.counts["enterprises"]["created"] == 300


async def test_the_relay_schedule_delivers_without_being_asked(container: Container) -> None:
    container.settings.provincial.relay_interval_seconds = 0.05
    async with uow(container) as u:
        message = await enqueue(u, task_message(task(1)))
        await u.commit()

    await container.jobs.start()
    for _ in range(100):
        async with uow(container) as u:
            row = await u.outbox.get(message.id or 0)
        if row is not None and row.status is MessageStatus.DELIVERED:
            break
        await asyncio.sleep(0.05)
    await container.jobs.stop()

    assert row is not None
    assert row.status is MessageStatus.DELIVERED
    assert row.response is not None
    assert row.response["platform_task_id"].startswith("P-")


async def test_two_processes_run_a_scheduled_job_once_per_occurrence(
    container: Container, settings: Settings, database: Database
) -> None:
    other = Container.build(settings, db=database)  # a second service process on the same database
    other.clock = container.clock
    try:
        claims = await asyncio.gather(*(jobs.claim("audit_checkpoint", 86_400)
                                        for jobs in (container.jobs, other.jobs) for _ in range(5)))
        assert claims.count(True) == 1  # ten attempts at one occurrence, one winner
        assert not await other.jobs.claim("audit_checkpoint", 86_400)
        assert await other.jobs.claim("sync", 86_400)  # another job has its own occurrences
    finally:
        await other.close()
