"""Benchmark: import 100,000 enterprises from CSV through the service's own import path
(parse, validate every row, match by USCC, write rows, tag index and history, audit), against
the raw floor of loading the same rows: COPY on PostgreSQL, executemany on SQLite. Same process,
same data, alternating runs, best of N; prints rows/s and the ratio (target: within 3x).

    .venv/bin/python -m bench.import_enterprises [--rows 100000] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import sqlalchemy as sa

from app.adapters.db.repositories.audit import Actor
from app.adapters.db.repositories.mapping import enterprise_values
from app.deps import Container
from app.domain.auth.model import system_principal
from app.domain.directories.demo import generate_enterprises
from app.domain.directories.importing import import_enterprises
from bench.common import enterprises_csv, fresh_container

COLUMNS = ["id", "uscc", "name", "county_code", "industry_code", "status", "address", "longitude", "latitude",
           "credit_class", "safety_risk_level", "tags", "legal_person", "contact_name", "contact_phone", "version",
           "content_hash", "created_at", "updated_at", "deleted_at"]
CHILD_TABLES = ("enterprise_tag", "enterprise_version")


async def _empty(container: Container) -> None:
    async with container.db.engine.begin() as c:
        for table in (*CHILD_TABLES, "enterprise"):
            await c.execute(sa.text(f"DELETE FROM {table}"))


async def raw_floor(container: Container, rows: list[tuple[Any, ...]]) -> float:
    """Load ready-made rows with the driver's fastest plain path; nothing validated, no history."""
    await _empty(container)
    async with container.db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        started = time.perf_counter()
        if container.db.is_sqlite:
            placeholders = ", ".join("?" for _ in COLUMNS)
            await driver.executemany(f"INSERT INTO enterprise ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
            await driver.commit()
        else:
            async with driver.transaction():
                await driver.copy_records_to_table("enterprise", records=rows, columns=COLUMNS)
        return time.perf_counter() - started


async def service_import(container: Container, content: bytes) -> float:
    await _empty(container)
    started = time.perf_counter()
    report = await import_enterprises(container.uow(Actor("bench", "system", None)), system_principal("bench"),
                                      container.tables, content, "bench.csv", max_rows=10_000_000)
    elapsed = time.perf_counter() - started
    if not report.applied or report.created != report.total:
        raise RuntimeError(f"import did not load every row: {report.summary()}")
    return elapsed


def _raw_rows(container: Container, count: int) -> list[tuple[Any, ...]]:
    import json
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    sqlite = container.db.is_sqlite
    stamp: Any = now.replace(tzinfo=None).isoformat(sep=" ") if sqlite else now
    rows = []
    for i, e in enumerate(generate_enterprises(count), start=1):
        v = enterprise_values(e)
        tags = json.dumps(v["tags"], ensure_ascii=False)
        rows.append((i, e.uscc, v["name"], v["county_code"], v["industry_code"], v["status"], v["address"],
                     v["longitude"], v["latitude"], v["credit_class"], v["safety_risk_level"], tags, v["legal_person"],
                     v["contact_name"], v["contact_phone"], 1, v["content_hash"], stamp, stamp, None))
    return rows


async def run(backend: str, count: int, repeat: int) -> None:
    async with fresh_container(backend) as container:
        content = enterprises_csv(generate_enterprises(count))
        rows = _raw_rows(container, count)
        raw_times, service_times = [], []
        for _ in range(repeat):
            raw_times.append(await raw_floor(container, rows))
            service_times.append(await service_import(container, content))
        raw, service = min(raw_times), min(service_times)
        floor = "COPY" if backend == "postgresql" else "executemany"
        print(f"[{backend:10}] {count:,} rows  service import {service:6.2f} s = {count / service:9,.0f} rows/s   "
              f"raw {floor} {raw:6.2f} s = {count / raw:9,.0f} rows/s   ratio {service / raw:4.2f}x (target ≤ 3x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        asyncio.run(run(backend, args.rows, args.repeat))


if __name__ == "__main__":
    main()
