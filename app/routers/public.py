"""Public routes (no login): the year's published item list and the reference code lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Response

from app.deps import ContainerDep, PublicUow
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.draws import service as draws
from app.domain.draws.model import DrawStatus
from app.domain.plans import service as plans
from app.routers.errors import problem_responses
from app.routers.schemas.directories import PublicCheckItemOut, PublicItemListOut
from app.routers.schemas.plans import AdjustmentOut, PlanHistoryOut, PlanOut, PlanVersionOut

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


PublicPlanNo = Annotated[str, Path(min_length=1, max_length=32, description="抽查计划编号")]


@router.get("/plans", response_model=list[PlanOut], summary="年度随机抽查计划及任务（向社会公开）",
            responses=problem_responses(422))
async def published_plans(uow: PublicUow,
                          year: Annotated[int | None, Query(ge=2015, le=2100, description="年度")] = None,
                          ) -> list[PlanOut]:
    return [PlanOut.of(p) for p in await plans.list_plans(uow.read(), year=year, public=True)]


@router.get("/plans/{plan_no}", response_model=PlanOut, summary="一个已公布的抽查计划", responses=problem_responses(404))
async def published_plan(plan_no: PublicPlanNo, uow: PublicUow) -> PlanOut:
    return PlanOut.of(await plans.get_plan(uow.read(), plan_no, public=True))


@router.get("/plans/{plan_no}/history", response_model=PlanHistoryOut, summary="计划的各公布版本与调整公示",
            responses=problem_responses(404))
async def published_history(plan_no: PublicPlanNo, uow: PublicUow) -> PlanHistoryOut:
    versions, adjustments = await plans.plan_history(uow.read(), plan_no, public=True)
    return PlanHistoryOut(plan_no=plan_no, versions=[PlanVersionOut.of(v) for v in versions],
                          adjustments=[AdjustmentOut.of(a, public=True) for a in adjustments])


PublicDrawId = Annotated[str, Path(min_length=3, max_length=96, description="抽取编号")]


@router.get("/draws/{draw_id}", summary="抽取公示：承诺值、结果哈希与各组数量（公开后另附完整记录）",
            responses=problem_responses(404))
async def public_draw(draw_id: PublicDrawId, uow: PublicUow) -> dict[str, Any]:
    seen = await draws.view(uow.read(), None, draw_id)
    draw = seen.draw
    return {"draw_id": draw.draw_id, "plan_no": draw.plan_no, "task_no": draw.task_no, "status": draw.status.value,
            "status_label": draw.status.label, "system_seed": draw.system_seed,
            "system_seed_notice": "随机种子由系统生成，仅用于测试和演示" if draw.system_seed else None,
            "commitments": draw.commitments, "allocation": draw.allocation, "counts": draw.counts,
            "seed": draw.seed, "seed_source": draw.seed_source, "result_hash": draw.result_hash,
            "replaces": draw.replaces, "void_reason": draw.void_reason, "voided_at": draw.voided_at,
            "summary": seen.public, "bundle": seen.bundle,
            "changes": draw.changes if draw.status is DrawStatus.REVEALED else [],
            "frame_excluded": seen.frame_excluded}


@router.get("/draws/{draw_id}/bundle", summary="完整抽取记录（CN-INSPECT/v1 规范 JSON，公开后可下载核验）",
            responses=problem_responses(404, 409))
async def public_draw_bundle(draw_id: PublicDrawId, uow: PublicUow) -> Response:
    return Response(await draws.public_bundle(uow.read(), draw_id), media_type="application/json")


@router.get("/draws/{draw_id}/self-check", summary="企业自查：本企业的签号、所在组阈值、是否抽中及原因",
            responses=problem_responses(404, 409, 422))
async def self_check(draw_id: PublicDrawId, uow: PublicUow,
                     uscc: Annotated[str, Query(min_length=18, max_length=18, description="统一社会信用代码")],
                     ) -> dict[str, Any]:
    return await draws.public_self_check(uow.read(), draw_id, uscc.upper())
