"""抽查计划与任务: plans and tasks, their lifecycle and adjustments, quotas, the compliance indicators."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.deps import ContainerDep, Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.plans import compliance as targets
from app.domain.plans import service as plans
from app.domain.plans.model import PlanStatus, QuarterQuota, SamplingMode
from app.domain.plans.visits import task_visit_items
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID
from app.routers.schemas.plans import (
    AdjustmentIn,
    AdjustmentOut,
    ComplianceOut,
    DecisionIn,
    IndicatorOut,
    PlanHistoryOut,
    PlanIn,
    PlanOut,
    PlanVersionOut,
    QuotaIn,
    QuotaOut,
    TaskQuotaOut,
    VisitItemOut,
    content_of,
)

router = APIRouter(prefix="/api/v1", tags=["抽查计划 plans"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.PLANS_WRITE))]
Approver = Annotated[Principal, Depends(require(Permission.PLANS_APPROVE))]
PlanNo = Annotated[str, Path(min_length=1, max_length=32, description="抽查计划编号，如 2026001、秦联2026025")]
Year = Annotated[int | None, Query(ge=2020, le=2100, description="年度")]


@router.get("/plans", response_model=list[PlanOut], summary="抽查计划（含任务）", responses=problem_responses(401, 403, 422))
async def list_plans(_: Reader, uow: Uow, year: Year = None) -> list[PlanOut]:
    return [PlanOut.of(p) for p in await plans.list_plans(uow.read(), year=year)]


@router.post("/plans", response_model=PlanOut, status_code=status.HTTP_201_CREATED, summary="起草抽查计划",
             responses=problem_responses(401, 403, 409, 422))
async def create_plan(body: PlanIn, principal: Writer, uow: Uow, response: Response) -> PlanOut:
    plan = await plans.create_plan(uow.write(), principal, body.domain())
    response.headers["Location"] = f"/api/v1/plans/{quote(plan.plan_no)}"
    return PlanOut.of(plan)


@router.get("/plans/{plan_no}", response_model=PlanOut, summary="一个抽查计划", responses=problem_responses(401, 403, 404))
async def get_plan(plan_no: PlanNo, _: Reader, uow: Uow) -> PlanOut:
    return PlanOut.of(await plans.get_plan(uow.read(), plan_no))


@router.put("/plans/{plan_no}", response_model=PlanOut, summary="修改草稿（已公布的计划须走调整程序）",
            responses=problem_responses(401, 403, 404, 409, 422))
async def update_plan(plan_no: PlanNo, body: PlanIn, principal: Writer, uow: Uow) -> PlanOut:
    current = await plans.get_plan(uow.read(), plan_no)
    return PlanOut.of(await plans.update_draft(uow.write(), principal, plan_no, content_of(body, current)))


async def _advance(plan_no: str, principal: Principal, uow: Uow, target: PlanStatus) -> PlanOut:
    return PlanOut.of(await plans.advance(uow.write(), principal, plan_no, target))


@router.post("/plans/{plan_no}/approve", response_model=PlanOut, summary="审批计划（执法监督科）",
             responses=problem_responses(401, 403, 404, 409))
async def approve_plan(plan_no: PlanNo, principal: Approver, uow: Uow) -> PlanOut:
    return await _advance(plan_no, principal, uow, PlanStatus.APPROVED)


@router.post("/plans/{plan_no}/publish", response_model=PlanOut, summary="公布计划（向社会公开）",
             responses=problem_responses(401, 403, 404, 409))
async def publish_plan(plan_no: PlanNo, principal: Approver, uow: Uow) -> PlanOut:
    return await _advance(plan_no, principal, uow, PlanStatus.PUBLISHED)


@router.post("/plans/{plan_no}/complete", response_model=PlanOut, summary="计划执行完毕",
             responses=problem_responses(401, 403, 404, 409))
async def complete_plan(plan_no: PlanNo, principal: Approver, uow: Uow) -> PlanOut:
    return await _advance(plan_no, principal, uow, PlanStatus.COMPLETED)


@router.post("/plans/{plan_no}/archive", response_model=PlanOut, summary="计划归档",
             responses=problem_responses(401, 403, 404, 409))
async def archive_plan(plan_no: PlanNo, principal: Approver, uow: Uow) -> PlanOut:
    return await _advance(plan_no, principal, uow, PlanStatus.ARCHIVED)


@router.get("/plans/{plan_no}/versions", response_model=PlanHistoryOut, summary="计划的各公布版本与调整记录",
            responses=problem_responses(401, 403, 404))
async def plan_versions(plan_no: PlanNo, _: Reader, uow: Uow) -> PlanHistoryOut:
    versions, adjustments = await plans.plan_history(uow.read(), plan_no)
    return PlanHistoryOut(plan_no=plan_no, versions=[PlanVersionOut.of(v) for v in versions],
                          adjustments=[AdjustmentOut.of(a) for a in adjustments])


@router.post("/plans/{plan_no}/adjustments", response_model=AdjustmentOut, status_code=status.HTTP_201_CREATED,
             summary="提出计划调整（说明原因，执法监督科审批后公布新版本）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def request_adjustment(plan_no: PlanNo, body: AdjustmentIn, principal: Writer, uow: Uow) -> AdjustmentOut:
    current = await plans.get_plan(uow.read(), plan_no)
    adjustment = await plans.request_adjustment(uow.write(), principal, plan_no, body.reason,
                                                content_of(body.plan, current))
    return AdjustmentOut.of(adjustment)


AdjustmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/plan-adjustments/{adjustment_id}/approve", response_model=AdjustmentOut,
             summary="批准计划调整（不得审批本人提出的调整）", responses=problem_responses(401, 403, 404, 409, 422))
async def approve_adjustment(adjustment_id: AdjustmentId, body: DecisionIn, principal: Approver,
                             uow: Uow) -> AdjustmentOut:
    return AdjustmentOut.of(await plans.decide_adjustment(uow.write(), principal, adjustment_id, approve=True,
                                                          note=body.note))


@router.post("/plan-adjustments/{adjustment_id}/reject", response_model=AdjustmentOut, summary="驳回计划调整",
             responses=problem_responses(401, 403, 404, 409, 422))
async def reject_adjustment(adjustment_id: AdjustmentId, body: DecisionIn, principal: Approver,
                            uow: Uow) -> AdjustmentOut:
    return AdjustmentOut.of(await plans.decide_adjustment(uow.write(), principal, adjustment_id, approve=False,
                                                          note=body.note))


@router.post("/plan-adjustments/{adjustment_id}/publish", response_model=PlanOut,
             summary="公布已批准的调整（形成计划新版本，旧版本保留可查）", responses=problem_responses(401, 403, 404, 409))
async def publish_adjustment(adjustment_id: AdjustmentId, principal: Approver, uow: Uow) -> PlanOut:
    return PlanOut.of(await plans.publish_adjustment(uow.write(), principal, adjustment_id))


@router.get("/plans/{plan_no}/tasks/{task_no}/visit-items", response_model=list[VisitItemOut],
            summary="一业一查：一次入企检查合并的全部抽查事项", responses=problem_responses(401, 403, 404))
async def visit_items(plan_no: PlanNo, task_no: Annotated[str, Path(min_length=1, max_length=32)], _: Reader,
                      uow: Uow) -> list[VisitItemOut]:
    return [VisitItemOut(code=item.code, name=item.name, category=item.category, legal_basis=item.legal_basis,
                         method_label=item.method.label, departments=list(entry.departments))
            for item, entry in await task_visit_items(uow.read(), plan_no, task_no)]


@router.get("/plans/{plan_no}/tasks/{task_no}/quota", response_model=TaskQuotaOut,
            summary="任务本季度的抽查数量（来自年度监督检查计划）", responses=problem_responses(401, 403, 404, 422))
async def task_quota(plan_no: PlanNo, task_no: Annotated[str, Path(min_length=1, max_length=32)], _: Reader, uow: Uow,
                     year: Annotated[int, Query(ge=2020, le=2100)],
                     quarter: Annotated[int, Query(ge=1, le=4)]) -> TaskQuotaOut:
    task, quota = await plans.task_quota(uow.read(), plan_no, task_no, year, quarter)
    mode = task.sampling.mode
    if mode is not SamplingMode.ANNUAL_QUOTA:
        message = f"本任务{mode.label}抽取，没有固定数量"
    elif quota is None:
        message = f"执法监督科尚未录入 {task.lead_department} {year} 年第 {quarter} 季度的抽查数量"
    else:
        message = f"{year} 年第 {quarter} 季度应抽查 {quota} 家"
    return TaskQuotaOut(plan_no=plan_no, task_no=task_no, year=year, quarter=quarter, mode=mode, mode_label=mode.label,
                        lead_department=task.lead_department, quota=quota, message=message)


@router.get("/quotas", response_model=list[QuotaOut], summary="年度监督检查计划规定的各单位季度抽查数量",
            responses=problem_responses(401, 403, 422))
async def quotas(_: Reader, uow: Uow, year: Annotated[int, Query(ge=2020, le=2100)]) -> list[QuotaOut]:
    return [QuotaOut.of(q) for q in await plans.list_quotas(uow.read(), year)]


@router.put("/quotas/{year}/{quarter}/{department_code}", response_model=QuotaOut,
            summary="录入某单位某季度的抽查数量（执法监督科）", responses=problem_responses(401, 403, 422))
async def set_quota(year: Annotated[int, Path(ge=2020, le=2100)], quarter: Annotated[int, Path(ge=1, le=4)],
                    department_code: Annotated[str, Path(min_length=1, max_length=16)], body: QuotaIn,
                    principal: Approver, uow: Uow) -> QuotaOut:
    quota = await plans.set_quota(uow.write(), principal, QuarterQuota(year, quarter, department_code, body.count,
                                                                       body.note))
    return QuotaOut.of(quota)


@router.get("/compliance", response_model=ComplianceOut, summary="合规指标：数值、目标与是否达标",
            responses=problem_responses(401, 403, 422))
async def compliance(
    principal: Annotated[Principal, Depends(require(Permission.COMPLIANCE_READ))], uow: Uow, container: ContainerDep,
    year: Annotated[int, Query(ge=2020, le=2100)],
    quarter: Annotated[int | None, Query(ge=1, le=4, description="季度；不填为全年")] = None,
) -> ComplianceOut:
    indicators = await targets.report(uow.read(), principal, year, quarter, today=container.clock.today(),
                                      calendar=container.calendar)
    return ComplianceOut(year=year, quarter=quarter, indicators=[
        IndicatorOut(code=i.code, name=i.name, department_code=i.department_code, period=i.period, value=i.value,
                     target=i.target, met=i.met, state=i.state, status_label=targets.STATE_LABELS[i.state],
                     detail=i.detail)
        for i in indicators])
