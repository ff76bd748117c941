"""执法人员名录库: the inspector directory and declared conflicts of interest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from app.deps import ContainerDep, Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.auth.privacy import mask_cert, mask_phone, sees_personal_data
from app.domain.directories import inspectors as service
from app.domain.directories.filters import InspectorFilter
from app.domain.directories.inspector_import import import_inspectors
from app.domain.directories.model import Conflict, Inspector, InspectorStatus
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, MAX_PAGE_LIMIT, PageOut, Reason
from app.routers.schemas.directories import (
    ConflictIn,
    ConflictOut,
    ExpiringCertificateOut,
    ImportReportOut,
    InspectorIn,
    InspectorOut,
    InspectorPatch,
)
from app.routers.uploads import ImportUpload, report_out

router = APIRouter(prefix="/api/v1/inspectors", tags=["执法人员名录库 inspectors"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.INSPECTORS_WRITE))]


def conflict_out(c: Conflict) -> ConflictOut:
    return ConflictOut(id=c.id or 0, uscc=c.uscc, reason=c.reason, from_date=c.from_date, to_date=c.to_date)


def inspector_out(i: Inspector, principal: Principal, container: ContainerDep) -> InspectorOut:
    personal = sees_personal_data(principal, i.department_code, person_id=i.person_id)
    return InspectorOut(
        person_id=i.person_id, name=i.name, department_code=i.department_code,
        cert_no=i.cert_no if personal else mask_cert(i.cert_no),
        cert_expiry=i.cert_expiry, cert_valid_today=i.certified_on(container.clock.today()), status=i.status,
        status_label=i.status.label, specialties=list(i.specialties), phone=i.phone if personal else mask_phone(i.phone),
        conflicts=[conflict_out(c) for c in i.conflicts], version=i.version,
    )


@router.get("", response_model=PageOut[InspectorOut], summary="检索执法人员（筛选 + 游标分页）",
            responses=problem_responses(401, 403, 422))
async def list_inspectors(
    principal: Reader,
    container: ContainerDep,
    department: Annotated[list[str] | None, Query(max_length=30, description="单位代码，可多选")] = None,
    status_: Annotated[list[InspectorStatus] | None, Query(alias="status", max_length=4)] = None,
    specialty: Annotated[str | None, Query(max_length=8, description="专业领域（行业代码）")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="姓名包含，或人员编号、执法证号")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT)] = None,
) -> PageOut[InspectorOut]:
    limits = container.settings.limits
    f = InspectorFilter(department=department or [], status=[s.value for s in status_ or []], specialty=specialty, q=q)
    page = await container.queries.inspectors(f, limit=page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size),
                                              cursor=cursor)
    return PageOut[InspectorOut](items=[inspector_out(i, principal, container) for i in page.items],
                                 next_cursor=page.next_cursor)


@router.get("/certificates/expiring", response_model=list[ExpiringCertificateOut],
            summary="执法证即将到期（含已过期）的人员", responses=problem_responses(401, 403, 422))
async def expiring_certificates(
    principal: Reader,
    container: ContainerDep,
    within_days: Annotated[int, Query(ge=0, le=3650, description="多少天内到期")] = 30,
    include_expired: Annotated[bool, Query(description="是否包含已过期的")] = True,
) -> list[ExpiringCertificateOut]:
    today = container.clock.today()
    found = await container.queries.expiring_certificates(today, within_days)
    return [
        ExpiringCertificateOut(person_id=i.person_id, name=i.name, department_code=i.department_code,
                               cert_no=i.cert_no if sees_personal_data(principal, i.department_code,
                                                                       person_id=i.person_id)
                               else mask_cert(i.cert_no), cert_expiry=i.cert_expiry,
                               days_left=service.certificate_days_left(i, today))
        for i in found if include_expired or i.cert_expiry >= today
    ]


@router.post("/import", response_model=ImportReportOut, summary="批量导入执法人员（CSV / XLSX，按人员编号更新）",
             responses=problem_responses(401, 403, 413, 415, 422))
async def import_file(principal: Writer, uow: Uow, container: ContainerDep, upload: ImportUpload) -> ImportReportOut:
    report = await import_inspectors(uow.write(), principal, container.tables, upload.content, upload.filename,
                                     mode=upload.mode, dry_run=upload.dry_run, max_rows=upload.max_rows)
    return report_out(report)


@router.post("", response_model=InspectorOut, status_code=status.HTTP_201_CREATED, summary="新增执法人员",
             responses=problem_responses(401, 403, 409, 422))
async def create_inspector(body: InspectorIn, principal: Writer, uow: Uow, container: ContainerDep) -> InspectorOut:
    inspector = Inspector(
        person_id=body.person_id, name=body.name, department_code=body.department_code, cert_no=body.cert_no,
        cert_expiry=body.cert_expiry, status=body.status, specialties=tuple(body.specialties), phone=body.phone,
        conflicts=[Conflict(None, c.uscc.upper(), c.reason, c.from_date, c.to_date) for c in body.conflicts],
    )
    return inspector_out(await service.create_inspector(uow.write(), principal, inspector), principal, container)


@router.get("/{person_id}", response_model=InspectorOut, summary="执法人员详情", responses=problem_responses(401, 403, 404))
async def get_inspector(person_id: str, principal: Reader, uow: Uow, container: ContainerDep) -> InspectorOut:
    return inspector_out(await service.get_inspector(uow.read(), person_id), principal, container)


@router.patch("/{person_id}", response_model=InspectorOut, summary="修改执法人员信息",
              responses=problem_responses(401, 403, 404, 409, 422))
async def update_inspector(person_id: str, body: InspectorPatch, principal: Writer, uow: Uow,
                           container: ContainerDep) -> InspectorOut:
    changes = body.model_dump(exclude_unset=True)
    if "specialties" in changes:
        changes["specialties"] = tuple(changes["specialties"] or ())
    inspector = await service.update_inspector(uow.write(), principal, person_id, changes)
    return inspector_out(inspector, principal, container)


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT, summary="移出执法人员名录库（记录保留）",
               responses=problem_responses(401, 403, 404, 422))
async def delete_inspector(person_id: str, reason: Reason, principal: Writer, uow: Uow) -> None:
    await service.delete_inspector(uow.write(), principal, person_id, reason)


@router.post("/{person_id}/conflicts", response_model=ConflictOut, status_code=status.HTTP_201_CREATED,
             summary="登记利害关系（回避）", responses=problem_responses(401, 403, 404, 422))
async def declare_conflict(person_id: str, body: ConflictIn, principal: Writer, uow: Uow) -> ConflictOut:
    conflict = Conflict(None, body.uscc.upper(), body.reason, body.from_date, body.to_date)
    return conflict_out(await service.declare_conflict(uow.write(), principal, person_id, conflict))


@router.delete("/{person_id}/conflicts/{conflict_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="撤销利害关系声明", responses=problem_responses(401, 403, 404))
async def withdraw_conflict(person_id: str, conflict_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Writer, uow: Uow) -> None:
    await service.withdraw_conflict(uow.write(), principal, person_id, conflict_id)
