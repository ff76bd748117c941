"""A small client for the simulator in-process (httpx.ASGITransport); never imports the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from simulator.app import create_app
from simulator.config import SimulatorConfig

DIRECTORY_IDS = {"enterprises": "uniscid", "inspectors": "personId", "check-items": "itemCode"}


class Sim:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, config: SimulatorConfig) -> None:
        self.app = app
        self.client = client
        self.config = config
        self.token: str | None = None

    async def new_token(self) -> str:
        response = await self.client.post("/api/v1/auth/token", json={
            "clientId": self.config.client_id, "clientSecret": self.config.client_secret})
        body = response.json()
        assert body["code"] == "0000", body
        self.token = str(body["data"]["accessToken"])
        return self.token

    async def headers(self) -> dict[str, str]:
        token = self.token or await self.new_token()
        return {"Authorization": f"Bearer {token}"}

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=await self.headers())

    async def call(self, path: str, **params: Any) -> dict[str, Any]:
        response = await self.get(path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def page(self, kind: str, page_no: int = 1, page_size: int = 500, **params: Any) -> dict[str, Any]:
        body = await self.call(f"/api/v1/{kind}", pageNo=page_no, pageSize=page_size, **params)
        assert body["code"] == "0000", body
        data: dict[str, Any] = body["data"]
        return data

    async def walk(self, kind: str, page_size: int = 500, **params: Any) -> tuple[int, list[dict[str, Any]]]:
        """Every page in turn; returns the total the first page announced and all records."""
        first = await self.page(kind, 1, page_size, **params)
        records = list(first["records"])
        page_no = 1
        while page_no * page_size < first["total"]:
            page_no += 1
            records.extend((await self.page(kind, page_no, page_size, **params))["records"])
        return first["total"], records

    async def push(self, path: str, body: Any) -> httpx.Response:
        return await self.client.post(path, json=body, headers=await self.headers())

    async def pushed(self, path: str, body: Any) -> dict[str, Any]:
        response = await self.push(path, body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def control(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = await self.client.request(method, f"/_sim{path}", json=body, params=params or None)
        assert response.status_code == 200, response.text
        return response.json()


@asynccontextmanager
async def open_sim(config: SimulatorConfig | None = None) -> AsyncIterator[Sim]:
    config = config or SimulatorConfig(enterprises=600)
    app = create_app(config)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", timeout=30) as client:
        yield Sim(app, client, config)


def order_key(kind: str) -> Any:
    id_field = DIRECTORY_IDS[kind]
    return lambda record: (record["updateTime"], record[id_field])


def task_body(request_id: str, task_no: str = "RW-2026-001", **changes: Any) -> dict[str, Any]:
    body = {
        "requestId": request_id, "planNo": "JH-2026-01", "planName": "2026年度“双随机、一公开”抽查计划",
        "taskNo": task_no, "taskName": "危险化学品经营企业专项抽查", "taskType": "定向", "jointType": "本部门",
        "leadDept": "秦皇岛市应急管理局", "jointDepts": [], "itemCodes": ["YJ-FM-001"],
        "startDate": "2026-03-01", "endDate": "2026-06-30",
    }
    body.update(changes)
    return body


def result_record(platform_task_id: str, uniscid: str, **changes: Any) -> dict[str, Any]:
    record = {
        "platformTaskId": platform_task_id, "uniscid": uniscid, "checkDate": "2026-04-10",
        "resultCodes": ["YJ-FM-001-01"], "resultText": "发现一般隐患2处，已责令限期整改", "hazardCount": 2,
        "majorHazardCount": 0, "rectifyDeadline": "2026-05-10", "handling": "责令改正",
        "inspectors": ["RY130300YJ010001", "RY130300YJ010002"], "publicityDate": "2026-04-20",
    }
    record.update(changes)
    return record
