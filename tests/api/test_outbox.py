"""The push outbox against the embedded simulator: order, exactly-once delivery under faults, dead letters."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from app.adapters.db.repositories.audit import Actor
from app.deps import Container
from app.domain.directories.model import CreditClass
from app.domain.outbox.model import MessageStatus, RetrySchedule
from app.domain.outbox.service import (
    RelayOptions,
    RelayReport,
    drain,
    draw_message,
    enqueue,
    results_message,
    task_message,
)
from app.domain.provincial.model import (
    DrawReport,
    DrawTarget,
    DrawTeam,
    Handling,
    ResultRecord,
    TaskRegistration,
    TeamMember,
)
from tests.api.test_sync import sim
from tests.support import MakeUser, assert_problem, make_uscc

NOW_RETRY = RelayOptions(schedule=RetrySchedule(base=timedelta(0)))


def task(n: int, **changes: Any) -> TaskRegistration:
    values: dict[str, Any] = {
        "plan_no": "2026001", "plan_name": "2026年非煤矿山企业安全生产随机抽查计划", "task_no": f"2026001-{n:02d}",
        "task_name": f"非煤矿山企业的安全检查（第{n}组）", "task_type": "不定向", "joint_type": "内部联合",
        "lead_department": "秦皇岛市应急管理局非煤矿山安全监督管理科",
        "joint_departments": ("秦皇岛市应急管理局执法一大队",), "item_codes": ("YJ-FM-001",),
        "start_date": date(2026, 4, 1), "end_date": date(2026, 6, 30),
    }
    values.update(changes)
    return TaskRegistration(**values)


def result(uscc: str, day: int = 12) -> ResultRecord:
    # The platform's task id is filled in by the relay from the task's registration.
    return ResultRecord("", uscc, date(2026, 5, day), ("未发现问题",), "现场检查未发现问题", 0, 0, None, Handling.NONE,
                        ("ZF1-001",), date(2026, 5, 28))


async def usccs(container: Container, n: int) -> list[str]:
    token = (await sim(container, "POST", "/api/v1/auth/token",
                       json={"clientId": "qhd-yjj", "clientSecret": "qhd-yjj-simulator-secret"}))["data"]["accessToken"]
    data = (await sim(container, "GET", "/api/v1/enterprises", params={"pageNo": 1, "pageSize": 500},
                      headers={"Authorization": f"Bearer {token}"}))["data"]
    return [r["uniscid"] for r in data["records"] if not r.get("deleted") and r["entStatus"] == "存续"][:n]


async def put(container: Container, *messages: Any) -> list[int]:
    async with container.uow(Actor("test", "system", None)) as uow:
        ids = [(await enqueue(uow, m)).id or 0 for m in messages]
        await uow.commit()
    return ids


async def relay(container: Container, worker: str = "relay-1", options: RelayOptions = NOW_RETRY) -> RelayReport:
    return await drain(lambda: container.uow(Actor("relay", "system", None)), container.platform, worker=worker,
                       options=options)


async def ledger(container: Container, kind: str) -> dict[str, Any]:
    return await sim(container, "GET", "/_sim/pushes", params={"kind": kind})


async def test_a_push_written_in_a_transaction_that_rolls_back_is_never_sent(container: Container) -> None:
    async with container.uow(Actor("test", "system", None)) as uow:
        await enqueue(uow, task_message(task(1)))  # no commit
    assert (await relay(container)).claimed == 0


async def test_a_tasks_pushes_go_out_in_order_once_each_with_the_platform_task_id(container: Container) -> None:
    codes = await usccs(container, 3)
    draw = DrawReport("D2026001-01", "12345678901234567890", "CN-INSPECT/v1", "f" * 64, container.clock.now(),
                      tuple(DrawTarget(u, CreditClass.B, "FM/B") for u in codes),
                      tuple(DrawTeam(u, (TeamMember("ZF1-001", True), TeamMember("ZF1-002", False))) for u in codes))
    await put(container, task_message(task(1)), draw_message("2026001-01", draw),
              results_message("2026001-01", "2026001-01-a", [result(u) for u in codes]))

    report = await relay(container)

    assert (report.delivered, report.dead, report.retried) == (3, 0, 0)
    tasks = (await ledger(container, "tasks"))["tasks"]
    assert [t["registrations"] for t in tasks] == [1]
    draws = (await ledger(container, "draws"))["draws"]
    assert [d["platformTaskId"] for d in draws] == [tasks[0]["platformTaskId"]]
    results = (await ledger(container, "results"))["results"]
    assert sorted(r["uniscid"] for r in results) == sorted(codes)
    assert {r["appliedCount"] for r in results} == {1}
    assert (await relay(container)).claimed == 0


async def test_with_one_push_in_five_failing_every_result_arrives_exactly_once(container: Container) -> None:
    codes = await usccs(container, 40)
    messages: list[Any] = []
    for n in range(1, 5):
        messages.append(task_message(task(n)))
        messages += [results_message(f"2026001-{n:02d}", f"2026001-{n:02d}-{b}",
                                     [result(u, day=1 + b) for u in codes[b * 4:(b + 1) * 4]]) for b in range(10)]
    await put(container, *messages)
    await sim(container, "POST", "/_sim/faults", json={
        "rate": 0.2, "kinds": ["http502", "http503", "http504", "code9001", "code9999", "lost_response", "malformed"]})

    rounds = 0
    while (counts := await outbox_counts(container)).get("pending", 0) and rounds < 200:
        await relay(container)
        rounds += 1

    assert counts == {"delivered": len(messages)}
    applied = (await ledger(container, "results"))["results"]
    assert len(applied) == 4 * 40
    assert {r["appliedCount"] for r in applied} == {1}
    injected = (await sim(container, "GET", "/_sim/faults"))["injectedTotal"]
    assert sum(injected.values()) >= 5, injected


async def outbox_counts(container: Container) -> dict[str, int]:
    async with container.uow(Actor("test", "system", None), readonly=True) as uow:
        return await uow.outbox.counts()


async def test_two_relays_never_send_one_message_twice(container: Container) -> None:
    codes = await usccs(container, 20)
    await put(container, *(task_message(task(n)) for n in range(1, 11)))
    await put(container, *(results_message(f"2026001-{n:02d}", f"b-{n}", [result(codes[n])]) for n in range(1, 11)))
    await sim(container, "POST", "/_sim/faults", json={"rate": 1.0, "kinds": ["slow"], "delaySeconds": 0.01})

    await asyncio.gather(relay(container, "relay-1"), relay(container, "relay-2"))

    requests = (await sim(container, "GET", "/_sim/pushes"))["requests"]
    assert len(requests) == 20
    assert {r["received"] for r in requests} == {1}


async def test_a_transient_failure_is_retried_on_the_schedule_kept_in_the_row(container: Container) -> None:
    [message_id] = await put(container, task_message(task(1)))
    await sim(container, "POST", "/_sim/faults", json={"rate": 1.0, "kinds": ["http503"]})

    report = await relay(container, options=RelayOptions())

    assert (report.retried, report.delivered) == (1, 0)
    async with container.uow(Actor("test", "system", None), readonly=True) as uow:
        row = await uow.outbox.get(message_id)
    assert row is not None
    assert row.status is MessageStatus.PENDING
    assert (row.attempts, row.last_error_code) == (1, "503")
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > container.clock.now()
    await sim(container, "DELETE", "/_sim/faults")
    assert (await relay(container, options=RelayOptions())).claimed == 0, "not due yet"


async def test_a_partly_refused_batch_is_delivered_and_the_refused_record_becomes_a_dead_letter_to_retry(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    supervisor = await make_user("supervisor", "ZJK")
    good = await usccs(container, 2)
    stranger = make_uscc(77)
    await put(container, task_message(task(1)),
              results_message("2026001-01", "2026001-01-a", [result(good[0]), result(stranger), result(good[1])]))

    report = await relay(container)

    assert (report.delivered, report.rejected_records) == (2, 1)
    dead = (await client.get("/api/v1/outbox", params={"status": "dead"}, headers=supervisor)).json()
    assert dead["counts"] == {"delivered": 2, "dead": 1}
    [letter] = dead["items"]
    assert letter["payload"]["records"][0]["uscc"] == stranger
    assert letter["last_error_code"] == "2002"
    assert letter["parent_id"] is not None
    assert letter["status_label"] == "死信（平台拒绝）"

    await sim(container, "PUT", f"/_sim/records/enterprises/{stranger}", json={
        "uniscid": stranger, "entName": "秦皇岛市新登记矿业有限公司", "regionCode": "130321", "industryCode": "FM",
        "entStatus": "存续", "riskGrade": "C"})
    retried = await client.post(f"/api/v1/outbox/{letter['id']}/retry", headers=supervisor)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    assert retried.json()["idempotency_key"] != letter["idempotency_key"]
    assert (await relay(container)).delivered == 1
    applied = (await ledger(container, "results"))["results"]
    assert sorted(r["uniscid"] for r in applied) == sorted([*good, stranger])
    assert_problem(await client.post(f"/api/v1/outbox/{letter['id']}/retry", headers=supervisor), 409,
                   "outbox.not_dead")


async def test_a_refused_registration_holds_back_the_rest_of_its_task(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    code = (await usccs(container, 1))[0]
    [registration, follower] = await put(container, task_message(task(1, item_codes=("NO-SUCH-ITEM",))),
                                         results_message("2026001-01", "x", [result(code)]))
    await put(container, task_message(task(2)))

    report = await relay(container)

    assert (report.dead, report.delivered) == (1, 1)  # task 2 is not held back by task 1
    auditor_view = await client.get(f"/api/v1/outbox/{registration}", headers=await make_user("supervisor", "ZJK"))
    assert auditor_view.json()["status"] == "dead"
    assert auditor_view.json()["last_error_code"] == "2002", auditor_view.json()
    assert auditor_view.json()["last_error_message"]
    async with container.uow(Actor("test", "system", None), readonly=True) as uow:
        held = await uow.outbox.get(follower)
    assert held is not None
    assert (held.status, held.attempts) == (MessageStatus.PENDING, 0)


async def test_outbox_routes_are_guarded(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    partner = await make_user("partner", "SW")
    assert_problem(await client.get("/api/v1/outbox", headers=partner), 403, "auth.forbidden")
    assert_problem(await client.post("/api/v1/outbox/1/retry", headers=await make_user("admin", "BGS")), 403,
                   "auth.forbidden")
    assert_problem(await client.get("/api/v1/outbox/999", headers=await make_user("supervisor", "ZJK")), 404,
                   "outbox.not_found")


@pytest.fixture(autouse=True)
def _no_leftover_faults() -> None:
    """Each test gets a fresh container, hence a fresh embedded simulator: faults never leak between tests."""
