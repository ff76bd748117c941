"""The httpx client of the provincial platform: one AsyncClient for the process, token renewal, retries.

Every call we make is idempotent (reads, and pushes that carry a requestId), so transient faults – gateway
429/5xx, envelope 9001/9999, timeouts, unreadable bodies – are retried with exponential backoff and full jitter,
a few times; what is still failing then is the caller's to schedule (the outbox keeps its own retry plan).
Business rejections are never retried. An expired token (1001) is renewed once per call.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import structlog

from app.adapters.provincial import wire
from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.domain.provincial.model import (
    DirectoryKind,
    DrawReport,
    PushOutcome,
    RemotePage,
    ResultRecord,
    TaskRegistration,
)

log = structlog.get_logger(__name__)

TRANSIENT_CODES = frozenset({"9001", "9999"})
TOKEN_INVALID = "1001"  # noqa: S105 - an envelope code, not a secret
#: Renew a little before the platform's expiry, so a token does not die in flight.
TOKEN_MARGIN_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def delay(self, attempt: int, rng: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^attempt))."""
        return float(rng() * min(self.cap_seconds, self.base_seconds * 2**attempt))


class _Transient(Exception):
    def __init__(self, error: PlatformUnavailable, retry_after: float | None = None) -> None:
        self.error, self.retry_after = error, retry_after


def _unavailable(zh: str, en: str, platform_code: str | None = None) -> PlatformUnavailable:
    return PlatformUnavailable(f"省级平台暂时不可用：{zh}", f"provincial platform unavailable: {en}",
                               platform_code=platform_code)


class ProvincialClient:
    """:class:`app.domain.ports.ProvincialPlatform` over HTTP."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        client_id: str,
        client_secret: str,
        timeout_seconds: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.http = http
        self._credentials = {"clientId": client_id, "clientSecret": client_secret}
        self.timeout_seconds = timeout_seconds
        self.retry = retry or RetryPolicy()
        self._sleep, self._rng = sleep, rng
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    # -- port -----------------------------------------------------------------------------------------------------

    async def fetch_changes(
        self, kind: DirectoryKind, *, since: datetime | None, page_no: int, page_size: int
    ) -> RemotePage:
        params: dict[str, Any] = {"pageNo": page_no, "pageSize": page_size}
        if since is not None:
            params["updateTimeStart"] = wire.format_time(since)
        page: RemotePage = await self._call("GET", wire.PATHS[kind], params=params,
                                            parse=lambda data: wire.remote_page(kind, data))
        return page

    async def register_task(self, key: str, task: TaskRegistration) -> str:
        def task_id(data: Any) -> str:
            if not isinstance(data, dict) or not isinstance(data.get("platformTaskId"), str):
                raise wire.bad_response("任务登记的应答缺少 platformTaskId", "task answer without platformTaskId")
            return str(data["platformTaskId"])

        platform_task_id: str = await self._call("POST", "/api/v1/tasks", body=wire.task_body(key, task), parse=task_id)
        return platform_task_id

    async def push_draw(self, key: str, platform_task_id: str, draw: DrawReport) -> None:
        await self._call("POST", f"/api/v1/tasks/{platform_task_id}/draws", body=wire.draw_body(key, draw))

    async def push_results(self, key: str, records: Sequence[ResultRecord]) -> PushOutcome:
        outcome: PushOutcome = await self._call("POST", "/api/v1/results", body=wire.results_body(key, records),
                                                parse=lambda data: wire.push_outcome(data, len(records)))
        return outcome

    async def read_results(self, uscc: str, platform_task_id: str | None = None) -> list[ResultRecord]:
        def results(data: Any) -> list[ResultRecord]:
            records = data.get("records") if isinstance(data, dict) else data
            if not isinstance(records, list):
                raise wire.bad_response("结果回读不是数组", "results read-back is not a list")
            return [wire.result_from_wire(r) for r in records]

        params = {"platformTaskId": platform_task_id} if platform_task_id else None
        held: list[ResultRecord] = await self._call("GET", f"/api/v1/results/{uscc}", params=params, parse=results)
        return held

    # -- transport ------------------------------------------------------------------------------------------------

    async def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                    body: dict[str, Any] | None = None, parse: Callable[[Any], Any] = lambda data: data) -> Any:
        """The call's parsed ``data``; an answer that cannot be read is a transient fault like any other."""
        renewed = False
        attempt = 0
        while True:
            try:
                token = await self._valid_token()
                code, msg, data = await self._exchange(method, path, params=params, body=body, token=token)
                if code == wire.OK:
                    try:
                        return parse(data)
                    except PlatformUnavailable as exc:
                        raise _Transient(exc) from exc
                if code == TOKEN_INVALID and not renewed:
                    renewed = True
                    self._forget_token(token)
                    continue
                if code in TRANSIENT_CODES:
                    raise _Transient(_unavailable(f"{code} {msg}", f"envelope {code}", code))
                raise PlatformRejected(f"省级平台拒绝了请求（{code}）：{msg}", f"platform rejected the request ({code}): {msg}",
                                       platform_code=code, details={"platform_code": code, "platform_message": msg})
            except _Transient as fault:
                attempt += 1
                if attempt >= self.retry.attempts:
                    raise fault.error from None
                delay = max(self.retry.delay(attempt, self._rng), fault.retry_after or 0.0)
                log.warning("provincial.retry", path=path, attempt=attempt, delay=round(delay, 3),
                            code=fault.error.platform_code)
                await self._sleep(delay)

    async def _exchange(self, method: str, path: str, *, params: dict[str, Any] | None, body: dict[str, Any] | None,
                        token: str | None) -> tuple[str, str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            # asyncio's timeout covers every transport, in-process ones included; httpx's own covers the socket.
            async with asyncio.timeout(self.timeout_seconds):
                response = await self.http.request(method, path, params=params, json=body, headers=headers)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise _Transient(_unavailable("请求超时", "timeout", "timeout")) from exc
        except httpx.TransportError as exc:
            raise _Transient(_unavailable("网络错误", f"transport error {type(exc).__name__}", "network")) from exc
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise _Transient(_unavailable(f"网关返回 HTTP {response.status_code}", f"gateway HTTP {response.status_code}",
                                          str(response.status_code)), retry_after)
        if response.status_code != 200:
            raise PlatformRejected(f"省级平台返回 HTTP {response.status_code}", f"platform HTTP {response.status_code}",
                                   platform_code=str(response.status_code))
        try:
            return wire.unwrap(response.json())
        except ValueError as exc:
            raise _Transient(wire.bad_response("响应不是 JSON", "body is not JSON")) from exc
        except PlatformUnavailable as exc:
            raise _Transient(exc) from exc

    async def _valid_token(self) -> str:
        loop = asyncio.get_running_loop()
        if self._token is not None and loop.time() < self._token_expires:
            return self._token
        async with self._token_lock:
            if self._token is not None and loop.time() < self._token_expires:
                return self._token
            code, msg, data = await self._exchange("POST", "/api/v1/auth/token", params=None, body=self._credentials,
                                                   token=None)
            if code in TRANSIENT_CODES:
                raise _Transient(_unavailable(f"{code} {msg}", f"envelope {code}", code))
            if code != wire.OK:
                raise PlatformRejected(f"省级平台拒绝了接入凭据（{code}）：{msg}",
                                       f"platform refused the client credentials ({code}): {msg}",
                                       code="provincial.credentials_rejected", platform_code=code)
            if not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
                raise _Transient(wire.bad_response("令牌应答缺少 accessToken", "token answer without accessToken"))
            expires = data.get("expiresIn")
            expires_in = expires if isinstance(expires, int) and expires > 0 else 7200
            self._token = data["accessToken"]
            self._token_expires = loop.time() + expires_in - min(TOKEN_MARGIN_SECONDS, expires_in / 10)
            return self._token

    def _forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None


def _retry_after(value: str | None) -> float | None:
    try:
        return min(float(value), 60.0) if value else None
    except ValueError:
        return None
