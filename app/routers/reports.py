"""月报表 and 季度总结: figures computed from the records for any period, each with the records behind it."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import Field

from app.deps import REPORT_MEDIA_TYPES, ContainerDep, Uow, rate_limit, report_export, require
from app.domain.auth.model import Permission, Principal
from app.domain.onsite.inspection import unit_names
from app.domain.reports import monthly as service
from app.domain.reports import quarterly
from app.domain.reports.model import SECTIONS, QuarterlySummary, SummaryStatus
from app.domain.reports.monthly import MonthlyReport
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, In, Out

router = APIRouter(prefix="/api/v1/reports", tags=["报表 reports"])
Reader = Annotated[Principal, Depends(require(Permission.COMPLIANCE_READ))]
Writer = Annotated[Principal, Depends(require(Permission.SCHEDULE_WRITE))]
Exports = Annotated[None, Depends(rate_limit("export"))]


class FigureOut(Out):
    key: str
    label: str
    value: int
    records: list[str] = Field(description="数据所依据的记录（可逐条追溯）")


class BreakdownRowOut(Out):
    code: str
    label: str
    count: int


class BreakdownOut(Out):
    key: str
    label: str
    rows: list[BreakdownRowOut]


class MonthlyOut(Out):
    year: int
    month: int
    department_code: str | None = Field(description="单位；为空表示全局")
    department_name: str
    period_start: date
    period_end: date
    generated_at: datetime
    figures: list[FigureOut]
    breakdowns: list[BreakdownOut]

    @classmethod
    def of(cls, r: MonthlyReport) -> MonthlyOut:
        return cls(year=r.year, month=r.month, department_code=r.department_code, department_name=r.department_name,
                   period_start=r.period_start, period_end=r.period_end, generated_at=r.generated_at,
                   figures=[FigureOut(key=f.key, label=f.label, value=f.value, records=list(f.records))
                            for f in r.figures],
                   breakdowns=[BreakdownOut(key=b.key, label=b.label,
                                            rows=[BreakdownRowOut(code=c, label=label, count=n) for c, label, n in b.rows])
                               for b in r.breakdowns])


@router.get("/monthly", response_model=MonthlyOut, summary="月报表（按单位或全局；可追溯到每条记录；可导出 Excel、CSV、PDF）",
            responses={200: {"description": "JSON，或 format 指定的文件（附件下载）",
                             "content": {REPORT_MEDIA_TYPES["xlsx"]: {}, REPORT_MEDIA_TYPES["csv"]: {},
                                         REPORT_MEDIA_TYPES["pdf"]: {}}},
                       **problem_responses(401, 403, 404, 422, 429, 503)})
async def monthly(principal: Reader, _limited: Exports, uow: Uow, container: ContainerDep,
                  year: Annotated[int, Query(ge=2000, le=2100)], month: Annotated[int, Query(ge=1, le=12)],
                  department: Annotated[str | None, Query(max_length=16, description="单位；执法监督科不填为全局")] = None,
                  format: Annotated[Literal["json", "xlsx", "csv", "pdf"], Query(
                      description="json（默认）；xlsx（Excel）、csv（UTF-8 带 BOM，供对接脚本）、pdf 为附件下载")] = "json",
                  ) -> MonthlyOut | Response:
    report = await service.monthly(uow.read(), principal, container.calendar, year=year, month=month,
                                   department=department)
    if format == "json":
        return MonthlyOut.of(report)
    content, media_type, ext = await asyncio.to_thread(report_export, "monthly", format, report)
    name = quote(f"月报表-{year}-{month:02d}-{report.department_code or '全局'}.{ext}")
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Cache-Control": "private, no-store"})


class SummaryIn(In):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    department_code: str = Field(min_length=2, max_length=16)


class SummaryPatch(In):
    sections: dict[str, Annotated[str, Field(max_length=quarterly.MAX_SECTION)]] = Field(default_factory=dict, max_length=len(SECTIONS), description="要修改的部分：progress 工作进展、inspections 抽查情况、"
                                     "joint 联合检查、disclosure 信息公开、problems 存在问题、next_steps 下一步计划")
    refresh: bool = Field(False, description="先按记录重新计算数字")


class SummaryOut(Out):
    id: int
    year: int
    quarter: int
    department_code: str
    status: SummaryStatus
    status_label: str
    sections: list[dict[str, str]] = Field(description="六个部分（key、标题、内容），按规定顺序")
    figures: dict[str, Any] = Field(description="本季度数字（含所依据的记录）")
    created_by: str
    updated_at: datetime | None
    submitted_by: str | None
    submitted_at: datetime | None
    version: int

    @classmethod
    def of(cls, s: QuarterlySummary) -> SummaryOut:
        return cls(id=s.id or 0, year=s.year, quarter=s.quarter, department_code=s.department_code, status=s.status,
                   status_label=s.status.label,
                   sections=[{"key": k, "title": title, "text": s.sections.get(k, "")} for k, title in SECTIONS.items()],
                   figures=s.figures, created_by=s.created_by, updated_at=s.updated_at, submitted_by=s.submitted_by,
                   submitted_at=s.submitted_at, version=s.version)


SummaryId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/quarterly", response_model=SummaryOut, status_code=status.HTTP_201_CREATED,
             summary="起草季度总结（数字按记录自动填入）", responses=problem_responses(401, 403, 404, 409, 422))
async def draft_summary(body: SummaryIn, principal: Writer, uow: Uow, container: ContainerDep) -> SummaryOut:
    return SummaryOut.of(await quarterly.draft(uow.write(), principal, container.calendar, year=body.year,
                                               quarter=body.quarter, department=body.department_code))


@router.get("/quarterly/{summary_id}", response_model=SummaryOut, summary="季度总结",
            responses=problem_responses(401, 403, 404))
async def get_summary(summary_id: SummaryId, principal: Reader, uow: Uow) -> SummaryOut:
    return SummaryOut.of(await quarterly.get(uow.read(), principal, summary_id))


@router.patch("/quarterly/{summary_id}", response_model=SummaryOut, summary="修改季度总结（存在问题、下一步计划等）",
              responses=problem_responses(401, 403, 404, 409, 422))
async def edit_summary(summary_id: SummaryId, body: SummaryPatch, principal: Writer, uow: Uow,
                       container: ContainerDep) -> SummaryOut:
    return SummaryOut.of(await quarterly.edit(uow.write(), principal, container.calendar, summary_id, body.sections,
                                              refresh=body.refresh))


@router.post("/quarterly/{summary_id}/submit", response_model=SummaryOut, summary="报送执法监督科（报送后不能修改）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def submit_summary(summary_id: SummaryId, principal: Writer, uow: Uow) -> SummaryOut:
    return SummaryOut.of(await quarterly.submit(uow.write(), principal, summary_id))


@router.get("/quarterly/{summary_id}/export", summary="导出季度总结（Excel 或 PDF）",
            responses={200: {"description": "format 指定的文件（附件下载）",
                             "content": {REPORT_MEDIA_TYPES["xlsx"]: {}, REPORT_MEDIA_TYPES["pdf"]: {}}},
                       **problem_responses(401, 403, 404, 422, 429, 503)})
async def quarterly_export(summary_id: SummaryId, principal: Reader, _limited: Exports, uow: Uow,
                           format: Annotated[Literal["xlsx", "pdf"], Query(
                               description="xlsx（Excel）或 pdf")] = "xlsx") -> Response:
    summary = await quarterly.get(uow.read(), principal, summary_id)
    unit_name = (await unit_names(uow.read())).get(summary.department_code, summary.department_code)
    content, media_type, ext = await asyncio.to_thread(report_export, "quarterly", format, summary, unit_name)
    name = quote(f"季度总结-{summary.year}-Q{summary.quarter}-{summary.department_code}.{ext}")
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Cache-Control": "private, no-store"})
