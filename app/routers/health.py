"""Liveness and readiness probes (public)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app import __version__
from app.deps import ContainerDep, readiness
from app.routers.errors import problem_responses

router = APIRouter(tags=["运行状态 health"])


@router.get("/healthz", summary="进程存活检查")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz", summary="就绪检查：数据库可连接且迁移为最新", responses=problem_responses(503))
async def readyz(container: ContainerDep) -> JSONResponse:
    ready, checks = await readiness(container)
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
