"""扫码入企 and what follows on site: codes, check-in and check-out, findings with photos, results with review and
publication. Built for a mobile client: small bodies, precise errors, idempotent writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Header, Path, Query, Response, UploadFile, status
from pydantic import Field

from app.deps import ContainerDep, Uow, qr_image, rate_limit, require, require_any
from app.domain.auth.model import Permission, Principal
from app.domain.auth.privacy import sees_locations
from app.domain.onsite import checkin, inspection
from app.domain.onsite.model import (
    CheckIn,
    Finding,
    FindingOutcome,
    HazardLevel,
    InspectionResult,
    Photo,
    ResultStatus,
    ResultType,
)
from app.domain.paging import decode_int_cursor, encode_cursor, page_size
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, MAX_PAGE_LIMIT, In, Out, PageOut

router = APIRouter(prefix="/api/v1", tags=["现场检查 on site"])
#: Who works on a visit (the team: results:enter) and who reads it (its units' schedulers, or its team).
TeamMember = Annotated[Principal, Depends(require(Permission.RESULTS_ENTER))]
VisitReader = Annotated[Principal, Depends(require_any(Permission.SCHEDULE_READ, Permission.RESULTS_ENTER))]
CodeKeeper = Annotated[Principal, Depends(require(Permission.ENTERPRISES_WRITE))]
LocationReader = Annotated[Principal, Depends(require(Permission.CHECKIN_LOCATION_READ))]


def code_response(url: str, fmt: str, title: str, *, cache: str = "private, max-age=300") -> Response:
    content, media_type = qr_image(url, fmt, title)
    return Response(content, media_type=media_type, headers={"Cache-Control": cache})


VisitId = Annotated[int, Path(ge=1, le=MAX_ID, description="检查安排编号")]
Uscc = Annotated[str, Path(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]
Format = Annotated[Literal["json", "png", "svg"], Query(description="json：码文本；png / svg：二维码图片")]
Reviewer = Annotated[Principal, Depends(require(Permission.RESULTS_REVIEW))]
KeyAdmin = Annotated[Principal, Depends(require(Permission.KEYS_MANAGE))]


class CodeOut(Out):
    code: str = Field(description="签名码文本（QHD1.…）")
    url: str = Field(description="二维码内容：扫码打开的地址")
    expires_at: datetime | None = Field(None, description="有效期至（检查码）")
    generation: int | None = Field(None, description="企业码的代次（更换后旧码作废）")


class RotateIn(In):
    reason: str = Field(min_length=2, max_length=500, description="更换原因（如旧码遗失、被翻拍）")


class GenerationOut(Out):
    uscc: str
    generation: int


class SigningKeyOut(Out):
    kid: str
    algorithm: str
    created_at: datetime | None


@router.get("/enterprises/{uscc}/code", summary="企业码（张贴在企业门口，扫码入企）", response_model=CodeOut,
            responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}, **problem_responses(401, 403, 404)})
async def enterprise_code(uscc: Uscc, principal: CodeKeeper, uow: Uow, container: ContainerDep,
                          format: Format = "json") -> Response | CodeOut:
    text, generation = await checkin.enterprise_code(uow.write(), principal, container.keys, uscc)
    url = f"{container.settings.onsite.public_base_url.rstrip('/')}/q/{text}"
    if format != "json":
        return code_response(url, format, f"{uscc} 企业码（第 {generation} 代）")
    return CodeOut(code=text, url=url, generation=generation)


@router.post("/enterprises/{uscc}/code/rotate", response_model=GenerationOut, summary="更换企业码（此前打印的码全部作废）",
             responses=problem_responses(401, 403, 404, 422))
async def rotate_enterprise_code(uscc: Uscc, body: RotateIn, principal: CodeKeeper, uow: Uow) -> GenerationOut:
    generation = await checkin.rotate_enterprise_code(uow.write(), principal, uscc, body.reason)
    return GenerationOut(uscc=uscc, generation=generation)


@router.post("/signing-keys/rotate", response_model=SigningKeyOut, summary="轮换二维码签名密钥（旧密钥仍可验证已签发的码）",
             responses=problem_responses(401, 403))
async def rotate_key(principal: KeyAdmin, uow: Uow, container: ContainerDep) -> SigningKeyOut:
    key = await checkin.rotate_signing_key(uow.write(), principal, container.keys)
    return SigningKeyOut(kid=key.kid, algorithm=key.algorithm, created_at=key.created_at)


@router.get("/visits/{visit_id}/code", summary="检查码（检查人员手机出示，企业扫码核验；短时有效）", response_model=CodeOut,
            responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}, **problem_responses(401, 403, 404, 409)})
async def visit_code(visit_id: VisitId, principal: TeamMember, uow: Uow, container: ContainerDep,
                     response: Response, format: Format = "json") -> Response | CodeOut:
    text, expires = await checkin.visit_code(uow.write(), principal, container.keys, visit_id,
                                             lifetime_seconds=container.settings.onsite.visit_code_seconds)
    url = f"{container.settings.onsite.public_base_url.rstrip('/')}/q/{text}"
    if format != "json":
        return code_response(url, format, f"检查码（{visit_id}）", cache="no-store")
    response.headers["Cache-Control"] = "no-store"
    return CodeOut(code=text, url=url, expires_at=expires)


class PositionIn(In):
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    crs: Literal["wgs84", "gcj02"] = Field("wgs84", description="设备坐标系：GPS 为 wgs84，国内地图 SDK 多为 gcj02")


class CheckInIn(In):
    code: str = Field(min_length=10, max_length=4096, description="扫得的企业码或检查码（码文本或其网址）")
    position: PositionIn | None = Field(None, description="设备定位；企业登记了位置时必填（补录除外）")
    occurred_at: datetime | None = Field(None, description="现场签到时间；早于今天即为补录（10 日内，须说明原因）")
    late_reason: str | None = Field(None, min_length=2, max_length=500, description="补录原因，如现场无网络")
    off_schedule_reason: str | None = Field(None, min_length=2, max_length=500,
                                            description="不在排定检查日签到的原因")


class CheckInOut(Out):
    id: int
    visit_id: int
    person_id: str
    method: str
    code_kid: str
    code_alg: str
    occurred_at: datetime
    recorded_at: datetime | None
    distance_m: float | None = Field(description="设备与企业登记位置的距离（米；仅执法监督科可见）")
    longitude: float | None = Field(None, description="签到设备位置经度（WGS-84；仅执法监督科可见）")
    latitude: float | None = Field(None, description="签到设备位置纬度（WGS-84；仅执法监督科可见）")
    position_verified: bool = Field(description="已核对设备位置（企业登记了位置）")
    late: bool = Field(description="补录（在各报表中标注）")
    late_reason: str | None
    off_schedule_reason: str | None
    checked_out_at: datetime | None

    @classmethod
    def of(cls, c: CheckIn, principal: Principal, verified: bool | None = None) -> CheckInOut:
        """The device position and distance only for 执法监督科 (个人信息: where a person was)."""
        located = sees_locations(principal)
        return cls(id=c.id or 0, visit_id=c.visit_id, person_id=c.person_id, method=c.method.value,
                   code_kid=c.code_kid, code_alg=c.code_alg, occurred_at=c.occurred_at, recorded_at=c.recorded_at,
                   distance_m=round(c.distance_m, 1) if c.distance_m is not None and located else None,
                   longitude=c.longitude if located else None, latitude=c.latitude if located else None,
                   position_verified=c.distance_m is not None if verified is None else verified, late=c.late,
                   late_reason=c.late_reason, off_schedule_reason=c.off_schedule_reason,
                   checked_out_at=c.checked_out_at)


@router.post("/visits/{visit_id}/check-in", response_model=CheckInOut, status_code=status.HTTP_201_CREATED,
             summary="扫码签到（核验签名码、检查组成员与执法证、时间窗、设备位置；幂等）",
             responses={200: {"description": "同一幂等键的重复请求：返回首次签到", "model": CheckInOut},
                        **problem_responses(401, 403, 404, 409, 422, 429)})
async def check_in(visit_id: VisitId, body: CheckInIn, principal: TeamMember,
                   _limited: Annotated[None, Depends(rate_limit("checkin"))], uow: Uow, container: ContainerDep,
                   response: Response,
                   idempotency_key: Annotated[str, Header(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                                                          description="客户端生成的幂等键（如 UUID）；重试时不变")],
                   ) -> CheckInOut:
    request = checkin.CheckInRequest(
        code=body.code, idempotency_key=idempotency_key,
        longitude=body.position.longitude if body.position else None,
        latitude=body.position.latitude if body.position else None,
        crs=body.position.crs if body.position else "wgs84", occurred_at=body.occurred_at,
        late_reason=body.late_reason, off_schedule_reason=body.off_schedule_reason)
    outcome = await checkin.check_in(uow.write(), principal, container.keys, visit_id, request,
                                     tolerance_m=container.settings.onsite.position_tolerance_m)
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return CheckInOut.of(outcome.check_in, principal, outcome.position_verified)


@router.post("/visits/{visit_id}/check-out", response_model=CheckInOut, summary="签退（现场检查结束）",
             responses=problem_responses(401, 403, 404, 409))
async def check_out(visit_id: VisitId, principal: TeamMember, uow: Uow) -> CheckInOut:
    return CheckInOut.of(await checkin.check_out(uow.write(), principal, visit_id), principal)


@router.get("/visits/{visit_id}/check-in", response_model=CheckInOut, summary="签到记录与设备位置（仅执法监督科）",
            responses=problem_responses(401, 403, 404))
async def get_check_in(visit_id: VisitId, principal: LocationReader, uow: Uow) -> CheckInOut:
    return CheckInOut.of(await checkin.visit_check_in(uow.read(), principal, visit_id), principal)


class PhotoOut(Out):
    id: int
    sha256: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime | None

    @classmethod
    def of(cls, p: Photo) -> PhotoOut:
        return cls(id=p.id or 0, sha256=p.sha256, content_type=p.content_type, size=p.size, uploaded_by=p.uploaded_by,
                   uploaded_at=p.uploaded_at)


class HazardIn(In):
    level: HazardLevel
    description: str = Field(min_length=2, max_length=2000)
    location: str = Field(min_length=1, max_length=200, description="隐患部位")
    legal_basis: str = Field(min_length=2, max_length=2000, description="依据")
    photo_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list, max_length=20)


class FindingIn(In):
    outcome: FindingOutcome
    note: str = Field("", max_length=4000)
    hazards: list[HazardIn] = Field(default_factory=list, max_length=50)


class HazardOut(Out):
    level: HazardLevel
    level_label: str
    description: str
    location: str
    legal_basis: str
    photos: list[PhotoOut]


class FindingOut(Out):
    item_code: str
    outcome: FindingOutcome
    outcome_label: str
    note: str
    off_site: bool = Field(description="书面检查、网络监测等非现场事项（无需签到）")
    recorded_by: str
    recorded_at: datetime | None
    version: int
    hazards: list[HazardOut]

    @classmethod
    def of(cls, f: Finding) -> FindingOut:
        return cls(item_code=f.item_code, outcome=f.outcome, outcome_label=f.outcome.label, note=f.note,
                   off_site=f.off_site, recorded_by=f.recorded_by, recorded_at=f.recorded_at, version=f.version,
                   hazards=[HazardOut(level=h.level, level_label=h.level.label, description=h.description,
                                      location=h.location, legal_basis=h.legal_basis,
                                      photos=[PhotoOut.of(p) for p in h.photos]) for h in f.hazards])


@router.put("/visits/{visit_id}/findings/{item_code}", response_model=FindingOut,
            summary="录入一项抽查事项的检查情况（符合 / 不符合 / 不适用，隐患及照片）",
            responses=problem_responses(401, 403, 404, 409, 422))
async def record_finding(visit_id: VisitId, item_code: Annotated[str, Path(max_length=32)], body: FindingIn,
                         principal: TeamMember, uow: Uow) -> FindingOut:
    finding = await inspection.record_finding(
        uow.write(), principal, visit_id, item_code, outcome=body.outcome, note=body.note,
        hazards=[inspection.HazardInput(h.level, h.description, h.location, h.legal_basis, tuple(h.photo_ids))
                 for h in body.hazards])
    return FindingOut.of(finding)


@router.get("/visits/{visit_id}/findings", response_model=list[FindingOut], summary="本次检查的检查情况",
            responses=problem_responses(401, 403, 404))
async def list_findings(visit_id: VisitId, principal: VisitReader, uow: Uow) -> list[FindingOut]:
    _visit, found = await inspection.findings(uow.read(), principal, visit_id)
    return [FindingOut.of(f) for f in found]


@router.post("/visits/{visit_id}/photos", response_model=PhotoOut, status_code=status.HTTP_201_CREATED,
             summary="上传证据照片（JPEG/PNG/WebP/HEIC，按内容核验类型与大小）",
             responses=problem_responses(401, 403, 404, 413, 422))
async def upload_photo(visit_id: VisitId, principal: TeamMember, uow: Uow, container: ContainerDep,
                       file: Annotated[UploadFile, File(description="照片")]) -> PhotoOut:
    limit = container.settings.onsite.max_photo_bytes
    content = await file.read(limit + 1)
    photo = await inspection.upload_photo(uow.write(), principal, container.files, visit_id, content,
                                          file.content_type, max_bytes=limit)
    return PhotoOut.of(photo)


@router.get("/photos/{photo_id}", summary="查看证据照片（仅检查组和负责单位）",
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, **problem_responses(401, 403, 404)})
async def photo(photo_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: VisitReader, uow: Uow,
                container: ContainerDep) -> Response:
    meta, content = await inspection.photo_bytes(uow.read(), principal, container.files, photo_id)
    return Response(content, media_type=meta.content_type,
                    headers={"Cache-Control": "private, max-age=3600", "ETag": f'"{meta.sha256}"',
                             "X-Content-Type-Options": "nosniff"})


class ResultIn(In):
    draw_id: str = Field(min_length=3, max_length=96, description="本次检查对应的抽取（合并检查时每个任务一份结果）")
    types: list[ResultType] = Field(min_length=1, max_length=8, description="检查结果（可多选）")
    summary: str = Field("", max_length=4000, description="检查情况说明")


class ResultOut(Out):
    id: int
    visit_id: int
    draw_id: str
    plan_no: str
    task_no: str
    uscc: str
    enterprise_name: str
    department_code: str
    types: list[ResultType]
    type_labels: list[str]
    summary: str
    status: ResultStatus
    status_label: str
    check_date: date
    late_registration: bool = Field(description="现场签到为补录")
    hazard_count: int
    major_hazard_count: int
    entered_by: str
    entered_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    return_reason: str | None
    published_by: str | None
    published_at: datetime | None
    version: int
    handling: str | None = Field(None, description="处理方式：order_correction 责令改正、case_filing 立案查处、transfer 移送")

    @classmethod
    def of(cls, r: InspectionResult) -> ResultOut:
        return cls(id=r.id or 0, visit_id=r.visit_id, draw_id=r.draw_id, plan_no=r.plan_no, task_no=r.task_no,
                   uscc=r.uscc, enterprise_name=r.enterprise_name, department_code=r.department_code,
                   types=list(r.types), type_labels=[t.label for t in r.types], summary=r.summary, status=r.status,
                   status_label=r.status.label, check_date=r.check_date, late_registration=r.late_registration,
                   hazard_count=r.hazard_count, major_hazard_count=r.major_hazard_count, entered_by=r.entered_by,
                   entered_at=r.entered_at, reviewed_by=r.reviewed_by, reviewed_at=r.reviewed_at,
                   return_reason=r.return_reason, published_by=r.published_by, published_at=r.published_at,
                   version=r.version, handling=r.handling)


class ReviewIn(In):
    approve: bool
    reason: str | None = Field(None, min_length=2, max_length=2000, description="退回原因（不通过时必填）")


@router.post("/visits/{visit_id}/results", response_model=ResultOut, status_code=status.HTTP_201_CREATED,
             summary="录入检查结果（检查组：谁检查、谁录入）", responses=problem_responses(401, 403, 404, 409, 422))
async def enter_result(visit_id: VisitId, body: ResultIn, principal: TeamMember, uow: Uow) -> ResultOut:
    result = await inspection.enter_result(uow.write(), principal, visit_id, body.draw_id, types=body.types,
                                           summary=body.summary)
    return ResultOut.of(result)


@router.get("/visits/{visit_id}/results", response_model=list[ResultOut], summary="本次检查的检查结果",
            responses=problem_responses(401, 403, 404))
async def visit_results(visit_id: VisitId, principal: VisitReader, uow: Uow) -> list[ResultOut]:
    return [ResultOut.of(r) for r in await inspection.visit_results(uow.read(), principal, visit_id)]


@router.get("/results", response_model=PageOut[ResultOut], summary="检查结果（本单位；待审核、待公示等）",
            responses=problem_responses(401, 403, 422))
async def list_results(
    principal: Reviewer, uow: Uow, container: ContainerDep,
    department: Annotated[str | None, Query(max_length=16)] = None,
    result_status: Annotated[ResultStatus | None, Query(alias="status")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PageOut[ResultOut]:
    limits = container.settings.limits
    size = page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size)
    found = await inspection.list_results(uow.read(), principal, department=department, status=result_status,
                                          limit=size + 1,
                                          after_id=decode_int_cursor("result", cursor) if cursor else None)
    page = found[:size]
    return PageOut[ResultOut](items=[ResultOut.of(r) for r in page],
                              next_cursor=encode_cursor("result", page[-1].id or 0) if len(found) > size else None)


@router.post("/results/{result_id}/review", response_model=ResultOut, summary="审核检查结果（通过或退回；不能审核本人录入的结果）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def review(result_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: ReviewIn, principal: Reviewer, uow: Uow) -> ResultOut:
    return ResultOut.of(await inspection.review(uow.write(), principal, result_id, approve=body.approve,
                                                reason=body.reason))


@router.post("/results/{result_id}/publish", response_model=ResultOut,
             summary="公示检查结果（须已审核；推送省级平台）", responses=problem_responses(401, 403, 404, 409))
async def publish(result_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Reviewer, uow: Uow) -> ResultOut:
    return ResultOut.of(await inspection.publish(uow.write(), principal, result_id))
