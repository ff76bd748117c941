"""The platform's gateway: counts requests and injects the configured faults before the routes run.

A fault other than `slow`, the page faults and `lost_response` answers without calling the route, so a push
hit by it is not applied. `lost_response` runs the route (the push is applied) and then answers 504.
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.envelope import BUSY, INTERNAL, JSON_TYPE, TOKEN_INVALID, dumps, envelope
from simulator.faults import GATEWAY_BODIES, PAGE, FaultPlan
from simulator.state import SimState

DIRECTORY_PATHS = frozenset({"/api/v1/check-items", "/api/v1/enterprises", "/api/v1/inspectors"})
_GATEWAY_STATUS = {"http429": 429, "http502": 502, "http503": 503, "http504": 504}


def gateway_response(status: int) -> Response:
    media_type, body = GATEWAY_BODIES[status]
    headers = {"Retry-After": "1"} if status == 429 else None
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _bearer(scope: Scope) -> str | None:
    header = Headers(scope=scope).get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class FaultGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sim: SimState = scope["app"].state.sim
        method, path = scope["method"], scope["path"]
        sim.count_request(method, path)
        plan = sim.faults
        fault = None
        if plan is not None:
            fault = plan.next_fault(path, directory_read=method == "GET" and path in DIRECTORY_PATHS)
        if fault is None or plan is None:
            await self.app(scope, receive, send)
            return
        sim.fault_totals[fault] += 1
        await self._inject(fault, plan, sim, scope, receive, send)

    async def _inject(self, fault: str, plan: FaultPlan, sim: SimState, scope: Scope, receive: Receive,
                      send: Send) -> None:
        response: Response | None = None
        if fault in _GATEWAY_STATUS:
            response = gateway_response(_GATEWAY_STATUS[fault])
        elif fault in ("code9001", "code9999"):
            code = BUSY if fault == "code9001" else INTERNAL
            response = Response(dumps(envelope(code, None, sim.next_request_id())), media_type=JSON_TYPE)
        elif fault == "token_expired":
            token = _bearer(scope)
            if token is not None:
                sim.revoke(token)
            body = envelope(TOKEN_INVALID, None, sim.next_request_id())
            response = Response(dumps(body), media_type=JSON_TYPE)
        elif fault == "timeout":
            await asyncio.sleep(plan.delay(fault))
            response = gateway_response(504)
        elif fault == "malformed":
            response = self._malformed(sim, plan.injected["malformed"])
        elif fault == "lost_response":
            await self.app(scope, receive, _swallow)
            response = gateway_response(504)
        else:
            if fault == "slow":
                await asyncio.sleep(plan.delay(fault))
            elif fault in PAGE:
                scope.setdefault("state", {})["sim_fault"] = fault
                scope["state"]["sim_fault_seed"] = f"{sim.config.seed}:{fault}:{plan.injected[fault]}"
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

    @staticmethod
    def _malformed(sim: SimState, occurrence: int) -> Response:
        """Odd occurrences: a body cut off mid-JSON; even ones: an envelope whose data has the wrong shape."""
        if occurrence % 2 == 1:
            body = '{"code":"0000","msg":"成功","data":{"total":1,"records":[{"uniscid":"9113'.encode()
        else:
            body = dumps(envelope("0000", "<html><body>系统维护中</body></html>", sim.next_request_id()))
        return Response(body, media_type=JSON_TYPE)


async def _swallow(message: Message) -> None:
    """The response of a request whose answer the gateway loses."""
