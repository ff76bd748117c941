"""问题处置: from a non-compliant finding to a rectification order, the enterprise's report, a re-inspection by two
inspectors and closure or escalation; case transfers with receipts; credit sanctions proposed from serious results
and approved by 执法监督科, feeding the next draws. Every step issues its numbered document and is audited."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import CreditClass
from app.domain.directories.snapshots import enterprise_snapshot
from app.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.domain.followup.archive import ensure_open
from app.domain.followup.model import (
    CaseTransfer,
    CreditSanction,
    Document,
    DocumentKind,
    OrderItem,
    OrderStatus,
    RectificationOrder,
    SanctionStatus,
    TransferKind,
    TransferStatus,
    document_number,
)
from app.domain.onsite.model import FindingOutcome, HazardLevel, InspectionResult, ResultType
from app.domain.ports import DocumentRenderer, FileStore, UnitOfWork
from app.domain.scheduling.calendar import WorkingDayCalendar, add_working_days

CST = timezone(timedelta(hours=8))
BUREAU = "秦皇岛市应急管理局"


def _today(uow: UnitOfWork) -> date:
    return uow.now.astimezone(CST).date()


async def _unit_name(uow: UnitOfWork, code: str) -> str:
    department = await uow.departments.get(code)
    return department.name if department else code


async def issue_document(uow: UnitOfWork, renderer: DocumentRenderer, files: FileStore, *, kind: DocumentKind,
                        department_code: str, subject_type: str, subject_id: str, title: str,
                        context: Mapping[str, Any], by: str) -> Document:
    """Inside the caller's transaction: the next number of the unit's year, the PDF rendered and stored by its
    SHA-256, the document recorded and its hash written to the audit trail."""
    year = _today(uow).year
    sequence = await uow.followup.next_sequence(department_code, year)
    number = document_number(department_code, year, sequence)
    pdf = await asyncio.to_thread(renderer.render, kind, {"number": number, "title": kind.label, "bureau": BUREAU,
                                 "unit_name": await _unit_name(uow, department_code), "issued_on": _today(uow),
                                 **context})
    digest = files.put(pdf)
    document = await uow.followup.add_document(Document(None, kind, number, department_code, year, sequence,
                                                        subject_type, subject_id, title, digest, len(pdf), by))
    uow.audit.record(AuditEvent("document.issue", "document", str(document.id), None, {
        "kind": kind.value, "number": number, "sha256": digest, "size": len(pdf),
        "subject": f"{subject_type}:{subject_id}"}))
    return document


async def _result(uow: UnitOfWork, principal: Principal, result_id: int) -> InspectionResult:
    principal.require(Permission.RESULTS_REVIEW)
    result = await uow.onsite.result(result_id, for_update=True)
    if result is None:
        raise NotFound(f"检查结果 {result_id} 不存在", f"result {result_id} not found", code="result.not_found")
    principal.require_department(result.department_code)
    await ensure_open(uow, [(result.plan_no, result.task_no)])
    return result


async def _enterprise_context(uow: UnitOfWork, uscc: str, name: str) -> dict[str, Any]:
    enterprise = await uow.enterprises.get(uscc)
    return {"enterprise": {"name": name, "uscc": uscc, "address": enterprise.address if enterprise else None,
                           "legal_person": enterprise.legal_person if enterprise else None}}


# -- rectification -----------------------------------------------------------------------------------------------

async def issue_order(uow: UnitOfWork, principal: Principal, renderer: DocumentRenderer, files: FileStore,
                      calendar: WorkingDayCalendar, result_id: int, *, deadline: date | None,
                      working_days: int | None, items: Sequence[OrderItem] = ()) -> RectificationOrder:
    """责令限期整改指令书 from the result's non-compliant findings (or the items given), with a deadline as a date or
    in working days."""
    if (deadline is None) == (working_days is None):
        raise InvalidInput("整改期限须二选一：指定日期或工作日数", "give a deadline date or a number of working days",
                           code="rectification.deadline_missing", details={"field": "deadline"})
    async with uow:
        result = await _result(uow, principal, result_id)
        if await uow.followup.order_for_result(result_id) is not None:
            raise Conflict("该检查结果已下达整改指令", "an order exists for the result", code="rectification.exists")
        today = _today(uow)
        if working_days is not None:
            due, basis = add_working_days(calendar, today, working_days), f"{working_days} 个工作日"
        else:
            assert deadline is not None
            due, basis = deadline, "指定日期"
        if due < today:
            raise InvalidInput("整改期限不能早于下达日期", "the deadline is before the order date",
                               code="rectification.deadline_before_order", details={"field": "deadline"})
        findings = [f for f in await uow.onsite.findings(result.visit_id) if f.outcome is FindingOutcome.NON_COMPLIANT]
        if not items:
            items = [OrderItem(f.item_code, h.description, h.legal_basis, h.level is HazardLevel.MAJOR)
                     for f in findings for h in f.hazards]
            items += [OrderItem(f.item_code, f.note or "不符合", "", False) for f in findings if not f.hazards]
        if not items:
            raise InvalidInput("没有不符合项，无需下达整改指令", "no non-compliant finding", code="rectification.no_problem")
        order = RectificationOrder(None, result_id, result.visit_id, result.uscc, result.enterprise_name,
                                   result.department_code, tuple(items), today, due, basis, OrderStatus.ISSUED,
                                   principal.username)
        await uow.followup.add_order(order)
        names = {c: (item.name if item else c) for c in {i.item_code for i in items}
                 for item in [await uow.items.get(c)]}
        document = await issue_document(
            uow, renderer, files, kind=DocumentKind.RECTIFICATION_ORDER, department_code=result.department_code,
            subject_type="rectification_order", subject_id=str(order.id),
            title=f"{result.enterprise_name} 责令限期整改指令书", by=principal.username, context={
                **await _enterprise_context(uow, result.uscc, result.enterprise_name),
                "items": [{"item_name": names[i.item_code], "problem": i.problem, "legal_basis": i.legal_basis,
                           "major": i.major} for i in items],
                "deadline": due, "deadline_basis": basis, "check_date": result.check_date})
        order.document_no = document.number
        await uow.followup.update_order(order)
        if result.handling is None:
            result.handling = "order_correction"
            await uow.onsite.update_result(result)
        uow.audit.record(AuditEvent("rectification.issue", "rectification_order", str(order.id), None, {
            "result_id": result_id, "deadline": due.isoformat(), "basis": basis, "items": len(items),
            "document_no": document.number}))
        await uow.commit()
    return order


async def _order(uow: UnitOfWork, principal: Principal, order_id: int) -> RectificationOrder:
    principal.require(Permission.RESULTS_REVIEW)
    order = await uow.followup.order(order_id, for_update=True)
    if order is None:
        raise NotFound(f"整改指令 {order_id} 不存在", f"order {order_id} not found", code="rectification.not_found")
    principal.require_department(order.department_code)
    return order


async def record_report(uow: UnitOfWork, principal: Principal, order_id: int, report: str) -> RectificationOrder:
    """The enterprise's rectification report, received by the unit."""
    async with uow:
        order = await _order(uow, principal, order_id)
        if order.status is not OrderStatus.ISSUED:
            raise Conflict(f"整改指令{order.status.label}，不能再登记整改报告", "the order is not awaiting a report",
                           code="rectification.state_invalid", details={"order_status": order.status.value})
        order.status, order.report, order.reported_on = OrderStatus.REPORTED, report.strip(), _today(uow)
        await uow.followup.update_order(order)
        uow.audit.record(AuditEvent("rectification.report", "rectification_order", str(order_id),
                                    {"status": "issued"}, {"status": order.status.value, "report": order.report}))
        await uow.commit()
    return order


async def reinspect(uow: UnitOfWork, principal: Principal, renderer: DocumentRenderer, files: FileStore,
                    order_id: int, *, reinspectors: Sequence[str], rectified: bool, opinion: str) -> RectificationOrder:
    """复查 by two certified inspectors → 整改复查意见书: rectified closes the order; not rectified escalates it (a
    major hazard left unrectified proposes a credit sanction)."""
    people = list(dict.fromkeys(reinspectors))
    if len(people) < 2:
        raise InvalidInput("复查须由两名以上执法人员进行", "a re-inspection needs two inspectors",
                           code="reinspection.two_inspectors", details={"field": "reinspectors"})
    async with uow:
        order = await _order(uow, principal, order_id)
        if order.status not in (OrderStatus.ISSUED, OrderStatus.REPORTED):
            raise Conflict(f"整改指令{order.status.label}", "the order is closed", code="rectification.state_invalid",
                           details={"order_status": order.status.value})
        today = _today(uow)
        team = []
        for person_id in people:
            inspector = await uow.inspectors.get(person_id)
            if inspector is None or not inspector.can_inspect_on(today):
                raise InvalidInput(f"“{person_id}”不是持有效执法证的在岗执法人员", "not a certified inspector",
                                   code="reinspection.inspector_invalid", details={"field": "reinspectors"})
            team.append({"name": inspector.name, "cert_no": inspector.cert_no})
        before = {"status": order.status.value}
        order.reinspectors, order.reinspected_on = tuple(people), today
        order.reinspection_opinion = opinion.strip()
        order.status = OrderStatus.RECTIFIED if rectified else OrderStatus.NOT_RECTIFIED
        if not rectified:
            order.escalation = "复查不合格：依法立案查处，并视情提请信用惩戒"
        document = await issue_document(
            uow, renderer, files, kind=DocumentKind.REINSPECTION_OPINION, department_code=order.department_code,
            subject_type="rectification_order", subject_id=str(order.id),
            title=f"{order.enterprise_name} 整改复查意见书", by=principal.username, context={
                **await _enterprise_context(uow, order.uscc, order.enterprise_name),
                "order_number": order.document_no, "issued_on_order": order.issued_on, "deadline": order.deadline,
                "items": [{"problem": i.problem, "legal_basis": i.legal_basis, "major": i.major} for i in order.items],
                "reinspectors": team, "reinspected_on": today, "rectified": rectified, "opinion": order.reinspection_opinion})
        order.reinspection_document_no = document.number
        await uow.followup.update_order(order)
        if not rectified and any(i.major for i in order.items):
            await _propose(uow, order.uscc, order.enterprise_name, "D", "重大事故隐患经复查未整改",
                           {"orders": [order.id], "results": [order.result_id]}, principal.username,
                           candidate=True)
        uow.audit.record(AuditEvent("rectification.reinspect", "rectification_order", str(order_id), before, {
            "status": order.status.value, "reinspectors": people, "document_no": document.number}))
        await uow.commit()
    return order


async def list_orders(uow: UnitOfWork, principal: Principal, *, status: OrderStatus | None) -> list[RectificationOrder]:
    principal.require(Permission.RESULTS_REVIEW)
    departments = None if principal.can(Permission.PLANS_APPROVE) else [principal.department_code or ""]
    async with uow:
        return await uow.followup.orders(departments=departments, statuses=[status] if status else None)


async def get_order(uow: UnitOfWork, principal: Principal, order_id: int) -> tuple[RectificationOrder, list[Document]]:
    async with uow:
        order = await _order(uow, principal, order_id)
        return order, await uow.followup.documents("rectification_order", [str(order_id)])


# -- case transfer -----------------------------------------------------------------------------------------------

async def transfer_case(uow: UnitOfWork, principal: Principal, renderer: DocumentRenderer, files: FileStore,
                        result_id: int, *, kind: TransferKind, receiver: str, reason: str) -> CaseTransfer:
    """案件移送 with its 案件移送书; a result's case is transferred once; the handling is recorded on the result."""
    async with uow:
        result = await _result(uow, principal, result_id)
        transfer = CaseTransfer(None, result_id, result.uscc, result.enterprise_name, result.department_code, kind,
                                receiver.strip(), reason.strip(), TransferStatus.SENT, principal.username)
        if not await uow.followup.add_transfer(transfer):
            raise Conflict("该检查结果的案件已移送，不能重复移送", "the case was transferred already",
                           code="transfer.already")
        document = await issue_document(
            uow, renderer, files, kind=DocumentKind.CASE_TRANSFER, department_code=result.department_code,
            subject_type="case_transfer", subject_id=str(transfer.id), title=f"{result.enterprise_name} 案件移送书",
            by=principal.username, context={
                **await _enterprise_context(uow, result.uscc, result.enterprise_name),
                "receiver": transfer.receiver, "kind_label": kind.label, "reason": transfer.reason,
                "result_types": [t.label for t in result.types], "check_date": result.check_date,
                "summary": result.summary})
        transfer.document_no = document.number
        await uow.followup.update_transfer(transfer)
        result.handling = "case_filing" if kind is TransferKind.CASE_FILING else "transfer"
        await uow.onsite.update_result(result)
        await _propose(uow, result.uscc, result.enterprise_name, "C", f"案件已{kind.label}（{transfer.receiver}）",
                       {"results": [result_id], "transfers": [transfer.id]}, principal.username,
                       candidate=ResultType.REFUSED in result.types)
        uow.audit.record(AuditEvent("transfer.create", "case_transfer", str(transfer.id), None, {
            "result_id": result_id, "kind": kind.value, "receiver": transfer.receiver,
            "document_no": document.number}))
        await uow.commit()
    return transfer


async def _transfer(uow: UnitOfWork, principal: Principal, transfer_id: int) -> CaseTransfer:
    principal.require(Permission.RESULTS_REVIEW)
    transfer = await uow.followup.transfer(transfer_id, for_update=True)
    if transfer is None:
        raise NotFound(f"案件移送 {transfer_id} 不存在", f"transfer {transfer_id} not found", code="transfer.not_found")
    principal.require_department(transfer.department_code)
    return transfer


async def record_receipt(uow: UnitOfWork, principal: Principal, transfer_id: int, *, received_by: str,
                         received_on: date, note: str) -> CaseTransfer:
    """The receiving party's receipt (回执)."""
    async with uow:
        transfer = await _transfer(uow, principal, transfer_id)
        if transfer.status is not TransferStatus.SENT:
            raise Conflict("回执已登记", "the receipt is recorded already", code="transfer.state_invalid")
        sent_on = transfer.created_at.astimezone(CST).date() if transfer.created_at else received_on
        if received_on < sent_on:
            raise InvalidInput("接收日期不能早于移送日期", "received before it was sent", code="transfer.receipt_date",
                               details={"field": "received_on"})
        transfer.status, transfer.received_by, transfer.received_on = TransferStatus.RECEIVED, received_by, received_on
        transfer.receipt_note = note.strip()
        await uow.followup.update_transfer(transfer)
        uow.audit.record(AuditEvent("transfer.receipt", "case_transfer", str(transfer_id), {"status": "sent"},
                                    {"status": "received", "received_by": received_by}))
        await uow.commit()
    return transfer


async def close_transfer(uow: UnitOfWork, principal: Principal, transfer_id: int, outcome: str) -> CaseTransfer:
    async with uow:
        transfer = await _transfer(uow, principal, transfer_id)
        if transfer.status is not TransferStatus.RECEIVED:
            raise Conflict("须先登记接收回执", "record the receipt first", code="transfer.state_invalid")
        transfer.status, transfer.outcome = TransferStatus.CLOSED, outcome.strip()
        await uow.followup.update_transfer(transfer)
        uow.audit.record(AuditEvent("transfer.close", "case_transfer", str(transfer_id), {"status": "received"},
                                    {"status": "closed", "outcome": transfer.outcome}))
        await uow.commit()
    return transfer


async def list_transfers(uow: UnitOfWork, principal: Principal) -> list[CaseTransfer]:
    principal.require(Permission.RESULTS_REVIEW)
    departments = None if principal.can(Permission.PLANS_APPROVE) else [principal.department_code or ""]
    async with uow:
        return await uow.followup.transfers(departments=departments)


# -- credit sanctions --------------------------------------------------------------------------------------------

async def _propose(uow: UnitOfWork, uscc: str, name: str, to_class: str, reason: str, evidence: dict[str, Any],
                   by: str, *, candidate: bool) -> CreditSanction | None:
    """A proposal (inside the caller's transaction), unless the enterprise is already at that class or worse, or
    an open proposal exists."""
    enterprise = await uow.enterprises.get(uscc)
    current = enterprise.credit_class.value if enterprise and enterprise.credit_class else None
    if current is not None and current >= to_class:
        return None
    if await uow.followup.sanctions(uscc=uscc, statuses=[SanctionStatus.PROPOSED]):
        return None
    sanction = await uow.followup.add_sanction(CreditSanction(
        None, uscc, name, current, to_class, reason, evidence, _today(uow), SanctionStatus.PROPOSED, by, candidate))
    uow.audit.record(AuditEvent("sanction.propose", "credit_sanction", str(sanction.id), None, {
        "uscc": uscc, "from": current, "to": to_class, "reason": reason, "evidence": evidence,
        "serious_dishonesty_candidate": candidate}))
    return sanction


async def propose_sanction(uow: UnitOfWork, principal: Principal, *, result_id: int, to_class: str,
                           reason: str) -> CreditSanction:
    """A unit proposes a class change from a serious result (不配合检查情节严重, an unrectified major hazard, a
    transferred case); 执法监督科 decides."""
    if to_class not in {c.value for c in CreditClass}:
        raise InvalidInput("信用风险分类应为 A、B、C、D", "class must be A..D", code="sanction.class_invalid",
                           details={"field": "to_class"})
    async with uow:
        result = await _result(uow, principal, result_id)
        serious = (ResultType.REFUSED in result.types or result.major_hazard_count > 0
                   or bool(await uow.followup.transfers(uscc=result.uscc)))
        if not serious:
            raise Conflict("该检查结果不属于可提请信用惩戒的严重情形", "the result is not serious enough",
                           code="sanction.not_serious")
        sanction = await _propose(uow, result.uscc, result.enterprise_name, to_class, reason.strip(),
                                  {"results": [result_id]}, principal.username,
                                  candidate=ResultType.REFUSED in result.types)
        if sanction is None:
            raise Conflict("企业已处于该信用风险分类或更高，或已有待审批的提请", "nothing to propose",
                           code="sanction.redundant")
        await uow.commit()
    return sanction


async def decide_sanction(uow: UnitOfWork, principal: Principal, sanction_id: int, *, approve: bool,
                          note: str) -> CreditSanction:
    """执法监督科 approves (the enterprise's class changes at once, recorded in its history, and later draws use it)
    or rejects; never the person who proposed it."""
    principal.require(Permission.PLANS_APPROVE)
    async with uow:
        sanction = await uow.followup.sanction(sanction_id, for_update=True)
        if sanction is None:
            raise NotFound(f"信用惩戒提请 {sanction_id} 不存在", "sanction not found", code="sanction.not_found")
        if sanction.status is not SanctionStatus.PROPOSED:
            raise Conflict(f"该提请{sanction.status.label}", "already decided", code="sanction.state_invalid")
        if sanction.proposed_by == principal.username:
            raise PermissionDenied("提请人不能审批本人的提请", "the proposer cannot decide", code="sanction.own")
        sanction.status = SanctionStatus.APPROVED if approve else SanctionStatus.REJECTED
        sanction.decided_by, sanction.decided_at, sanction.decision_note = principal.username, uow.now, note.strip()
        if approve:
            sanction.effective_on = _today(uow)
            current = await uow.enterprises.get(sanction.uscc, for_update=True)
            if current is None:
                raise NotFound("企业不存在", "enterprise not found", code="enterprise.not_found")
            updated = replace(current, credit_class=CreditClass(sanction.to_class), version=current.version + 1)
            changes = {"credit_class": [sanction.from_class, sanction.to_class]}
            await uow.enterprises.update(updated, action="credit_sanction", changes=changes,
                                         changed_by=principal.username, at=uow.now)
            uow.audit.record(AuditEvent("enterprise.credit_sanction", "enterprise", sanction.uscc,
                                        enterprise_snapshot(current), enterprise_snapshot(updated)))
        await uow.followup.update_sanction(sanction)
        uow.audit.record(AuditEvent("sanction.decide", "credit_sanction", str(sanction_id), {"status": "proposed"}, {
            "status": sanction.status.value, "note": sanction.decision_note}))
        await uow.commit()
    return sanction


async def list_sanctions(uow: UnitOfWork, principal: Principal, *, status: SanctionStatus | None,
                         candidates_only: bool) -> list[CreditSanction]:
    principal.require(Permission.RESULTS_REVIEW)
    async with uow:
        found = await uow.followup.sanctions(statuses=[status] if status else None)
    return [s for s in found if s.serious_dishonesty_candidate or not candidates_only]


async def document_pdf(uow: UnitOfWork, principal: Principal, files: FileStore, document_id: int) -> tuple[Document, bytes]:
    principal.require(Permission.RESULTS_REVIEW)
    async with uow:
        document = await uow.followup.document(document_id)
        if document is None:
            raise NotFound(f"文书 {document_id} 不存在", "document not found", code="document.not_found")
        principal.require_department(document.department_code)
    return document, files.get(document.sha256)


async def issue_visit_document(uow: UnitOfWork, principal: Principal, renderer: DocumentRenderer, files: FileStore,
                               visit_id: int, kind: DocumentKind) -> Document:
    """随机抽查通知书 (only for a visit that is announced) or 现场检查记录 (after check-out), for the visit's unit."""
    principal.require(Permission.RESULTS_REVIEW)
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise NotFound(f"检查安排 {visit_id} 不存在", f"visit {visit_id} not found", code="visit.not_found")
        principal.require_department(visit.department_code)
        team = []
        for index, person_id in enumerate(visit.team):
            inspector = await uow.inspectors.get(person_id, include_deleted=True)
            team.append({"name": inspector.name if inspector else person_id,
                         "cert_no": inspector.cert_no if inspector else "", "leader": index == 0})
        items = []
        for code in visit.items:
            item = await uow.items.get(code)
            items.append({"code": code, "name": item.name if item else code,
                          "legal_basis": item.legal_basis if item else ""})
        tasks = [{"plan_no": s.plan_no, "task_no": s.task_no} for s in visit.sources]
        context: dict[str, Any] = {**await _enterprise_context(uow, visit.uscc, visit.enterprise_name),
                                   "visit_day": visit.day, "team": team, "items": items, "tasks": tasks}
        if kind is DocumentKind.NOTICE:
            if visit.unannounced:
                raise Conflict("不预先告知的检查不发放随机抽查通知书", "the visit is unannounced",
                               code="document.unannounced")
            title = f"{visit.enterprise_name} 随机抽查通知书"
        elif kind is DocumentKind.INSPECTION_RECORD:
            check_in = await uow.onsite.check_in(visit_id)
            if check_in is None or check_in.checked_out_at is None:
                raise Conflict("现场检查结束（签退）后才能生成现场检查记录", "check out first",
                               code="document.not_checked_out")
            findings = await uow.onsite.findings(visit_id)
            names = {i["code"]: i["name"] for i in items}
            context |= {
                "checked_in_at": check_in.occurred_at.astimezone(CST), "checked_out_at":
                check_in.checked_out_at.astimezone(CST), "late": check_in.late, "late_reason": check_in.late_reason,
                "findings": [{"item_name": names.get(f.item_code, f.item_code), "outcome_label": f.outcome.label,
                              "note": f.note, "hazards": [{"level_label": h.level.label, "description": h.description,
                                                           "location": h.location, "legal_basis": h.legal_basis}
                                                          for h in f.hazards]} for f in findings]}
            title = f"{visit.enterprise_name} 现场检查记录"
        else:
            raise InvalidInput("该文书随整改、复查或移送生成", "issued with its own step", code="document.kind_invalid",
                               details={"field": "kind"})
        document = await issue_document(uow, renderer, files, kind=kind, department_code=visit.department_code,
                                        subject_type="visit", subject_id=str(visit_id), title=title,
                                        by=principal.username, context=context)
        await uow.commit()
    return document
