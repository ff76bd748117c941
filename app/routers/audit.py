"""全程留痕: reading and verifying the audit trail (auditor only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from app.deps import ContainerDep, Uow, require
from app.domain.audit import checkpoints
from app.domain.audit.service import verify_chain
from app.domain.auth.model import Permission, Principal
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.audit import AuditRecordOut, ChainReportOut
from app.routers.schemas.common import MAX_PAGE_LIMIT, Out, PageOut

router = APIRouter(prefix="/api/v1/audit", tags=["审计留痕 audit"])
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("/records", response_model=PageOut[AuditRecordOut], summary="审计记录（新→旧，游标分页）",
            responses=problem_responses(401, 403, 422))
async def list_records(
    _: Auditor,
    container: ContainerDep,
    object_type: Annotated[str | None, Query(max_length=32)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT)] = None,
) -> PageOut[AuditRecordOut]:
    limits = container.settings.limits
    page = await container.queries.audit_records(
        object_type=object_type, object_id=object_id, actor=actor, action=action,
        limit=page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size), cursor=cursor,
    )
    return PageOut[AuditRecordOut](items=[AuditRecordOut.model_validate(r) for r in page.items],
                                   next_cursor=page.next_cursor)


@router.get("/verify", response_model=ChainReportOut, summary="校验审计哈希链，报告第一处断裂",
            responses=problem_responses(401, 403))
async def verify(principal: Auditor, uow: Uow) -> ChainReportOut:
    report = await verify_chain(uow.read(), principal)
    message = (f"审计链完整，共校验 {report.checked} 条记录" if report.ok
               else f"审计链在第 {report.broken_seq} 条记录处断裂（{report.problem}）")
    return ChainReportOut(ok=report.ok, checked=report.checked, head_hash=report.head_hash,
                          broken_seq=report.broken_seq, problem=report.problem, expected=report.expected,
                          found=report.found, message=message)


class CheckpointOut(Out):
    format: str
    seq: int = Field(description="检查点时审计链的最后一条记录序号")
    head_hash: str
    at: datetime
    kid: str
    algorithm: str
    signature: str = Field(description="对检查点声明的签名（base64url）")


class CheckpointReportOut(Out):
    ok: bool
    seq: int
    problems: list[str]


@router.post("/checkpoints", response_model=CheckpointOut, status_code=status.HTTP_201_CREATED,
             summary="签发审计链检查点（链头序号与哈希，系统签名；每日自动签发并导出）", responses=problem_responses(401, 403))
async def checkpoint(principal: Auditor, uow: Uow, container: ContainerDep) -> CheckpointOut:
    made = await checkpoints.make_checkpoint(uow.write(), container.keys, principal.username)
    return CheckpointOut(**made.as_json())


@router.get("/checkpoints", response_model=list[CheckpointOut], summary="最近的审计链检查点",
            responses=problem_responses(401, 403))
async def list_checkpoints(principal: Auditor, uow: Uow) -> list[CheckpointOut]:
    return [CheckpointOut(**c.as_json()) for c in await checkpoints.latest(uow.read(), principal)]


@router.post("/checkpoints/verify", response_model=CheckpointReportOut,
             summary="以检查点核验审计链（可发现整体重算哈希的改写）", responses=problem_responses(401, 403, 422))
async def verify_checkpoint(body: dict[str, Any], principal: Auditor, uow: Uow,
                            container: ContainerDep) -> CheckpointReportOut:
    report = await checkpoints.verify_checkpoint(uow.read(), principal, container.keys, body)
    return CheckpointReportOut(ok=report.ok, seq=report.seq, problems=report.problems)
