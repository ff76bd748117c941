"""The composition root: lifespan, middleware, error handlers and routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from app import __version__
from app.deps import SECOND_FACTOR_SETUP_PATHS, Container, refuse_nul
from app.logging import RequestIdMiddleware, configure_logging
from app.routers import (
    audit,
    auth,
    calendar,
    check_items,
    dashboard,
    deadlines,
    departments,
    draws,
    enterprises,
    followup,
    health,
    inspectors,
    leave,
    onsite,
    pages,
    plans,
    provincial,
    public,
    reports,
    visits,
)
from app.routers.checkin_lane import CheckInLane
from app.routers.errors import complete_contract, install_error_handlers
from app.settings import Settings, get_settings

#: Routes anyone may call without logging in; every other route requires a principal.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/public/check-items/{year}"),
    ("GET", "/api/v1/public/counties"),
    ("GET", "/api/v1/calendar/working-days"),
    ("GET", "/api/v1/calendar/subscriptions/{token}"),
    ("GET", "/q/{code}"),
    ("POST", "/q/{code}/rating"),
    ("GET", "/public/results"),
    ("GET", "/api/v1/public/results"),
    ("GET", "/api/v1/public/industries"),
    ("GET", "/api/v1/public/plans"),
    ("GET", "/api/v1/public/plans/{plan_no}"),
    ("GET", "/api/v1/public/plans/{plan_no}/history"),
    ("GET", "/api/v1/public/draws/{draw_id}"),
    ("GET", "/api/v1/public/draws/{draw_id}/bundle"),
    ("GET", "/api/v1/public/draws/{draw_id}/self-check"),
    ("POST", "/api/v1/draws/verify"),
    # The dashboard authenticates itself by its cookie (no cookie: a redirect to the login form, not a 401).
    ("GET", "/dashboard"),
    ("GET", "/dashboard/login"),
    ("POST", "/dashboard/login"),
    ("POST", "/dashboard/logout"),
})

DESCRIPTION = """
秦皇岛市应急管理局“双随机、一公开”随机抽查服务。

- **一单两库**：抽查事项清单、检查对象名录库（企业）、执法检查人员名录库；
- 登录：`POST /api/v1/auth/token`（用户名密码，返回 JWT），或以 `X-API-Key` 携带系统对接密钥；
- 错误统一为 RFC 9457 `application/problem+json`，含稳定的 `code` 与中文说明 `detail`；
- 全程留痕：每次变更写入哈希链审计记录，`GET /api/v1/audit/verify` 校验。
"""


class BodySizeLimit:
    """Refuses request bodies over the limit with 413 before reading them (Content-Length or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(scope, send)
            return
        received = 0

        async def limited_receive() -> dict:  # type: ignore[type-arg]
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message  # type: ignore[return-value]

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        import json

        body = json.dumps({
            "type": "https://inspection.qhdyjj.gov.cn/problems/payload.too_large", "title": "请求内容过大",
            "status": 413, "detail": f"请求内容超过 {self.max_bytes // (1024 * 1024)} MB 上限",
            "detail_en": f"request body exceeds {self.max_bytes} bytes", "code": "payload.too_large",
            "instance": scope["path"], "request_id": scope.get("state", {}).get("request_id"),
        }, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised while a body without Content-Length streams in. An ``HTTPException``, because FastAPI re-raises
    those from body parsing (any other error there becomes a 400) and the error handlers then render the 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body exceeds {max_bytes} bytes")


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(json=settings.json_logs, level=settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.container = own = container or Container.build(settings)
        await own.jobs.start()
        own.db.audit_sealer.start()
        # What start-up made (modules, routes, models, settings) lives as long as the process: out of the cyclic
        # collector's sight, a full collection under load no longer walks it (a pause of many milliseconds).
        gc.freeze()
        try:
            yield
        finally:
            if container is None:
                await own.close()
            else:
                await own.jobs.stop()
                await own.db.audit_sealer.stop()

    docs = settings.docs_enabled
    app = FastAPI(
        title="秦皇岛市应急管理局 双随机一公开 随机抽查服务",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        dependencies=[Depends(refuse_nul)],
    )
    install_error_handlers(app)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_contract(generate(), no_refusal=SECOND_FACTOR_SETUP_PATHS)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    for module in (health, auth, calendar, departments, check_items, enterprises, inspectors, leave, plans, draws,
                   visits, onsite, followup, deadlines, reports, provincial, audit, public, pages,
                   dashboard):
        app.include_router(module.router)
    app.include_router(pages.api)
    app.add_middleware(CheckInLane)
    # Upload limit plus room for the multipart envelope.
    app.add_middleware(BodySizeLimit, max_bytes=settings.limits.max_upload_bytes + 64 * 1024)
    app.add_middleware(RequestIdMiddleware)
    return app
