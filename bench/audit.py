"""Benchmark: verifying and purging the audit trail.

Writes N audit records through the service's own append path (hash chain, in transactions of 1,000), spread evenly
over the 400 days before now, with a signed checkpoint every 50 days; then times, best of 3, streaming the trail
without hashing (the baseline), ``GET /api/v1/audit/verify``'s work (every link plus the signed checkpoints), and
once the purge with a retention of 186 days (chain verified up to the boundary checkpoint, signed anchor, delete),
and the verification of what remains.

    .venv/bin/python -m bench.audit --backend postgresql --rows 200000
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, date, datetime, timedelta

from app.adapters.db.repositories.audit import Actor
from app.adapters.db.uow import SqlUnitOfWork
from app.deps import Container
from app.domain.audit.checkpoints import make_checkpoint
from app.domain.audit.model import AuditEvent
from app.domain.audit.retention import purge_expired
from app.domain.audit.service import verify_chain
from app.domain.auth.model import system_principal
from bench.common import fresh_container

DAYS = 400


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()


async def load(container: Container, rows: int, now: datetime) -> None:
    per_batch = 1000
    for start in range(0, rows, per_batch):
        moment = now - timedelta(days=DAYS) + timedelta(days=DAYS) * (start / rows)
        async with SqlUnitOfWork(container.db, FixedClock(moment), Actor("bench", "supervisor", None)) as uow:
            for k in range(start, min(rows, start + per_batch)):
                uow.audit.record(AuditEvent("enterprise.update", "enterprise", f"E{k:08d}",
                                            {"name": f"秦皇岛市测试企业{k}有限公司"}, {"name": f"秦皇岛测试{k}"}))
            await uow.commit()
        if (start // per_batch) % max(1, rows // per_batch // (DAYS // 50)) == 0:
            await make_checkpoint(SqlUnitOfWork(container.db, FixedClock(moment), Actor("system:audit", "system", None)),
                                  container.keys, "system:audit")


async def best(work, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return min(times)


async def run(backend: str, rows: int) -> None:
    now = datetime.now(UTC)
    async with fresh_container(backend, reference_data=False) as container:
        started = time.perf_counter()
        await load(container, rows, now)
        print(f"loaded {rows:,} records in {time.perf_counter() - started:.1f} s ({backend})")
        auditor = system_principal("bench")

        async def stream() -> None:
            async with container.uow(Actor("bench", "auditor", None), readonly=True) as uow:
                async for _ in uow.audit.batches():
                    pass

        async def verify() -> None:
            report = await verify_chain(container.uow(Actor("bench", "auditor", None), readonly=True), auditor,
                                        container.keys)
            assert report.ok, report

        baseline = await best(stream)
        verifying = await best(verify)
        print(f"stream the trail (baseline): {baseline:.2f} s")
        print(f"verify every link + checkpoints: {verifying:.2f} s  ({verifying / baseline:.1f}× baseline, "
              f"{rows / verifying:,.0f} records/s)")
        started = time.perf_counter()
        report = await purge_expired(container.uow(Actor("system:audit", "system", None)), container.keys,
                                     retention_days=186, by="bench")
        purging = time.perf_counter() - started
        assert report.anchor is not None, report
        print(f"purge (retention 186 days): {report.purged:,} records up to seq {report.anchor.seq:,} in "
              f"{purging:.2f} s ({report.purged / purging:,.0f} records/s)")
        after = await best(verify)
        print(f"verify after the purge (from the anchor): {after:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.backend, args.rows))


if __name__ == "__main__":
    main()
