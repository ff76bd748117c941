"""Ports: what the domain needs from the outside world, as Protocols.

Adapters implement them (``app/adapters``); services receive them as arguments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from app.domain.audit.model import Anchor, AuditEvent, AuditRecord, Checkpoint
from app.domain.auth.model import ApiKey, LoginSession, User
from app.domain.directories.model import (
    CheckItem,
    Conflict,
    Department,
    Enterprise,
    EnterpriseVersion,
    Inspector,
)
from app.domain.draws.model import Draw, DrawStatus
from app.domain.followup.model import (
    ArchivedTask,
    CaseTransfer,
    CreditSanction,
    Document,
    DocumentKind,
    OrderStatus,
    RectificationOrder,
    SanctionStatus,
)
from app.domain.onsite.codes import Signer, Verifier
from app.domain.onsite.model import (
    CheckIn,
    Finding,
    InspectionResult,
    Photo,
    Rating,
    ResultStatus,
    SigningKey,
)
from app.domain.outbox.model import MessageStatus, OutboxMessage
from app.domain.plans.model import Adjustment, Plan, PlanStatus, PlanVersion, QuarterQuota
from app.domain.provincial.model import (
    DirectoryKind,
    DrawReport,
    PushOutcome,
    RemotePage,
    ResultRecord,
    TaskRegistration,
)
from app.domain.reports.model import QuarterlySummary
from app.domain.scheduling.model import (
    CalendarFeed,
    Leave,
    ReportSubmission,
    Visit,
    VisitChange,
    VisitStatus,
)
from app.domain.sync.model import QuarantinedRecord, SyncRun, Watermark


@dataclass(frozen=True, slots=True)
class ExistingRecord:
    """What a bulk import needs to know of a record already in the directory."""

    content_hash: str
    version: int
    deleted: bool


@dataclass(frozen=True, slots=True)
class PreparedEnterprise:
    """An enterprise with its snapshot values (in ``SNAPSHOT_FIELDS`` order) and content hash, computed once."""

    enterprise: Enterprise
    values: tuple[Any, ...]
    content_hash: str


@dataclass(frozen=True, slots=True)
class BulkUpdate:
    record: PreparedEnterprise
    action: str
    changes: dict[str, list[Any]]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class PasswordHasher(Protocol):
    """Slow by design; implementations keep the work off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...


class SecondFactor(Protocol):
    """TOTP (RFC 6238)."""

    def new_secret(self) -> str: ...

    def uri(self, secret: str, account: str) -> str: ...

    def verify(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step the code belongs to, or None when it is wrong."""
        ...


class TokenCodec(Protocol):
    def issue(self, claims: dict[str, Any], *, minutes: int) -> str: ...

    def decode(self, token: str) -> dict[str, Any]: ...


class DepartmentRepository(Protocol):
    async def get(self, code: str) -> Department | None: ...

    async def list(self) -> list[Department]: ...

    async def add(self, department: Department) -> None: ...

    async def update(self, department: Department) -> None: ...


class CheckItemRepository(Protocol):
    async def get(self, code: str) -> CheckItem | None: ...

    async def add(self, item: CheckItem) -> None: ...

    async def update(self, item: CheckItem) -> None: ...

    async def delete(self, code: str) -> None: ...


class EnterpriseRepository(Protocol):
    async def get(self, uscc: str, *, for_update: bool = False) -> Enterprise | None: ...

    async def add(self, enterprise: Enterprise, *, changed_by: str, at: datetime) -> None: ...

    async def update(
        self, enterprise: Enterprise, *, action: str, changes: dict[str, list[Any]], changed_by: str, at: datetime
    ) -> None: ...

    async def exists_deleted(self, uscc: str) -> bool: ...

    async def history(self, uscc: str) -> list[EnterpriseVersion]: ...

    async def existing(self, usccs: Sequence[str]) -> dict[str, ExistingRecord]: ...

    async def current(self, usccs: Sequence[str]) -> dict[str, Enterprise]:
        """The stored state of these enterprises, removed ones included."""
        ...

    async def bulk_write(
        self, creates: Sequence[PreparedEnterprise], updates: Sequence[BulkUpdate], *, changed_by: str, at: datetime,
        action: str = "import",
    ) -> None:
        """New enterprises (their first history version carries ``action``) and changed ones, in bulk."""
        ...


class InspectorRepository(Protocol):
    async def get(self, person_id: str, *, for_update: bool = False, include_deleted: bool = False) -> Inspector | None: ...

    async def in_departments(self, codes: Sequence[str]) -> list[Inspector]:
        """The inspectors of these units, with their declared conflicts."""
        ...

    async def person_id_taken(self, person_id: str) -> bool: ...

    async def cert_no_taken(self, cert_no: str, *, other_than: str | None = None) -> bool: ...

    async def add(self, inspector: Inspector) -> None: ...

    async def update(self, inspector: Inspector, *, deleted: bool = False) -> None: ...

    async def add_conflict(self, person_id: str, conflict: Conflict) -> Conflict: ...

    async def remove_conflict(self, person_id: str, conflict_id: int) -> Conflict | None: ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...

    async def by_username(self, username: str) -> User | None: ...

    async def list(self) -> list[User]: ...

    async def add(self, user: User) -> User: ...

    async def update(self, user: User) -> None: ...

    async def count(self) -> int: ...


class ApiKeyRepository(Protocol):
    async def by_prefix(self, prefix: str) -> ApiKey | None: ...

    async def get(self, key_id: int) -> ApiKey | None: ...

    async def list(self) -> list[ApiKey]: ...

    async def add(self, key: ApiKey) -> ApiKey: ...

    async def update(self, key: ApiKey) -> None: ...


class LoginSessionRepository(Protocol):
    async def add(self, session: LoginSession) -> None: ...

    async def get(self, session_id: str) -> LoginSession | None: ...

    async def with_user(self, session_id: str, user_id: int) -> tuple[User | None, LoginSession | None]:
        """The account and that login session of it (None where missing), in one read."""
        ...

    async def touch(self, session_id: str, at: datetime, *, every: timedelta) -> None: ...

    async def revoke(self, session_id: str, at: datetime, reason: str) -> None: ...

    async def active_of(self, user_id: int) -> list[LoginSession]: ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None:
        """Queue an event; it is written, chained, in the same transaction at commit."""

    def batches(self, batch_size: int = 5000) -> AsyncIterator[list[AuditRecord]]:
        """All records in ``seq`` order, in lists of at most ``batch_size``."""
        ...

    async def get(self, seq: int) -> AuditRecord | None: ...

    async def first_since(self, moment: datetime) -> int | None:
        """The lowest ``seq`` of a record written at or after ``moment`` (None: every record is older)."""
        ...

    async def purge(self, upto: int, retention_days: int) -> int:
        """Remove the records up to ``upto`` (all older than the retention and covered by a signed anchor written
        in this transaction; the database refuses anything else); the number removed."""
        ...


class PlanRepository(Protocol):
    async def get(self, plan_no: str, *, for_update: bool = False) -> Plan | None: ...

    async def add(self, plan: Plan) -> None: ...

    async def update(self, plan: Plan) -> None:
        """Store the plan's fields and replace its tasks."""
        ...

    async def find(self, *, year: int | None = None, statuses: Sequence[PlanStatus] | None = None) -> list[Plan]: ...

    async def add_version(self, version: PlanVersion) -> None: ...

    async def versions(self, plan_no: str) -> list[PlanVersion]: ...

    async def add_adjustment(self, adjustment: Adjustment) -> Adjustment: ...

    async def get_adjustment(self, adjustment_id: int, *, for_update: bool = False) -> Adjustment | None: ...

    async def update_adjustment(self, adjustment: Adjustment) -> None: ...

    async def adjustments(self, plan_no: str) -> list[Adjustment]: ...

    async def quota(self, year: int, quarter: int, department_code: str) -> QuarterQuota | None: ...

    async def set_quota(self, quota: QuarterQuota) -> None: ...

    async def quotas(self, year: int) -> list[QuarterQuota]: ...


class DrawRepository(Protocol):
    async def add(self, draw: Draw, *, inputs: bytes, salt: str) -> None: ...

    async def get(self, draw_id: str, *, for_update: bool = False) -> Draw | None: ...

    async def update(self, draw: Draw) -> None: ...

    async def inputs(self, draw_id: str) -> bytes:
        """The frozen inputs (canonical JSON) as prepared."""
        ...

    async def salt(self, draw_id: str) -> str: ...

    async def store_bundle(self, draw_id: str, bundle: bytes) -> None: ...

    async def bundle(self, draw_id: str) -> bytes | None: ...

    async def for_task(self, plan_no: str, task_no: str) -> list[Draw]: ...

    async def find(self, *, statuses: Sequence[DrawStatus]) -> list[Draw]: ...

    def frame_candidates(
        self, *, industries: Sequence[str], counties: Sequence[str], tags: Sequence[str], classes: Sequence[str],
        batch: int = 50_000,
    ) -> AsyncIterator[list[tuple[str, str, str, str | None, str]]]:
        """(uscc, industry, county, credit class, status) of the directory's enterprises in scope, in batches."""
        ...


class LeaveRepository(Protocol):
    async def add(self, leave: Leave) -> Leave: ...

    async def get(self, leave_id: int) -> Leave | None: ...

    async def cancel(self, leave_id: int, at: datetime) -> None: ...

    async def of(self, person_id: str) -> list[Leave]: ...

    async def during(self, person_ids: Sequence[str], start: date, end: date) -> list[Leave]:
        """Leave (not cancelled) of these people overlapping the period."""
        ...


class VisitRepository(Protocol):
    async def add_many(self, visits: Sequence[Visit]) -> None:
        """Insert new visits (ids assigned), with their members and sources."""
        ...

    async def update_many(self, visits: Sequence[Visit], *, new_sources: Sequence[tuple[int, str]] = ()) -> None:
        """Store changed visits (version bumped); ``new_sources``: (visit id, draw id) merged in."""
        ...

    async def get(self, visit_id: int, *, for_update: bool = False) -> Visit | None: ...

    async def get_many(self, visit_ids: Sequence[int]) -> dict[int, Visit]: ...

    async def set_status(self, visit: Visit) -> None:
        """A status change that keeps the day and the team (version bumped)."""
        ...

    async def find(
        self, *, departments: Sequence[str] | None = None, person_id: str | None = None, uscc: str | None = None,
        draw_id: str | None = None, start: date | None = None, end: date | None = None,
        statuses: Sequence[VisitStatus] | None = None, county_code: str | None = None, limit: int | None = None,
        after_id: int | None = None,
    ) -> list[Visit]:
        """Visits in id order."""
        ...

    async def busy(self, person_ids: Sequence[str], start: date, end: date) -> list[Visit]:
        """Active visits on which any of these people is busy between the dates."""
        ...

    async def of_enterprises(self, usccs: Sequence[str]) -> list[Visit]:
        """Active visits of these enterprises."""
        ...

    async def scheduled(self, draw_id: str) -> set[str]:
        """The enterprises of a draw already on a visit."""
        ...

    async def add_changes(self, changes: Sequence[VisitChange]) -> None: ...

    async def changes(self, visit_id: int) -> list[VisitChange]: ...

    async def add_feed(self, feed: CalendarFeed, token_hash: str) -> CalendarFeed: ...

    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None: ...

    async def get_feed(self, feed_id: int) -> CalendarFeed | None: ...

    async def feeds(self, owner_kind: str, owner_id: str) -> list[CalendarFeed]: ...

    async def revoke_feed(self, feed_id: int) -> None: ...

    async def add_submission(self, submission: ReportSubmission) -> ReportSubmission: ...

    async def submissions(self, *, period_prefix: str | None = None) -> list[ReportSubmission]: ...

    async def add_summary(self, summary: QuarterlySummary) -> QuarterlySummary: ...

    async def update_summary(self, summary: QuarterlySummary) -> None: ...

    async def summary(self, summary_id: int, *, for_update: bool = False) -> QuarterlySummary | None: ...

    async def summary_for(self, year: int, quarter: int, department_code: str) -> QuarterlySummary | None: ...


@dataclass(frozen=True, slots=True)
class CheckInContext:
    """Everything a check-in is decided on, read at once."""

    visit: Visit
    #: The check-in made earlier with the same idempotency key (a retried request).
    earlier: CheckIn | None
    #: The signing key the scanned code names, unless unknown or revoked.
    key: SigningKey | None
    #: The current generation of the enterprise's printed code.
    generation: int
    #: The caller's inspector record with its declared conflicts (None: no record, or removed).
    inspector: Inspector | None
    #: The enterprise's recorded position (longitude, latitude; WGS-84), if any.
    position: tuple[float, float] | None
    #: A task the visit carries is archived (its records are read-only).
    archived: bool = False


class OnsiteRepository(Protocol):
    async def keys(self) -> list[SigningKey]: ...

    async def check_in_context(self, visit_id: int, idempotency_key: str, person_id: str | None,
                               kid: str) -> CheckInContext | None:
        """The visit (None when it does not exist) with what its check-in is decided on."""
        ...

    async def add_key(self, key: SigningKey) -> None: ...

    async def retire_keys(self, *, except_kid: str) -> None: ...

    async def generation(self, uscc: str) -> int:
        """The current generation of the enterprise's printed code (1 until rotated)."""
        ...

    async def rotate(self, uscc: str, *, by: str, reason: str) -> int: ...

    async def use_nonce(self, nonce: str, visit_id: int) -> bool:
        """Record a visit code as used; False when it was used before (a replay)."""
        ...

    async def check_in(self, visit_id: int) -> CheckIn | None: ...

    async def check_in_by_key(self, idempotency_key: str) -> CheckIn | None: ...

    async def add_check_in(self, check_in: CheckIn) -> bool:
        """Insert unless the visit or the key already has one (False: the first one stays)."""
        ...

    async def check_out(self, visit_id: int, *, by: str) -> None: ...

    async def check_ins(self, visit_ids: Sequence[int]) -> dict[int, CheckIn]: ...

    async def check_ins_between(self, start: datetime, end: datetime) -> dict[int, CheckIn]:
        """Check-ins that happened in [start, end), by visit."""
        ...

    async def results_touching(self, start: datetime, end: datetime, *,
                               departments: Sequence[str] | None) -> list[InspectionResult]:
        """Results entered or published in [start, end)."""
        ...

    async def findings(self, visit_id: int) -> list[Finding]: ...

    async def findings_of(self, visit_ids: Sequence[int]) -> list[Finding]:
        """The findings (with hazards) of these visits, in id order."""
        ...

    async def save_finding(self, finding: Finding) -> None: ...

    async def add_photo(self, visit_id: int, photo: Photo) -> Photo: ...

    async def photo(self, photo_id: int) -> tuple[int, Photo] | None:
        """(visit id, photo)."""
        ...

    async def add_result(self, result: InspectionResult) -> InspectionResult: ...

    async def update_result(self, result: InspectionResult) -> None: ...

    async def result(self, result_id: int, *, for_update: bool = False) -> InspectionResult | None: ...

    async def results_of(self, visit_id: int) -> list[InspectionResult]: ...

    async def published_dates(self, visit_ids: Sequence[int]) -> dict[int, list[datetime | None]]: ...

    async def published(self, *, text: str | None, uscc: str | None, plan_no: str | None, task_no: str | None,
                        start: date | None, end: date | None, limit: int,
                        after_id: int | None) -> list[InspectionResult]:
        """Published results, newest first (keyset below ``after_id``)."""
        ...

    async def results(self, *, departments: Sequence[str] | None, status: ResultStatus | None, limit: int | None,
                      after_id: int | None) -> list[InspectionResult]:
        """Results in id order (``limit`` None: all)."""
        ...

    async def add_rating(self, rating: Rating) -> bool: ...

    async def rating(self, visit_id: int) -> Rating | None: ...


class SignatureSuite(Protocol):
    """Turns stored keys into signers and verifiers (Ed25519 now; another algorithm plugs in by its id)."""

    def generate(self, kid: str) -> SigningKey: ...

    def signer(self, key: SigningKey) -> Signer: ...

    def verifier(self, key: SigningKey) -> Verifier: ...


class FollowupRepository(Protocol):
    async def add_order(self, order: RectificationOrder) -> RectificationOrder: ...

    async def update_order(self, order: RectificationOrder) -> None: ...

    async def order(self, order_id: int, *, for_update: bool = False) -> RectificationOrder | None: ...

    async def order_for_result(self, result_id: int) -> RectificationOrder | None: ...

    async def orders(self, *, departments: Sequence[str] | None = None, uscc: str | None = None,
                     statuses: Sequence[OrderStatus] | None = None) -> list[RectificationOrder]: ...

    async def add_transfer(self, transfer: CaseTransfer) -> bool:
        """False when the result's case was transferred before."""
        ...

    async def update_transfer(self, transfer: CaseTransfer) -> None: ...

    async def transfer(self, transfer_id: int, *, for_update: bool = False) -> CaseTransfer | None: ...

    async def transfers(self, *, uscc: str | None = None, departments: Sequence[str] | None = None
                        ) -> list[CaseTransfer]: ...

    async def add_sanction(self, sanction: CreditSanction) -> CreditSanction: ...

    async def update_sanction(self, sanction: CreditSanction) -> None: ...

    async def sanction(self, sanction_id: int, *, for_update: bool = False) -> CreditSanction | None: ...

    async def sanctions(self, *, uscc: str | None = None, statuses: Sequence[SanctionStatus] | None = None
                        ) -> list[CreditSanction]: ...

    async def next_sequence(self, department_code: str, year: int) -> int:
        """The next 文书 number of the unit's year (atomic)."""
        ...

    async def add_document(self, document: Document) -> Document: ...

    async def document(self, document_id: int) -> Document | None: ...

    async def documents(self, subject_type: str, subject_ids: Sequence[str]) -> list[Document]: ...

    async def add_archive(self, archive: ArchivedTask) -> bool:
        """False when the task was archived before."""
        ...

    async def archive(self, plan_no: str, task_no: str) -> ArchivedTask | None: ...

    async def archived(self, tasks: Sequence[tuple[str, str]]) -> set[tuple[str, str]]: ...

    async def archive_by_manifest(self, manifest_sha256: str) -> ArchivedTask | None: ...


class DocumentRenderer(Protocol):
    """Turns a document's template and data into a PDF."""

    def render(self, kind: DocumentKind, context: Mapping[str, Any]) -> bytes: ...


class FileStore(Protocol):
    """Uploaded files outside the database, addressed by their SHA-256."""

    def put(self, content: bytes) -> str:
        """Store the bytes (once per content) and return their SHA-256 (hex)."""
        ...

    def get(self, sha256: str) -> bytes: ...


class AuditCheckpointRepository(Protocol):
    async def add(self, checkpoint: Checkpoint) -> None: ...

    async def latest(self, limit: int) -> list[Checkpoint]: ...

    async def since(self, seq: int) -> list[Checkpoint]:
        """The checkpoints of ``seq`` and later, lowest ``seq`` first."""
        ...


class AuditAnchorRepository(Protocol):
    async def add(self, anchor: Anchor) -> None: ...

    async def latest(self) -> Anchor | None:
        """The anchor of the last purge (the highest ``seq``)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: rolls back unless ``commit()`` is called inside the ``async with``."""

    departments: DepartmentRepository
    items: CheckItemRepository
    enterprises: EnterpriseRepository
    inspectors: InspectorRepository
    users: UserRepository
    api_keys: ApiKeyRepository
    sessions: LoginSessionRepository
    sync: SyncRepository
    outbox: OutboxRepository
    plans: PlanRepository
    draws: DrawRepository
    leave: LeaveRepository
    visits: VisitRepository
    onsite: OnsiteRepository
    followup: FollowupRepository
    audit: AuditLog
    audit_checkpoints: AuditCheckpointRepository
    audit_anchors: AuditAnchorRepository
    #: The transaction's time, taken from the clock when it begins.
    now: datetime

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...



class ProvincialPlatform(Protocol):
    """冀上双随机, in domain terms. Pushes carry the caller's idempotency key: repeating a push with the same
    key and content is harmless, so every call may be retried."""

    async def fetch_changes(
        self, kind: DirectoryKind, *, since: datetime | None, page_no: int, page_size: int
    ) -> RemotePage:
        """One page of a directory, ordered by update time then key; ``since`` (inclusive) for increments."""
        ...

    async def register_task(self, key: str, task: TaskRegistration) -> str:
        """Returns the platform's task id."""
        ...

    async def push_draw(self, key: str, platform_task_id: str, draw: DrawReport) -> None: ...

    async def push_results(self, key: str, records: Sequence[ResultRecord]) -> PushOutcome: ...

    async def read_results(self, uscc: str, platform_task_id: str | None = None) -> list[ResultRecord]: ...


class SyncRepository(Protocol):
    async def add_run(self, run: SyncRun) -> SyncRun: ...

    async def get_run(self, run_id: int, *, for_update: bool = False) -> SyncRun | None: ...

    async def update_run(self, run: SyncRun) -> None: ...

    async def list_runs(self, *, limit: int, before_id: int | None = None) -> list[SyncRun]: ...

    async def active_runs(self) -> list[SyncRun]: ...

    async def watermark(self, kind: DirectoryKind) -> Watermark | None: ...

    async def set_watermark(self, watermark: Watermark) -> None: ...

    async def watermarks(self) -> list[Watermark]: ...

    async def quarantine(self, record: QuarantinedRecord) -> None:
        """Keep (or refresh) a record that could not be applied, one open entry per kind and key."""
        ...

    async def release(self, kind: DirectoryKind, keys: Sequence[str], at: datetime) -> int:
        """Mark open quarantine entries of these keys resolved (a valid version was applied)."""
        ...

    async def list_quarantine(
        self, *, kind: DirectoryKind | None, resolved: bool | None, limit: int, after_id: int | None = None
    ) -> list[QuarantinedRecord]: ...

    async def local_keys(self, kind: DirectoryKind, *, after: str | None, limit: int) -> list[str]:
        """Keys of the records held here and not removed, in key order (for reconciliation)."""
        ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> OutboxMessage: ...

    async def get(self, message_id: int) -> OutboxMessage | None: ...

    async def update(self, message: OutboxMessage) -> None:
        """Store the outcome of a delivery attempt and release the claim."""
        ...

    async def claim_due(self, *, worker: str, now: datetime, lease_until: datetime, limit: int) -> list[OutboxMessage]:
        """The due messages that are first in line for their aggregate, claimed for ``worker`` until the lease
        ends: two relays never hold the same message."""
        ...

    async def list(self, *, status: MessageStatus | None, limit: int, after_id: int | None = None) -> list[OutboxMessage]: ...

    async def platform_task_id(self, aggregate_id: str) -> str | None:
        """The platform's id of a task, from its delivered registration."""
        ...

    async def counts(self) -> dict[str, int]: ...
