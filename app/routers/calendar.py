"""工作日历: working days of mainland China, as every working-day deadline counts them (public), and the
iCalendar subscriptions of inspectors' and units' visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import Field

from app.deps import ContainerDep, PublicUow, Uow, require_any
from app.domain.auth.model import Permission, Principal
from app.domain.scheduling import feeds
from app.domain.scheduling.calendar import check_range, days
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, In, Out

router = APIRouter(prefix="/api/v1/calendar", tags=["工作日历 calendar"])
#: Schedulers of a unit (schedule:read) and inspectors (results:enter, their own visits).
ScheduleReader = Annotated[Principal, Depends(require_any(Permission.SCHEDULE_READ, Permission.RESULTS_ENTER))]


class DayOut(Out):
    date: date
    working: bool
    note: str | None = Field(None, description="节假日名称，或“调休上班”")


class WorkingDaysOut(Out):
    start: date
    end: date
    working_day_count: int
    working_days: list[date]
    special_days: list[DayOut] = Field(description="区间内的法定节假日与调休上班日")


@router.get("/working-days", response_model=WorkingDaysOut, summary="区间内的工作日（含法定节假日与调休）",
            responses=problem_responses(422))
async def working_days(
    container: ContainerDep,
    start: Annotated[date, Query(alias="from", description="开始日期（含）")],
    end: Annotated[date, Query(alias="to", description="结束日期（含）")],
) -> WorkingDaysOut:
    check_range(start, end)
    infos = [container.calendar.info(day) for day in days(start, end)]
    special = [DayOut(date=i.day, working=i.working, note=i.note) for i in infos if i.note]
    working = [i.day for i in infos if i.working]
    return WorkingDaysOut(start=start, end=end, working_day_count=len(working), working_days=working,
                          special_days=special)


class FeedIn(In):
    owner_kind: Literal["person", "unit"] = Field(description="person：执法人员本人；unit：单位")
    owner_id: str = Field(min_length=2, max_length=32, description="人员编号或单位代码")


class FeedOut(Out):
    id: int
    owner_kind: str
    owner_id: str
    created_by: str
    created_at: datetime | None
    revoked_at: datetime | None


class FeedCreatedOut(FeedOut):
    url: str = Field(description="订阅地址（含令牌，仅此一次返回；手机日历“添加订阅日历”使用）")


@router.post("/feeds", response_model=FeedCreatedOut, status_code=status.HTTP_201_CREATED,
             summary="创建日历订阅（iCalendar，手机日历可订阅；令牌仅返回一次）",
             responses=problem_responses(401, 403, 404, 422))
async def create_feed(body: FeedIn, principal: ScheduleReader, uow: Uow, request: Request) -> FeedCreatedOut:
    feed, token = await feeds.create_feed(uow.write(), principal, body.owner_kind, body.owner_id)
    url = str(request.url_for("feed_calendar", token=f"{token}.ics"))
    return FeedCreatedOut(**FeedOut.model_validate(feed).model_dump(), url=url)


@router.get("/feeds", response_model=list[FeedOut], summary="日历订阅列表（不含令牌）",
            responses=problem_responses(401, 403, 404, 422))
async def list_feeds(principal: ScheduleReader, uow: Uow,
                     owner_kind: Annotated[Literal["person", "unit"], Query()],
                     owner_id: Annotated[str, Query(min_length=2, max_length=32)]) -> list[FeedOut]:
    return [FeedOut.model_validate(f) for f in await feeds.list_feeds(uow.read(), principal, owner_kind, owner_id)]


@router.delete("/feeds/{feed_id}", response_model=FeedOut, summary="撤销日历订阅（原地址立即失效）",
               responses=problem_responses(401, 403, 404))
async def revoke_feed(feed_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: ScheduleReader, uow: Uow) -> FeedOut:
    return FeedOut.model_validate(await feeds.revoke_feed(uow.write(), principal, feed_id))


@router.get("/subscriptions/{token}", name="feed_calendar", summary="日历订阅内容（iCalendar，凭令牌访问）",
            response_class=Response, responses={200: {"content": {"text/calendar": {}}}, **problem_responses(404)})
async def feed_calendar(token: Annotated[str, Path(min_length=10, max_length=100, pattern=r"^[A-Za-z0-9_-]+\.ics$")],
                        uow: PublicUow, container: ContainerDep) -> Response:
    body = await feeds.feed_calendar(uow.read(), token.removesuffix(".ics"), container.clock.today())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"})
