"""Directory sync runs: pulling the platform's changes page by page into the directories.

Each page is applied in its own transaction together with the watermark and the run's counts, so the
watermark only ever covers committed pages: a run that stops half-way (crash, platform down) loses nothing,
and the next run starts an overlap window before the watermark and re-reads a little, which changes nothing
(upserts by content). Paging seeks by update time – after each page the next request starts at the newest
update time seen – so records that change while a run pages cannot shift the remaining pages past it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.errors import Conflict, DomainError, NotFound, PlatformError
from app.domain.ports import ProvincialPlatform, UnitOfWork
from app.domain.provincial.model import SYNC_ORDER, DirectoryKind, RemotePage, RemoteRecord
from app.domain.runtime import collect_recent, paused_gc
from app.domain.sync.apply import APPLIERS, BatchContext, latest_per_key
from app.domain.sync.model import (
    ACTIVE_STATUSES,
    Drift,
    KindCounts,
    QuarantinedRecord,
    SyncMode,
    SyncRun,
    SyncStatus,
    SyncTrigger,
    Watermark,
)

log = structlog.get_logger(__name__)

UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[DirectoryKind, KindCounts], None]


@dataclass(frozen=True, slots=True)
class SyncOptions:
    page_size: int = 500
    #: How far before the watermark an increment starts again (late-committed platform changes).
    overlap: timedelta = timedelta(minutes=5)
    #: Records applied per transaction (whole pages; the watermark moves once per batch).
    batch_records: int = 5000
    #: Pages fetched ahead while a batch is applied.
    prefetch: int = 4


def run_not_found(run_id: int) -> NotFound:
    return NotFound(f"同步任务 {run_id} 不存在", f"sync run {run_id} not found", code="sync.run_not_found")


async def request_run(uow: UnitOfWork, principal: Principal, kinds: Sequence[DirectoryKind], mode: SyncMode,
                      trigger: SyncTrigger) -> SyncRun:
    """Queue a run; only one runs at a time."""
    principal.require(Permission.PROVINCIAL_OPERATE)
    ordered = tuple(k for k in SYNC_ORDER if k in kinds)
    async with uow:
        active = await uow.sync.active_runs()
        if active:
            raise Conflict(f"同步任务 {active[0].id} 尚未结束，请稍后再发起", f"sync run {active[0].id} is still active",
                           code="sync.already_running", details={"run_id": active[0].id})
        run = await uow.sync.add_run(SyncRun(None, ordered, mode, trigger, principal.username))
        uow.audit.record(AuditEvent("sync.request", "sync_run", str(run.id), None,
                                    {"kinds": [k.value for k in ordered], "mode": mode.value, "trigger": trigger.value}))
        await uow.commit()
    return run


async def get_run(uow: UnitOfWork, run_id: int) -> SyncRun:
    async with uow:
        run = await uow.sync.get_run(run_id)
    if run is None:
        raise run_not_found(run_id)
    return run


async def fail_interrupted_runs(uow: UnitOfWork) -> list[int]:
    """At start-up: runs a stopped process left queued or running are marked failed (their committed pages
    stay applied; the next run continues from the watermark)."""
    async with uow:
        stale = await uow.sync.active_runs()
        for run in stale:
            before = run.status.value
            run.status, run.finished_at = SyncStatus.FAILED, uow.now
            run.error_code, run.error_message = "sync.interrupted", "服务重启，同步任务中断（已提交的批次保留）"
            await uow.sync.update_run(run)
            uow.audit.record(AuditEvent("sync.interrupted", "sync_run", str(run.id), {"status": before},
                                        {"status": run.status.value}))
        await uow.commit()
    return [r.id for r in stale if r.id is not None]


async def execute_run(uow_factory: UowFactory, platform: ProvincialPlatform, run_id: int,
                      options: SyncOptions | None = None, progress: Progress | None = None) -> SyncRun:
    """Carry out a queued run to its end; the run's record says how it went (it is never left running)."""
    options = options or SyncOptions()
    async with uow_factory() as uow:
        run = await uow.sync.get_run(run_id, for_update=True)
        if run is None:
            raise run_not_found(run_id)
        if run.status is not SyncStatus.QUEUED:
            raise Conflict(f"同步任务 {run_id} 的状态为{run.status.label}，不能执行", f"sync run {run_id} is {run.status.value}",
                           code="sync.not_queued")
        run.status, run.started_at = SyncStatus.RUNNING, uow.now
        await uow.sync.update_run(run)
        uow.audit.record(AuditEvent("sync.start", "sync_run", str(run_id), {"status": "queued"}, {"status": "running"}))
        await uow.commit()
    drifts: dict[str, Drift] = {}
    try:
        for kind in run.kinds:
            drift = Drift() if run.mode is SyncMode.FULL else None
            if drift is not None:
                drifts[kind.value] = drift
            with paused_gc():  # batches are freed by reference counting; see paused_gc
                await _sync_kind(uow_factory, platform, run, kind, options, drift, progress)
        run.status = SyncStatus.SUCCEEDED
    except (PlatformError, DomainError) as exc:
        run.status, run.error_code, run.error_message = SyncStatus.FAILED, exc.code, exc.message_zh
        log.warning("sync.failed", run_id=run_id, code=exc.code)
    except Exception as exc:  # the run must end in a state people can see, whatever happened
        run.status, run.error_code, run.error_message = SyncStatus.FAILED, "sync.internal", type(exc).__name__
        log.exception("sync.crashed", run_id=run_id)
    async with uow_factory() as uow:
        run.finished_at = uow.now
        run.drift = {kind: d.as_dict() for kind, d in drifts.items()} or None
        await uow.sync.update_run(run)
        uow.audit.record(AuditEvent("sync.finish", "sync_run", str(run_id), {"status": "running"},
                                    {"status": run.status.value, "counts": run.counts, "error_code": run.error_code}))
        await uow.commit()
    return run


async def _pages(platform: ProvincialPlatform, kind: DirectoryKind, since: datetime | None,
                 page_size: int) -> AsyncIterator[RemotePage]:
    """The directory's pages from ``since`` on, seeking by update time: after each page the next request starts
    at the newest update time seen (records sharing one update time are walked by page number)."""
    page_no = 1
    while True:
        page = await platform.fetch_changes(kind, since=since, page_no=page_no, page_size=page_size)
        yield page
        if len(page.records) < page_size:
            return
        stamps = [r.updated_at for r in page.records if r.updated_at is not None]
        newest = max(stamps) if stamps else None
        if newest is not None and (since is None or newest > since):
            since, page_no = newest, 1
        else:
            page_no += 1


async def _prefetched(pages: AsyncIterator[RemotePage], depth: int) -> AsyncIterator[RemotePage]:
    """Fetch the next pages while the current ones are applied (a fetch error surfaces where it happened)."""
    queue: asyncio.Queue[RemotePage | BaseException | None] = asyncio.Queue(maxsize=depth)

    async def produce() -> None:
        try:
            async for page in pages:
                await queue.put(page)
            await queue.put(None)
        except Exception as exc:  # handed to the consumer, which raises it in order
            await queue.put(exc)

    producer = asyncio.create_task(produce())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def _sync_kind(uow_factory: UowFactory, platform: ProvincialPlatform, run: SyncRun, kind: DirectoryKind,
                     options: SyncOptions, drift: Drift | None, progress: Progress | None) -> None:
    assert run.id is not None
    async with uow_factory() as uow:
        watermark = await uow.sync.watermark(kind)
    high = watermark.at if watermark else None
    since = None if run.mode is SyncMode.FULL or high is None else high - options.overlap
    counts = KindCounts()
    ctx = BatchContext(run.id, f"sync#{run.id}", drift)
    seen: set[str] | None = set() if drift is not None else None
    pending: list[RemoteRecord] = []

    async def commit_batch() -> None:
        nonlocal high, pending
        if not pending:
            return
        stamps = [r.updated_at for r in pending if r.updated_at is not None]
        newest = max(stamps) if stamps else None
        if newest is not None and (high is None or newest > high):
            high = newest
        async with uow_factory() as uow:
            applied = await APPLIERS[kind](uow, ctx, latest_per_key(pending), counts)
            counts.resolved += await uow.sync.release(kind, applied, uow.now)
            await uow.sync.set_watermark(Watermark(kind, high, run.id))
            run.counts[kind.value] = counts.as_dict()
            await uow.sync.update_run(run)
            await uow.commit()
        if seen is not None:
            seen.update(r.key for r in pending if r.key)
        pending = []
        collect_recent()
        if progress is not None:
            progress(kind, counts)

    try:
        async for page in _prefetched(_pages(platform, kind, since, options.page_size), options.prefetch):
            counts.pages += 1
            if counts.total is None:
                counts.total = page.total
            counts.fetched += len(page.records)
            pending += page.records
            if len(pending) >= options.batch_records:
                await commit_batch()
    except PlatformError:
        await commit_batch()  # what arrived before the platform failed is kept; the watermark covers it
        raise
    await commit_batch()
    run.counts[kind.value] = counts.as_dict()
    if seen is not None and drift is not None:
        await _find_local_only(uow_factory, kind, seen, drift)


async def _find_local_only(uow_factory: UowFactory, kind: DirectoryKind, seen: set[str], drift: Drift) -> None:
    after: str | None = None
    while True:
        async with uow_factory() as uow:
            keys = await uow.sync.local_keys(kind, after=after, limit=5000)
        if not keys:
            return
        for key in keys:
            if key not in seen:
                drift.note("local_only", key)
        after = keys[-1]


def is_active(run: SyncRun) -> bool:
    return run.status in ACTIVE_STATUSES


async def list_runs(uow: UnitOfWork, principal: Principal, *, limit: int, before_id: int | None) -> list[SyncRun]:
    principal.require(Permission.PROVINCIAL_READ)
    async with uow:
        return await uow.sync.list_runs(limit=limit, before_id=before_id)


async def read_run(uow: UnitOfWork, principal: Principal, run_id: int) -> SyncRun:
    principal.require(Permission.PROVINCIAL_READ)
    return await get_run(uow, run_id)


async def list_watermarks(uow: UnitOfWork, principal: Principal) -> list[Watermark]:
    principal.require(Permission.PROVINCIAL_READ)
    async with uow:
        return await uow.sync.watermarks()


async def list_quarantine(uow: UnitOfWork, principal: Principal, *, kind: DirectoryKind | None, resolved: bool | None,
                          limit: int, after_id: int | None) -> list[QuarantinedRecord]:
    principal.require(Permission.PROVINCIAL_READ)
    async with uow:
        return await uow.sync.list_quarantine(kind=kind, resolved=resolved, limit=limit, after_id=after_id)
