"""Benchmark: a whole draw through the service on PostgreSQL (or SQLite), reading the frame from the directory.

Loads N enterprises (the demo generator, written through the bulk path) and the demo inspectors, the 2026 plan
and a quota, then times the three steps of a draw of task 2026003 (工贸, all GM industries, a fixed count weighted
by credit class): prepare (read and freeze the frame, roster and exclusions, commitments), seed, execute (tickets,
selection, teams, bundle stored); prints seconds and the peak RSS of the process (target under 1 GiB).

    .venv/bin/python -m bench.draw_service --backend postgresql --rows 1000000 --quota 30000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from datetime import UTC, date, datetime

from app.adapters.db.repositories.audit import Actor
from app.cli import PLAN_DOCUMENT
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.directories.demo import generate_enterprises, generate_inspectors
from app.domain.directories.snapshots import prepare_enterprise
from app.domain.draws import engine
from app.domain.draws import service as draws
from app.domain.draws.model import SeedKind
from app.domain.plans.model import QuarterQuota
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import load_seed, set_quota
from app.domain.runtime import paused_gc
from bench.common import fresh_container


class _Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load(container: Container, rows: int, quota: int) -> None:
    def uow():  # type: ignore[no-untyped-def]
        return container.uow(Actor("bench", "system", None))

    batch: list = []
    with paused_gc():
        for enterprise in generate_enterprises(rows):
            batch.append(prepare_enterprise(enterprise))
            if len(batch) == 50_000:
                async with uow() as u:
                    await u.enterprises.bulk_write(batch, [], changed_by="bench", at=u.now)
                    await u.commit()
                batch = []
        if batch:
            async with uow() as u:
                await u.enterprises.bulk_write(batch, [], changed_by="bench", at=u.now)
                await u.commit()
    async with uow() as u:
        for inspector in generate_inspectors(today=date(2026, 1, 1), per_unit=40):
            inspector.cert_expiry = date(2027, 12, 31)
            await u.inspectors.add(inspector)
        await u.commit()
    await load_seed(uow(), parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8")))
    await set_quota(uow(), system_principal("bench"), QuarterQuota(2026, 4, "ZF3", quota))


async def run(backend: str, rows: int, quota: int) -> None:
    async with fresh_container(backend) as container:
        container.clock = _Clock(datetime(2026, 11, 2, 2, tzinfo=UTC))  # type: ignore[assignment]
        started = time.perf_counter()
        await load(container, rows, quota)
        print(f"[{backend}] loaded {rows:,} enterprises in {time.perf_counter() - started:.0f} s "
              f"(RSS so far {rss_mib():,.0f} MiB)")

        def uow():  # type: ignore[no-untyped-def]
            return container.uow(Actor("bench", "system", None))

        who = system_principal("bench")
        t0 = time.perf_counter()
        draw = await draws.prepare(uow(), who, "2026003", "003号", today=date(2026, 11, 2), salt=engine.new_salt())
        t1 = time.perf_counter()
        await draws.enter_seed(uow(), who, draw.draw_id, seed="27182818284590452353602874", witnesses=["纪检 张某"],
                               kind=SeedKind.PUBLIC_CEREMONY, now=container.clock.now(), allow_system=False)
        t2 = time.perf_counter()
        done = await draws.execute(uow(), who, draw.draw_id)
        t3 = time.perf_counter()
        print(f"  frame {done.counts['frame']:,} enterprises (+{done.counts['frame_excluded']:,} left out), roster "
              f"{done.counts['roster']:,}; selected {done.counts['selected']:,}, teams {done.counts['teams']:,}")
        print(f"  prepare (read + freeze + commitments) {t1 - t0:6.1f} s;  seed {t2 - t1:5.2f} s;  "
              f"execute (draw + bundle stored) {t3 - t2:6.1f} s;  whole draw {t3 - t0:6.1f} s")
        print(f"  peak RSS {rss_mib():,.0f} MiB (target < 1024)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quota", type=int, default=30_000)
    args = parser.parse_args()
    asyncio.run(run(args.backend, args.rows, args.quota))


if __name__ == "__main__":
    main()
