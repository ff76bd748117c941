"""Public routes (no login): the year's published item list and the reference code lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path

from app.deps import ContainerDep
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.routers.errors import problem_responses
from app.routers.schemas.directories import PublicCheckItemOut, PublicItemListOut

router = APIRouter(prefix="/api/v1/public", tags=["信息公开 public"])
BEIJING = ZoneInfo("Asia/Shanghai")


@router.get("/check-items/{year}", response_model=PublicItemListOut, summary="年度随机抽查事项清单（向社会公开）",
            responses=problem_responses(422))
async def published_items(year: Annotated[int, Path(ge=2015, le=2100)], container: ContainerDep) -> PublicItemListOut:
    start = datetime(year, 1, 1, tzinfo=BEIJING)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING)
    items = await container.queries.published_items(start, end)
    out = [
        PublicCheckItemOut(
            code=i.code, name=i.name, category=i.category, dept_type=i.dept_type, department_code=i.department_code,
            legal_basis=i.legal_basis, method_label=i.method.label, target_type=i.target_type,
            kind_label=i.kind.label, frequency_cap=i.frequency_cap, published_at=i.published_at,
            retired_at=i.retired_at,
        )
        for i in items
    ]
    return PublicItemListOut(year=year, count=len(out), items=out)


@router.get("/counties", summary="秦皇岛市区县代码")
async def counties() -> dict[str, str]:
    return dict(COUNTIES)


@router.get("/industries", summary="行业代码")
async def industries() -> dict[str, str]:
    return dict(INDUSTRIES)
