"""Delivering the outbox: claim what is due, push it, record the outcome – exactly once on the platform.

A push is written to the outbox in the same transaction as the change that causes it (:func:`enqueue`).
The relay claims the first due message of each aggregate under a lease, pushes it with its idempotency key
and records the outcome: delivered (with the platform's answer), retried later on a transient failure (the
schedule is in the row, so it survives restarts and long outages), or dead-lettered on a business rejection
with the platform's code and message. A results batch the platform accepts in part is delivered; each refused
record becomes a dead letter of its own. A relay that dies mid-push leaves a claim that expires; the next
relay pushes again under the same key, and the platform answers without applying it twice.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import structlog

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import CreditClass
from app.domain.errors import Conflict, NotFound, PlatformRejected, PlatformUnavailable
from app.domain.outbox.model import MessageStatus, OutboxMessage, PushKind, RetrySchedule
from app.domain.ports import ProvincialPlatform, UnitOfWork
from app.domain.provincial.model import (
    DrawReport,
    DrawTarget,
    DrawTeam,
    Handling,
    ResultRecord,
    TaskRegistration,
    TeamMember,
)

log = structlog.get_logger(__name__)

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class RelayOptions:
    batch: int = 50
    lease: timedelta = timedelta(seconds=60)
    concurrency: int = 4
    schedule: RetrySchedule = field(default_factory=RetrySchedule)


@dataclass(slots=True)
class RelayReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    rejected_records: int = 0
    errors: dict[str, int] = field(default_factory=dict)


def message_not_found(message_id: int) -> NotFound:
    return NotFound(f"推送消息 {message_id} 不存在", f"outbox message {message_id} not found", code="outbox.not_found")


# -- payloads: domain objects <-> the JSON kept in the outbox -----------------------------------------------------


def task_payload(task: TaskRegistration) -> dict[str, Any]:
    return {"plan_no": task.plan_no, "plan_name": task.plan_name, "task_no": task.task_no, "task_name": task.task_name,
            "task_type": task.task_type, "joint_type": task.joint_type, "lead_department": task.lead_department,
            "joint_departments": list(task.joint_departments), "item_codes": list(task.item_codes),
            "start_date": task.start_date.isoformat(), "end_date": task.end_date.isoformat()}


def _task(p: dict[str, Any]) -> TaskRegistration:
    return TaskRegistration(p["plan_no"], p["plan_name"], p["task_no"], p["task_name"], p["task_type"], p["joint_type"],
                            p["lead_department"], tuple(p["joint_departments"]), tuple(p["item_codes"]),
                            date.fromisoformat(p["start_date"]), date.fromisoformat(p["end_date"]))


def draw_payload(draw: DrawReport) -> dict[str, Any]:
    return {"draw_no": draw.draw_no, "seed": draw.seed, "algorithm": draw.algorithm,
            "population_hash": draw.population_hash, "drawn_at": draw.drawn_at.isoformat(),
            "targets": [[t.uscc, t.credit_class.value if t.credit_class else None, t.stratum] for t in draw.targets],
            "teams": [[team.uscc, [[m.person_id, m.leader] for m in team.members]] for team in draw.teams]}


def _draw(p: dict[str, Any]) -> DrawReport:
    return DrawReport(
        p["draw_no"], p["seed"], p["algorithm"], p["population_hash"], datetime.fromisoformat(p["drawn_at"]),
        tuple(DrawTarget(u, CreditClass(c) if c else None, s) for u, c, s in p["targets"]),
        tuple(DrawTeam(u, tuple(TeamMember(pid, leader) for pid, leader in members)) for u, members in p["teams"]),
    )


def result_payload(record: ResultRecord) -> dict[str, Any]:
    return {"platform_task_id": record.platform_task_id, "uscc": record.uscc, "check_date": record.check_date.isoformat(),
            "result_codes": list(record.result_codes), "result_text": record.result_text,
            "hazard_count": record.hazard_count, "major_hazard_count": record.major_hazard_count,
            "rectify_deadline": record.rectify_deadline.isoformat() if record.rectify_deadline else None,
            "handling": record.handling.value, "inspectors": list(record.inspectors),
            "publicity_date": record.publicity_date.isoformat() if record.publicity_date else None}


def _result(p: dict[str, Any], platform_task_id: str) -> ResultRecord:
    return ResultRecord(
        platform_task_id or p["platform_task_id"], p["uscc"], date.fromisoformat(p["check_date"]),
        tuple(p["result_codes"]), p["result_text"], p["hazard_count"], p["major_hazard_count"],
        date.fromisoformat(p["rectify_deadline"]) if p.get("rectify_deadline") else None, Handling(p["handling"]),
        tuple(p["inspectors"]), date.fromisoformat(p["publicity_date"]) if p.get("publicity_date") else None,
    )


# -- writing ------------------------------------------------------------------------------------------------------


async def enqueue(uow: UnitOfWork, message: OutboxMessage) -> OutboxMessage:
    """Add a push to the outbox inside the caller's transaction (it goes out only if that commits)."""
    added = await uow.outbox.add(message)
    uow.audit.record(AuditEvent("outbox.enqueue", "outbox_message", str(added.id), None, {
        "kind": message.kind.value, "aggregate": f"{message.aggregate_type}:{message.aggregate_id}",
        "idempotency_key": message.idempotency_key}))
    return added


def task_message(task: TaskRegistration, *, version: int = 1) -> OutboxMessage:
    """The registration of a task (again after each new version of its plan: the platform keeps the latest)."""
    key = f"task-{task.task_no}" if version == 1 else f"task-{task.task_no}-v{version}"
    return OutboxMessage(None, "task", task.task_no, PushKind.TASK_REGISTRATION, key[:64], task_payload(task))


def draw_message(task_no: str, draw: DrawReport) -> OutboxMessage:
    return OutboxMessage(None, "task", task_no, PushKind.DRAW_REPORT, f"draw-{draw.draw_no}"[:64], draw_payload(draw))


def results_message(task_no: str, batch_key: str, records: list[ResultRecord]) -> OutboxMessage:
    """Results of one task; ``batch_key`` names the batch for good (e.g. the publication it belongs to)."""
    return OutboxMessage(None, "task", task_no, PushKind.RESULTS, f"results-{batch_key}"[:64],
                         {"records": [result_payload(r) for r in records]})


# -- the relay ----------------------------------------------------------------------------------------------------


async def relay_once(uow_factory: UowFactory, platform: ProvincialPlatform, *, worker: str,
                     options: RelayOptions | None = None, rng: random.Random | None = None) -> RelayReport:
    """Claim a batch of due messages (at most one per aggregate) and deliver them."""
    options = options or RelayOptions()
    report = RelayReport()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(worker=worker, now=uow.now, lease_until=uow.now + options.lease,
                                             limit=options.batch)
        await uow.commit()
    report.claimed = len(claimed)
    gate = asyncio.Semaphore(options.concurrency)

    async def one(message: OutboxMessage) -> None:
        async with gate:
            await _deliver(uow_factory, platform, message, options, report, rng)

    await asyncio.gather(*(one(m) for m in claimed))
    return report


async def drain(uow_factory: UowFactory, platform: ProvincialPlatform, *, worker: str,
                options: RelayOptions | None = None, rng: random.Random | None = None) -> RelayReport:
    """Relay until nothing is due now, or a round only met transient failures (the platform is down: the
    messages wait for their next attempt, for a later relay)."""
    total = RelayReport()
    while True:
        report = await relay_once(uow_factory, platform, worker=worker, options=options, rng=rng)
        for name in ("claimed", "delivered", "retried", "dead", "rejected_records"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        for code, n in report.errors.items():
            total.errors[code] = total.errors.get(code, 0) + n
        if report.claimed == 0 or report.delivered + report.dead == 0:
            return total


async def _push(uow_factory: UowFactory, platform: ProvincialPlatform, message: OutboxMessage) -> dict[str, Any]:
    key, payload = message.idempotency_key, message.payload
    if message.kind is PushKind.TASK_REGISTRATION:
        return {"platform_task_id": await platform.register_task(key, _task(payload))}
    platform_task_id = payload.get("platform_task_id")
    if not platform_task_id:
        async with uow_factory() as uow:
            platform_task_id = await uow.outbox.platform_task_id(message.aggregate_id)
        if not platform_task_id:
            raise PlatformRejected("任务尚未在省级平台登记", "the task is not registered on the platform",
                                   code="outbox.task_not_registered", platform_code="2002")
    if message.kind is PushKind.DRAW_REPORT:
        await platform.push_draw(key, platform_task_id, _draw(payload))
        return {"platform_task_id": platform_task_id}
    records = [_result(r, platform_task_id) for r in payload["records"]]
    outcome = await platform.push_results(key, records)
    return {"accepted": outcome.accepted, "platform_task_id": platform_task_id,
            "rejected": [{"index": r.index, "code": r.code, "message": r.message} for r in outcome.rejected]}


async def _deliver(uow_factory: UowFactory, platform: ProvincialPlatform, message: OutboxMessage,
                   options: RelayOptions, report: RelayReport, rng: random.Random | None) -> None:
    before = {"status": message.status.value, "attempts": message.attempts}
    message.attempts += 1
    children: list[OutboxMessage] = []
    try:
        response = await _push(uow_factory, platform, message)
    except PlatformRejected as exc:
        message.status, message.last_error_code = MessageStatus.DEAD, exc.platform_code or exc.code
        message.last_error_message = str(exc.details.get("platform_message") or exc.message_zh)
        report.dead += 1
        action = "outbox.dead_letter"
    except PlatformUnavailable as exc:
        async with uow_factory() as uow:
            message.next_attempt_at = options.schedule.next_attempt(uow.now, message.attempts, rng)
        message.last_error_code, message.last_error_message = exc.platform_code or exc.code, exc.message_zh
        report.retried += 1
        report.errors[message.last_error_code] = report.errors.get(message.last_error_code, 0) + 1
        action = "outbox.retry_scheduled"
    else:
        message.status, message.response = MessageStatus.DELIVERED, response
        message.last_error_code = message.last_error_message = None
        report.delivered += 1
        action = "outbox.delivered"
        for rejection in response.get("rejected", []):
            record = message.payload["records"][rejection["index"]]
            children.append(OutboxMessage(
                None, message.aggregate_type, message.aggregate_id, PushKind.RESULTS,
                f"{message.idempotency_key}#{rejection['index']}"[:64], {"records": [record]},
                status=MessageStatus.DEAD, attempts=1, last_error_code=rejection["code"],
                last_error_message=rejection["message"], parent_id=message.id,
            ))
        report.rejected_records += len(children)
    async with uow_factory() as uow:
        if message.status is MessageStatus.DELIVERED:
            message.delivered_at = uow.now
        await uow.outbox.update(message)
        for child in children:
            await uow.outbox.add(child)
        uow.audit.record(AuditEvent(action, "outbox_message", str(message.id), before, {
            "status": message.status.value, "attempts": message.attempts, "error_code": message.last_error_code,
            "rejected_records": len(children)}))
        await uow.commit()
    log.info(action, message_id=message.id, kind=message.kind.value, attempts=message.attempts,
             code=message.last_error_code)


# -- operators ----------------------------------------------------------------------------------------------------


async def get_message(uow: UnitOfWork, principal: Principal, message_id: int) -> OutboxMessage:
    principal.require(Permission.PROVINCIAL_READ)
    async with uow:
        message = await uow.outbox.get(message_id)
    if message is None:
        raise message_not_found(message_id)
    return message


async def retry_dead_letter(uow: UnitOfWork, principal: Principal, message_id: int) -> OutboxMessage:
    """Send a dead letter again (after its cause was fixed), in its place in its aggregate's order. It goes out
    under a new key: the old key already has the platform's refusal as its answer."""
    principal.require(Permission.PROVINCIAL_OPERATE)
    async with uow:
        message = await uow.outbox.get(message_id)
        if message is None:
            raise message_not_found(message_id)
        if message.status is not MessageStatus.DEAD:
            raise Conflict(f"只有死信可以重发（当前：{message.status.label}）", "only a dead letter can be retried",
                           code="outbox.not_dead")
        before = {"status": message.status.value, "idempotency_key": message.idempotency_key,
                  "error_code": message.last_error_code}
        base = message.idempotency_key.split("~r")[0]
        suffix = f"~r{message.attempts}"
        message.idempotency_key = base[:64 - len(suffix)] + suffix
        message.status, message.next_attempt_at = MessageStatus.PENDING, uow.now
        await uow.outbox.update(message)
        uow.audit.record(AuditEvent("outbox.retry", "outbox_message", str(message.id), before,
                                    {"status": message.status.value, "idempotency_key": message.idempotency_key}))
        await uow.commit()
    return message


async def list_messages(uow: UnitOfWork, principal: Principal, *, status: MessageStatus | None, limit: int,
                        after_id: int | None) -> tuple[list[OutboxMessage], dict[str, int]]:
    principal.require(Permission.PROVINCIAL_READ)
    async with uow:
        return await uow.outbox.list(status=status, limit=limit, after_id=after_id), await uow.outbox.counts()
