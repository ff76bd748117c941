"""双随机抽取: a draw as a process (prepare → seed → execute → reveal), voiding, verification."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Path, Response, status

from app.deps import ContainerDep, Uow, require, require_any, schedule_rules
from app.domain.auth.model import Permission, Principal
from app.domain.draws import amendments, engine
from app.domain.draws import service as draws
from app.routers.errors import problem_responses
from app.routers.schemas.draws import (
    DifferenceOut,
    DrawOut,
    MemberChangeIn,
    PrepareIn,
    SeedIn,
    VerificationOut,
    VoidIn,
)
from app.settings import Environment

router = APIRouter(prefix="/api/v1", tags=["双随机抽取 draws"])
Runner = Annotated[Principal, Depends(require(Permission.DRAWS_RUN))]
Approver = Annotated[Principal, Depends(require(Permission.PLANS_APPROVE))]
#: Revealing: 执法监督科 before the window ends, the task's units after it.
Revealer = Annotated[Principal, Depends(require_any(Permission.PLANS_APPROVE, Permission.DRAWS_RUN))]
#: Draw records: the directory readers, and 审计/纪检.
DrawReader = Annotated[Principal, Depends(require_any(Permission.DIRECTORY_READ, Permission.DRAWS_READ))]
DrawId = Annotated[str, Path(min_length=3, max_length=96, description="抽取编号，如 2026001-001号-D1")]


@router.post("/plans/{plan_no}/tasks/{task_no}/draws", response_model=DrawOut, status_code=status.HTTP_201_CREATED,
             summary="准备抽取：冻结名录库与人员库，公布承诺值", responses=problem_responses(401, 403, 404, 409, 422))
async def prepare(plan_no: Annotated[str, Path(max_length=32)], task_no: Annotated[str, Path(max_length=32)],
                  body: PrepareIn, principal: Runner, uow: Uow, container: ContainerDep, response: Response) -> DrawOut:
    draw = await draws.prepare(uow.write(), principal, plan_no, task_no, today=container.clock.today(),
                               salt=engine.new_salt(), replaces=body.replaces, targets=body.targets,
                               lead_bundle=body.lead_bundle)
    response.headers["Location"] = f"/api/v1/draws/{quote(draw.draw_id)}"
    return DrawOut.of(draw)


@router.get("/draws/{draw_id}", response_model=DrawOut, summary="抽取记录（公开前仅任务参加单位可见抽中名单）",
            responses=problem_responses(401, 403, 404))
async def get_draw(draw_id: DrawId, principal: DrawReader, uow: Uow) -> DrawOut:
    seen = await draws.view(uow.read(), principal, draw_id)
    return DrawOut.of(seen.draw, seen.bundle, seen.teams, seen.frame_excluded, seen.roster_excluded)


@router.post("/draws/{draw_id}/seed", response_model=DrawOut, summary="录入公开摇号的随机种子与见证人",
             responses=problem_responses(401, 403, 404, 409, 422))
async def enter_seed(draw_id: DrawId, body: SeedIn, principal: Runner, uow: Uow, container: ContainerDep) -> DrawOut:
    allow_system = container.settings.environment is not Environment.PRODUCTION
    draw = await draws.enter_seed(uow.write(), principal, draw_id, seed=body.seed, kind=body.kind,
                                  witnesses=body.witnesses, now=container.clock.now(), allow_system=allow_system)
    return DrawOut.of(draw)


@router.post("/draws/{draw_id}/execute", response_model=DrawOut, summary="执行抽取：保存不可更改的抽取记录，公布结果哈希",
             responses=problem_responses(401, 403, 404, 409))
async def execute(draw_id: DrawId, principal: Runner, uow: Uow) -> DrawOut:
    await draws.execute(uow.write(), principal, draw_id)
    seen = await draws.view(uow.read(), principal, draw_id)
    return DrawOut.of(seen.draw, seen.bundle, seen.teams, seen.frame_excluded, seen.roster_excluded)


@router.post("/draws/{draw_id}/reveal", response_model=DrawOut, summary="公开盐值与完整抽取记录（检查时间结束后）",
             responses=problem_responses(401, 403, 404, 409))
async def reveal(draw_id: DrawId, principal: Revealer, uow: Uow, container: ContainerDep) -> DrawOut:
    draw = await draws.reveal(uow.write(), principal, draw_id, today=container.clock.today())
    return DrawOut.of(draw)


@router.post("/draws/{draw_id}/replacements", response_model=DrawOut,
             summary="更换检查组成员（生病、新申报回避等）：按签号顺序递补下一名，记录理由并公开",
             responses=problem_responses(401, 403, 404, 409, 422))
async def replace_member(draw_id: DrawId, body: MemberChangeIn, principal: Runner, uow: Uow,
                         container: ContainerDep) -> DrawOut:
    await amendments.replace_member(uow.write(), principal, draw_id, uscc=body.uscc, person_id=body.person_id,
                               schedule=schedule_rules(container),
                               reason=body.reason)
    seen = await draws.view(uow.read(), principal, draw_id)
    return DrawOut.of(seen.draw, seen.bundle, seen.teams, seen.frame_excluded, seen.roster_excluded)


@router.post("/draws/{draw_id}/assignments", response_model=DrawOut,
             summary="人工指派：补齐抽取未能配齐的检查组（须说明理由）", responses=problem_responses(401, 403, 404, 409, 422))
async def assign_member(draw_id: DrawId, body: MemberChangeIn, principal: Runner, uow: Uow,
                         container: ContainerDep) -> DrawOut:
    await amendments.assign_member(uow.write(), principal, draw_id, uscc=body.uscc, person_id=body.person_id,
                               schedule=schedule_rules(container),
                              reason=body.reason)
    seen = await draws.view(uow.read(), principal, draw_id)
    return DrawOut.of(seen.draw, seen.bundle, seen.teams, seen.frame_excluded, seen.roster_excluded)


@router.post("/draws/{draw_id}/void-request", response_model=DrawOut, summary="申请作废抽取（说明理由，公开）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def request_void(draw_id: DrawId, body: VoidIn, principal: Runner, uow: Uow) -> DrawOut:
    return DrawOut.of(await amendments.request_void(uow.write(), principal, draw_id, body.reason))


@router.post("/draws/{draw_id}/void-approve", response_model=DrawOut, summary="批准作废（执法监督科，不得审批本人申请）",
             responses=problem_responses(401, 403, 404, 409))
async def approve_void(draw_id: DrawId, principal: Approver, uow: Uow) -> DrawOut:
    return DrawOut.of(await amendments.approve_void(uow.write(), principal, draw_id))


@router.post("/draws/verify", response_model=VerificationOut, summary="核验任一抽取记录（按 CN-INSPECT/v1 重算并逐项比对）",
             responses=problem_responses(422))
async def verify(bundle: Annotated[dict[str, Any], Body(description="完整抽取记录（公开后的 bundle）")]) -> VerificationOut:
    differences = engine.verify(bundle)
    out = [DifferenceOut(member=d.member, code=d.code, message=d.message_zh, path=d.path, expected=d.expected,
                         found=d.found) for d in differences]
    message = "核验通过：按 CN-INSPECT/v1 重算的结果与抽取记录逐字节一致" if not out else f"核验未通过：发现 {len(out)} 处不一致"
    return VerificationOut(ok=not out, differences=out, message=message)

