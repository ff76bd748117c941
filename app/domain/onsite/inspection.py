"""Findings, photos and results: recorded by the team (谁检查、谁录入), reviewed and published by the responsible
unit (谁公开) – never by the person who entered them – and queued for the provincial platform once public."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from app.domain.followup.archive import ensure_open, ensure_visit_open
from app.domain.onsite.model import (
    Finding,
    FindingOutcome,
    Hazard,
    HazardLevel,
    InspectionResult,
    Photo,
    ResultStatus,
    ResultType,
)
from app.domain.onsite.rules import check_photo, check_result_types
from app.domain.outbox.service import enqueue, results_message
from app.domain.plans.service import platform_task_no
from app.domain.ports import FileStore, UnitOfWork
from app.domain.provincial.model import Handling, ResultRecord
from app.domain.scheduling.model import Visit, VisitStatus
from app.domain.scheduling.service import OFF_SITE_METHODS

CST = timezone(timedelta(hours=8))
ON_SITE_DONE = (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)


async def record_refusal(uow: UnitOfWork, principal: Principal, action: str, object_type: str, object_id: str,
                         error: DomainError) -> None:
    """A refused attempt is kept in the audit trail too (in its own transaction: the attempt itself rolled back)."""
    async with uow:
        uow.audit.record(AuditEvent(f"{action}.refused", object_type, object_id, None, {
            "code": error.code, "reason": error.message_zh, "person_id": principal.person_id}))
        await uow.commit()
    error.audited = True


async def _visit(uow: UnitOfWork, visit_id: int) -> Visit:
    visit = await uow.visits.get(visit_id)
    if visit is None:
        raise NotFound(f"检查安排 {visit_id} 不存在", f"visit {visit_id} not found", code="visit.not_found")
    return visit


def _team_member(principal: Principal, visit: Visit) -> str:
    principal.require(Permission.RESULTS_ENTER)
    if principal.person_id is None or principal.person_id not in visit.team:
        raise PermissionDenied("只有本次检查的检查组成员可以录入（谁检查、谁录入）", "only the visit's team records it",
                               code="visit.not_on_team")
    return principal.person_id


def _may_read(principal: Principal, visit: Visit) -> None:
    if principal.person_id is not None and principal.person_id in visit.team:
        return
    principal.require(Permission.SCHEDULE_READ)
    for unit in dict.fromkeys(s.lead_department for s in visit.sources):
        try:
            principal.require_department(unit)
        except PermissionDenied:
            continue
        return
    raise PermissionDenied("只能查看本单位任务的检查记录", "only the task's units see its records", code="visit.foreign_unit")


# -- findings ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HazardInput:
    level: HazardLevel
    description: str
    location: str
    legal_basis: str
    photo_ids: tuple[int, ...] = ()


async def record_finding(uow: UnitOfWork, principal: Principal, visit_id: int, item_code: str, *,
                         outcome: FindingOutcome, note: str, hazards: Sequence[HazardInput]) -> Finding:
    """The finding of one item of the visit (replacing an earlier one while no result is reviewed). On-site items
    need a check-in; 书面检查 / 网络监测 items are recorded without one."""
    if hazards and outcome is not FindingOutcome.NON_COMPLIANT:
        raise InvalidInput("有隐患的检查事项应为“不符合”", "a hazard means non-compliant", code="finding.hazard_outcome",
                           details={"field": "outcome"})
    async with uow:
        visit = await _visit(uow, visit_id)
        person = _team_member(principal, visit)
        await ensure_visit_open(uow, visit)
        if item_code not in visit.items:
            raise InvalidInput(f"抽查事项 {item_code} 不在本次检查中", "the item is not part of the visit",
                               code="finding.item_not_in_visit", details={"field": "item_code"})
        item = await uow.items.get(item_code)
        off_site = item is not None and item.method in OFF_SITE_METHODS
        if not off_site and visit.status not in ON_SITE_DONE:
            raise Conflict("现场检查事项须在扫码签到后录入", "check in before recording on-site findings",
                           code="finding.not_checked_in", details={"visit_status": visit.status.value})
        if visit.status is VisitStatus.CANCELLED:
            raise Conflict("检查已取消", "the visit is cancelled", code="visit.state_invalid")
        if any(r.status in (ResultStatus.REVIEWED, ResultStatus.PUBLISHED) for r in await uow.onsite.results_of(visit_id)):
            raise Conflict("检查结果已审核，检查情况不能再修改", "results are reviewed; findings are final",
                           code="finding.locked")
        photos: dict[int, Photo] = {}
        for hazard in hazards:
            for photo_id in hazard.photo_ids:
                found = await uow.onsite.photo(photo_id)
                if found is None or found[0] != visit_id:
                    raise InvalidInput(f"照片 {photo_id} 不属于本次检查", "the photo is not the visit's",
                                       code="finding.photo_foreign", details={"field": "hazards"})
                photos[photo_id] = found[1]
        existing = next((f for f in await uow.onsite.findings(visit_id) if f.item_code == item_code), None)
        before = _finding_snapshot(existing) if existing else None
        finding = Finding(existing.id if existing else None, visit_id, item_code, outcome, note.strip(), person,
                          off_site, [Hazard(None, h.level, h.description.strip(), h.location.strip(),
                                            h.legal_basis.strip(), [photos[p] for p in h.photo_ids]) for h in hazards],
                          version=existing.version if existing else 1)
        await uow.onsite.save_finding(finding)
        uow.audit.record(AuditEvent("finding.record", "visit", str(visit_id), before, _finding_snapshot(finding)))
        await uow.commit()
    return finding


def _finding_snapshot(finding: Finding) -> dict[str, object]:
    return {"item_code": finding.item_code, "outcome": finding.outcome.value, "note": finding.note,
            "hazards": [{"level": h.level.value, "description": h.description, "photos": [p.sha256 for p in h.photos]}
                        for h in finding.hazards]}


async def findings(uow: UnitOfWork, principal: Principal, visit_id: int) -> tuple[Visit, list[Finding]]:
    async with uow:
        visit = await _visit(uow, visit_id)
        _may_read(principal, visit)
        return visit, await uow.onsite.findings(visit_id)


async def upload_photo(uow: UnitOfWork, principal: Principal, files: FileStore, visit_id: int, content: bytes,
                       content_type: str | None, *, max_bytes: int) -> Photo:
    """A photo of evidence: checked for type (its real content) and size, stored outside the database by its
    SHA-256, recorded with who uploaded it. A refused upload is audited."""
    try:
        return await _upload_photo(uow, principal, files, visit_id, content, content_type, max_bytes=max_bytes)
    except DomainError as error:
        await record_refusal(uow, principal, "photo.upload", "visit", str(visit_id), error)
        raise


async def _upload_photo(uow: UnitOfWork, principal: Principal, files: FileStore, visit_id: int, content: bytes,
                        content_type: str | None, *, max_bytes: int) -> Photo:
    kind = check_photo(content, content_type, max_bytes)
    async with uow:
        visit = await _visit(uow, visit_id)
        person = _team_member(principal, visit)
        digest = files.put(content)
        photo = await uow.onsite.add_photo(visit_id, Photo(None, digest, kind, len(content), person))
        uow.audit.record(AuditEvent("photo.upload", "visit", str(visit_id), None,
                                    {"photo_id": photo.id, "sha256": digest, "size": len(content), "type": kind}))
        await uow.commit()
    return photo


async def photo_bytes(uow: UnitOfWork, principal: Principal, files: FileStore, photo_id: int) -> tuple[Photo, bytes]:
    """Only the visit's team and its units see the evidence."""
    async with uow:
        found = await uow.onsite.photo(photo_id)
        if found is None:
            raise NotFound("照片不存在", "photo not found", code="photo.not_found")
        visit = await _visit(uow, found[0])
        _may_read(principal, visit)
    return found[1], files.get(found[1].sha256)


# -- results -----------------------------------------------------------------------------------------------------

def _result_not_found(result_id: int) -> NotFound:
    return NotFound(f"检查结果 {result_id} 不存在", f"result {result_id} not found", code="result.not_found")


async def enter_result(uow: UnitOfWork, principal: Principal, visit_id: int, draw_id: str, *,
                       types: Sequence[ResultType], summary: str) -> InspectionResult:
    """The team enters the result of one of the visit's tasks (again after it was returned)."""
    async with uow:
        visit = await _visit(uow, visit_id)
        person = _team_member(principal, visit)
        await ensure_visit_open(uow, visit)
        source = next((s for s in visit.sources if s.draw_id == draw_id), None)
        if source is None:
            raise InvalidInput("该抽取不属于本次检查", "the draw is not one of the visit's", code="result.draw_foreign",
                               details={"field": "draw_id"})
        check_in = await uow.onsite.check_in(visit_id)
        plan = await uow.plans.get(source.plan_no)
        task = next((t for t in plan.tasks if t.task_no == source.task_no), None) if plan else None
        task_items = {c for codes in task.items.values() for c in codes} if task else set(visit.items)
        found = await uow.onsite.findings(visit_id)
        check_result_types(types, found, task_items & set(visit.items))
        on_site_items = [f for f in found if not f.off_site]
        if on_site_items and check_in is None:
            raise Conflict("现场检查须先扫码签到", "an on-site inspection needs a check-in", code="result.no_check_in")
        hazards = [h for f in found if f.item_code in task_items for h in f.hazards]
        check_day = (check_in.occurred_at.astimezone(CST).date() if check_in else
                     (visit.day or uow.now.astimezone(CST).date()))
        current = next((r for r in await uow.onsite.results_of(visit_id) if r.draw_id == draw_id), None)
        if current is not None and current.status not in (ResultStatus.ENTERED, ResultStatus.RETURNED):
            raise Conflict(f"检查结果{current.status.label}，不能再修改", "the result can no longer change",
                           code="result.state_invalid", details={"result_status": current.status.value})
        result = InspectionResult(
            current.id if current else None, visit_id, draw_id, source.plan_no, source.task_no, visit.uscc,
            visit.enterprise_name, source.lead_department, tuple(types), summary.strip(), ResultStatus.ENTERED, person,
            check_day, late_registration=bool(check_in and check_in.late), hazard_count=len(hazards),
            major_hazard_count=sum(1 for h in hazards if h.level is HazardLevel.MAJOR),
            version=current.version if current else 1)
        if current is None:
            await uow.onsite.add_result(result)
        else:
            result.entered_at = uow.now
            await uow.onsite.update_result(result)
        if visit.off_site and visit.status is VisitStatus.PLANNED:
            visit.status = VisitStatus.COMPLETED  # 非现场监管: the review is done when its result is entered
            await uow.visits.set_status(visit)
        uow.audit.record(AuditEvent("result.enter", "inspection_result", str(result.id),
                                    _result_snapshot(current) if current else None, _result_snapshot(result)))
        await uow.commit()
    return result


def _result_snapshot(result: InspectionResult) -> dict[str, object]:
    return {"status": result.status.value, "types": [t.value for t in result.types], "summary": result.summary,
            "entered_by": result.entered_by, "reviewed_by": result.reviewed_by, "published_by": result.published_by}


async def _reviewable(uow: UnitOfWork, principal: Principal, result_id: int) -> InspectionResult:
    principal.require(Permission.RESULTS_REVIEW)
    result = await uow.onsite.result(result_id, for_update=True)
    if result is None:
        raise _result_not_found(result_id)
    principal.require_department(result.department_code)
    await ensure_open(uow, [(result.plan_no, result.task_no)])
    return result


def _not_own(principal: Principal, result: InspectionResult, action_zh: str) -> None:
    if principal.username == result.entered_by or (principal.person_id and principal.person_id == result.entered_by):
        raise PermissionDenied(f"不能{action_zh}本人录入的检查结果（录入、审核、公示须由不同人员完成）",
                               "the person who entered a result cannot review or publish it", code="result.own")


async def review(uow: UnitOfWork, principal: Principal, result_id: int, *, approve: bool,
                 reason: str | None) -> InspectionResult:
    """审核: approve, or return to the team with a reason. A refused attempt is audited."""
    try:
        return await _review(uow, principal, result_id, approve=approve, reason=reason)
    except DomainError as error:
        await record_refusal(uow, principal, "result.review", "inspection_result", str(result_id), error)
        raise


async def _review(uow: UnitOfWork, principal: Principal, result_id: int, *, approve: bool,
                  reason: str | None) -> InspectionResult:
    async with uow:
        result = await _reviewable(uow, principal, result_id)
        _not_own(principal, result, "审核")
        if result.status is not ResultStatus.ENTERED:
            raise Conflict(f"检查结果{result.status.label}，不能审核", "only an entered result is reviewed",
                           code="result.state_invalid", details={"result_status": result.status.value})
        before = _result_snapshot(result)
        if approve:
            result.status, result.return_reason = ResultStatus.REVIEWED, None
        else:
            if not reason or len(reason.strip()) < 2:
                raise InvalidInput("退回须说明原因", "a return needs a reason", code="result.reason_missing",
                                   details={"field": "reason"})
            result.status, result.return_reason = ResultStatus.RETURNED, reason.strip()
        result.reviewed_by, result.reviewed_at = principal.username, uow.now
        await uow.onsite.update_result(result)
        uow.audit.record(AuditEvent("result.review" if approve else "result.return", "inspection_result",
                                    str(result_id), before, {**_result_snapshot(result), "reason": reason}))
        await uow.commit()
    return result


async def publish(uow: UnitOfWork, principal: Principal, result_id: int) -> InspectionResult:
    """公示: a reviewed result becomes public and is queued for the provincial platform. A refused attempt (e.g.
    publishing one's own or an unreviewed result) is audited."""
    try:
        return await _publish(uow, principal, result_id)
    except DomainError as error:
        await record_refusal(uow, principal, "result.publish", "inspection_result", str(result_id), error)
        raise


async def _publish(uow: UnitOfWork, principal: Principal, result_id: int) -> InspectionResult:
    async with uow:
        result = await _reviewable(uow, principal, result_id)
        _not_own(principal, result, "公示")
        if result.status is not ResultStatus.REVIEWED:
            raise Conflict("检查结果须先审核后才能公示", "only a reviewed result is published",
                           code="result.not_reviewed", details={"result_status": result.status.value})
        before = _result_snapshot(result)
        result.status, result.published_by, result.published_at = ResultStatus.PUBLISHED, principal.username, uow.now
        await uow.onsite.update_result(result)
        visit = await _visit(uow, result.visit_id)
        plan = await uow.plans.get(result.plan_no)
        task = next((t for t in plan.tasks if t.task_no == result.task_no), None) if plan else None
        if plan is not None and task is not None:
            task_no = platform_task_no(plan, task)
            record = ResultRecord(task_no, result.uscc, result.check_date, tuple(t.value for t in result.types),
                                  _public_text(result), result.hazard_count, result.major_hazard_count, None,
                                  Handling(result.handling) if result.handling else
                                  Handling.ORDER_CORRECTION if ResultType.PROBLEM_PENDING in result.types
                                  else Handling.NONE, visit.team, uow.now.astimezone(CST).date())
            await enqueue(uow, results_message(task_no, f"{result.id}-v{result.version}", [record]))
        uow.audit.record(AuditEvent("result.publish", "inspection_result", str(result_id), before,
                                    _result_snapshot(result)))
        await uow.commit()
    return result


def _public_text(result: InspectionResult) -> str:
    text = "；".join(t.label for t in result.types)
    return f"{text}（补录）" if result.late_registration else text


async def list_results(uow: UnitOfWork, principal: Principal, *, department: str | None, status: ResultStatus | None,
                       limit: int, after_id: int | None) -> list[InspectionResult]:
    principal.require(Permission.RESULTS_REVIEW)
    if department is not None:
        principal.require_department(department)
    elif not principal.can(Permission.PLANS_APPROVE):
        department = principal.department_code
    async with uow:
        return await uow.onsite.results(departments=[department] if department else None, status=status,
                                        limit=limit, after_id=after_id)


async def visit_results(uow: UnitOfWork, principal: Principal, visit_id: int) -> list[InspectionResult]:
    async with uow:
        visit = await _visit(uow, visit_id)
        _may_read(principal, visit)
        return await uow.onsite.results_of(visit_id)


async def published(uow: UnitOfWork, *, text: str | None, uscc: str | None, plan_no: str | None,
                    task_no: str | None, start: date | None, end: date | None, limit: int,
                    after_id: int | None) -> list[InspectionResult]:
    """一公开: published results only; nothing of unpublished ones, no personal data."""
    if text is not None and len(text.strip()) < 2:
        raise InvalidInput("企业名称关键词至少 2 个字", "search text too short", code="public.query_too_short",
                           details={"field": "q"})
    async with uow:
        return await uow.onsite.published(text=text.strip() if text else None, uscc=uscc, plan_no=plan_no,
                                          task_no=task_no, start=start, end=end, limit=limit, after_id=after_id)


async def unit_names(uow: UnitOfWork) -> dict[str, str]:
    async with uow:
        return {d.code: d.name for d in await uow.departments.list()}
