"""Field checks for push bodies; each failure is a 2001 naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from simulator import uscc
from simulator.clock import parse_date, parse_time
from simulator.envelope import PlatformError, field_error


class Fields:
    """Reads typed fields from one JSON object; `prefix` makes nested names like targets[2].uniscid."""

    def __init__(self, body: object, prefix: str = "") -> None:
        if not isinstance(body, dict):
            raise field_error(prefix.rstrip(".") or "body", "应为 JSON 对象")
        self.body: dict[str, Any] = body
        self.prefix = prefix

    def name(self, field: str) -> str:
        return self.prefix + field

    def error(self, field: str, detail: str = "") -> PlatformError:
        return field_error(self.name(field), detail)

    def text(self, field: str, max_length: int, *, required: bool = True, min_length: int = 1) -> str | None:
        value = self.body.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.error(field, "缺失或不是字符串" if value is None else "应为字符串")
        if not min_length <= len(value) <= max_length or (min_length and not value.strip()):
            raise self.error(field, f"长度应为 {min_length}..{max_length}")
        return value

    def choice(self, field: str, options: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.body.get(field)
        if value is None and not required:
            return None
        if value not in options:
            raise self.error(field, "取值应为 " + "、".join(options))
        return str(value)

    def day(self, field: str, *, required: bool = True) -> date | None:
        value = self.body.get(field)
        if value is None and not required:
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise self.error(field, "格式应为 yyyy-MM-dd")
        return parsed

    def moment(self, field: str) -> int:
        parsed = parse_time(self.body.get(field))
        if parsed is None:
            raise self.error(field, "格式应为 yyyy-MM-dd HH:mm:ss")
        return parsed

    def integer(self, field: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
        value = self.body.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            raise self.error(field, f"应为 {minimum}..{maximum} 的整数")
        return value

    def items(self, field: str, min_items: int, max_items: int) -> list[Any]:
        value = self.body.get(field)
        if not isinstance(value, list) or not min_items <= len(value) <= max_items:
            raise self.error(field, f"应为 {min_items}..{max_items} 项的数组")
        return value

    def texts(self, field: str, min_items: int, max_items: int, max_length: int) -> list[str]:
        values = self.items(field, min_items, max_items)
        for position, value in enumerate(values):
            if not isinstance(value, str) or not 1 <= len(value) <= max_length or not value.strip():
                raise field_error(f"{self.name(field)}[{position}]", f"应为长度 1..{max_length} 的字符串")
        return values

    def code(self, field: str) -> str:
        value = self.body.get(field)
        if not uscc.is_valid(value):
            raise self.error(field, "不是有效的统一社会信用代码")
        return str(value)


def request_id(body: dict[str, Any]) -> str:
    value = Fields(body).text("requestId", 64)
    assert value is not None
    return value
