"""What the platform received: tasks, draws and results, idempotent by requestId.

Pure logic: the routes validate the envelope-level fields, ask `replay` whether the requestId was seen,
then call `register_task`, `report_draw` or `store_results` and `remember` the answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.clock import format_time
from simulator.envelope import DUPLICATE_REQUEST, FIELD_INVALID, NOT_FOUND, PlatformError, field_error
from simulator.validation import Fields

TASK_TYPES = ("定向", "不定向")
JOINT_TYPES = ("内部联合", "跨部门联合", "本部门")
ROLES = ("组长", "组员")
HANDLINGS = ("责令改正", "立案查处", "移送", "无")
RISK_GRADES = ("A", "B", "C", "D")
MAX_RESULTS = 200


def canonical(path: str, body: Any) -> str:
    return json.dumps({"path": path, "body": body}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Received:
    kind: str
    path: str
    body: Any
    canonical: str
    answer: dict[str, Any]
    received: int = 1
    first_at: str = ""

    def as_json(self, request_id: str) -> dict[str, Any]:
        return {"requestId": request_id, "kind": self.kind, "path": self.path, "body": self.body,
                "answer": self.answer, "received": self.received, "firstReceivedAt": self.first_at}


@dataclass
class Task:
    platform_task_id: str
    body: dict[str, Any]
    registrations: int = 1
    request_ids: list[str] = field(default_factory=list)


@dataclass
class Draw:
    body: dict[str, Any]
    reports: int = 1
    request_ids: list[str] = field(default_factory=list)


@dataclass
class StoredResult:
    record: dict[str, Any]
    applied: int = 1
    request_ids: list[str] = field(default_factory=list)
    received_at: str = ""


class PushLedger:
    def __init__(self) -> None:
        self.received: dict[str, Received] = {}
        self.tasks: dict[str, Task] = {}
        self._task_by_no: dict[str, str] = {}
        self.draws: dict[tuple[str, str], Draw] = {}
        self.results: dict[tuple[str, str, str], StoredResult] = {}

    # -- idempotency ---------------------------------------------------------------------------------
    def replay(self, request_id: str, path: str, body: Any) -> dict[str, Any] | None:
        """The first answer when this requestId was applied with the same body; 3001 when with another."""
        seen = self.received.get(request_id)
        if seen is None:
            return None
        if seen.canonical != canonical(path, body):
            raise PlatformError(DUPLICATE_REQUEST, f"请求编号 {request_id} 已用于不同的请求内容")
        seen.received += 1
        return seen.answer

    def remember(self, request_id: str, kind: str, path: str, body: Any, answer: dict[str, Any], stamp: int) -> None:
        self.received[request_id] = Received(kind, path, body, canonical(path, body), answer, 1, format_time(stamp))

    # -- tasks ---------------------------------------------------------------------------------------
    def register_task(self, request_id: str, body: dict[str, Any], item_exists: Callable[[str], bool]) -> dict[str, str]:
        fields = Fields(body)
        for name, length in (("planNo", 64), ("planName", 200), ("taskNo", 64), ("taskName", 200), ("leadDept", 100)):
            fields.text(name, length)
        fields.choice("taskType", TASK_TYPES)
        fields.choice("jointType", JOINT_TYPES)
        fields.texts("jointDepts", 0, 50, 100)
        item_codes = fields.texts("itemCodes", 1, 100, 64)
        start, end = fields.day("startDate"), fields.day("endDate")
        assert start is not None
        assert end is not None
        if end < start:
            raise field_error("endDate", "不得早于 startDate")
        for code in item_codes:
            if not item_exists(code):
                raise PlatformError(NOT_FOUND, f"抽查事项 {code} 不存在")
        task_no = str(body["taskNo"])
        platform_task_id = self._task_by_no.get(task_no)
        if platform_task_id is None:
            platform_task_id = self._new_task_id(task_no)
            self._task_by_no[task_no] = platform_task_id
            self.tasks[platform_task_id] = Task(platform_task_id, body, 0)
        task = self.tasks[platform_task_id]
        task.body = body
        task.registrations += 1
        task.request_ids.append(request_id)
        return {"platformTaskId": platform_task_id}

    def _new_task_id(self, task_no: str) -> str:
        digest = hashlib.sha256(task_no.encode("utf-8")).hexdigest().upper()
        length = 16
        while f"P-{digest[:length]}" in self.tasks:
            length += 1
        return f"P-{digest[:length]}"

    # -- draws ---------------------------------------------------------------------------------------
    def report_draw(self, request_id: str, platform_task_id: str, body: dict[str, Any]) -> dict[str, Any]:
        if platform_task_id not in self.tasks:
            raise PlatformError(NOT_FOUND, f"任务 {platform_task_id} 不存在")
        fields = Fields(body)
        draw_no = fields.text("drawNo", 64)
        seed = body.get("seed")
        if not (isinstance(seed, str) and 1 <= len(seed) <= 128) and not (
                isinstance(seed, int) and not isinstance(seed, bool)):
            raise field_error("seed", "应为字符串或整数")
        fields.text("algorithm", 64)
        fields.text("populationHash", 128)
        fields.moment("drawnAt")
        drawn: set[str] = set()
        for position, target in enumerate(fields.items("targets", 1, 100_000)):
            item = Fields(target, f"targets[{position}].")
            drawn.add(item.code("uniscid"))
            item.choice("riskGrade", RISK_GRADES, required=False)
            stratum = item.body.get("stratum")
            if stratum is not None and not isinstance(stratum, str | int):
                raise item.error("stratum", "应为字符串、整数或 null")
        teams = fields.items("teams", 0, 100_000)
        for position, team in enumerate(teams):
            item = Fields(team, f"teams[{position}].")
            if item.code("uniscid") not in drawn:
                raise item.error("uniscid", "不在本次抽取的检查对象中")
            for number, member in enumerate(item.items("inspectors", 1, 50)):
                person = Fields(member, f"teams[{position}].inspectors[{number}].")
                person.text("personId", 64)
                person.choice("role", ROLES)
        assert draw_no is not None
        draw = self.draws.get((platform_task_id, draw_no))
        if draw is None:
            draw = self.draws[(platform_task_id, draw_no)] = Draw(body, 0)
        draw.body = body
        draw.reports += 1
        draw.request_ids.append(request_id)
        return {"platformTaskId": platform_task_id, "drawNo": draw_no,
                "targetCount": len(body["targets"]), "teamCount": len(teams)}

    # -- results -------------------------------------------------------------------------------------
    def store_results(self, request_id: str, body: dict[str, Any], enterprise_live: Callable[[str], bool],
                      stamp: int) -> dict[str, Any]:
        records = Fields(body).items("records", 1, MAX_RESULTS)
        accepted = 0
        rejected: list[dict[str, Any]] = []
        for index, record in enumerate(records):
            try:
                key = self._check_result(record, enterprise_live)
            except PlatformError as error:
                rejected.append({"index": index, "code": error.code, "msg": error.msg})
                continue
            stored = self.results.get(key)
            if stored is None:
                self.results[key] = StoredResult(record, 1, [request_id], format_time(stamp))
            else:
                stored.record = record
                stored.applied += 1
                stored.request_ids.append(request_id)
                stored.received_at = format_time(stamp)
            accepted += 1
        return {"accepted": accepted, "rejected": rejected}

    def _check_result(self, record: object, enterprise_live: Callable[[str], bool]) -> tuple[str, str, str]:
        if not isinstance(record, dict):
            raise PlatformError(FIELD_INVALID, "记录应为 JSON 对象")
        fields = Fields(record)
        task_id = fields.text("platformTaskId", 64)
        code = fields.code("uniscid")
        check_date = fields.day("checkDate")
        fields.texts("resultCodes", 0, 50, 64)
        fields.text("resultText", 2000, min_length=0)
        hazards = fields.integer("hazardCount")
        if fields.integer("majorHazardCount") > hazards:
            raise fields.error("majorHazardCount", "不得大于 hazardCount")
        deadline = fields.day("rectifyDeadline", required=False)
        assert check_date is not None
        assert task_id is not None
        if deadline is not None and deadline < check_date:
            raise fields.error("rectifyDeadline", "不得早于 checkDate")
        fields.choice("handling", HANDLINGS)
        fields.texts("inspectors", 1, 20, 64)
        fields.day("publicityDate", required=False)
        if task_id not in self.tasks:
            raise PlatformError(NOT_FOUND, f"任务 {task_id} 不存在")
        if not enterprise_live(code):
            raise PlatformError(NOT_FOUND, f"企业 {code} 不存在")
        return task_id, code, check_date.isoformat()

    def results_of(self, code: str, platform_task_id: str | None) -> list[dict[str, Any]]:
        return [
            {**stored.record, "receivedAt": stored.received_at}
            for (task_id, uniscid, _), stored in sorted(self.results.items(), key=lambda item: (item[0][2], item[0][0]))
            if uniscid == code and (platform_task_id is None or task_id == platform_task_id)
        ]

    def results_json(self) -> list[dict[str, Any]]:
        return [
            {"platformTaskId": task_id, "uniscid": code, "checkDate": day, "appliedCount": stored.applied,
             "requestIds": stored.request_ids, "receivedAt": stored.received_at, "record": stored.record}
            for (task_id, code, day), stored in self.results.items()
        ]
