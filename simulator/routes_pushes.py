"""Pushes: task registration, draw reports and result batches, idempotent by requestId."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from simulator.envelope import OK, envelope, json_response
from simulator.routes_platform import json_object, require_token
from simulator.state import SimState
from simulator.validation import request_id as read_request_id

router = APIRouter(prefix="/api/v1")


async def _push(request: Request, kind: str, apply: Callable[[SimState, str, dict[str, Any]], dict[str, Any]]) -> Response:
    sim = require_token(request)
    body = await json_object(request)
    request_id = read_request_id(body)
    request.state.request_id = request_id
    path = request.url.path
    answer = sim.pushes.replay(request_id, path, body)
    if answer is None:
        answer = envelope(OK, apply(sim, request_id, body), request_id)
        sim.pushes.remember(request_id, kind, path, body, answer, sim.clock.stamp())
    return json_response(answer)


@router.post("/tasks")
async def register_task(request: Request) -> Response:
    def apply(sim: SimState, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return sim.pushes.register_task(request_id, body, sim.population.check_items.is_live)

    return await _push(request, "tasks", apply)


@router.post("/tasks/{platform_task_id}/draws")
async def report_draw(request: Request, platform_task_id: str) -> Response:
    def apply(sim: SimState, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return sim.pushes.report_draw(request_id, platform_task_id, body)

    return await _push(request, "draws", apply)


@router.post("/results")
async def push_results(request: Request) -> Response:
    def apply(sim: SimState, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return sim.pushes.store_results(request_id, body, sim.population.enterprises.is_live, sim.clock.stamp())

    return await _push(request, "results", apply)
