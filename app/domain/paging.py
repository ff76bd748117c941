"""Keyset pagination: opaque cursors over a stable sort key; deep pages cost what the first one does."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.domain.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int | None = None


def encode_cursor(kind: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, key = text.partition(":")
    if prefix != kind or not key:
        raise _invalid_cursor()
    return key


def decode_int_cursor(kind: str, cursor: str) -> int:
    """A cursor over an integer key (row id, sequence number); a tampered key is refused, not passed on."""
    key = decode_cursor(kind, cursor)
    if not (key.isascii() and key.isdigit() and len(key) <= 18):
        raise _invalid_cursor()
    return int(key)


def _invalid_cursor() -> InvalidInput:
    return InvalidInput("分页游标无效，请从第一页重新查询", "invalid cursor", code="paging.cursor_invalid",
                        details={"field": "cursor"})


def page_size(requested: int | None, *, default: int, maximum: int) -> int:
    """The page size to use; asking for more than the cap is an error, not a silent cut."""
    if requested is None:
        return min(default, maximum)
    if requested > maximum:
        raise InvalidInput(f"每页最多 {maximum} 条，请减小 limit 并使用 next_cursor 翻页",
                           f"limit may be at most {maximum}; page with next_cursor", code="paging.limit_too_large",
                           details={"field": "limit", "max": maximum})
    return requested
