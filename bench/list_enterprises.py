"""Benchmark: the enterprise list endpoint at 1,000,000 rows, deep pages included.

Loads N enterprises (default 1,000,000) through the service's bulk writer, then times
GET /api/v1/enterprises end to end in process (auth, query, serialisation) for several filters
at random deep cursors, against the bare SQL of the same page through the same driver (the
floor). Prints p50/p99 of each and the ratio of p50s (target: endpoint p99 under 50 ms).

    .venv/bin/python -m bench.list_enterprises [--rows 1000000] [--requests 200] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from typing import Any

import httpx
import sqlalchemy as sa
from asgi_lifespan import LifespanManager

from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.auth.model import Role, User
from app.domain.directories.demo import generate_enterprises
from app.domain.directories.snapshots import prepare_enterprise
from app.domain.paging import encode_cursor
from app.main import create_app
from bench.common import BENCH_PASSWORD, fresh_container, signed_in, summary

BATCH = 100_000
SCENARIOS: dict[str, tuple[dict[str, Any], str]] = {
    # name: (query parameters, the same page in bare SQL, with {after} and {limit} to fill in)
    "no filter": ({}, "FROM enterprise e WHERE e.deleted_at IS NULL AND e.id > {after} ORDER BY e.id"),
    "industry=WH-SC": ({"industry": "WH-SC"}, "FROM enterprise e WHERE e.deleted_at IS NULL AND "
                       "e.industry_code = 'WH-SC' AND e.id > {after} ORDER BY e.id"),
    "county+class": ({"county": "130302", "credit_class": "C"}, "FROM enterprise e WHERE e.deleted_at IS NULL AND "
                     "e.county_code = '130302' AND e.credit_class = 'C' AND e.id > {after} ORDER BY e.id"),
    "tag=重大危险源": ({"tag": "重大危险源"}, "FROM enterprise e JOIN enterprise_tag t ON t.enterprise_id = e.id AND "
                    "t.tag = '重大危险源' WHERE e.deleted_at IS NULL AND t.enterprise_id > {after} ORDER BY t.enterprise_id"),
    "tag=尾矿库 (rare)": ({"tag": "尾矿库"}, "FROM enterprise e JOIN enterprise_tag t ON t.enterprise_id = e.id AND "
                       "t.tag = '尾矿库' WHERE e.deleted_at IS NULL AND t.enterprise_id > {after} ORDER BY t.enterprise_id"),
    "status=suspended": ({"status": "suspended"}, "FROM enterprise e WHERE e.deleted_at IS NULL AND "
                         "e.status = 'suspended' AND e.id > {after} ORDER BY e.id"),
    "q=机械 (name)": ({"q": "机械"}, "FROM enterprise e WHERE e.deleted_at IS NULL AND e.name LIKE '%机械%' AND "
                     "e.id > {after} ORDER BY e.id"),
    "q=鑫源 (rarer name)": ({"q": "鑫源"}, "FROM enterprise e WHERE e.deleted_at IS NULL AND e.name LIKE '%鑫源%' AND "
                         "e.id > {after} ORDER BY e.id"),
}


async def load(container: Container, rows: int) -> None:
    started = time.perf_counter()
    population = generate_enterprises(rows)
    done = 0
    while done < rows:
        batch = [next(population) for _ in range(min(BATCH, rows - done))]
        async with container.uow(Actor("bench", "system", None)) as uow:
            await uow.enterprises.bulk_write([prepare_enterprise(e) for e in batch], [], changed_by="bench", at=uow.now)
            await uow.commit()
        done += len(batch)
    if not container.db.is_sqlite:
        async with container.db.engine.begin() as c:
            await c.execute(sa.text("ANALYZE"))
    print(f"  loaded {rows:,} enterprises in {time.perf_counter() - started:.0f} s")


async def token(container: Container) -> str:
    hashed = await container.hasher.hash(BENCH_PASSWORD)
    async with container.uow(Actor("bench", "system", None)) as uow:
        await uow.users.add(User(None, "bench-supervisor", "bench", Role.SUPERVISOR, "ZJK", hashed))
        await uow.commit()
    return await signed_in(container, "bench-supervisor", minutes=60)


async def run(backend: str, rows: int, requests: int, limit: int) -> None:
    print(f"[{backend}]")
    async with fresh_container(backend) as container:
        await load(container, rows)
        headers = {"Authorization": f"Bearer {await token(container)}"}
        rng = random.Random(7)
        app = create_app(container.settings, container=container)
        async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                           base_url="http://bench") as client:
            for name, (params, page_sql) in SCENARIOS.items():
                api, raw = [], []
                for _ in range(requests):
                    after = rng.randrange(int(rows * 0.5), rows)  # deep pages: the second half of the table
                    query = {**params, "limit": limit, "cursor": encode_cursor("e", after)}
                    started = time.perf_counter()
                    response = await client.get("/api/v1/enterprises", params=query, headers=headers)
                    api.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                    sql = "SELECT e.* " + page_sql.format(after=after) + f" LIMIT {limit + 1}"
                    started = time.perf_counter()
                    async with container.db.engine.connect() as connection:
                        (await connection.execute(sa.text(sql))).all()
                    raw.append(time.perf_counter() - started)
                ratio = sorted(api)[len(api) // 2] / sorted(raw)[len(raw) // 2]
                print(f"  {name:20} endpoint {summary(api)}   bare SQL {summary(raw)}   ratio {ratio:4.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        asyncio.run(run(backend, args.rows, args.requests, args.limit))


if __name__ == "__main__":
    main()
