"""Departments: the bureau's units and partner departments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.deps import Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.directories import departments as service
from app.domain.directories.model import Department
from app.routers.errors import problem_responses
from app.routers.schemas.directories import DepartmentIn, DepartmentOut, DepartmentPatch

router = APIRouter(prefix="/api/v1/departments", tags=["单位 departments"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.DEPARTMENTS_WRITE))]


def department_out(d: Department) -> DepartmentOut:
    return DepartmentOut(code=d.code, name=d.name, short_name=d.short_name, kind=d.kind, kind_label=d.kind.label,
                         dept_type=d.dept_type, active=d.active)


@router.get("", response_model=list[DepartmentOut], summary="单位列表", responses=problem_responses(401, 403))
async def list_departments(_: Reader, uow: Uow) -> list[DepartmentOut]:
    return [department_out(d) for d in await service.list_departments(uow.read())]


@router.get("/{code}", response_model=DepartmentOut, summary="单位详情", responses=problem_responses(401, 403, 404))
async def get_department(code: str, _: Reader, uow: Uow) -> DepartmentOut:
    return department_out(await service.get_department(uow.read(), code))


@router.post("", response_model=DepartmentOut, status_code=status.HTTP_201_CREATED, summary="新增单位",
             responses=problem_responses(401, 403, 409, 422))
async def create_department(body: DepartmentIn, principal: Writer, uow: Uow) -> DepartmentOut:
    department = Department(body.code, body.name, body.short_name, body.kind, body.dept_type)
    return department_out(await service.create_department(uow.write(), principal, department))


@router.patch("/{code}", response_model=DepartmentOut, summary="修改单位",
              responses=problem_responses(401, 403, 404, 409, 422))
async def update_department(code: str, body: DepartmentPatch, principal: Writer, uow: Uow) -> DepartmentOut:
    changes = body.model_dump(exclude_unset=True)
    return department_out(await service.update_department(uow.write(), principal, code, changes))
