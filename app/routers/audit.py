"""全程留痕: reading and verifying the audit trail (auditor only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from app.deps import ContainerDep, Uow, require
from app.domain.audit import checkpoints
from app.domain.audit.model import ChainReport
from app.domain.audit.service import verify_chain
from app.domain.auth.model import Permission, Principal
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.audit import AuditRecordOut, ChainReportOut, audit_record_out
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
    return PageOut[AuditRecordOut](items=[audit_record_out(r) for r in page.items],
                                   next_cursor=page.next_cursor)


def chain_message(report: ChainReport) -> str:
    if report.ok:
        start = f"（自清理锚点后第 {report.first_seq} 条起）" if report.anchor_seq is not None else ""
        return f"审计链完整，共校验 {report.checked} 条记录{start}"
    if report.problem == "truncated":
        return (f"审计链在第 {report.broken_seq} 条记录处被截断：已签名的检查点记录到第 {report.checkpoint_seq} 条，"
                f"审计链现只到第 {report.head_seq} 条")
    if report.problem == "checkpoint":
        return f"第 {report.broken_seq} 条记录的哈希与已签名的检查点不符：审计链在此处或之前被改写"
    if report.problem == "anchor":
        return f"第 {report.broken_seq} 条记录处的清理锚点未经本系统签名或与检查点不符"
    return f"审计链在第 {report.broken_seq} 条记录处断裂（{report.problem}）"


@router.get("/verify", response_model=ChainReportOut,
            summary="校验审计哈希链（自清理锚点起，并与已签名检查点比对），报告第一条有问题的记录",
            responses=problem_responses(401, 403))
async def verify(principal: Auditor, uow: Uow, container: ContainerDep) -> ChainReportOut:
    report = await verify_chain(uow.read(), principal, container.keys)
    return ChainReportOut(ok=report.ok, checked=report.checked, head_hash=report.head_hash,
                          broken_seq=report.broken_seq, problem=report.problem, expected=report.expected,
                          found=report.found, first_seq=report.first_seq, head_seq=report.head_seq,
                          anchor_seq=report.anchor_seq, checkpoint_seq=report.checkpoint_seq,
                          message=chain_message(report))


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
