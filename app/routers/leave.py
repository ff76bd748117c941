"""请假: inspectors' leave, which draws and schedules respect."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from pydantic import Field, model_validator

from app.deps import ContainerDep, Uow, require, schedule_rules
from app.domain.auth.model import Permission, Principal
from app.domain.scheduling import leave as service
from app.domain.scheduling.model import Leave
from app.domain.scheduling.service import Replanned
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, In, Out, Reason

router = APIRouter(prefix="/api/v1/inspectors", tags=["执法人员名录库 inspectors"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.INSPECTORS_WRITE))]
PersonId = Annotated[str, Path(min_length=2, max_length=32, description="人员编号")]


class LeaveIn(In):
    from_date: date
    to_date: date
    reason: str = Field(min_length=2, max_length=200, description="请假事由")

    @model_validator(mode="after")
    def _ordered(self) -> LeaveIn:
        if self.to_date < self.from_date:
            raise ValueError("请假结束日期不能早于开始日期")
        return self


class ReplannedOut(Out):
    visit_id: int
    from_day: date | None
    to_day: date | None = Field(description="新的检查日；为空表示无法安排，待更换检查人员或手动改期")
    reason: str


class LeaveOut(Out):
    id: int
    person_id: str
    from_date: date
    to_date: date
    reason: str
    created_by: str
    created_at: datetime | None
    cancelled_at: datetime | None
    replanned: list[ReplannedOut] = Field(default_factory=list, description="因本次请假重新排期的检查")

    @classmethod
    def of(cls, leave: Leave, replanned: list[Replanned] | None = None) -> LeaveOut:
        return cls(id=leave.id or 0, person_id=leave.person_id, from_date=leave.from_date, to_date=leave.to_date,
                   reason=leave.reason, created_by=leave.created_by, created_at=leave.created_at,
                   cancelled_at=leave.cancelled_at,
                   replanned=[ReplannedOut(visit_id=r.visit_id, from_day=r.from_day, to_day=r.to_day,
                                           reason=r.reason) for r in replanned or ()])


@router.get("/{person_id}/leave", response_model=list[LeaveOut], summary="执法人员的请假记录",
            responses=problem_responses(401, 403))
async def list_leave(person_id: PersonId, _: Reader, uow: Uow) -> list[LeaveOut]:
    return [LeaveOut.of(item) for item in await service.list_leave(uow.read(), person_id)]


@router.post("/{person_id}/leave", response_model=LeaveOut, status_code=status.HTTP_201_CREATED,
             summary="登记请假（抽取与排期将回避；期间的检查自动改期）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def record_leave(person_id: PersonId, body: LeaveIn, principal: Writer, uow: Uow,
                       container: ContainerDep) -> LeaveOut:
    leave, replanned = await service.record_leave(
        uow.write(), principal, Leave(None, person_id, body.from_date, body.to_date, body.reason, principal.username),
        schedule_rules(container))
    return LeaveOut.of(leave, replanned)


@router.delete("/{person_id}/leave/{leave_id}", response_model=LeaveOut, summary="撤销请假（须说明原因，记录保留）",
               responses=problem_responses(401, 403, 404, 422))
async def cancel_leave(person_id: PersonId, leave_id: Annotated[int, Path(ge=1, le=MAX_ID)], reason: Reason, principal: Writer,
                       uow: Uow) -> LeaveOut:
    return LeaveOut.of(await service.cancel_leave(uow.write(), principal, person_id, leave_id, reason))
