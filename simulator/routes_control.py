"""The test harness's control API under /_sim (no authentication)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from simulator.clock import CST, format_time
from simulator.config import MAX_ENTERPRISES
from simulator.envelope import json_response
from simulator.faults import FAULT_KINDS
from simulator.mutations import mutate
from simulator.routes_platform import sim_of
from simulator.seeded import seeded
from simulator.state import hash_seed

router = APIRouter(prefix="/_sim", tags=["simulator control"])
Kind = Literal["enterprises", "inspectors", "check-items"]
FaultName = Literal[
    "http429", "http502", "http503", "http504", "code9001", "code9999", "token_expired", "timeout", "slow",
    "malformed", "duplicate_page", "out_of_order_page", "lost_response",
]
assert set(FaultName.__args__) == set(FAULT_KINDS)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ResetBody(_Strict):
    seed: int | None = None
    enterprises: int | None = Field(default=None, ge=0, le=MAX_ENTERPRISES)
    inspectors_per_unit: int | None = Field(default=None, ge=1, le=500, alias="inspectorsPerUnit")


class MutateBody(_Strict):
    kind: Kind
    change_rate: float = Field(default=0.0, ge=0, le=1, alias="changeRate")
    delete_rate: float = Field(default=0.0, ge=0, le=1, alias="deleteRate")
    count: int | None = Field(default=None, ge=0)
    delete_count: int | None = Field(default=None, ge=0, alias="deleteCount")
    seed: int | None = None


class ClockBody(_Strict):
    advance_seconds: int = Field(ge=0, alias="advanceSeconds")


class FaultBody(_Strict):
    rate: float | None = Field(default=None, ge=0, le=1)
    kinds: list[FaultName] | None = Field(default=None, min_length=1)
    sequence: list[FaultName | Literal["ok"]] | None = None
    path_prefix: str = Field(default="/api/v1", alias="pathPrefix", min_length=1)
    delay_seconds: float | None = Field(default=None, ge=0, le=600, alias="delaySeconds")


@router.post("/reset")
async def reset(request: Request, body: ResetBody | None = None) -> Response:
    sim = sim_of(request)
    changes: dict[str, Any] = {}
    if body is not None:
        changes = {name: value for name, value in
                   (("seed", body.seed), ("enterprises", body.enterprises), ("inspectors_per_unit", body.inspectors_per_unit))
                   if value is not None}
    sim.reset(sim.initial_config.with_changes(**changes))
    return json_response(sim.describe())


@router.get("/config")
async def config(request: Request) -> Response:
    return json_response(sim_of(request).describe())


@router.post("/mutate")
async def mutate_records(request: Request, body: MutateBody) -> Response:
    sim = sim_of(request)
    directory = sim.population.directory(body.kind)
    live = directory.counts()["live"]
    changes = body.count if body.count is not None else round(live * body.change_rate)
    deletions = body.delete_count if body.delete_count is not None else round(live * body.delete_rate)
    sim.mutations += 1
    seed = body.seed if body.seed is not None else hash_seed(sim.config.seed, sim.mutations)
    stamp = sim.clock.stamp()
    result = mutate(directory, seeded(seed, "mutate", body.kind), changes=changes, deletions=deletions,
                    stamp=stamp, today=datetime.fromtimestamp(stamp, CST).date())
    return json_response(result.as_json())


@router.get("/records/{kind}/{record_id}")
async def read_record(request: Request, kind: Kind, record_id: str) -> Response:
    record = sim_of(request).population.directory(kind).get(record_id)
    if record is None:
        raise HTTPException(404, f"{kind}/{record_id} 不存在")
    return json_response(record)


@router.put("/records/{kind}/{record_id}")
async def put_record(request: Request, kind: Kind, record_id: str, body: dict[str, Any] = Body(...)) -> Response:
    sim = sim_of(request)
    record = sim.population.directory(kind).put(record_id, body, sim.clock.stamp())
    return json_response({"kind": kind, "id": record_id, "record": record})


@router.delete("/records/{kind}/{record_id}")
async def delete_record(request: Request, kind: Kind, record_id: str) -> Response:
    sim = sim_of(request)
    record = sim.population.directory(kind).delete(record_id, sim.clock.stamp())
    if record is None:
        raise HTTPException(404, f"{kind}/{record_id} 不存在")
    return json_response({"kind": kind, "id": record_id, "record": record})


@router.get("/clock")
async def read_clock(request: Request) -> Response:
    clock = sim_of(request).clock
    return json_response({"now": format_time(clock.stamp()), "offsetSeconds": clock.offset_seconds})


@router.post("/clock")
async def advance_clock(request: Request, body: ClockBody) -> Response:
    clock = sim_of(request).clock
    clock.advance(body.advance_seconds)
    return json_response({"now": format_time(clock.stamp()), "offsetSeconds": clock.offset_seconds})


@router.post("/faults")
async def set_faults(request: Request, body: FaultBody) -> Response:
    if body.rate is None and body.sequence is None:
        raise HTTPException(422, "需要 rate 或 sequence")
    settings: dict[str, Any] = {"path_prefix": body.path_prefix, "delay_seconds": body.delay_seconds,
                                "sequence": list(body.sequence or []), "rate": body.rate or 0.0}
    if body.kinds is not None:
        settings["kinds"] = tuple(body.kinds)
    plan = sim_of(request).set_faults(**settings)
    return json_response(plan.as_json())


@router.delete("/faults")
async def clear_faults(request: Request) -> Response:
    sim = sim_of(request)
    sim.faults = None
    return json_response({"configured": None, "injectedTotal": dict(sorted(sim.fault_totals.items()))})


@router.get("/faults")
async def read_faults(request: Request) -> Response:
    sim = sim_of(request)
    return json_response({"configured": sim.faults.as_json() if sim.faults else None,
                          "injectedTotal": dict(sorted(sim.fault_totals.items()))})


@router.post("/tokens/expire")
async def expire_tokens(request: Request) -> Response:
    return json_response({"expired": sim_of(request).expire_tokens()})


@router.get("/pushes")
async def pushes(request: Request, kind: Literal["tasks", "draws", "results"] | None = None) -> Response:
    ledger = sim_of(request).pushes
    answer: dict[str, Any] = {
        "requests": [seen.as_json(request_id) for request_id, seen in ledger.received.items()
                     if kind is None or seen.kind == kind],
    }
    if kind in (None, "tasks"):
        answer["tasks"] = [{"platformTaskId": task.platform_task_id, "taskNo": task.body.get("taskNo"),
                            "registrations": task.registrations, "requestIds": task.request_ids, "body": task.body}
                           for task in ledger.tasks.values()]
    if kind in (None, "draws"):
        answer["draws"] = [{"platformTaskId": task_id, "drawNo": draw_no, "reports": draw.reports,
                            "requestIds": draw.request_ids, "body": draw.body}
                           for (task_id, draw_no), draw in ledger.draws.items()]
    if kind in (None, "results"):
        answer["results"] = ledger.results_json()
    return json_response(answer)


@router.get("/stats")
async def stats(request: Request) -> Response:
    sim = sim_of(request)
    return json_response({"requests": dict(sorted(sim.requests.items())),
                          "faults": dict(sorted(sim.fault_totals.items())),
                          "pushes": len(sim.pushes.received), "results": len(sim.pushes.results)})
