"""Pages people open on a phone or a desk: what a scanned code shows (the enterprise's side of 扫码入企, with the
rating after the visit) and the public search of published results (一公开). Server-rendered, Chinese, no
scripts, no external resources (the service runs on an intranet)."""

from __future__ import annotations

from datetime import date, timedelta, timezone
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import Field

from app.deps import ContainerDep, PublicUow, rate_limit
from app.domain.errors import DomainError, InvalidInput
from app.domain.onsite import checkin, inspection, notice
from app.domain.onsite.model import InspectionResult, ResultType
from app.domain.paging import decode_int_cursor, encode_cursor
from app.routers.errors import problem_responses, status_of
from app.routers.schemas.common import Out

router = APIRouter(tags=["公开页面 public pages"])
api = APIRouter(prefix="/api/v1/public", tags=["公开 public"])
TEMPLATES = Environment(loader=FileSystemLoader(FilePath(__file__).parent.parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
CST = timezone(timedelta(hours=8))
PAGE_SIZE = 50
Code = Annotated[str, Path(min_length=10, max_length=1024, description="签名码文本")]
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; img-src 'self'"}


def render(template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    html = TEMPLATES.get_template(template).render(cst=CST, **context)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)


def error_page(error: DomainError) -> HTMLResponse:
    return render("message.html", status_of(error), title="无法识别", heading="此码无法通过核验",
                  message=error.message_zh, code=error.code)


@router.get("/q/{code}", response_class=HTMLResponse, summary="扫码页面：检查码显示检查任务、依据、检查人员和纪律告知；企业码显示其真伪",
            responses={200: {"content": {"text/html": {}}}, **problem_responses(404, 409, 422)})
async def scanned(code: Code, uow: PublicUow, container: ContainerDep, request: Request) -> HTMLResponse:
    try:
        page = await checkin.scanned(uow.read(), container.keys, code)
    except DomainError as error:
        return error_page(error)
    if isinstance(page, checkin.EnterpriseCodePage):
        return render("enterprise_code.html", title="企业码核验", page=page)
    return render("visit.html", title="随机抽查检查告知", page=page, rate_url=str(request.url_for("rate", code=code)),
                  notice_title=notice.TITLE, notice_points=notice.POINTS, notice_source=notice.SOURCE,
                  notice_complaint=notice.COMPLAINT)


@router.post("/q/{code}/rating", name="rate", response_class=HTMLResponse, summary="企业评价本次检查（匿名，一次）",
             responses={200: {"content": {"text/html": {}}}, **problem_responses(404, 409, 422)})
async def rate(code: Code, uow: PublicUow, container: ContainerDep,
               score: Annotated[int, Form(ge=1, le=5)], comment: Annotated[str, Form(max_length=500)] = "") -> HTMLResponse:
    try:
        await checkin.rate(uow.write(), container.keys, code, score, comment)
    except DomainError as error:
        return render("message.html", status_of(error), title="评价未提交", heading="评价未提交",
                      message=error.message_zh, code=error.code)
    return render("message.html", title="评价已提交", heading="感谢您的评价", message="您的评价已匿名记录，将用于改进执法检查工作。")


class PublicResultOut(Out):
    id: int
    enterprise_name: str
    uscc: str
    plan_no: str
    task_no: str
    check_date: date
    types: list[ResultType]
    type_labels: list[str]
    hazard_count: int
    major_hazard_count: int
    inspecting_unit: str = Field(description="检查机关（内设单位）")
    published_on: date | None

    @classmethod
    def of(cls, r: InspectionResult, units: dict[str, str]) -> PublicResultOut:
        return cls(id=r.id or 0, enterprise_name=r.enterprise_name, uscc=r.uscc, plan_no=r.plan_no, task_no=r.task_no,
                   check_date=r.check_date, types=list(r.types), type_labels=[t.label for t in r.types],
                   hazard_count=r.hazard_count, major_hazard_count=r.major_hazard_count,
                   inspecting_unit=units.get(r.department_code) or "秦皇岛市应急管理局",
                   published_on=r.published_at.astimezone(CST).date() if r.published_at else None)


class PublicResultsOut(Out):
    items: list[PublicResultOut]
    next_cursor: str | None = None


Limited = Annotated[None, Depends(rate_limit("public"))]
Search = Annotated[str | None, Query(max_length=100, description="企业名称关键词（至少 2 个字）")]
UsccQuery = Annotated[str | None, Query(max_length=18, pattern=r"^[0-9A-Z]{18}$")]


async def _search(uow: PublicUow, q: str | None, uscc: str | None, plan_no: str | None, task_no: str | None,
                  start: date | None, end: date | None, cursor: str | None) -> tuple[list[InspectionResult], str | None]:
    after = decode_int_cursor("public-result", cursor) if cursor else None
    found = await inspection.published(uow.read(), text=q or None, uscc=uscc or None, plan_no=plan_no or None,
                                       task_no=task_no or None, start=start, end=end, limit=PAGE_SIZE + 1,
                                       after_id=after)
    page = found[:PAGE_SIZE]
    return page, encode_cursor("public-result", page[-1].id or 0) if len(found) > PAGE_SIZE else None


@api.get("/results", response_model=PublicResultsOut, summary="已公示的抽查结果（按企业名称、信用代码、任务、期间查询）",
         responses=problem_responses(422, 429))
async def public_results(
    uow: PublicUow, _limited: Limited, q: Search = None, uscc: UsccQuery = None,
    plan_no: Annotated[str | None, Query(max_length=32)] = None,
    task_no: Annotated[str | None, Query(max_length=32)] = None,
    start: Annotated[date | None, Query(alias="from")] = None, end: Annotated[date | None, Query(alias="to")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PublicResultsOut:
    page, next_cursor = await _search(uow, q, uscc, plan_no, task_no, start, end, cursor)
    units = await inspection.unit_names(uow.read())
    return PublicResultsOut(items=[PublicResultOut.of(r, units) for r in page], next_cursor=next_cursor)


@router.get("/public/results", response_class=HTMLResponse, summary="抽查结果公示页面",
            responses={200: {"content": {"text/html": {}}}, **problem_responses(422, 429)})
async def results_page(
    uow: PublicUow, request: Request, _limited: Limited, q: Search = None, uscc: Annotated[str | None, Query(max_length=18)] = None,
    plan_no: Annotated[str | None, Query(max_length=32)] = None,
    task_no: Annotated[str | None, Query(max_length=32)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    query = {"q": q, "uscc": uscc, "plan_no": plan_no, "task_no": task_no, "start": start, "end": end}
    error, results, next_url = None, [], None
    try:
        dates = [_date(start, "from"), _date(end, "to")]
        if uscc and not (len(uscc) == 18 and uscc.isalnum()):
            raise InvalidInput("统一社会信用代码应为 18 位", "a USCC has 18 characters", code="public.uscc_invalid")
        results, next_cursor = await _search(uow, q, uscc, plan_no, task_no, dates[0], dates[1], cursor)
        if next_cursor:
            params = {k: v for k, v in {"q": q, "uscc": uscc, "plan_no": plan_no, "task_no": task_no, "from": start,
                                        "to": end, "cursor": next_cursor}.items() if v}
            next_url = f"{request.url.path}?{urlencode(params)}"
    except DomainError as failure:
        error = failure.message_zh
    units = await inspection.unit_names(uow.read())
    return render("results.html", 422 if error else 200, title="随机抽查结果公示", query=query, results=results,
                  next_url=next_url, error=error, unit_names=units)


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", "invalid date", code="public.date_invalid",
                           details={"field": field}) from None
