"""Background work of the service process: sync runs, the sync schedule and the outbox relay.

The same domain services run from the CLI; here they run as asyncio tasks owned by the lifespan, which
cancels them on shutdown (a run cut short keeps its committed pages; the next start marks it interrupted).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from app.adapters.db.repositories.audit import Actor
from app.domain.audit.checkpoints import dumps, make_checkpoint
from app.domain.audit.retention import PurgeReport, purge_expired
from app.domain.auth.model import system_principal
from app.domain.errors import Conflict
from app.domain.outbox.service import RelayOptions, RelayReport, drain
from app.domain.ports import UnitOfWork
from app.domain.provincial.model import SYNC_ORDER
from app.domain.sync.model import SyncMode, SyncRun, SyncTrigger
from app.domain.sync.service import SyncOptions, execute_run, fail_interrupted_runs, request_run

if TYPE_CHECKING:
    from app.deps import Container

log = structlog.get_logger(__name__)


class BackgroundJobs:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.settings = container.settings.provincial
        self.worker = f"{socket.gethostname()}:{id(self):x}"[:64]
        self._runs: dict[int, asyncio.Task[SyncRun]] = {}
        self._loops: list[asyncio.Task[None]] = []

    def uow(self) -> UnitOfWork:
        return self.container.uow(Actor("system:provincial", "system", None))

    def sync_options(self) -> SyncOptions:
        return SyncOptions(page_size=self.settings.page_size, overlap=timedelta(seconds=self.settings.overlap_seconds))

    def relay_options(self) -> RelayOptions:
        return RelayOptions()

    async def start(self) -> None:
        interrupted = await fail_interrupted_runs(self.uow())
        if interrupted:
            log.warning("sync.interrupted_runs", runs=interrupted)
        s = self.settings
        if s.sync_on_start:
            await self.request(SyncMode.INCREMENTAL, SyncTrigger.STARTUP)
        if s.sync_interval_seconds:
            self._every(s.sync_interval_seconds, lambda: self.request(SyncMode.INCREMENTAL, SyncTrigger.SCHEDULE),
                        first_after=s.sync_interval_seconds, once_as="sync")
        if s.reconcile_interval_hours:
            seconds = s.reconcile_interval_hours * 3600
            self._every(seconds, lambda: self.request(SyncMode.FULL, SyncTrigger.SCHEDULE), first_after=seconds,
                        once_as="reconcile")
        if s.relay_interval_seconds:
            self._every(s.relay_interval_seconds, self.relay)
        hours = self.container.settings.audit.checkpoint_interval_hours
        if hours:
            self._every(hours * 3600, self.checkpoint, first_after=60, once_as="audit_checkpoint")
        purge_hours = self.container.settings.audit.purge_interval_hours
        if purge_hours:
            self._every(purge_hours * 3600, self.purge, first_after=600, once_as="audit_purge")

    async def purge(self) -> PurgeReport:
        """Remove the audit records older than the retention, up to a signed checkpoint (leaving a signed anchor)."""
        report = await purge_expired(self.container.uow(Actor("system:audit", "system", None)), self.container.keys,
                                     retention_days=self.container.settings.audit.retention_days, by="system:audit")
        log.info("audit.purge", purged=report.purged, upto=report.anchor.seq if report.anchor else None,
                 reason=report.reason)
        return report

    async def checkpoint(self) -> Path:
        """Sign the audit chain's head and write the checkpoint to the export directory."""
        made = await make_checkpoint(self.container.uow(Actor("system:audit", "system", None)), self.container.keys,
                                     "system:audit")
        directory = self.container.settings.audit.checkpoint_dir
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"checkpoint-{made.at:%Y%m%dT%H%M%SZ}-{made.seq}.json"
        path.write_text(dumps(made), encoding="utf-8")
        log.info("audit.checkpoint", seq=made.seq, path=str(path))
        return path

    async def request(self, mode: SyncMode, trigger: SyncTrigger) -> SyncRun | None:
        """Queue and start a run of every directory, unless one is already running."""
        try:
            run = await request_run(self.uow(), system_principal(f"system:{trigger.value}"), SYNC_ORDER, mode, trigger)
        except Conflict:
            log.info("sync.skipped_busy", trigger=trigger.value)
            return None
        self.execute(run)
        return run

    def execute(self, run: SyncRun) -> asyncio.Task[SyncRun]:
        assert run.id is not None
        task = asyncio.create_task(execute_run(self.uow, self.container.platform, run.id, self.sync_options()),
                                   name=f"sync-run-{run.id}")
        self._runs[run.id] = task
        task.add_done_callback(lambda _: self._runs.pop(run.id or 0, None))
        return task

    async def wait(self, run_id: int) -> None:
        task = self._runs.get(run_id)
        if task is not None:
            await asyncio.shield(task)

    async def relay(self) -> RelayReport:
        return await drain(self.uow, self.container.platform, worker=self.worker, options=self.relay_options())

    async def claim(self, name: str, every_seconds: float) -> bool:
        """Whether this process runs the job's current occurrence (one process of several does)."""
        return await self.container.occurrences.claim(name, every_seconds=every_seconds,
                                                      now=self.container.clock.now(), worker=self.worker)

    def _every(self, seconds: float, job: Callable[[], Awaitable[object]], *, first_after: float = 0,
               once_as: str | None = None) -> None:
        """Run ``job`` every ``seconds``; with ``once_as``, once per occurrence whatever the number of processes
        (the outbox relay needs no such guard: its claims already hand each message to one process)."""

        async def loop() -> None:
            await asyncio.sleep(first_after)
            while True:
                try:
                    if once_as is None or await self.claim(once_as, seconds):
                        await job()
                except Exception:  # a failed round is logged; the next round tries again
                    log.exception("jobs.round_failed")
                await asyncio.sleep(seconds)

        self._loops.append(asyncio.create_task(loop()))

    async def stop(self) -> None:
        tasks = [*self._loops, *self._runs.values()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loops.clear()
        self._runs.clear()

