"""Outbox messages: one push each, delivered in order per aggregate, retried on a schedule kept in the row."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.domain.labels import LabelledEnum


class PushKind(LabelledEnum):
    TASK_REGISTRATION = "task_registration"
    DRAW_REPORT = "draw_report"
    RESULTS = "results"
    __labels__ = {"task_registration": "任务登记", "draw_report": "抽取结果报送", "results": "检查结果推送"}


class MessageStatus(LabelledEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    __labels__ = {"pending": "待推送", "delivered": "已送达", "dead": "死信（平台拒绝）"}


@dataclass(slots=True)
class OutboxMessage:
    id: int | None
    #: What the push is about ("task", "draw", "task-results"...) and its id: delivery is in order per aggregate.
    aggregate_type: str
    aggregate_id: str
    kind: PushKind
    #: The platform's requestId: stable across retries, so a repeated delivery is applied once.
    idempotency_key: str
    payload: dict[str, Any]
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    created_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error_code: str | None = None
    last_error_message: str | None = None
    response: dict[str, Any] | None = None
    #: For a record of a results batch that the platform refused: the batch it was split from.
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """Exponential backoff with full jitter, capped; transient failures are retried for as long as it takes
    (a multi-day outage included), business rejections never."""

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(hours=1)

    def next_attempt(self, now: datetime, attempts: int, rng: random.Random | None = None) -> datetime:
        ceiling = min(self.cap.total_seconds(), self.base.total_seconds() * 2 ** min(attempts, 30))
        jitter = (rng or random).uniform(0, ceiling)
        return now + timedelta(seconds=max(jitter, min(0.5, ceiling)))
