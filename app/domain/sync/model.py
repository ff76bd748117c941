"""Sync runs, watermarks and quarantined records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.directories.validation import FieldProblem
from app.domain.labels import LabelledEnum
from app.domain.provincial.model import DirectoryKind


class SyncMode(LabelledEnum):
    INCREMENTAL = "incremental"
    FULL = "full"
    __labels__ = {"incremental": "增量同步", "full": "全量对账"}


class SyncStatus(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    __labels__ = {"queued": "排队中", "running": "进行中", "succeeded": "已完成", "failed": "失败"}


class SyncTrigger(LabelledEnum):
    API = "api"
    CLI = "cli"
    SCHEDULE = "schedule"
    STARTUP = "startup"
    __labels__ = {"api": "接口发起", "cli": "命令行", "schedule": "定时任务", "startup": "启动时"}


ACTIVE_STATUSES = frozenset({SyncStatus.QUEUED, SyncStatus.RUNNING})
#: Keys listed per drift category in a reconciliation report (the counts are always complete).
DRIFT_SAMPLE = 20


@dataclass(slots=True)
class KindCounts:
    """What one directory's sync did; ``total`` is the platform's own count when it gave one."""

    pages: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    quarantined: int = 0
    resolved: int = 0
    total: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {"pages": self.pages, "fetched": self.fetched, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "retired": self.retired, "quarantined": self.quarantined,
                "resolved": self.resolved, "total": self.total}


@dataclass(slots=True)
class Drift:
    """Differences a full reconciliation found, both ways."""

    #: On the platform but missing here, or different here (applied by the reconciliation).
    remote_only: int = 0
    changed: int = 0
    #: Here (and not removed) but not on the platform: reported, never deleted.
    local_only: int = 0
    samples: dict[str, list[str]] = field(default_factory=lambda: {"remote_only": [], "changed": [], "local_only": []})

    def note(self, category: str, key: str) -> None:
        setattr(self, category, getattr(self, category) + 1)
        if len(self.samples[category]) < DRIFT_SAMPLE:
            self.samples[category].append(key)

    def as_dict(self) -> dict[str, Any]:
        return {"remote_only": self.remote_only, "changed": self.changed, "local_only": self.local_only,
                "samples": self.samples}


@dataclass(slots=True)
class SyncRun:
    id: int | None
    kinds: tuple[DirectoryKind, ...]
    mode: SyncMode
    trigger: SyncTrigger
    requested_by: str
    status: SyncStatus = SyncStatus.QUEUED
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counts: dict[str, dict[str, int | None]] = field(default_factory=dict)
    drift: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass(slots=True)
class Watermark:
    kind: DirectoryKind
    #: Update time of the newest record applied in a committed batch; the next increment starts before it.
    at: datetime | None
    run_id: int | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class QuarantinedRecord:
    """A platform record that could not be applied, with why; released when a valid version arrives."""

    id: int | None
    kind: DirectoryKind
    key: str
    problems: list[FieldProblem]
    payload: dict[str, Any]
    run_id: int | None
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    occurrences: int = 1
    resolved_at: datetime | None = None
