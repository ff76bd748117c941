"""Benchmark: directory sync and outbox delivery against the simulator running as its own process.

1. Full sync of N enterprises (plus items and inspectors) into an empty database through the service's own
   sync path; rows/s and the peak RSS of this process.
2. The simulator's own paging cost: the same pages fetched with a bare HTTP client (JSON decoded, nothing else).
3. The raw floor: the same enterprise rows, as stored, loaded into an identical table by COPY (PostgreSQL) or
   executemany (SQLite). Target: sync ≤ 3 × floor + paging cost, peak RSS under 1 GiB.
4. An incremental sync after 1% of the enterprises changed. Target: under 5% of the full sync's time.
5. 10,000 results pushed through the outbox with 20% of platform calls failing: all delivered exactly once;
   the drain time.

    .venv/bin/python -m bench.sync --backend postgresql --rows 1000000
    .venv/bin/python -m bench.sync --backend sqlite --rows 100000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from app.adapters.db.repositories.audit import Actor
from app.adapters.db.tables import EnterpriseRow
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.outbox.model import RetrySchedule
from app.domain.outbox.service import RelayOptions, drain, enqueue, results_message, task_message
from app.domain.provincial.model import SYNC_ORDER, Handling, ResultRecord, TaskRegistration
from app.domain.sync.model import SyncMode, SyncRun, SyncStatus, SyncTrigger
from app.domain.sync.service import execute_run, request_run
from bench.common import fresh_container

CLIENT = {"clientId": "qhd-yjj", "clientSecret": "qhd-yjj-simulator-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def simulator_process(enterprises: int) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SIM_ENTERPRISES": str(enterprises)}
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "uvicorn", "simulator.app:app", "--port", str(port), "--log-level", "warning"],
        env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/_sim/config", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def sync_once(container: Container, mode: SyncMode = SyncMode.INCREMENTAL) -> tuple[SyncRun, float]:
    def uow() -> Any:
        return container.uow(Actor("bench", "system", None))

    run = await request_run(uow(), system_principal("bench"), SYNC_ORDER, mode, SyncTrigger.CLI)
    started = time.perf_counter()
    run = await execute_run(uow, container.platform, run.id or 0, container.jobs.sync_options())
    elapsed = time.perf_counter() - started
    if run.status is not SyncStatus.SUCCEEDED:
        raise RuntimeError(f"sync failed: {run.error_code} {run.error_message}")
    return run, elapsed


async def paging_cost(url: str) -> tuple[int, float]:
    """Every enterprise page, seeking by update time like the sync does, with nothing done to the records."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        token = (await http.post("/api/v1/auth/token", json=CLIENT)).json()["data"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        seen, since, page_no = 0, None, 1
        while True:
            params: dict[str, Any] = {"pageNo": page_no, "pageSize": 500}
            if since:
                params["updateTimeStart"] = since
            records = (await http.get("/api/v1/enterprises", params=params, headers=headers)).json()["data"]["records"]
            seen += len(records)
            if len(records) < 500:
                return seen, time.perf_counter() - started
            newest = max(r["updateTime"] for r in records)
            since, page_no = (newest, 1) if newest != since else (since, page_no + 1)


async def raw_floor(container: Container) -> tuple[int, float]:
    """Load the stored enterprise rows into an identical table with the driver's fastest path; time the load only."""
    db = container.db
    names = [c.name for c in EnterpriseRow.__table__.columns]
    loaded, elapsed = 0, 0.0
    async with db.engine.connect() as connection:
        if db.is_sqlite:
            statements = [r[0] for r in await connection.execute(sa.text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'enterprise' AND sql IS NOT NULL"))]
            for sql in statements:
                await connection.execute(sa.text(sql.replace("enterprise", "bench_copy", 1).replace(
                    " ON enterprise ", " ON bench_copy ").replace("ix_enterprise", "ix_bench_copy").replace(
                    "uq_enterprise", "uq_bench_copy").replace("pk_enterprise", "pk_bench_copy")))
        else:
            await connection.execute(sa.text("CREATE TABLE bench_copy (LIKE enterprise INCLUDING ALL)"))
        await connection.commit()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        placeholders = ", ".join("?" for _ in names)
        insert = f"INSERT INTO bench_copy ({', '.join(names)}) VALUES ({placeholders})"
        async for chunk in _chunks(container, names):
            started = time.perf_counter()
            if db.is_sqlite:
                await driver.executemany(insert, chunk)
            else:
                await driver.copy_records_to_table("bench_copy", records=chunk, columns=names)
            elapsed += time.perf_counter() - started
            loaded += len(chunk)
        started = time.perf_counter()
        if db.is_sqlite:
            await driver.commit()
        elapsed += time.perf_counter() - started
    return loaded, elapsed


async def _chunks(container: Container, names: list[str], size: int = 50_000) -> AsyncIterator[list[tuple[Any, ...]]]:
    after = 0
    while True:
        async with container.db.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            if container.db.is_sqlite:
                cursor = await driver.execute(
                    f"SELECT {', '.join(names)} FROM enterprise WHERE id > ? ORDER BY id LIMIT ?", (after, size))
                rows = [tuple(r) for r in await cursor.fetchall()]
            else:
                rows = [tuple(json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for v in r)
                        for r in await driver.fetch(
                            f"SELECT {', '.join(names)} FROM enterprise WHERE id > $1 ORDER BY id LIMIT $2", after, size)]
        if not rows:
            return
        yield rows
        after = rows[-1][names.index("id")]


async def outbox_drain(container: Container, url: str, results: int, failure_rate: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        token = (await http.post("/api/v1/auth/token", json=CLIENT)).json()["data"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        usccs: list[str] = []
        page = 1
        while len(usccs) < results:
            records = (await http.get("/api/v1/enterprises", params={"pageNo": page, "pageSize": 500},
                                      headers=headers)).json()["data"]["records"]
            usccs += [r["uniscid"] for r in records if not r.get("deleted")]
            page += 1
        tasks = 50
        per_task = results // tasks
        async with container.uow(Actor("bench", "system", None)) as uow:
            for t in range(tasks):
                task_no = f"2026BENCH-{t:03d}"
                await enqueue(uow, task_message(TaskRegistration(
                    "2026BENCH", "基准测试计划", task_no, f"基准测试任务{t}", "不定向", "内部联合",
                    "秦皇岛市应急管理局执法一大队", (), ("YJ-FM-001",), date(2026, 4, 1), date(2026, 6, 30))))
                mine = usccs[t * per_task:(t + 1) * per_task]
                for b in range(0, len(mine), 100):
                    batch = [ResultRecord("", u, date(2026, 5, 10), ("未发现问题",), "现场检查未发现问题", 0, 0, None,
                                          Handling.NONE, ("ZF1-001",), date(2026, 5, 28)) for u in mine[b:b + 100]]
                    await enqueue(uow, results_message(task_no, f"{task_no}-{b}", batch))
            await uow.commit()
        await http.post("/_sim/faults", json={"rate": failure_rate})
        options = RelayOptions(batch=50, concurrency=4,
                               schedule=RetrySchedule(base=timedelta(milliseconds=20), cap=timedelta(seconds=1)))
        started = time.perf_counter()
        while True:
            await drain(lambda: container.uow(Actor("relay", "system", None)), container.platform, worker="bench",
                        options=options)
            async with container.uow(Actor("bench", "system", None), readonly=True) as uow:
                counts = await uow.outbox.counts()
            if not counts.get("pending"):
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        faults = (await http.get("/_sim/faults")).json()["injectedTotal"]
        held = (await http.get("/_sim/pushes", params={"kind": "results"})).json()["results"]
        applied = [r["appliedCount"] for r in held]
        exactly_once = len(applied) == tasks * per_task and set(applied) == {1}
        print(f"  outbox: {tasks * per_task:,} results in {counts.get('delivered', 0)} pushes, "
              f"{sum(faults.values())} injected faults ({failure_rate:.0%}): drained in {elapsed:.1f} s; "
              f"on the platform {len(applied):,} results, each applied once: {'yes' if exactly_once else 'NO'}")


async def run(backend: str, rows: int, outbox_results: int) -> None:
    with simulator_process(rows) as url:
        async with fresh_container(backend, provincial={"base_url": url, "timeout_seconds": 60}) as container:
            full, sync_time = await sync_once(container)
            rss = peak_rss_mib()
            fetched = full.counts["enterprises"]["created"]
            paged, page_time = await paging_cost(url)
            loaded, floor = await raw_floor(container)
            budget = 3 * floor + page_time
            floor_name = "COPY" if backend == "postgresql" else "executemany"
            print(f"[{backend}] {fetched:,} enterprises synced in {sync_time:.1f} s = {fetched / sync_time:,.0f} rows/s; "
                  f"peak RSS {rss:,.0f} MiB (target < 1024)")
            print(f"  simulator paging {paged:,} records: {page_time:.1f} s;  raw {floor_name} of {loaded:,} rows: "
                  f"{floor:.1f} s;  target ≤ 3×floor + paging = {budget:.1f} s  → ratio {sync_time / budget:.2f} "
                  f"(≤ 1 meets it; sync/floor = {sync_time / floor:.1f}x)")
            async with httpx.AsyncClient(base_url=url) as http:
                await http.post("/_sim/clock", json={"advanceSeconds": 3600})
                await http.post("/_sim/mutate", json={"kind": "enterprises", "changeRate": 0.01})
            increment, inc_time = await sync_once(container)
            changed = increment.counts["enterprises"]["updated"]
            print(f"  incremental after 1% changed: {changed:,} updated in {inc_time:.2f} s = "
                  f"{inc_time / sync_time:.1%} of the full sync (target < 5%)")
            await outbox_drain(container, url, outbox_results, 0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--outbox-results", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.backend, args.rows, args.outbox_results))


if __name__ == "__main__":
    main()
