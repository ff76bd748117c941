"""Tasks, draws and results: validation, partial acceptance, idempotency by requestId."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.helpers import Sim, result_record, task_body


async def register(sim: Sim, request_id: str = "req-task-1", task_no: str = "RW-2026-001") -> str:
    answer = await sim.pushed("/api/v1/tasks", task_body(request_id, task_no))
    assert answer["code"] == "0000", answer
    return str(answer["data"]["platformTaskId"])


async def some_enterprises(sim: Sim, count: int) -> list[str]:
    return [record["uniscid"] for record in (await sim.page("enterprises", 1, count))["records"]]


async def test_registering_a_task_is_idempotent(sim: Sim) -> None:
    body = task_body("req-1")
    first = await sim.pushed("/api/v1/tasks", body)
    assert first["code"] == "0000"
    assert first["requestId"] == "req-1"
    assert first["data"]["platformTaskId"].startswith("P-")
    again = await sim.pushed("/api/v1/tasks", body)
    assert again == first
    conflict = await sim.pushed("/api/v1/tasks", {**body, "taskName": "另一个名称"})
    assert conflict["code"] == "3001"
    assert "req-1" in conflict["msg"]
    other_request = await sim.pushed("/api/v1/tasks", task_body("req-2"))
    assert other_request["data"]["platformTaskId"] == first["data"]["platformTaskId"]  # same taskNo, same task
    second_task = await sim.pushed("/api/v1/tasks", task_body("req-3", task_no="RW-2026-002"))
    assert second_task["data"]["platformTaskId"] != first["data"]["platformTaskId"]

    pushes = await sim.control("GET", "/pushes", kind="tasks")
    received = {item["requestId"]: item["received"] for item in pushes["requests"]}
    assert received == {"req-1": 2, "req-2": 1, "req-3": 1}
    registrations = {task["taskNo"]: task["registrations"] for task in pushes["tasks"]}
    assert registrations == {"RW-2026-001": 2, "RW-2026-002": 1}


@pytest.mark.parametrize(("changes", "field"), [
    ({"taskType": "随机"}, "taskType"),
    ({"jointType": None}, "jointType"),
    ({"startDate": "2026/03/01"}, "startDate"),
    ({"endDate": "2026-02-28"}, "endDate"),
    ({"taskNo": ""}, "taskNo"),
    ({"planName": None}, "planName"),
    ({"itemCodes": []}, "itemCodes"),
    ({"jointDepts": "秦皇岛市水务局"}, "jointDepts"),
    ({"requestId": "x" * 65}, "requestId"),
    ({"requestId": None}, "requestId"),
])
async def test_invalid_task_fields_are_2001(sim: Sim, changes: dict[str, Any], field: str) -> None:
    answer = await sim.pushed("/api/v1/tasks", task_body("req-bad", **changes))
    assert answer["code"] == "2001"
    assert f"字段 {field}" in answer["msg"]
    assert (await sim.control("GET", "/pushes"))["requests"] == []


async def test_unknown_check_item_is_2002(sim: Sim) -> None:
    answer = await sim.pushed("/api/v1/tasks", task_body("req-x", itemCodes=["YJ-XX-999"]))
    assert answer["code"] == "2002"


def draw_body(request_id: str, codes: list[str], **changes: Any) -> dict[str, Any]:
    body = {
        "requestId": request_id, "drawNo": "CQ-2026-001", "seed": "8f3a9c", "algorithm": "sha256-stratified-v1",
        "populationHash": "ab" * 32, "drawnAt": "2026-03-02 10:15:00",
        "targets": [{"uniscid": code, "riskGrade": "B", "stratum": "WH-JY"} for code in codes],
        "teams": [{"uniscid": code, "inspectors": [{"personId": "RY130300YJ010001", "role": "组长"},
                                                   {"personId": "RY130300YJ010002", "role": "组员"}]}
                  for code in codes],
    }
    body.update(changes)
    return body


async def test_draws(sim: Sim) -> None:
    task_id = await register(sim)
    codes = await some_enterprises(sim, 3)
    answer = await sim.pushed(f"/api/v1/tasks/{task_id}/draws", draw_body("req-draw", codes))
    assert answer["code"] == "0000"
    assert answer["data"]["targetCount"] == 3
    assert await sim.pushed(f"/api/v1/tasks/{task_id}/draws", draw_body("req-draw", codes)) == answer
    unknown = await sim.pushed("/api/v1/tasks/P-UNKNOWN/draws", draw_body("req-draw-2", codes))
    assert unknown["code"] == "2002"
    bad = dict(draw_body("req-draw-3", codes))
    bad["targets"] = [{**bad["targets"][0], "uniscid": codes[0][:17] + ("0" if codes[0][17] != "0" else "1")}]
    answer = await sim.pushed(f"/api/v1/tasks/{task_id}/draws", bad)
    assert answer["code"] == "2001"
    assert "targets[0].uniscid" in answer["msg"]
    stray = draw_body("req-draw-4", codes[:1])
    stray["teams"] = draw_body("x", codes[1:2])["teams"]
    answer = await sim.pushed(f"/api/v1/tasks/{task_id}/draws", stray)
    assert answer["code"] == "2001"
    assert "teams[0].uniscid" in answer["msg"]
    role = draw_body("req-draw-5", codes[:1])
    role["teams"][0]["inspectors"][0]["role"] = "队长"
    answer = await sim.pushed(f"/api/v1/tasks/{task_id}/draws", role)
    assert "teams[0].inspectors[0].role" in answer["msg"]
    draws = (await sim.control("GET", "/pushes", kind="draws"))["draws"]
    assert [(draw["drawNo"], draw["reports"]) for draw in draws] == [("CQ-2026-001", 1)]


async def test_a_result_batch_is_partly_accepted(sim: Sim) -> None:
    task_id = await register(sim)
    codes = await some_enterprises(sim, 4)
    await sim.control("DELETE", f"/records/enterprises/{codes[3]}")
    records = [
        result_record(task_id, codes[0]),
        result_record(task_id, codes[1], checkDate="2026-02-30"),
        result_record(task_id, "91350100M000100Y43"),
        result_record("P-NOPE", codes[1]),
        result_record(task_id, codes[2], handling="罚款"),
        result_record(task_id, codes[3]),
        "not a record",
        result_record(task_id, codes[1], majorHazardCount=3),
        result_record(task_id, codes[2], rectifyDeadline=None, hazardCount=0),
    ]
    answer = await sim.pushed("/api/v1/results", {"requestId": "req-results-1", "records": records})
    assert answer["code"] == "0000"
    assert answer["data"]["accepted"] == 2
    rejected = {item["index"]: (item["code"], item["msg"]) for item in answer["data"]["rejected"]}
    assert sorted(rejected) == [1, 2, 3, 4, 5, 6, 7]
    assert rejected[1][0] == "2001"
    assert "checkDate" in rejected[1][1]
    assert rejected[2][0] == rejected[3][0] == rejected[5][0] == "2002"
    assert rejected[4][0] == "2001"
    assert "handling" in rejected[4][1]
    assert rejected[6][0] == "2001"
    assert "majorHazardCount" in rejected[7][1]

    assert await sim.pushed("/api/v1/results", {"requestId": "req-results-1", "records": records}) == answer
    held = (await sim.control("GET", "/pushes", kind="results"))["results"]
    assert sorted((item["uniscid"], item["appliedCount"]) for item in held) == sorted([(codes[0], 1), (codes[2], 1)])

    conflict = await sim.pushed("/api/v1/results", {"requestId": "req-results-1", "records": records[:1]})
    assert conflict["code"] == "3001"

    # a second push of the same result under a new requestId is applied again: the count shows it
    await sim.pushed("/api/v1/results", {"requestId": "req-results-2", "records": records[:1]})
    held = (await sim.control("GET", "/pushes", kind="results"))["results"]
    assert {item["uniscid"]: item["appliedCount"] for item in held}[codes[0]] == 2


@pytest.mark.parametrize("records", [[], "x", None])
async def test_batch_size_and_shape(sim: Sim, records: Any) -> None:
    answer = await sim.pushed("/api/v1/results", {"requestId": "req-r", "records": records})
    assert answer["code"] == "2001"
    assert "records" in answer["msg"]


async def test_batches_above_200_are_refused(sim: Sim) -> None:
    task_id = await register(sim)
    code = (await some_enterprises(sim, 1))[0]
    records = [result_record(task_id, code, checkDate=f"2026-0{1 + n // 28}-{1 + n % 28:02d}", rectifyDeadline=None)
               for n in range(201)]
    answer = await sim.pushed("/api/v1/results", {"requestId": "req-201", "records": records})
    assert answer["code"] == "2001"
    answer = await sim.pushed("/api/v1/results", {"requestId": "req-200", "records": records[:200]})
    assert answer["data"]["accepted"] == 200


async def test_reading_results_back(sim: Sim) -> None:
    first, second = await register(sim, "r1", "RW-1"), await register(sim, "r2", "RW-2")
    code = (await some_enterprises(sim, 1))[0]
    await sim.pushed("/api/v1/results", {"requestId": "req-a", "records": [
        result_record(first, code), result_record(second, code, checkDate="2026-05-01")]})
    body = await sim.call(f"/api/v1/results/{code}")
    assert body["code"] == "0000"
    assert body["data"]["total"] == 2
    assert [item["platformTaskId"] for item in body["data"]["records"]] == [first, second]
    assert body["data"]["records"][0]["receivedAt"]
    only = await sim.call(f"/api/v1/results/{code}", platformTaskId=second)
    assert [item["checkDate"] for item in only["data"]["records"]] == ["2026-05-01"]
    assert (await sim.call("/api/v1/results/not-a-code"))["code"] == "2001"


async def test_error_envelopes_carry_the_push_request_id(sim: Sim) -> None:
    answer = await sim.pushed("/api/v1/tasks", task_body("req-echo", taskType="随机"))
    assert answer["requestId"] == "req-echo"
    answer = await sim.pushed("/api/v1/tasks/P-NONE/draws", {"requestId": "req-draw-echo"})
    assert (answer["code"], answer["requestId"]) == ("2002", "req-draw-echo")
