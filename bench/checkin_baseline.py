"""Baseline of bench.checkin: the least a FastAPI service does for a check-in on the same stack.

The same route and body as ``POST /api/v1/visits/{visit_id}/check-in`` (parsed by pydantic), and one INSERT
through an asyncpg pool into a scratch table of the benchmark's schema; nothing else (no authentication, no
checks, no audit). Served by uvicorn like the service:

    BASELINE_DSN=postgresql://postgres@127.0.0.1:5432/test BASELINE_TABLE='"bench_x".baseline_check_in' \\
        .venv/bin/python -m uvicorn bench.checkin_baseline:create_app --factory --port 8001
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import FastAPI, Header, Path, status
from pydantic import BaseModel, Field

#: The scratch table (the driver creates it in the benchmark's schema, which is dropped afterwards).
TABLE_DDL = """CREATE TABLE {table} (
    id BIGSERIAL PRIMARY KEY,
    visit_id BIGINT NOT NULL,
    idempotency_key VARCHAR(64) NOT NULL,
    code TEXT NOT NULL,
    longitude DOUBLE PRECISION,
    latitude DOUBLE PRECISION,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""


class PositionIn(BaseModel):
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)


class CheckInIn(BaseModel):
    code: str = Field(min_length=10, max_length=4096)
    position: PositionIn | None = None


def create_app() -> FastAPI:
    dsn = os.environ["BASELINE_DSN"]
    table = os.environ["BASELINE_TABLE"]
    pool_size = int(os.environ.get("BASELINE_POOL_SIZE", "20"))
    insert = (f"INSERT INTO {table} (visit_id, idempotency_key, code, longitude, latitude) "
              "VALUES ($1, $2, $3, $4, $5) RETURNING id")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/visits/{visit_id}/check-in", status_code=status.HTTP_201_CREATED)
    async def check_in(visit_id: Annotated[int, Path(ge=1)], body: CheckInIn,
                       idempotency_key: Annotated[str, Header(min_length=8, max_length=64)]) -> dict[str, int]:
        position = body.position
        row_id = await app.state.pool.fetchval(insert, visit_id, idempotency_key, body.code,
                                               position.longitude if position else None,
                                               position.latitude if position else None)
        return {"id": row_id, "visit_id": visit_id}

    return app
