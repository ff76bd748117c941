"""Shared bits of the API's models."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")

#: The largest id a request may carry: within BIGINT (a larger one overflowed the database driver) and the largest
#: integer every JSON client reads exactly (2^53 - 1); no record will have a larger one.
MAX_ID = 2**53 - 1
#: An element of a list of codes in a request (unit, industry, county, item, credit class, USCC, person id).
CodeItem = Annotated[str, Field(min_length=1, max_length=64)]
#: A tag or a person's name in a list.
TextItem = Annotated[str, Field(min_length=1, max_length=50)]

#: The largest page size any setting allows (``LIMITS__MAX_PAGE_SIZE`` is at most this); over the configured
#: maximum is 422 ``paging.limit_too_large``.
MAX_PAGE_LIMIT = 10_000


class In(BaseModel):
    """Request bodies: unknown fields are rejected (no mass assignment of server-owned fields)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


#: PostgreSQL text cannot hold U+0000; no field of this service has a use for it.
NUL_MESSAGE = "不能包含空字符（U+0000）"


def has_nul(value: Any) -> bool:
    """Whether a request value (a string, or strings inside lists and maps) carries U+0000."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="下一页游标；为空表示已是最后一页")
    total: int | None = Field(None, description="总数（仅在 with_total=true 时计算）")


class ReasonIn(In):
    reason: str = Field(min_length=2, max_length=500, description="原因（留痕）")


#: The reason demanded by a removal, given as a query parameter (DELETE requests carry no body).
Reason = Annotated[str, Query(min_length=2, max_length=500, description="原因（留痕）")]


def reject_null(value: T | None) -> T:
    """Partial updates: an omitted field stays as it is, but ``null`` cannot empty a field the record requires."""
    if value is None:
        raise ValueError("不能为 null（不修改的字段请省略）")
    return value
