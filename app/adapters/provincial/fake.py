"""A working in-memory provincial platform, for tests and for local runs without the simulator.

It keeps the platform's rules: directories ordered by update time then key, inclusive ``since``, deletions
reported as changes; pushes idempotent by key (same content → the first answer, other content → 3001);
unknown tasks and enterprises refused with 2002; result batches accepted record by record. Failures can be
queued: the next calls raise them before touching anything (or, with ``after_apply``, after applying – the
"lost response" case idempotency keys exist for).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.directories.uscc import is_valid_uscc
from app.domain.errors import PlatformError, PlatformRejected
from app.domain.provincial.model import (
    DirectoryKind,
    DrawReport,
    PushOutcome,
    RecordRejection,
    RemotePage,
    RemoteRecord,
    RemoteValue,
    ResultRecord,
    TaskRegistration,
)


def _key_of(kind: DirectoryKind, value: RemoteValue) -> str:
    return str(getattr(value, {"check_items": "code", "enterprises": "uscc", "inspectors": "person_id"}[kind.value]))


def rejected(code: str, message: str) -> PlatformRejected:
    return PlatformRejected(f"省级平台拒绝了请求（{code}）：{message}", f"platform rejected the request ({code}): {message}",
                            platform_code=code, details={"platform_code": code, "platform_message": message})


@dataclass
class _Failure:
    error: PlatformError
    after_apply: bool


@dataclass
class FakeProvincialPlatform:
    """:class:`app.domain.ports.ProvincialPlatform` in memory."""

    records: dict[DirectoryKind, dict[str, RemoteRecord]] = field(
        default_factory=lambda: {kind: {} for kind in DirectoryKind})
    tasks: dict[str, TaskRegistration] = field(default_factory=dict)
    draws: dict[str, list[DrawReport]] = field(default_factory=dict)
    results: dict[tuple[str, str, str], ResultRecord] = field(default_factory=dict)
    #: How many times each result (task, USCC, check date) was applied: 1 when nothing went twice.
    applied: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    _answers: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _failures: deque[_Failure] = field(default_factory=deque)
    _task_ids: dict[str, str] = field(default_factory=dict)
    _next_task: int = 1

    # -- harness --------------------------------------------------------------------------------------------------

    def put(self, kind: DirectoryKind, values: Iterable[RemoteValue], at: datetime) -> None:
        for value in values:
            key = _key_of(kind, value)
            self.records[kind][key] = RemoteRecord(kind, key, at, False, value)

    def delete(self, kind: DirectoryKind, key: str, at: datetime) -> None:
        self.records[kind][key] = RemoteRecord(kind, key, at, True, None)

    def put_raw(self, record: RemoteRecord) -> None:
        """Store a record as it would arrive, problems included (for quarantine tests)."""
        self.records[record.kind][record.key] = record

    def fail_next(self, *errors: PlatformError, after_apply: bool = False) -> None:
        self._failures.extend(_Failure(e, after_apply) for e in errors)

    def _before(self, call: str) -> _Failure | None:
        self.calls[call] += 1
        if not self._failures:
            return None
        failure = self._failures.popleft()
        if not failure.after_apply:
            raise failure.error
        return failure

    # -- port -----------------------------------------------------------------------------------------------------

    async def fetch_changes(
        self, kind: DirectoryKind, *, since: datetime | None, page_no: int, page_size: int
    ) -> RemotePage:
        self._before("fetch_changes")
        if page_no < 1 or not 1 <= page_size <= 500:
            raise rejected("2001", "pageNo 或 pageSize 不合法")
        matching = sorted(
            (r for r in self.records[kind].values() if since is None or (r.updated_at and r.updated_at >= since)),
            key=lambda r: (r.updated_at, r.key),
        )
        start = (page_no - 1) * page_size
        return RemotePage(len(matching), page_no, page_size, matching[start:start + page_size])

    def _idempotent(self, key: str, body: Any) -> tuple[bool, Any]:
        if not key or len(key) > 64:
            raise rejected("2001", "requestId 不合法")
        known = self._answers.get(key)
        if known is None:
            return False, None
        if known[0] != body:
            raise rejected("3001", "requestId 重复且请求内容不同")
        return True, known[1]

    async def register_task(self, key: str, task: TaskRegistration) -> str:
        failure = self._before("register_task")
        seen, answer = self._idempotent(key, task)
        if not seen:
            answer = self._task_ids.get(task.task_no)
            if answer is None:
                answer, self._next_task = f"P{self._next_task:06d}", self._next_task + 1
                self._task_ids[task.task_no] = answer
            self.tasks[answer] = task
            self._answers[key] = (task, answer)
        if failure:
            raise failure.error
        return str(answer)

    async def push_draw(self, key: str, platform_task_id: str, draw: DrawReport) -> None:
        failure = self._before("push_draw")
        seen, _ = self._idempotent(key, (platform_task_id, draw))
        if not seen:
            if platform_task_id not in self.tasks:
                raise rejected("2002", f"任务 {platform_task_id} 不存在")
            self.draws.setdefault(platform_task_id, []).append(draw)
            self._answers[key] = ((platform_task_id, draw), None)
        if failure:
            raise failure.error

    async def push_results(self, key: str, records: Sequence[ResultRecord]) -> PushOutcome:
        failure = self._before("push_results")
        if not 1 <= len(records) <= 200:
            raise rejected("2001", "records 应为 1～200 条")
        seen, answer = self._idempotent(key, tuple(records))
        if not seen:
            rejections: list[RecordRejection] = []
            for index, record in enumerate(records):
                problem = self._result_problem(record)
                if problem:
                    rejections.append(RecordRejection(index, *problem))
                    continue
                identity = (record.platform_task_id, record.uscc, record.check_date.isoformat())
                self.results[identity] = record
                self.applied[identity] += 1
            answer = PushOutcome(len(records) - len(rejections), tuple(rejections))
            self._answers[key] = (tuple(records), answer)
        if failure:
            raise failure.error
        assert isinstance(answer, PushOutcome)
        return answer

    def _result_problem(self, record: ResultRecord) -> tuple[str, str] | None:
        if not is_valid_uscc(record.uscc):
            return "2001", "uniscid 不合法"
        if record.platform_task_id not in self.tasks:
            return "2002", f"任务 {record.platform_task_id} 不存在"
        known = self.records[DirectoryKind.ENTERPRISES].get(record.uscc)
        if known is None or known.deleted:
            return "2002", f"检查对象 {record.uscc} 不存在"
        if record.hazard_count < 0 or record.major_hazard_count < 0:
            return "2001", "hazardCount 不合法"
        return None

    async def read_results(self, uscc: str, platform_task_id: str | None = None) -> list[ResultRecord]:
        self._before("read_results")
        return [r for (task, code, _), r in sorted(self.results.items())
                if code == uscc and (platform_task_id is None or task == platform_task_id)]
