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
from bench.common import fresh_container, summary

BATCH = 100_000
SCENARIOS: dict[str, tuple[dict[str, Any], str]] = {
    # name: (query parameters, equivalent SQL condition)
    "no filter": ({}, "TRUE"),
    "industry=WH-SC": ({"industry": "WH-SC"}, "industry_code = 'WH-SC'"),
    "county+class": ({"county": "130302", "credit_class": "C"}, "county_code = '130302' AND credit_class = 'C'"),
    "tag=重大危险源": ({"tag": "重大危险源"},
                    "id IN (SELECT enterprise_id FROM enterprise_tag WHERE tag = '重大危险源')"),
    "status=suspended": ({"status": "suspended"}, "status = 'suspended'"),
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
    hashed = await container.hasher.hash("Bench-Passw0rd!")
    async with container.uow(Actor("bench", "system", None)) as uow:
        user = await uow.users.add(User(None, "bench-supervisor", "bench", Role.SUPERVISOR, "ZJK", hashed))
        await uow.commit()
    return container.tokens.issue({"sub": str(user.id), "role": "supervisor", "dept": "ZJK"}, minutes=60)


async def run(backend: str, rows: int, requests: int, limit: int) -> None:
    print(f"[{backend}]")
    async with fresh_container(backend) as container:
        await load(container, rows)
        headers = {"Authorization": f"Bearer {await token(container)}"}
        rng = random.Random(7)
        app = create_app(container.settings, container=container)
        async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                           base_url="http://bench") as client:
            for name, (params, condition) in SCENARIOS.items():
                api, raw = [], []
                for _ in range(requests):
                    after = rng.randrange(int(rows * 0.5), rows)  # deep pages: the second half of the table
                    query = {**params, "limit": limit, "cursor": encode_cursor("e", after)}
                    started = time.perf_counter()
                    response = await client.get("/api/v1/enterprises", params=query, headers=headers)
                    api.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                    sql = (f"SELECT * FROM enterprise WHERE deleted_at IS NULL AND {condition} AND id > {after} "
                           f"ORDER BY id LIMIT {limit + 1}")
                    started = time.perf_counter()
                    async with container.db.engine.connect() as connection:
                        (await connection.execute(sa.text(sql))).all()
                    raw.append(time.perf_counter() - started)
                ratio = sorted(api)[len(api) // 2] / sorted(raw)[len(raw) // 2]
                print(f"  {name:18} endpoint {summary(api)}   bare SQL {summary(raw)}   ratio {ratio:4.1f}x")


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
