"""抽查事项清单: the check-item list (drafting, publication, retirement)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.deps import ContainerDep, Uow, require
from app.domain.auth.model import Permission, Principal
from app.domain.directories import items as service
from app.domain.directories.filters import ItemFilter
from app.domain.directories.model import CheckItem, ItemStatus
from app.routers.errors import problem_responses
from app.routers.schemas.common import ReasonIn
from app.routers.schemas.directories import CheckItemIn, CheckItemOut, CheckItemPatch

router = APIRouter(prefix="/api/v1/check-items", tags=["抽查事项清单 check items"])
Reader = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.ITEMS_WRITE))]


def item_out(item: CheckItem) -> CheckItemOut:
    return CheckItemOut(
        code=item.code, name=item.name, category=item.category, dept_type=item.dept_type,
        department_code=item.department_code, legal_basis=item.legal_basis, method=item.method,
        method_label=item.method.label, target_type=item.target_type, kind=item.kind, kind_label=item.kind.label,
        frequency_cap=item.frequency_cap, status=item.status, published_at=item.published_at,
        retired_at=item.retired_at, retire_reason=item.retire_reason, version=item.version,
    )


@router.get("", response_model=list[CheckItemOut], summary="抽查事项列表（可筛选）", responses=problem_responses(401, 403))
async def list_items(
    _: Reader,
    container: ContainerDep,
    category: Annotated[str | None, Query(max_length=100, description="抽查类别")] = None,
    dept_type: Annotated[str | None, Query(max_length=16, description="部门类型")] = None,
    department: Annotated[str | None, Query(max_length=16, description="所属单位代码")] = None,
    status_: Annotated[list[ItemStatus] | None, Query(alias="status", max_length=3)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="名称或类别包含")] = None,
) -> list[CheckItemOut]:
    f = ItemFilter(category=category, dept_type=dept_type, department=department,
                   status=[s.value for s in status_ or []], q=q)
    return [item_out(i) for i in await container.queries.items(f)]


@router.get("/{code}", response_model=CheckItemOut, summary="抽查事项详情", responses=problem_responses(401, 403, 404))
async def get_item(code: str, _: Reader, uow: Uow) -> CheckItemOut:
    return item_out(await service.get_item(uow.read(), code))


@router.post("", response_model=CheckItemOut, status_code=status.HTTP_201_CREATED, summary="新增抽查事项（草稿）",
             responses=problem_responses(401, 403, 409, 422))
async def create_item(body: CheckItemIn, principal: Writer, uow: Uow) -> CheckItemOut:
    item = CheckItem(**body.model_dump())
    return item_out(await service.create_item(uow.write(), principal, item))


@router.patch("/{code}", response_model=CheckItemOut, summary="修改抽查事项", responses=problem_responses(401, 403, 404, 409, 422))
async def update_item(code: str, body: CheckItemPatch, principal: Writer, uow: Uow) -> CheckItemOut:
    return item_out(await service.update_item(uow.write(), principal, code, body.model_dump(exclude_unset=True)))


@router.post("/{code}/publish", response_model=CheckItemOut, summary="公布抽查事项（纳入年度公开清单）",
             responses=problem_responses(401, 403, 404, 409))
async def publish_item(code: str, principal: Writer, uow: Uow) -> CheckItemOut:
    return item_out(await service.publish_item(uow.write(), principal, code))


@router.post("/{code}/retire", response_model=CheckItemOut, summary="停用抽查事项（保留记录）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def retire_item(code: str, body: ReasonIn, principal: Writer, uow: Uow) -> CheckItemOut:
    return item_out(await service.retire_item(uow.write(), principal, code, body.reason))


@router.delete("/{code}", status_code=status.HTTP_204_NO_CONTENT, summary="删除从未公布的草稿事项",
               responses=problem_responses(401, 403, 404, 409))
async def delete_item(code: str, principal: Writer, uow: Uow) -> None:
    await service.delete_item(uow.write(), principal, code)
