"""扫码入企: signed codes both ways, check-in and check-out, the enterprise's page and rating.

A check-in proves four things at once: the code is genuine and current (signature, key id and algorithm checked,
an enterprise code of the current generation, a visit code not expired and never used before), the caller is on
the visit's team with a certificate valid that day, the day is inside the window (another day than the scheduled
one needs a reason), and the device stands at the enterprise (a tolerance setting; GCJ-02 positions converted).
It is idempotent by the client's key: a retried request returns the first check-in, parallel ones make one.
Every refused attempt is audited as well.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.auth.privacy import mask_cert
from app.domain.directories.model import Inspector
from app.domain.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from app.domain.followup.archive import ensure_visit_open
from app.domain.onsite import codes
from app.domain.onsite.codes import CodeKind, SignedCode, Signer, Verifier
from app.domain.onsite.geo import distance_m, to_wgs84
from app.domain.onsite.model import LATE_REGISTRATION_DAYS, CheckIn, CheckInMethod, Rating, SigningKey
from app.domain.plans.model import Plan, Task
from app.domain.ports import CheckInContext, SignatureSuite, UnitOfWork
from app.domain.scheduling.model import Visit, VisitStatus

CST = timezone(timedelta(hours=8))
#: A rating can be given this long after check-out.
RATING_DAYS = 7


def _visit_not_found(visit_id: int) -> NotFound:
    return NotFound(f"检查安排 {visit_id} 不存在", f"visit {visit_id} not found", code="visit.not_found")


# -- keys --------------------------------------------------------------------------------------------------------

async def keyring(uow: UnitOfWork, suite: SignatureSuite) -> tuple[Signer, dict[str, Verifier]]:
    """The signer (the newest key not retired; made on first use) and every key that still verifies."""
    keys = await uow.onsite.keys()
    live = [k for k in keys if k.retired_at is None and k.revoked_at is None]
    if not live:
        key = suite.generate(f"k{uow.now:%Y%m%d}{secrets.token_hex(3)}")
        await uow.onsite.add_key(key)
        uow.audit.record(AuditEvent("signing_key.create", "signing_key", key.kid, None,
                                    {"kid": key.kid, "algorithm": key.algorithm}))
        keys, live = [*keys, key], [key]
    verifiers = {k.kid: suite.verifier(k) for k in keys if k.revoked_at is None}
    return suite.signer(live[-1]), verifiers


async def verifiers(uow: UnitOfWork, suite: SignatureSuite) -> dict[str, Verifier]:
    return {k.kid: suite.verifier(k) for k in await uow.onsite.keys() if k.revoked_at is None}


async def rotate_signing_key(uow: UnitOfWork, principal: Principal, suite: SignatureSuite) -> SigningKey:
    """A new key signs from now on; the old ones still verify what they signed (until revoked)."""
    principal.require(Permission.KEYS_MANAGE)
    async with uow:
        key = suite.generate(f"k{uow.now:%Y%m%d}{secrets.token_hex(3)}")
        await uow.onsite.add_key(key)
        await uow.onsite.retire_keys(except_kid=key.kid)
        uow.audit.record(AuditEvent("signing_key.rotate", "signing_key", key.kid, None,
                                    {"kid": key.kid, "algorithm": key.algorithm}))
        await uow.commit()
    return key


# -- codes -------------------------------------------------------------------------------------------------------

async def enterprise_code(uow: UnitOfWork, principal: Principal, suite: SignatureSuite, uscc: str) -> tuple[str, int]:
    """The code the enterprise prints at its gate (current generation)."""
    principal.require(Permission.ENTERPRISES_WRITE)
    async with uow:
        if await uow.enterprises.get(uscc) is None:
            raise NotFound(f"企业“{uscc}”不存在", f"enterprise '{uscc}' not found", code="enterprise.not_found")
        signer, _ = await keyring(uow, suite)
        generation = await uow.onsite.generation(uscc)
        text = codes.issue(CodeKind.ENTERPRISE, codes.enterprise_payload(uscc, generation), signer)
        await uow.commit()
    return text, generation


async def rotate_enterprise_code(uow: UnitOfWork, principal: Principal, uscc: str, reason: str) -> int:
    """A new generation: every code printed before stops working."""
    principal.require(Permission.ENTERPRISES_WRITE)
    async with uow:
        if await uow.enterprises.get(uscc) is None:
            raise NotFound(f"企业“{uscc}”不存在", f"enterprise '{uscc}' not found", code="enterprise.not_found")
        before = await uow.onsite.generation(uscc)
        generation = await uow.onsite.rotate(uscc, by=principal.username, reason=reason)
        uow.audit.record(AuditEvent("enterprise_code.rotate", "enterprise", uscc, {"generation": before},
                                    {"generation": generation, "reason": reason}))
        await uow.commit()
    return generation


def _on_team(principal: Principal, visit: Visit) -> str:
    if principal.person_id is None or principal.person_id not in visit.team:
        raise PermissionDenied("只有本次检查的检查组成员可以操作", "only the visit's team may do this",
                               code="visit.not_on_team")
    return principal.person_id


async def visit_code(uow: UnitOfWork, principal: Principal, suite: SignatureSuite, visit_id: int, *,
                     lifetime_seconds: int) -> tuple[str, datetime]:
    """A short-lived code for the enterprise to scan on the inspector's phone."""
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise _visit_not_found(visit_id)
        _on_team(principal, visit)
        if visit.status not in (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED):
            raise Conflict(f"检查安排{visit.status.label}，不能出示检查码", "the visit cannot show a code",
                           code="visit.state_invalid", details={"visit_status": visit.status.value})
        signer, _ = await keyring(uow, suite)
        expires = uow.now + timedelta(seconds=lifetime_seconds)
        text = codes.issue(CodeKind.VISIT, codes.visit_payload(visit_id, int(expires.timestamp())), signer)
        await uow.commit()
    return text, expires


# -- check-in ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CheckInRequest:
    code: str
    idempotency_key: str
    longitude: float | None = None
    latitude: float | None = None
    crs: str = "wgs84"
    #: When it happened on site; earlier than today makes it a late registration (补录).
    occurred_at: datetime | None = None
    late_reason: str | None = None
    off_schedule_reason: str | None = None

    def digest(self) -> str:
        body = {"code": self.code, "lon": self.longitude, "lat": self.latitude, "crs": self.crs,
                "at": self.occurred_at.isoformat() if self.occurred_at else None, "late": self.late_reason,
                "off": self.off_schedule_reason}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CheckInOutcome:
    check_in: CheckIn
    #: False when the request repeated an earlier one (same idempotency key): the first check-in is returned.
    created: bool
    position_verified: bool


def _refuse(zh: str, en: str, code: str, **details: Any) -> Conflict:
    return Conflict(zh, en, code=code, details=details)


def _check_code(signed: SignedCode, visit: Visit, generation: int) -> CheckInMethod:
    if signed.kind is CodeKind.ENTERPRISE:
        if signed.payload["u"] != visit.uscc:
            raise _refuse("该企业码不属于本次检查的企业", "the enterprise code is another enterprise's", "code.foreign")
        if signed.payload["g"] != generation:
            raise _refuse("该企业码已作废（企业已更换新码）", "the enterprise code was revoked", "code.revoked",
                          generation=signed.payload["g"])
        return CheckInMethod.ENTERPRISE_CODE
    if signed.payload["v"] != visit.id:
        raise _refuse("该检查码不属于本次检查", "the visit code is another visit's", "code.foreign")
    return CheckInMethod.VISIT_CODE


def _check_inspector(inspector: Inspector | None, day: date, uscc: str) -> None:
    if inspector is None or not inspector.can_inspect_on(day):
        raise PermissionDenied("执法证无效或已过期、或不在岗，不能实施检查", "no valid certificate for that day",
                               code="checkin.certificate_invalid", details={"day": day.isoformat()})
    if any(c.uscc == uscc and c.active_on(day) for c in inspector.conflicts):
        raise PermissionDenied("您已申报与该企业存在利害关系，应当回避；请先调整检查组", "a declared conflict of interest",
                               code="checkin.conflict_of_interest")


def _check_day(visit: Visit, day: date, request: CheckInRequest) -> None:
    if not visit.window_start <= day <= visit.window_end:
        raise _refuse(f"不在检查时间窗（{visit.window_start} 至 {visit.window_end}）内", "outside the window",
                      "checkin.outside_window", day=day.isoformat())
    if visit.day != day and not (request.off_schedule_reason and len(request.off_schedule_reason.strip()) >= 2):
        raise _refuse(f"今天不是排定的检查日（{visit.day}），须说明原因", "not the scheduled day; give a reason",
                      "checkin.not_scheduled_day", scheduled=visit.day.isoformat() if visit.day else None)


def _position(registered: tuple[float, float] | None, request: CheckInRequest, late: bool,
              tolerance_m: float) -> tuple[float | None, float | None, float | None]:
    """The device's WGS-84 position and its distance to the enterprise's ``registered`` position."""
    if request.longitude is None or request.latitude is None:
        if registered is not None and not late:
            raise InvalidInput("须提供设备定位（经纬度）", "the device position is required",
                               code="checkin.position_required", details={"field": "longitude"})
        return None, None, None
    lon, lat = to_wgs84(request.longitude, request.latitude, request.crs)
    if registered is None:
        return lon, lat, None
    distance = distance_m(lon, lat, *registered)
    if distance > tolerance_m:
        raise _refuse(f"设备位置距企业登记位置 {distance:.0f} 米，超出允许范围（{tolerance_m:.0f} 米）",
                      "the device is too far from the enterprise", "checkin.too_far", distance_m=round(distance),
                      tolerance_m=tolerance_m)
    return lon, lat, distance


async def check_in(uow: UnitOfWork, principal: Principal, suite: SignatureSuite, visit_id: int,
                   request: CheckInRequest, *, tolerance_m: float) -> CheckInOutcome:
    try:
        return await _check_in(uow, principal, suite, visit_id, request, tolerance_m=tolerance_m)
    except DomainError as error:
        async with uow:  # the refused attempt is kept too
            uow.audit.record(AuditEvent("checkin.refused", "visit", str(visit_id), None, {
                "code": error.code, "person_id": principal.person_id, "reason": error.message_zh,
                "idempotency_key": request.idempotency_key}))
            await uow.commit()
        error.audited = True
        raise


async def _check_in(uow: UnitOfWork, principal: Principal, suite: SignatureSuite, visit_id: int,
                    request: CheckInRequest, *, tolerance_m: float) -> CheckInOutcome:
    digest = request.digest()
    code = codes.extract(request.code)
    async with uow:
        context = await uow.onsite.check_in_context(visit_id, request.idempotency_key, principal.person_id,
                                                    codes.key_id(code) or "")
        if context is None:
            raise _visit_not_found(visit_id)
        if context.earlier is not None:
            return _repeat(context.earlier, visit_id, digest)
        visit = context.visit
        person_id = _on_team(principal, visit)
        if context.archived:
            await ensure_visit_open(uow, visit)  # names the archived task
        if visit.off_site:
            raise _refuse("非现场检查（书面检查、网络监测）无需入企签到", "an off-site inspection needs no check-in",
                          "checkin.off_site")
        if visit.status is not VisitStatus.PLANNED:
            again = await uow.onsite.check_in_by_key(request.idempotency_key)
            if again is not None:  # a retry that raced the first request, which has committed meanwhile
                return _repeat(again, visit_id, digest)
            raise _refuse(f"检查安排{visit.status.label}，不能签到", "the visit cannot be checked in",
                          "checkin.state_invalid", visit_status=visit.status.value)
        decision = decide_check_in(context, person_id, request, now=uow.now, suite=suite, tolerance_m=tolerance_m)
        record = decision.record
        if decision.nonce is not None and not await uow.onsite.use_nonce(decision.nonce, visit_id):
            again = await uow.onsite.check_in_by_key(request.idempotency_key)
            if again is not None:
                return _repeat(again, visit_id, digest)
            raise _refuse("该检查码已使用过（重放）", "the visit code was used before", "code.replayed")
        if not await uow.onsite.add_check_in(record):
            again = await uow.onsite.check_in_by_key(request.idempotency_key)
            if again is not None:
                return _repeat(again, visit_id, digest)
            raise _refuse("本次检查已签到", "the visit is already checked in", "checkin.already")
        visit.status = VisitStatus.IN_PROGRESS
        await uow.visits.set_status(visit)
        uow.audit.record(AuditEvent("checkin.create", "visit", str(visit_id), decision.before,
                                    {**decision.after, "check_in_id": record.id}))
        await uow.commit()
    return CheckInOutcome(record, True, decision.position_verified)


@dataclass(frozen=True, slots=True)
class CheckInDecision:
    """An accepted check-in, not yet written: the record, the visit code's nonce to use up (None for an
    enterprise code) and the audit event's before and after (``check_in_id`` is added once the record has one)."""

    record: CheckIn
    nonce: str | None
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def position_verified(self) -> bool:
        return self.record.distance_m is not None


def decide_check_in(context: CheckInContext, person_id: str, request: CheckInRequest, *, now: datetime,
                    suite: SignatureSuite, tolerance_m: float) -> CheckInDecision:
    """The rules of a check-in of a planned visit by ``person_id`` (on its team), without any I/O: time and late
    registration, the code (signature, kind, generation), the certificate, the day and the device position.
    Raises the refusal; returns what to write."""
    visit = context.visit
    occurred = request.occurred_at or now
    if occurred > now + timedelta(minutes=5):
        raise InvalidInput("发生时间不能晚于当前时间", "occurred_at is in the future", code="checkin.time_future",
                           details={"field": "occurred_at"})
    day, today = occurred.astimezone(CST).date(), now.astimezone(CST).date()
    late = day < today
    if late:
        if (today - day).days > LATE_REGISTRATION_DAYS:
            raise _refuse(f"补录须在 {LATE_REGISTRATION_DAYS} 日内完成", "too late to register",
                          "checkin.late_too_old", days=(today - day).days)
        if not (request.late_reason and len(request.late_reason.strip()) >= 2):
            raise InvalidInput("补录须说明原因（如现场无网络）", "a late registration needs a reason",
                               code="checkin.late_reason_missing", details={"field": "late_reason"})
    known = {context.key.kid: suite.verifier(context.key)} if context.key is not None else {}
    signed = codes.verify(codes.extract(request.code), known, now=int(occurred.timestamp()))
    method = _check_code(signed, visit, context.generation)
    _check_inspector(context.inspector, day, visit.uscc)
    _check_day(visit, day, request)
    lon, lat, distance = _position(context.position, request, late, tolerance_m)
    record = CheckIn(None, visit.id or 0, person_id, method, signed.kid, signed.algorithm, occurred, None, lon, lat,
                     request.crs if lon is not None else None, distance, late,
                     request.late_reason.strip() if late and request.late_reason else None,
                     request.off_schedule_reason.strip() if visit.day != day and request.off_schedule_reason
                     else None, request.idempotency_key, request.digest())
    after = {"status": VisitStatus.IN_PROGRESS.value, "method": method.value, "kid": signed.kid,
             "alg": signed.algorithm, "late": late, "distance_m": round(distance) if distance is not None else None,
             "off_schedule_reason": record.off_schedule_reason}
    return CheckInDecision(record, signed.payload["n"] if method is CheckInMethod.VISIT_CODE else None,
                           {"status": visit.status.value}, after)


def _repeat(earlier: CheckIn, visit_id: int, digest: str) -> CheckInOutcome:
    if earlier.visit_id != visit_id or earlier.request_hash != digest:
        raise InvalidInput("幂等键已用于另一请求", "the idempotency key was used for another request",
                           code="idempotency.key_reused", details={"field": "Idempotency-Key"})
    return CheckInOutcome(earlier, False, earlier.distance_m is not None)


async def check_out(uow: UnitOfWork, principal: Principal, visit_id: int) -> CheckIn:
    """The team leaves: the visit's on-site part ends (the publicity deadline counts from this day)."""
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise _visit_not_found(visit_id)
        person_id = _on_team(principal, visit)
        record = await uow.onsite.check_in(visit_id)
        if record is None or visit.status is not VisitStatus.IN_PROGRESS:
            raise _refuse("尚未签到或已签退", "not checked in, or already checked out", "checkout.state_invalid",
                          visit_status=visit.status.value)
        await uow.onsite.check_out(visit_id, by=person_id)
        visit.status = VisitStatus.COMPLETED
        await uow.visits.set_status(visit)
        record.checked_out_at, record.checked_out_by = uow.now, person_id
        uow.audit.record(AuditEvent("checkin.check_out", "visit", str(visit_id), {"status": "in_progress"},
                                    {"status": visit.status.value, "by": person_id}))
        await uow.commit()
    return record


# -- the enterprise's side ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PageItem:
    code: str
    name: str
    method: str
    legal_basis: str


@dataclass(frozen=True, slots=True)
class PageMember:
    name: str
    department: str
    cert_masked: str
    leader: bool


@dataclass(frozen=True, slots=True)
class VisitPage:
    """What the enterprise sees when it scans the visit code: who inspects it, on what basis."""

    visit: Visit
    tasks: list[tuple[Plan, Task]]
    items: list[PageItem]
    team: list[PageMember]
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    can_rate: bool
    rated: bool
    code_expired: bool


async def visit_check_in(uow: UnitOfWork, principal: Principal, visit_id: int) -> CheckIn:
    """A visit's check-in with the device position (执法监督科 only: positions are personal data)."""
    principal.require(Permission.CHECKIN_LOCATION_READ)
    async with uow:
        if await uow.visits.get(visit_id) is None:
            raise _visit_not_found(visit_id)
        found = (await uow.onsite.check_ins([visit_id])).get(visit_id)
    if found is None:
        raise NotFound("该检查尚未签到", f"visit {visit_id} has no check-in", code="checkin.not_found")
    return found


async def _verify_visit_code(uow: UnitOfWork, suite: SignatureSuite, text: str) -> tuple[SignedCode, Visit, bool]:
    signed = codes.verify(codes.extract(text), await verifiers(uow, suite))
    if signed.kind is not CodeKind.VISIT:
        raise InvalidInput("这是企业码，不是检查码", "an enterprise code, not a visit code", code="code.wrong_kind")
    visit = await uow.visits.get(int(signed.payload["v"]))
    if visit is None:
        raise _visit_not_found(int(signed.payload["v"]))
    expired = int(signed.payload["x"]) < int(uow.now.timestamp())
    return signed, visit, expired


async def visit_page(uow: UnitOfWork, suite: SignatureSuite, text: str) -> VisitPage:
    async with uow:
        _signed, visit, expired = await _verify_visit_code(uow, suite, text)
        tasks: list[tuple[Plan, Task]] = []
        for source in visit.sources:
            plan = await uow.plans.get(source.plan_no)
            task = next((t for t in plan.tasks if t.task_no == source.task_no), None) if plan else None
            if plan is not None and task is not None:
                tasks.append((plan, task))
        methods: dict[str, str] = {}
        items = []
        for code in visit.items:
            item = await uow.items.get(code)
            if item is not None:
                items.append(PageItem(code, item.name, item.method.label, item.legal_basis))
                methods[code] = item.method.value
        team = []
        for index, person_id in enumerate(visit.team):
            inspector = await uow.inspectors.get(person_id, include_deleted=True)
            department = await uow.departments.get(inspector.department_code) if inspector else None
            team.append(PageMember(inspector.name if inspector else "—", department.name if department else "",
                                   mask_cert(inspector.cert_no) if inspector else "", index == 0))
        record = await uow.onsite.check_in(visit.id or 0)
        rated = await uow.onsite.rating(visit.id or 0) is not None
    out_at = record.checked_out_at if record else None
    can_rate = bool(out_at and not rated and uow.now - out_at <= timedelta(days=RATING_DAYS))
    return VisitPage(visit, tasks, items, team, record.occurred_at if record else None, out_at, can_rate, rated,
                     expired)


async def rate(uow: UnitOfWork, suite: SignatureSuite, text: str, score: int, comment: str) -> Rating:
    """The enterprise rates a finished visit once; the team never sees who rated or the single rating."""
    if not 1 <= score <= 5:
        raise InvalidInput("评分须为 1～5", "score must be 1..5", code="rating.score_invalid", details={"field": "score"})
    async with uow:
        _signed, visit, _expired = await _verify_visit_code(uow, suite, text)
        record = await uow.onsite.check_in(visit.id or 0)
        if record is None or record.checked_out_at is None:
            raise _refuse("检查结束（签退）后才能评价", "rate after check-out", "rating.too_early")
        if uow.now - record.checked_out_at > timedelta(days=RATING_DAYS):
            raise _refuse(f"评价须在检查结束后 {RATING_DAYS} 日内", "too late to rate", "rating.too_late")
        rating = Rating(visit.id or 0, score, comment.strip(), uow.now)
        if not await uow.onsite.add_rating(rating):
            raise _refuse("本次检查已评价过", "the visit was rated already", "rating.already")
        uow.audit.record(AuditEvent("visit.rating", "visit", str(visit.id), None, {"score": score}))
        await uow.commit()
    return rating


def unix(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


@dataclass(frozen=True, slots=True)
class EnterpriseCodePage:
    uscc: str
    name: str
    current: bool
    generation: int


async def scanned(uow: UnitOfWork, suite: SignatureSuite, text: str) -> VisitPage | EnterpriseCodePage:
    """What a phone camera opens: a visit code shows the visit; an enterprise code shows whose code it is and
    whether it is still valid."""
    async with uow:
        signed = codes.verify(codes.extract(text), await verifiers(uow, suite))
        if signed.kind is CodeKind.ENTERPRISE:
            uscc = str(signed.payload["u"])
            enterprise = await uow.enterprises.get(uscc)
            generation = await uow.onsite.generation(uscc)
            return EnterpriseCodePage(uscc, enterprise.name if enterprise else uscc,
                                      signed.payload["g"] == generation and enterprise is not None,
                                      int(signed.payload["g"]))
    return await visit_page(uow, suite, text)
