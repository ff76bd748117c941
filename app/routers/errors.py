"""The one error map: domain errors → HTTP status, rendered as RFC 9457 problem+json.

Every 4xx/5xx the service sends, FastAPI's own request validation included, has the same
shape: ``type``, ``title``, ``status``, ``detail`` (Chinese), ``detail_en``, ``code``,
``instance`` and ``request_id``, plus ``errors`` for field-level problems.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.deps import DATABASE_ERRORS, actor_of, database_unavailable
from app.domain import errors as e
from app.domain.audit.model import AuditEvent

PROBLEM_TYPE_BASE = "https://inspection.qhdyjj.gov.cn/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

STATUS_BY_ERROR: dict[type[e.DomainError], int] = {
    e.AuthenticationFailed: 401,
    e.PermissionDenied: 403,
    e.NotFound: 404,
    e.Conflict: 409,
    e.PayloadTooLarge: 413,
    e.UnsupportedMediaType: 415,
    e.InvalidInput: 422,
    e.ServiceUnavailable: 503,
    e.TooManyRequests: 429,
    e.PlatformRejected: 502,
    e.PlatformUnavailable: 503,
}

TITLES = {
    400: "请求格式错误", 401: "未认证", 403: "无权访问", 404: "资源不存在", 405: "请求方法不被允许",
    409: "状态冲突", 413: "请求内容过大", 415: "不支持的媒体类型", 422: "请求数据校验失败", 429: "请求过于频繁",
    500: "服务器内部错误", 502: "上游系统错误", 503: "服务暂不可用",
}
HTTP_CODES = {400: "request.malformed", 401: "auth.unauthenticated", 403: "auth.forbidden", 404: "route.not_found",
              405: "request.method_not_allowed", 413: "payload.too_large", 415: "payload.unsupported_type",
              429: "request.rate_limited"}


class FieldError(BaseModel):
    field: str = Field(description="出错字段的位置，如 body.uscc")
    code: str
    message: str = Field(description="中文说明")
    message_en: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable machine-readable ``code``."""

    type: str
    title: str
    status: int
    detail: str = Field(description="中文说明")
    detail_en: str
    code: str = Field(description="稳定的错误代码，如 enterprise.not_found", examples=["enterprise.not_found"])
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


DATABASE_RETRY_AFTER_SECONDS = 5


def problem_response(request: Request, status: int, code: str, detail: str, detail_en: str,
                     extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "detail_en": detail_en,
        "code": code,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def status_of(error: e.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]  # type: ignore[index]
    return 422


#: Refusals of a change that are kept in the audit trail (who tried what, and why it was refused).
AUDITED_REFUSALS = frozenset({403, 409, 422})
READS = frozenset({"GET", "HEAD", "OPTIONS"})


async def audit_refusal(request: Request, error: e.DomainError, status: int) -> None:
    """A refused attempt to change something is audited (全程留痕), unless its service did so already."""
    principal = getattr(request.state, "principal", None)
    container = getattr(request.app.state, "container", None)
    if error.audited or request.method in READS or status not in AUDITED_REFUSALS or principal is None \
            or container is None:
        return
    try:
        async with container.uow(actor_of(principal, request)) as uow:
            uow.audit.record(AuditEvent("request.refused", "request", f"{request.method} {request.url.path}"[:64],
                                        None, {"code": error.code, "reason": error.message_zh, "http_status": status,
                                               "path": request.url.path}))
            await uow.commit()
    except Exception:  # the refusal itself must still reach the caller
        structlog.get_logger("app.audit").exception("refusal_not_audited", code=error.code)


async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.DomainError)
    status = status_of(exc)
    await audit_refusal(request, exc, status)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": str(int(exc.details.get("retry_after_seconds", 60)))}
    return problem_response(request, status, exc.code, exc.message_zh, exc.message_en, exc.details or None, headers)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


_VALIDATION_ZH = {
    "missing": "必填字段缺失",
    "extra_forbidden": "不允许的字段（可能是服务器维护的字段或拼写错误）",
    "json_invalid": "JSON 格式错误",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "bool_parsing": "应为布尔值",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为数组",
    "string_type": "应为字符串",
    "value_error": "取值不合法",
}


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        kind = err.get("type", "value_error")
        zh = _VALIDATION_ZH.get(kind, "取值不合法")
        message = str(err.get("msg", ""))
        ctx = err.get("ctx") or {}
        if kind == "enum" and "expected" in ctx:
            zh = f"{zh}：{ctx['expected']}"
        if kind == "value_error" and message.startswith("Value error, "):
            zh = message.removeprefix("Value error, ")
        problems.append({"field": _field(err.get("loc", ())), "code": f"validation.{kind}", "message": zh,
                         "message_en": message})
    malformed = any(p["code"] == "validation.json_invalid" for p in problems)
    code = "request.malformed_json" if malformed else "request.validation_failed"
    first = problems[0] if problems else {"field": "", "message": "请求数据不合法"}
    if malformed:
        detail = "请求体不是合法的 JSON"
    else:
        detail = f"{first['field']}：{first['message']}" if first["field"] else first["message"]
    if len(problems) > 1:
        detail += f"（另有 {len(problems) - 1} 处问题）"
    status = 400 if malformed else 422
    return problem_response(request, status, code, detail, "request validation failed", {"errors": problems})


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = HTTP_CODES.get(status, f"http.{status}")
    zh = {404: "请求的地址不存在", 405: "该地址不支持此请求方法"}.get(status, TITLES.get(status, "请求错误"))
    return problem_response(request, status, code, zh, str(exc.detail), headers=getattr(exc, "headers", None))


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    # Starlette sends this response from outside every middleware, the request-id one included: echo it here.
    request_id = getattr(request.state, "request_id", None)
    if database_unavailable(exc):
        # PostgreSQL down or restarting: clients retry (Retry-After) and /readyz reports 503 meanwhile.
        structlog.get_logger("app.error").warning("database_unavailable", error_type=type(exc).__name__)
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        if request_id:
            headers["X-Request-ID"] = request_id
        return problem_response(request, 503, "service.database_unavailable", "数据库暂时不可用，请稍后重试",
                                "the database is unavailable for the moment; retry shortly", headers=headers)
    structlog.get_logger("app.error").exception("unhandled_error", error_type=type(exc).__name__)
    return problem_response(request, 500, "server.internal_error", "服务器内部错误，请联系管理员并提供请求编号",
                            "internal server error", headers={"X-Request-ID": request_id} if request_id else None)


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Database errors get a handler of their own: answered here, they are not re-raised to the server (which would
    log a second traceback and close the client's connection) – a 503 while PostgreSQL is down, else a 500."""
    return await unhandled_error_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    for error_type in DATABASE_ERRORS:
        app.add_exception_handler(error_type, database_error_handler)
    app.add_exception_handler(e.DomainError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unhandled_error_handler)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries so the contract shows each route's problem statuses."""
    return {
        s: {"model": Problem, "description": TITLES.get(s, "错误"), "content": {PROBLEM_MEDIA_TYPE: {}}}
        for s in statuses
    }


#: Statuses the middleware and the error handlers may send for any route, whatever the route declares itself:
#: a malformed body (400), an oversized one (413, ``BodySizeLimit``), a request that fails validation (422), and
#: for routes that need a principal a missing or bad credential (401) or a refusal (403, e.g. the second factor).
BODY_PROBLEMS = (400, 413, 422)
PARAMETER_PROBLEMS = (422,)
SIGNED_IN_PROBLEMS = (401, 403)


def complete_contract(spec: dict[str, Any], *, no_refusal: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Makes the generated OpenAPI document say what the service sends: every error response is
    ``application/problem+json`` with the ``Problem`` schema (FastAPI's own ``HTTPValidationError`` is never sent),
    and each operation lists the problem statuses its middleware and handlers can produce. ``no_refusal``: paths
    an account that is signed in is never refused (403) on. Changes ``spec`` in place and returns it."""
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, methods in spec.get("paths", {}).items():
        for operation in methods.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            statuses: set[int] = set()
            if operation.get("requestBody"):
                statuses.update(BODY_PROBLEMS)
            if operation.get("parameters"):
                statuses.update(PARAMETER_PROBLEMS)
            if operation.get("security"):
                statuses.update(SIGNED_IN_PROBLEMS if path not in no_refusal else (401,))
            for status in sorted(statuses):
                responses.setdefault(str(status), {"description": TITLES.get(status, "错误")})
            # A page answers a refusal it understands with a page, anything else (validation) with a problem.
            page = "text/html" in str(responses.get("200", {}).get("content", {}))
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    if int(status) == 422 and "HTTPValidationError" in str(response.get("content")):
                        response["description"] = TITLES[422]
                    response["content"] = {PROBLEM_MEDIA_TYPE: problem}
                    if page:
                        response["content"]["text/html"] = {"schema": {"type": "string"}}
            operation["responses"] = dict(sorted(responses.items()))
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec
