"""The platform's response envelope {"code", "msg", "data", "requestId"} and its codes."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

OK = "0000"
TOKEN_INVALID = "1001"  # noqa: S105 - an envelope code, not a secret
BAD_CREDENTIALS = "1002"
FIELD_INVALID = "2001"
NOT_FOUND = "2002"
DUPLICATE_REQUEST = "3001"
BUSY = "9001"
INTERNAL = "9999"

MESSAGES = {
    OK: "成功",
    TOKEN_INVALID: "访问令牌无效或已过期",
    BAD_CREDENTIALS: "客户端凭据错误",
    FIELD_INVALID: "请求字段不合法",
    NOT_FOUND: "引用的记录不存在",
    DUPLICATE_REQUEST: "请求编号重复且请求内容不一致",
    BUSY: "平台繁忙，请稍后重试",
    INTERNAL: "系统内部错误",
}


class PlatformError(Exception):
    """A business outcome other than 0000, answered as an envelope with HTTP 200."""

    def __init__(self, code: str, msg: str | None = None) -> None:
        super().__init__(msg or MESSAGES[code])
        self.code = code
        self.msg = msg or MESSAGES[code]


def field_error(field: str, detail: str = "") -> PlatformError:
    """2001 naming the field: "字段 entName 不合法" (with an optional reason after a colon)."""
    return PlatformError(FIELD_INVALID, f"字段 {field} 不合法" + (f"：{detail}" if detail else ""))


def envelope(code: str, data: Any, request_id: str, msg: str | None = None) -> dict[str, Any]:
    return {"code": code, "msg": msg or MESSAGES[code], "data": data, "requestId": request_id}


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


JSON_TYPE = "application/json;charset=UTF-8"


def json_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON serialised once with the standard library (no FastAPI re-encoding of large pages)."""
    return Response(dumps(body), status_code=status_code, headers=headers, media_type=JSON_TYPE)
