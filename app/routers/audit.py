"""全程留痕: reading and verifying the audit trail (auditor only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.deps import ContainerDep, Uow, require
from app.domain.audit.service import verify_chain
from app.domain.auth.model import Permission, Principal
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.audit import AuditRecordOut, ChainReportOut
from app.routers.schemas.common import PageOut

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
    limit: Annotated[int | None, Query(ge=1)] = None,
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
