"""Models of directory sync runs, the quarantine and the push outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.domain.auth.privacy import mask_snapshot
from app.domain.outbox.model import MessageStatus, OutboxMessage, PushKind
from app.domain.provincial.model import SYNC_ORDER, DirectoryKind
from app.domain.sync.model import QuarantinedRecord, SyncMode, SyncRun, SyncStatus, SyncTrigger, Watermark
from app.routers.schemas.common import In, Out


class SyncRunIn(In):
    kinds: list[DirectoryKind] = Field(default_factory=lambda: list(SYNC_ORDER), min_length=1, max_length=3,
                                       description="要同步的目录：check_items 抽查事项清单、enterprises 检查对象名录库、"
                                                   "inspectors 执法检查人员名录库（默认全部）")
    mode: SyncMode = Field(SyncMode.INCREMENTAL, description="incremental 增量（自水位线起）；full 全量对账（报告双向差异）")


class SyncRunOut(Out):
    id: int
    kinds: list[DirectoryKind]
    mode: SyncMode
    mode_label: str
    trigger: SyncTrigger
    requested_by: str
    status: SyncStatus
    status_label: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, dict[str, int | None]] = Field(description="各目录的页数、拉取、新增、更新、未变、停用、隔离、解除隔离条数")
    drift: dict[str, Any] | None = Field(None, description="全量对账发现的差异（remote_only、changed、local_only 及样例）")
    error_code: str | None
    error_message: str | None

    @classmethod
    def of(cls, run: SyncRun) -> SyncRunOut:
        return cls(id=run.id or 0, kinds=list(run.kinds), mode=run.mode, mode_label=run.mode.label, trigger=run.trigger,
                   requested_by=run.requested_by, status=run.status, status_label=run.status.label,
                   created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
                   counts=run.counts, drift=run.drift, error_code=run.error_code, error_message=run.error_message)


class WatermarkOut(Out):
    kind: DirectoryKind
    kind_label: str
    watermark_at: datetime | None = Field(description="已提交批次中最新一条记录的更新时间")
    run_id: int | None
    updated_at: datetime | None

    @classmethod
    def of(cls, w: Watermark) -> WatermarkOut:
        return cls(kind=w.kind, kind_label=w.kind.label, watermark_at=w.at, run_id=w.run_id, updated_at=w.updated_at)


class ProblemOut(Out):
    field: str
    code: str
    message: str
    message_en: str


class QuarantinedOut(Out):
    id: int
    kind: DirectoryKind
    key: str = Field(description="省平台记录的编码（统一社会信用代码、人员编号、事项编码）")
    problems: list[ProblemOut]
    payload: dict[str, Any] = Field(description="省平台原始记录")
    run_id: int | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    occurrences: int
    resolved_at: datetime | None

    @classmethod
    def of(cls, q: QuarantinedRecord, personal: bool = False) -> QuarantinedOut:
        """The raw record; its phones, certificate and ID numbers masked unless ``personal``."""
        return cls(id=q.id or 0, kind=q.kind, key=q.key,
                   problems=[ProblemOut(**p.as_dict()) for p in q.problems],
                   payload=q.payload if personal else mask_snapshot(q.payload), run_id=q.run_id,
                   first_seen_at=q.first_seen_at, last_seen_at=q.last_seen_at, occurrences=q.occurrences,
                   resolved_at=q.resolved_at)


class OutboxMessageOut(Out):
    id: int
    aggregate_type: str
    aggregate_id: str
    kind: PushKind
    kind_label: str
    idempotency_key: str = Field(description="推送时使用的 requestId")
    status: MessageStatus
    status_label: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime | None
    delivered_at: datetime | None
    last_error_code: str | None = Field(description="省平台返回的错误码（或网关状态）")
    last_error_message: str | None
    response: dict[str, Any] | None
    parent_id: int | None = Field(description="由部分被拒的结果批次拆出的单条死信所属批次")
    payload: dict[str, Any]

    @classmethod
    def of(cls, m: OutboxMessage) -> OutboxMessageOut:
        return cls(id=m.id or 0, aggregate_type=m.aggregate_type, aggregate_id=m.aggregate_id, kind=m.kind,
                   kind_label=m.kind.label, idempotency_key=m.idempotency_key, status=m.status,
                   status_label=m.status.label, attempts=m.attempts, next_attempt_at=m.next_attempt_at,
                   created_at=m.created_at, delivered_at=m.delivered_at, last_error_code=m.last_error_code,
                   last_error_message=m.last_error_message, response=m.response, parent_id=m.parent_id,
                   payload=m.payload)


class OutboxPageOut(Out):
    items: list[OutboxMessageOut]
    counts: dict[str, int] = Field(description="各状态的消息数")
    next_after: int | None = Field(None, description="下一页从此 id 之后开始；为空表示已是最后一页")
