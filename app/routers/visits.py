"""排期: visits of drawn enterprises on working days; moving and cancelling them with a recorded reason; the
inspector's own day on the phone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import Field

from app.deps import ContainerDep, Uow, require, require_any
from app.domain.auth.model import Permission, Principal
from app.domain.directories.reference import COUNTIES
from app.domain.paging import decode_int_cursor, encode_cursor, page_size
from app.domain.scheduling import service
from app.domain.scheduling.model import Visit, VisitChange, VisitStatus
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, MAX_PAGE_LIMIT, In, Out, PageOut

router = APIRouter(prefix="/api/v1", tags=["排期 schedule"])
#: A visit is read by its units' schedulers and its team; the phone's day by inspectors.
VisitReader = Annotated[Principal, Depends(require_any(Permission.SCHEDULE_READ, Permission.RESULTS_ENTER))]
TeamMember = Annotated[Principal, Depends(require(Permission.RESULTS_ENTER))]
Reader = Annotated[Principal, Depends(require(Permission.SCHEDULE_READ))]
Writer = Annotated[Principal, Depends(require(Permission.SCHEDULE_WRITE))]
VisitId = Annotated[int, Path(ge=1, le=MAX_ID, description="检查安排编号")]
DrawId = Annotated[str, Path(min_length=3, max_length=96, description="抽取编号")]


class SourceOut(Out):
    draw_id: str
    plan_no: str
    task_no: str
    lead_department: str
    merged_only: bool = Field(description="该任务的检查事项并入本次检查（企业已被时间重叠的任务抽中）")


class VisitOut(Out):
    id: int
    uscc: str
    enterprise_name: str
    county_code: str
    county_name: str
    day: date | None = Field(description="检查日（工作日）；待重新排期时为空")
    window_start: date
    window_end: date
    status: VisitStatus
    status_label: str
    leader: str | None = Field(description="组长（人员编号）")
    team: list[str] = Field(description="检查组成员（人员编号），组长在前；合并检查含各任务的检查组")
    items: list[str] = Field(description="本次检查的抽查事项（各任务、各单位合并后）")
    sources: list[SourceOut]
    department_code: str = Field(description="负责单位（谁检查、谁录入、谁公开）")
    unannounced: bool = Field(description="不预先告知：检查前不向企业和社会公开")
    off_site: bool = Field(description="非现场监管：全部事项以书面检查、网络监测完成，无需入企")
    route_order: int = Field(description="组长当天行程中的顺序（0 起）")
    version: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, v: Visit) -> VisitOut:
        return cls(id=v.id or 0, uscc=v.uscc, enterprise_name=v.enterprise_name, county_code=v.county_code,
                   county_name=COUNTIES.get(v.county_code, v.county_code), day=v.day, window_start=v.window_start,
                   window_end=v.window_end, status=v.status, status_label=v.status.label, leader=v.leader,
                   team=list(v.team), items=list(v.items),
                   sources=[SourceOut.model_validate(s) for s in v.sources], department_code=v.department_code,
                   unannounced=v.unannounced, off_site=v.off_site, route_order=v.route_order, version=v.version,
                   created_at=v.created_at, updated_at=v.updated_at)


class ChangeOut(Out):
    kind: str
    kind_label: str
    from_day: date | None
    to_day: date | None
    reason: str
    changed_by: str
    changed_at: datetime | None

    @classmethod
    def of(cls, c: VisitChange) -> ChangeOut:
        return cls(kind=c.kind.value, kind_label=c.kind.label, from_day=c.from_day, to_day=c.to_day, reason=c.reason,
                   changed_by=c.changed_by, changed_at=c.changed_at)


class VisitDetailOut(VisitOut):
    changes: list[ChangeOut] = Field(description="排期变更记录（全程留痕）")


class ScheduleIn(In):
    unannounced: bool = Field(True, description="不预先告知（默认）；如需发放随机抽查通知书则为 false")
    capacity: int | None = Field(None, ge=1, le=20, description="每名检查人员每日最多检查企业数（默认取系统设置）")


class UnplacedOut(Out):
    uscc: str
    enterprise_name: str
    reason: str
    message_zh: str
    message_en: str
    detail: str


class ScheduleOut(Out):
    draw_id: str
    window_start: date
    window_end: date
    working_days: int = Field(description="时间窗内可用的工作日数")
    created: int = Field(description="新排定的检查数")
    merged: int = Field(description="并入已有检查的企业数（能合并的不得重复检查）")
    already_scheduled: int = Field(description="此前已排期的企业数（重复排期不会重复安排）")
    unplaced: list[UnplacedOut] = Field(description="无法安排的企业及原因；其余已排期")
    visits: list[VisitOut] = Field(description="本次新排定或合并的检查")


class RescheduleIn(In):
    reason: str = Field(min_length=2, max_length=500, description="改期原因（留痕）")
    day: date | None = Field(None, description="新的检查日；为空则自动选择（其他检查不变）")


class CancelIn(In):
    reason: str = Field(min_length=2, max_length=500, description="取消原因（留痕），如企业已注销")


@router.post("/draws/{draw_id}/schedule", response_model=ScheduleOut, summary="按抽取结果排期（工作日、请假、每日容量、按县区集中、合并检查）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def schedule_draw(draw_id: DrawId, body: ScheduleIn, principal: Writer, uow: Uow,
                        container: ContainerDep) -> ScheduleOut:
    settings = container.settings.scheduling
    outcome = await service.schedule_draw(
        uow.write(), principal, container.calendar, draw_id, today=container.clock.today(),
        capacity=body.capacity or settings.daily_capacity, lead_days=settings.lead_days, unannounced=body.unannounced)
    return ScheduleOut(
        draw_id=outcome.draw_id, window_start=outcome.window_start, window_end=outcome.window_end,
        working_days=outcome.working_days, created=len(outcome.created), merged=len(outcome.merged),
        already_scheduled=outcome.already_scheduled,
        unplaced=[UnplacedOut.model_validate(u) for u in outcome.unplaced],
        visits=[VisitOut.of(v) for v in [*outcome.created, *outcome.merged]])


@router.get("/visits", response_model=PageOut[VisitOut], summary="检查安排列表（本单位；执法监督科可看全部）",
            responses=problem_responses(401, 403, 422))
async def list_visits(
    principal: Reader, uow: Uow, container: ContainerDep,
    department: Annotated[str | None, Query(max_length=16, description="负责单位")] = None,
    person_id: Annotated[str | None, Query(max_length=32, description="检查人员")] = None,
    draw_id: Annotated[str | None, Query(max_length=96)] = None,
    start: Annotated[date | None, Query(alias="from", description="检查日不早于")] = None,
    end: Annotated[date | None, Query(alias="to", description="检查日不晚于")] = None,
    visit_status: Annotated[VisitStatus | None, Query(alias="status")] = None,
    county: Annotated[str | None, Query(max_length=6)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT, description="每页条数（默认 50，最多 500）")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PageOut[VisitOut]:
    limits = container.settings.limits
    size = page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size)
    after = decode_int_cursor("visit", cursor) if cursor else None
    visits = await service.list_visits(uow.read(), principal, department=department, person_id=person_id,
                                       draw_id=draw_id, start=start, end=end, status=visit_status,
                                       county_code=county, limit=size + 1, after_id=after)
    more = len(visits) > size
    visits = visits[:size]
    return PageOut[VisitOut](items=[VisitOut.of(v) for v in visits],
                             next_cursor=encode_cursor("visit", visits[-1].id or 0) if more else None)


@router.get("/visits/{visit_id}", response_model=VisitDetailOut, summary="检查安排详情及变更记录",
            responses=problem_responses(401, 403, 404))
async def get_visit(visit_id: VisitId, principal: VisitReader, uow: Uow) -> VisitDetailOut:
    visit, changes = await service.get_visit(uow.read(), principal, visit_id)
    return VisitDetailOut(**VisitOut.of(visit).model_dump(), changes=[ChangeOut.of(c) for c in changes])


@router.post("/visits/{visit_id}/reschedule", response_model=VisitOut,
             summary="改期（指定日期或自动选择；其他检查不受影响；记录原因）", responses=problem_responses(401, 403, 404, 409, 422))
async def reschedule(visit_id: VisitId, body: RescheduleIn, principal: Writer, uow: Uow,
                     container: ContainerDep) -> VisitOut:
    settings = container.settings.scheduling
    visit = await service.reschedule(uow.write(), principal, container.calendar, visit_id, reason=body.reason,
                                     day=body.day, today=container.clock.today(), capacity=settings.daily_capacity,
                                     lead_days=settings.lead_days)
    return VisitOut.of(visit)


@router.post("/visits/{visit_id}/cancel", response_model=VisitOut, summary="取消检查（记录原因，来源保留）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def cancel(visit_id: VisitId, body: CancelIn, principal: Writer, uow: Uow, container: ContainerDep) -> VisitOut:
    return VisitOut.of(await service.cancel(uow.write(), principal, visit_id, reason=body.reason,
                                            today=container.clock.today()))


class MobileEnterpriseOut(Out):
    uscc: str
    name: str
    address: str | None
    county_name: str
    longitude: float | None
    latitude: float | None


class MobileItemOut(Out):
    code: str
    name: str
    method: str
    legal_basis: str


class MobileMemberOut(Out):
    person_id: str
    name: str
    department_code: str
    leader: bool


class MyVisitOut(Out):
    id: int
    day: date
    route_order: int
    enterprise: MobileEnterpriseOut
    items: list[MobileItemOut]
    team: list[MobileMemberOut]
    tasks: list[str] = Field(description="任务（计划编号/任务编号）")


@router.get("/me/visits", response_model=list[MyVisitOut], summary="我的检查（移动端）：当天的企业、地址、事项和检查组",
            responses=problem_responses(401, 403, 422))
async def my_visits(principal: TeamMember, uow: Uow, container: ContainerDep, response: Response,
                    day: Annotated[date | None, Query(alias="date", description="日期，默认今天")] = None
                    ) -> list[MyVisitOut]:
    response.headers["Cache-Control"] = "private, no-store"
    out = []
    for m in await service.my_day(uow.read(), principal, day or container.clock.today()):
        v = m.visit
        out.append(MyVisitOut(
            id=v.id or 0, day=v.day or date.min, route_order=v.route_order,
            enterprise=MobileEnterpriseOut(uscc=v.uscc, name=v.enterprise_name, address=m.address,
                                           county_name=COUNTIES.get(v.county_code, v.county_code),
                                           longitude=m.location[0] if m.location else None,
                                           latitude=m.location[1] if m.location else None),
            items=[MobileItemOut.model_validate(i) for i in m.items],
            team=[MobileMemberOut.model_validate(t) for t in m.team],
            tasks=list(dict.fromkeys(f"{s.plan_no}/{s.task_no}" for s in v.sources))))
    return out

