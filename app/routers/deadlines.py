"""期限: what is due or overdue (result publicity, monthly reports, quarterly summaries) per unit and person, and
the submission register of reports to 执法监督科."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from app.deps import ContainerDep, Uow, require, require_any
from app.domain.auth.model import Permission, Principal
from app.domain.scheduling import deadlines as service
from app.domain.scheduling.deadlines import Deadline, DeadlineKind, DeadlineState
from app.domain.scheduling.model import ReportSubmission
from app.routers.errors import problem_responses
from app.routers.schemas.common import In, Out

router = APIRouter(prefix="/api/v1", tags=["期限 deadlines"])
#: Schedulers of a unit (schedule:read) and inspectors (results:enter, their own visits).
ScheduleReader = Annotated[Principal, Depends(require_any(Permission.SCHEDULE_READ, Permission.RESULTS_ENTER))]
Reader = Annotated[Principal, Depends(require(Permission.SCHEDULE_READ))]
Writer = Annotated[Principal, Depends(require(Permission.SCHEDULE_WRITE))]


class DeadlineOut(Out):
    kind: DeadlineKind
    kind_label: str
    subject: str = Field(description="对象，如 visit:12、monthly_report:2026-03:ZF1")
    title: str
    due: date | None = Field(description="截止日；工作日历尚未覆盖该年度时为空（状态 unknown），不作推测")
    department_code: str
    person_id: str | None = Field(description="责任人（结果公示为检查组组长）")
    state: DeadlineState
    state_label: str
    days_left: int | None = Field(description="距截止日的天数（负数为已逾期天数）")
    done_on: date | None

    @classmethod
    def of(cls, d: Deadline) -> DeadlineOut:
        return cls(kind=d.kind, kind_label=d.kind.label, subject=d.subject, title=d.title, due=d.due,
                   department_code=d.department_code, person_id=d.person_id, state=d.state, state_label=d.state.label,
                   days_left=d.days_left, done_on=d.done_on)


@router.get("/deadlines", response_model=list[DeadlineOut],
            summary="到期与逾期事项（结果公示 20 个工作日、月报表、季度总结），按单位和责任人",
            responses=problem_responses(401, 403, 422))
async def list_deadlines(
    principal: ScheduleReader, uow: Uow, container: ContainerDep,
    due_within: Annotated[int, Query(ge=0, le=366, description="列出今后多少天内到期的事项（逾期事项总会列出）")] = 7,
    department: Annotated[str | None, Query(max_length=16, description="单位")] = None,
    person_id: Annotated[str | None, Query(max_length=32, description="责任人")] = None,
    kind: Annotated[DeadlineKind | None, Query()] = None,
    include_done: Annotated[bool, Query(description="同时列出已完成的事项")] = False,
) -> list[DeadlineOut]:
    found = await service.list_deadlines(uow.read(), principal, container.calendar, today=container.clock.today(),
                                         due_within=due_within, department=department, person_id=person_id,
                                         kind=kind, include_done=include_done)
    return [DeadlineOut.of(d) for d in found]


class SubmissionIn(In):
    kind: DeadlineKind = Field(description="monthly_report（月报表）或 quarterly_summary（季度总结）")
    period: str = Field(min_length=6, max_length=7, description="月报表如 2026-03；季度总结如 2026Q1",
                        examples=["2026-03"])
    department_code: str = Field(min_length=2, max_length=16)
    reference: str = Field(min_length=2, max_length=200, description="文号或报送渠道")
    note: str = Field("", max_length=2000)


class SubmissionOut(Out):
    id: int
    kind: str
    period: str
    department_code: str
    reference: str
    note: str
    submitted_by: str
    submitted_at: datetime | None

    @classmethod
    def of(cls, s: ReportSubmission) -> SubmissionOut:
        return cls.model_validate(s)


@router.post("/reports/submissions", response_model=SubmissionOut, status_code=status.HTTP_201_CREATED,
             summary="报送登记：月报表、季度总结已报送执法监督科", responses=problem_responses(401, 403, 404, 409, 422))
async def submit(body: SubmissionIn, principal: Writer, uow: Uow) -> SubmissionOut:
    return SubmissionOut.of(await service.submit_report(
        uow.write(), principal, kind=body.kind, period=body.period, department=body.department_code,
        reference=body.reference, note=body.note))


@router.get("/reports/submissions", response_model=list[SubmissionOut], summary="报送登记列表",
            responses=problem_responses(401, 403, 422))
async def submissions(principal: Reader, uow: Uow,
                      year: Annotated[int, Query(ge=2000, le=2100)]) -> list[SubmissionOut]:
    return [SubmissionOut.of(s) for s in await service.list_submissions(uow.read(), principal, year)]
