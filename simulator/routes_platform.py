"""The platform API under /api/v1: token, the three directories, result read-back, and shared helpers."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from simulator import uscc
from simulator.clock import parse_time
from simulator.directory import Directory
from simulator.envelope import (
    BAD_CREDENTIALS,
    OK,
    TOKEN_INVALID,
    PlatformError,
    envelope,
    field_error,
    json_response,
)
from simulator.seeded import seeded
from simulator.state import SimState

router = APIRouter(prefix="/api/v1")
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 20
_DIGITS = re.compile(r"[0-9]{1,12}")
_DEPT_CODE = re.compile(r"[0-9A-Za-z]{1,32}")


def sim_of(request: Request) -> SimState:
    sim: SimState = request.app.state.sim
    return sim


def require_token(request: Request) -> SimState:
    sim = sim_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PlatformError(TOKEN_INVALID, "缺少访问令牌")
    if not sim.token_valid(token.strip()):
        raise PlatformError(TOKEN_INVALID)
    return sim


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as error:
        raise field_error("body", "请求体不是合法的 JSON") from error
    if not isinstance(body, dict):
        raise field_error("body", "请求体应为 JSON 对象")
    return body


def ok(sim: SimState, data: Any, request_id: str | None = None) -> Response:
    return json_response(envelope(OK, data, request_id or sim.next_request_id()))


@router.post("/auth/token")
async def issue_token(request: Request) -> Response:
    sim = sim_of(request)
    body = await json_object(request)
    client_id, client_secret = body.get("clientId"), body.get("clientSecret")
    for name, value in (("clientId", client_id), ("clientSecret", client_secret)):
        if not isinstance(value, str) or not value or len(value) > 128:
            raise field_error(name)
    assert isinstance(client_id, str)
    assert isinstance(client_secret, str)
    config = sim.config
    if not (secrets.compare_digest(client_id.encode(), config.client_id.encode())
            and secrets.compare_digest(client_secret.encode(), config.client_secret.encode())):
        raise PlatformError(BAD_CREDENTIALS)
    return ok(sim, {"accessToken": sim.issue_token(), "expiresIn": config.token_ttl_seconds})


def _paging(request: Request) -> tuple[int, int, int | None]:
    query = request.query_params
    page_no_text = query.get("pageNo") or "1"
    page_size_text = query.get("pageSize") or str(DEFAULT_PAGE_SIZE)
    if not _DIGITS.fullmatch(page_no_text) or int(page_no_text) < 1:
        raise field_error("pageNo", "应为从 1 开始的整数")
    if not _DIGITS.fullmatch(page_size_text) or not 1 <= int(page_size_text) <= MAX_PAGE_SIZE:
        raise field_error("pageSize", f"取值应为 1..{MAX_PAGE_SIZE}")
    since_text = query.get("updateTimeStart")
    since = None
    if since_text:
        since = parse_time(since_text)
        if since is None:
            raise field_error("updateTimeStart", "格式应为 yyyy-MM-dd HH:mm:ss")
    return int(page_no_text), int(page_size_text), since


def _directory_page(request: Request, directory: Directory, key_param: str | None = None,
                    key_pattern: re.Pattern[str] | None = None) -> Response:
    sim = require_token(request)
    page_no, page_size, since = _paging(request)
    key = None
    if key_param is not None and key_pattern is not None:
        key = request.query_params.get(key_param) or None
        if key is not None and not key_pattern.fullmatch(key):
            raise field_error(key_param)
    offset = (page_no - 1) * page_size
    page = directory.page(offset, page_size, since, key)
    records = page.records
    fault = request.scope.get("state", {}).get("sim_fault")
    if fault == "duplicate_page" and records:
        if offset > 0:  # the tail of the previous page comes again at the head of this one
            overlap = min(3, offset)
            records = directory.page(offset - overlap, overlap, since, key).records + records
        else:
            records = records + records[: min(3, len(records))]
    elif fault == "out_of_order_page" and len(records) > 1:
        shuffled = list(records)
        seeded(request.scope["state"]["sim_fault_seed"]).shuffle(shuffled)
        records = shuffled if shuffled != records else list(reversed(records))
    return ok(sim, {"total": page.total, "pageNo": page_no, "pageSize": page_size, "records": records})


@router.get("/check-items")
async def check_items(request: Request) -> Response:
    return _directory_page(request, sim_of(request).population.check_items)


@router.get("/enterprises")
async def enterprises(request: Request) -> Response:
    return _directory_page(request, sim_of(request).population.enterprises, "regionCode", re.compile(r"[0-9]{6}"))


@router.get("/inspectors")
async def inspectors(request: Request) -> Response:
    return _directory_page(request, sim_of(request).population.inspectors, "deptCode", _DEPT_CODE)


@router.get("/results/{uniscid}")
async def results_of(request: Request, uniscid: str) -> Response:
    sim = require_token(request)
    if not uscc.is_valid(uniscid):
        raise field_error("uniscid", "不是有效的统一社会信用代码")
    task_id = request.query_params.get("platformTaskId") or None
    if task_id is not None and len(task_id) > 64:
        raise field_error("platformTaskId")
    records = sim.pushes.results_of(uniscid, task_id)
    return ok(sim, {"uniscid": uniscid, "total": len(records), "records": records})
