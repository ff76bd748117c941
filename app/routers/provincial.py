"""冀上双随机: directory sync runs, the quarantine of bad platform records, and the push outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.deps import ContainerDep, Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.auth.privacy import sees_personal_data
from app.domain.outbox import service as outbox
from app.domain.outbox.model import MessageStatus
from app.domain.paging import page_size
from app.domain.provincial.model import DirectoryKind
from app.domain.sync import service as sync
from app.domain.sync.model import SyncTrigger
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, MAX_PAGE_LIMIT
from app.routers.schemas.provincial import (
    OutboxMessageOut,
    OutboxPageOut,
    QuarantinedOut,
    SyncRunIn,
    SyncRunOut,
    WatermarkOut,
)

router = APIRouter(prefix="/api/v1", tags=["省级平台 provincial platform"])
Reader = Annotated[Principal, Depends(require(Permission.PROVINCIAL_READ))]
Operator = Annotated[Principal, Depends(require(Permission.PROVINCIAL_OPERATE))]
Limit = Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT, description="每页条数")]


def _limit(container: ContainerDep, limit: int | None) -> int:
    limits = container.settings.limits
    return page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size)


@router.post("/sync/runs", response_model=SyncRunOut, status_code=status.HTTP_202_ACCEPTED,
             summary="发起目录同步（后台执行，返回同步任务）", responses=problem_responses(401, 403, 409, 422))
async def start_sync(body: SyncRunIn, principal: Operator, uow: Uow, container: ContainerDep,
                     response: Response) -> SyncRunOut:
    run = await sync.request_run(uow.write(), principal, body.kinds, body.mode, SyncTrigger.API)
    container.jobs.execute(run)
    response.headers["Location"] = f"/api/v1/sync/runs/{run.id}"
    return SyncRunOut.of(run)


@router.get("/sync/runs", response_model=list[SyncRunOut], summary="同步任务（新→旧）",
            responses=problem_responses(401, 403, 422))
async def list_sync_runs(principal: Reader, uow: Uow, container: ContainerDep, limit: Limit = None,
                         before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="只列出 id 小于此值的任务")] = None,
                         ) -> list[SyncRunOut]:
    runs = await sync.list_runs(uow.read(), principal, limit=_limit(container, limit), before_id=before)
    return [SyncRunOut.of(r) for r in runs]


@router.get("/sync/runs/{run_id}", response_model=SyncRunOut, summary="同步任务的状态与计数",
            responses=problem_responses(401, 403, 404))
async def get_sync_run(run_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Reader, uow: Uow) -> SyncRunOut:
    return SyncRunOut.of(await sync.read_run(uow.read(), principal, run_id))


@router.get("/sync/watermarks", response_model=list[WatermarkOut], summary="各目录的同步水位线",
            responses=problem_responses(401, 403))
async def watermarks(principal: Reader, uow: Uow) -> list[WatermarkOut]:
    return [WatermarkOut.of(w) for w in await sync.list_watermarks(uow.read(), principal)]


@router.get("/sync/quarantine", response_model=list[QuarantinedOut], summary="被隔离的省平台记录及原因",
            responses=problem_responses(401, 403, 422))
async def quarantine(
    principal: Reader, uow: Uow, container: ContainerDep,
    kind: Annotated[DirectoryKind | None, Query(description="目录")] = None,
    resolved: Annotated[bool | None, Query(description="true 已解除；false 仍在隔离；不填为全部")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="从此 id 之后开始")] = None,
    limit: Limit = None,
) -> list[QuarantinedOut]:
    records = await sync.list_quarantine(uow.read(), principal, kind=kind, resolved=resolved,
                                         limit=_limit(container, limit), after_id=after)
    personal = sees_personal_data(principal)
    return [QuarantinedOut.of(q, personal) for q in records]


@router.get("/outbox", response_model=OutboxPageOut, summary="推送消息（任务登记、抽取结果、检查结果），含死信",
            responses=problem_responses(401, 403, 422))
async def list_outbox(
    principal: Reader, uow: Uow, container: ContainerDep,
    status_: Annotated[MessageStatus | None, Query(alias="status", description="pending、delivered 或 dead（死信）")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="从此 id 之后开始")] = None,
    limit: Limit = None,
) -> OutboxPageOut:
    size = _limit(container, limit)
    messages, counts = await outbox.list_messages(uow.read(), principal, status=status_, limit=size, after_id=after)
    next_after = messages[-1].id if len(messages) == size else None
    return OutboxPageOut(items=[OutboxMessageOut.of(m) for m in messages], counts=counts, next_after=next_after)


@router.get("/outbox/{message_id}", response_model=OutboxMessageOut, summary="一条推送消息的内容与投递情况",
            responses=problem_responses(401, 403, 404))
async def get_outbox_message(message_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Reader, uow: Uow) -> OutboxMessageOut:
    return OutboxMessageOut.of(await outbox.get_message(uow.read(), principal, message_id))


@router.post("/outbox/{message_id}/retry", response_model=OutboxMessageOut, summary="重发死信（使用新的 requestId）",
             responses=problem_responses(401, 403, 404, 409))
async def retry_outbox_message(message_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Operator, uow: Uow) -> OutboxMessageOut:
    return OutboxMessageOut.of(await outbox.retry_dead_letter(uow.write(), principal, message_id))
