"""检查对象名录库: the enterprise directory."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import AwareDatetime

from app.deps import ContainerDep, Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.auth.privacy import mask_phone, sees_personal_data
from app.domain.directories import enterprises as service
from app.domain.directories.filters import EnterpriseFilter
from app.domain.directories.importing import import_enterprises
from app.domain.directories.model import Enterprise, EnterpriseStatus
from app.domain.directories.reference import COUNTIES, INDUSTRIES
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_PAGE_LIMIT, PageOut, Reason
from app.routers.schemas.directories import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    EnterpriseVersionOut,
    ImportReportOut,
)
from app.routers.uploads import ImportUpload, report_out

router = APIRouter(prefix="/api/v1/enterprises", tags=["检查对象名录库 enterprises"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.ENTERPRISES_WRITE))]


def enterprise_out(e: Enterprise, principal: Principal) -> EnterpriseOut:
    personal = sees_personal_data(principal)
    return EnterpriseOut(
        uscc=e.uscc, name=e.name, county_code=e.county_code, county_name=COUNTIES.get(e.county_code),
        industry_code=e.industry_code, industry_name=INDUSTRIES.get(e.industry_code), status=e.status,
        status_label=e.status.label, address=e.address, longitude=e.longitude, latitude=e.latitude,
        credit_class=e.credit_class, safety_risk_level=e.safety_risk_level, tags=list(e.tags),
        legal_person=e.legal_person, contact_name=e.contact_name,
        contact_phone=e.contact_phone if personal else mask_phone(e.contact_phone), version=e.version,
        updated_at=e.updated_at,
    )


@router.get("", response_model=PageOut[EnterpriseOut], summary="检索企业（筛选 + 游标分页）",
            responses=problem_responses(401, 403, 422))
async def list_enterprises(
    principal: Reader,
    container: ContainerDep,
    industry: Annotated[list[str] | None, Query(max_length=20, description="行业代码，可多选；GM 含全部工贸子行业")] = None,
    county: Annotated[list[str] | None, Query(max_length=9, description="区县代码，可多选")] = None,
    credit_class: Annotated[list[Literal["A", "B", "C", "D", "U"]] | None,
                            Query(max_length=5, description="信用风险分类 A/B/C/D，U 为未分类")] = None,
    status_: Annotated[list[EnterpriseStatus] | None, Query(alias="status", max_length=4)] = None,
    tag: Annotated[str | None, Query(max_length=50, description="标签，如 重大危险源")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="企业名称包含")] = None,
    updated_since: Annotated[AwareDatetime | None, Query(description="只返回此时间之后变更的企业（须带时区，如 +08:00）")]
    = None,
    cursor: Annotated[str | None, Query(max_length=200, description="上一页返回的 next_cursor")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT, description="每页条数（默认 50，最多 500，超出为 422）")] = None,
    with_total: Annotated[bool, Query(description="是否计算总数（大数据量时较慢）")] = False,
) -> PageOut[EnterpriseOut]:
    limits = container.settings.limits
    f = EnterpriseFilter(industry=industry or [], county=county or [], credit_class=credit_class or [],
                         status=[s.value for s in status_ or []], tag=tag, q=q, updated_since=updated_since)
    page = await container.queries.enterprises(f, limit=page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size),
                                               cursor=cursor, with_total=with_total)
    return PageOut[EnterpriseOut](items=[enterprise_out(e, principal) for e in page.items],
                                  next_cursor=page.next_cursor, total=page.total)


@router.post("", response_model=EnterpriseOut, status_code=status.HTTP_201_CREATED, summary="新增企业",
             responses=problem_responses(401, 403, 409, 422))
async def create_enterprise(body: EnterpriseIn, principal: Writer, uow: Uow) -> EnterpriseOut:
    data = body.model_dump()
    enterprise = Enterprise(**{**data, "uscc": body.uscc.upper(), "tags": tuple(body.tags)})
    return enterprise_out(await service.create_enterprise(uow.write(), principal, enterprise), principal)


@router.post("/import", response_model=ImportReportOut, summary="批量导入企业（CSV / XLSX，按统一社会信用代码更新）",
             responses=problem_responses(401, 403, 413, 415, 422))
async def import_file(principal: Writer, uow: Uow, container: ContainerDep, upload: ImportUpload) -> ImportReportOut:
    report = await import_enterprises(uow.write(), principal, container.tables, upload.content, upload.filename,
                                      mode=upload.mode, dry_run=upload.dry_run, max_rows=upload.max_rows)
    return report_out(report)


@router.get("/{uscc}", response_model=EnterpriseOut, summary="企业详情", responses=problem_responses(401, 403, 404, 422))
async def get_enterprise(uscc: str, principal: Reader, uow: Uow) -> EnterpriseOut:
    return enterprise_out(await service.get_enterprise(uow.read(), uscc), principal)


@router.patch("/{uscc}", response_model=EnterpriseOut, summary="修改企业信息（动态调整，保留历史）",
              responses=problem_responses(401, 403, 404, 422))
async def update_enterprise(uscc: str, body: EnterprisePatch, principal: Writer, uow: Uow) -> EnterpriseOut:
    changes = body.model_dump(exclude_unset=True)
    if "tags" in changes:
        changes["tags"] = tuple(changes["tags"] or ())
    return enterprise_out(await service.update_enterprise(uow.write(), principal, uscc, changes), principal)


@router.delete("/{uscc}", status_code=status.HTTP_204_NO_CONTENT, summary="移出名录库（记录与历史保留）",
               responses=problem_responses(401, 403, 404, 422))
async def delete_enterprise(uscc: str, reason: Reason, principal: Writer, uow: Uow) -> None:
    await service.delete_enterprise(uow.write(), principal, uscc, reason)


@router.get("/{uscc}/history", response_model=list[EnterpriseVersionOut], summary="企业信息变更历史",
            responses=problem_responses(401, 403, 404))
async def enterprise_history(uscc: str, principal: Reader, uow: Uow) -> list[EnterpriseVersionOut]:
    versions = await service.enterprise_history(uow.read(), uscc)
    personal = sees_personal_data(principal)
    out = []
    for v in versions:
        snapshot = dict(v.snapshot)
        changes = dict(v.changes)
        if not personal:
            snapshot["contact_phone"] = mask_phone(snapshot.get("contact_phone"))  # type: ignore[arg-type]
            if "contact_phone" in changes:
                changes["contact_phone"] = [mask_phone(p) for p in changes["contact_phone"]]  # type: ignore[arg-type]
        out.append(EnterpriseVersionOut(version=v.version, action=v.action, changed_at=v.changed_at,
                                        changed_by=v.changed_by, changes=changes, snapshot=snapshot))
    return out
