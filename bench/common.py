"""Shared set-up of the benchmarks: a fresh migrated database on SQLite or PostgreSQL."""

from __future__ import annotations

import csv
import io
import secrets
import statistics
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import sqlalchemy as sa

from app.adapters.db.engine import Database
from app.adapters.db.migrations import upgrade_async
from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.auth.service import login
from app.domain.directories.model import Enterprise
from app.domain.directories.seeding import ensure_reference_data
from app.settings import Settings

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
#: The password of the accounts a benchmark makes (they sign in as a client would); new in every run.
BENCH_PASSWORD = f"Bench-{secrets.token_urlsafe(12)}-1a"
HEADER = ["统一社会信用代码", "企业名称", "所属区县", "行业", "经营状态", "地址", "经度", "纬度", "信用风险分类",
          "安全风险等级", "标签", "法定代表人", "联系人", "联系电话"]


@asynccontextmanager
async def fresh_container(backend: str, *, reference_data: bool = True,
                          **settings_overrides: object) -> AsyncIterator[Container]:
    """A migrated, empty database with the reference data (unless told otherwise), dropped afterwards."""
    schema = None
    tmp = None
    if backend == "postgresql":
        url, schema = PG_URL, f"bench_{uuid.uuid4().hex[:8]}"
        admin = Database(url)
        async with admin.engine.begin() as c:
            await c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    await upgrade_async(url, schema=schema)
    settings = Settings(database={"url": url, "schema_name": schema}, log_level="WARNING",
                        **settings_overrides)  # type: ignore[arg-type]
    container = Container.build(settings)
    if reference_data:
        await ensure_reference_data(container.uow(Actor("bench", "system", None)))
    try:
        yield container
    finally:
        await container.close()
        if schema:
            admin = Database(url)
            async with admin.engine.begin() as c:
                await c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()
        if tmp:
            tmp.cleanup()


def enterprises_csv(enterprises: Iterable[Enterprise]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for e in enterprises:
        writer.writerow([
            e.uscc, e.name, e.county_code, e.industry_code, e.status.label, e.address or "",
            "" if e.longitude is None else e.longitude, "" if e.latitude is None else e.latitude,
            e.credit_class or "", e.safety_risk_level.label if e.safety_risk_level else "", "、".join(e.tags),
            e.legal_person or "", e.contact_name or "", e.contact_phone or "",
        ])
    return out.getvalue().encode("utf-8")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"p50 {statistics.median(ms):6.2f} ms  p99 {percentile(ms, 99):6.2f} ms"


async def signed_in(container: Container, username: str, *, minutes: int) -> str:
    """A bearer token of the account ``username`` (password BENCH_PASSWORD) with its login session, as
    ``POST /api/v1/auth/token`` gives it."""
    issued = await login(container.uow(Actor("bench", "system", None)), container.hasher, container.tokens, username,
                         BENCH_PASSWORD, minutes=minutes)
    return issued.access_token
