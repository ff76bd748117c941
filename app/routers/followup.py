"""问题处置: rectification orders and re-inspections, case transfers, credit sanctions and the numbered documents
each step issues (PDF)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile, status
from pydantic import Field, model_validator

from app.deps import ContainerDep, Uow, require, require_any
from app.domain.auth.model import Permission, Principal
from app.domain.followup import archive, service
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
)
from app.routers.errors import problem_responses
from app.routers.schemas.common import MAX_ID, CodeItem, In, Out
from app.routers.uploads import read_upload

router = APIRouter(prefix="/api/v1", tags=["问题处置 follow-up"])
#: Archive bundles are checked by the units that archive and by 审计/纪检.
ArchiveChecker = Annotated[Principal, Depends(require_any(Permission.RESULTS_REVIEW, Permission.AUDIT_READ))]
Officer = Annotated[Principal, Depends(require(Permission.RESULTS_REVIEW))]
Supervisor = Annotated[Principal, Depends(require(Permission.PLANS_APPROVE))]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class DocumentOut(Out):
    id: int
    kind: DocumentKind
    kind_label: str
    number: str = Field(description="文书字号，如 秦应急执一〔2026〕第 3 号")
    title: str
    sha256: str = Field(description="PDF 的 SHA-256（同时记入审计日志）")
    size: int
    created_by: str
    created_at: datetime | None

    @classmethod
    def of(cls, d: Document) -> DocumentOut:
        return cls(id=d.id or 0, kind=d.kind, kind_label=d.kind.label, number=d.number, title=d.title, sha256=d.sha256,
                   size=d.size, created_by=d.created_by, created_at=d.created_at)


class OrderItemIn(In):
    item_code: str = Field(min_length=2, max_length=32)
    problem: str = Field(min_length=2, max_length=2000)
    legal_basis: str = Field(min_length=2, max_length=2000)
    major: bool = False


class OrderIn(In):
    result_id: int = Field(ge=1, le=MAX_ID)
    deadline: date | None = Field(None, description="整改期限（日期）")
    working_days: int | None = Field(None, ge=1, le=180, description="或：自下达之日起的工作日数")
    items: list[OrderItemIn] = Field(default_factory=list, max_length=100,
                                     description="整改事项；为空则取检查结果中的不符合项和隐患")

    @model_validator(mode="after")
    def _one_deadline(self) -> OrderIn:
        if (self.deadline is None) == (self.working_days is None):
            raise ValueError("整改期限须二选一：deadline（日期）或 working_days（工作日数）")
        return self


class OrderOut(Out):
    id: int
    result_id: int
    visit_id: int
    uscc: str
    enterprise_name: str
    department_code: str
    items: list[dict[str, Any]]
    issued_on: date
    deadline: date
    deadline_basis: str
    status: OrderStatus
    status_label: str
    document_no: str | None
    report: str | None
    reported_on: date | None
    reinspectors: list[str]
    reinspected_on: date | None
    reinspection_opinion: str | None
    reinspection_document_no: str | None
    escalation: str | None
    documents: list[DocumentOut] = Field(default_factory=list)

    @classmethod
    def of(cls, o: RectificationOrder, documents: list[Document] | None = None) -> OrderOut:
        return cls(id=o.id or 0, result_id=o.result_id, visit_id=o.visit_id, uscc=o.uscc,
                   enterprise_name=o.enterprise_name, department_code=o.department_code,
                   items=[{"item_code": i.item_code, "problem": i.problem, "legal_basis": i.legal_basis,
                           "major": i.major} for i in o.items], issued_on=o.issued_on, deadline=o.deadline,
                   deadline_basis=o.deadline_basis, status=o.status, status_label=o.status.label,
                   document_no=o.document_no, report=o.report, reported_on=o.reported_on,
                   reinspectors=list(o.reinspectors), reinspected_on=o.reinspected_on,
                   reinspection_opinion=o.reinspection_opinion, reinspection_document_no=o.reinspection_document_no,
                   escalation=o.escalation, documents=[DocumentOut.of(d) for d in documents or ()])


class ReportIn(In):
    report: str = Field(min_length=2, max_length=4000, description="企业整改报告的内容摘要")


class ReinspectIn(In):
    reinspectors: list[CodeItem] = Field(min_length=1, max_length=10, description="复查人员（两名以上）")
    rectified: bool = Field(description="是否整改到位")
    opinion: str = Field(min_length=2, max_length=4000, description="复查意见")


@router.post("/rectifications", response_model=OrderOut, status_code=status.HTTP_201_CREATED,
             summary="下达责令限期整改指令书（期限为日期或工作日数）", responses=problem_responses(401, 403, 404, 409, 422))
async def issue_order(body: OrderIn, principal: Officer, uow: Uow, container: ContainerDep) -> OrderOut:
    order = await service.issue_order(
        uow.write(), principal, container.documents, container.files, container.calendar, body.result_id,
        deadline=body.deadline, working_days=body.working_days,
        items=[OrderItem(i.item_code, i.problem, i.legal_basis, i.major) for i in body.items])
    return OrderOut.of(order)


@router.get("/rectifications", response_model=list[OrderOut], summary="整改指令（本单位）",
            responses=problem_responses(401, 403))
async def list_orders(principal: Officer, uow: Uow,
                      order_status: Annotated[OrderStatus | None, Query(alias="status")] = None) -> list[OrderOut]:
    return [OrderOut.of(o) for o in await service.list_orders(uow.read(), principal, status=order_status)]


@router.get("/rectifications/{order_id}", response_model=OrderOut, summary="整改指令详情及文书",
            responses=problem_responses(401, 403, 404))
async def get_order(order_id: Id, principal: Officer, uow: Uow) -> OrderOut:
    order, documents = await service.get_order(uow.read(), principal, order_id)
    return OrderOut.of(order, documents)


@router.post("/rectifications/{order_id}/report", response_model=OrderOut, summary="登记企业整改报告",
             responses=problem_responses(401, 403, 404, 409, 422))
async def record_report(order_id: Id, body: ReportIn, principal: Officer, uow: Uow) -> OrderOut:
    return OrderOut.of(await service.record_report(uow.write(), principal, order_id, body.report))


@router.post("/rectifications/{order_id}/reinspection", response_model=OrderOut,
             summary="复查（两名以上执法人员）并出具整改复查意见书", responses=problem_responses(401, 403, 404, 409, 422))
async def reinspect(order_id: Id, body: ReinspectIn, principal: Officer, uow: Uow, container: ContainerDep) -> OrderOut:
    order = await service.reinspect(uow.write(), principal, container.documents, container.files, order_id,
                                    reinspectors=body.reinspectors, rectified=body.rectified, opinion=body.opinion)
    return OrderOut.of(order)


class TransferIn(In):
    result_id: int = Field(ge=1, le=MAX_ID)
    kind: TransferKind
    receiver: str = Field(min_length=2, max_length=200, description="接收单位，如 本局法制科 或 秦皇岛市生态环境局")
    reason: str = Field(min_length=2, max_length=4000, description="移送理由和涉嫌违法事实")


class ReceiptIn(In):
    received_by: str = Field(min_length=2, max_length=100)
    received_on: date
    note: str = Field("", max_length=2000)


class CloseIn(In):
    outcome: str = Field(min_length=2, max_length=4000, description="办理结果")


class TransferOut(Out):
    id: int
    result_id: int
    uscc: str
    enterprise_name: str
    department_code: str
    kind: TransferKind
    kind_label: str
    receiver: str
    reason: str
    status: str
    status_label: str
    document_no: str | None
    received_by: str | None
    received_on: date | None
    receipt_note: str | None
    outcome: str | None
    created_by: str
    created_at: datetime | None

    @classmethod
    def of(cls, t: CaseTransfer) -> TransferOut:
        return cls(id=t.id or 0, result_id=t.result_id, uscc=t.uscc, enterprise_name=t.enterprise_name,
                   department_code=t.department_code, kind=t.kind, kind_label=t.kind.label, receiver=t.receiver,
                   reason=t.reason, status=t.status.value, status_label=t.status.label, document_no=t.document_no,
                   received_by=t.received_by, received_on=t.received_on, receipt_note=t.receipt_note,
                   outcome=t.outcome, created_by=t.created_by, created_at=t.created_at)


@router.post("/transfers", response_model=TransferOut, status_code=status.HTTP_201_CREATED,
             summary="案件移送（立案查处或移送其他部门，出具案件移送书；同一结果只能移送一次）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def transfer_case(body: TransferIn, principal: Officer, uow: Uow, container: ContainerDep) -> TransferOut:
    transfer = await service.transfer_case(uow.write(), principal, container.documents, container.files,
                                           body.result_id, kind=body.kind, receiver=body.receiver, reason=body.reason)
    return TransferOut.of(transfer)


@router.get("/transfers", response_model=list[TransferOut], summary="案件移送（本单位）",
            responses=problem_responses(401, 403))
async def list_transfers(principal: Officer, uow: Uow) -> list[TransferOut]:
    return [TransferOut.of(t) for t in await service.list_transfers(uow.read(), principal)]


@router.post("/transfers/{transfer_id}/receipt", response_model=TransferOut, summary="登记接收回执",
             responses=problem_responses(401, 403, 404, 409, 422))
async def receipt(transfer_id: Id, body: ReceiptIn, principal: Officer, uow: Uow) -> TransferOut:
    return TransferOut.of(await service.record_receipt(uow.write(), principal, transfer_id,
                                                       received_by=body.received_by, received_on=body.received_on,
                                                       note=body.note))


@router.post("/transfers/{transfer_id}/close", response_model=TransferOut, summary="登记办理结果（办结）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def close(transfer_id: Id, body: CloseIn, principal: Officer, uow: Uow) -> TransferOut:
    return TransferOut.of(await service.close_transfer(uow.write(), principal, transfer_id, body.outcome))


class SanctionIn(In):
    result_id: int = Field(ge=1, le=MAX_ID)
    to_class: str = Field(min_length=1, max_length=1, description="调整后的信用风险分类（A/B/C/D）")
    reason: str = Field(min_length=2, max_length=2000)


class DecisionIn(In):
    approve: bool
    note: str = Field(min_length=2, max_length=2000, description="审批意见")


class SanctionOut(Out):
    id: int
    uscc: str
    enterprise_name: str
    from_class: str | None
    to_class: str
    reason: str
    evidence: dict[str, Any] = Field(description="依据的记录：检查结果、整改指令、案件移送")
    effective_on: date
    status: SanctionStatus
    status_label: str
    serious_dishonesty_candidate: bool = Field(description="符合安全生产严重失信主体名单认定情形，供执法监督科研判")
    proposed_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, s: CreditSanction) -> SanctionOut:
        return cls(id=s.id or 0, uscc=s.uscc, enterprise_name=s.enterprise_name, from_class=s.from_class,
                   to_class=s.to_class, reason=s.reason, evidence=s.evidence, effective_on=s.effective_on,
                   status=s.status, status_label=s.status.label,
                   serious_dishonesty_candidate=s.serious_dishonesty_candidate, proposed_by=s.proposed_by,
                   decided_by=s.decided_by, decided_at=s.decided_at, decision_note=s.decision_note)


@router.post("/sanctions", response_model=SanctionOut, status_code=status.HTTP_201_CREATED,
             summary="提请信用惩戒（调整信用风险分类，须执法监督科审批）", responses=problem_responses(401, 403, 404, 409, 422))
async def propose(body: SanctionIn, principal: Officer, uow: Uow) -> SanctionOut:
    return SanctionOut.of(await service.propose_sanction(uow.write(), principal, result_id=body.result_id,
                                                         to_class=body.to_class, reason=body.reason))


@router.get("/sanctions", response_model=list[SanctionOut], summary="信用惩戒提请（可只看严重失信主体名单候选）",
            responses=problem_responses(401, 403))
async def list_sanctions(principal: Officer, uow: Uow,
                         sanction_status: Annotated[SanctionStatus | None, Query(alias="status")] = None,
                         candidates: Annotated[bool, Query(description="只看严重失信主体名单候选")] = False,
                         ) -> list[SanctionOut]:
    found = await service.list_sanctions(uow.read(), principal, status=sanction_status, candidates_only=candidates)
    return [SanctionOut.of(s) for s in found]


@router.post("/sanctions/{sanction_id}/decision", response_model=SanctionOut,
             summary="审批信用惩戒（执法监督科；批准后企业信用风险分类即时调整，影响此后的抽取）",
             responses=problem_responses(401, 403, 404, 409, 422))
async def decide(sanction_id: Id, body: DecisionIn, principal: Supervisor, uow: Uow) -> SanctionOut:
    return SanctionOut.of(await service.decide_sanction(uow.write(), principal, sanction_id, approve=body.approve,
                                                        note=body.note))


class VisitDocumentIn(In):
    kind: DocumentKind = Field(description="notice（随机抽查通知书，仅限预先告知的检查）或 inspection_record（现场检查记录）")


@router.post("/visits/{visit_id}/documents", response_model=DocumentOut, status_code=status.HTTP_201_CREATED,
             summary="生成检查文书（随机抽查通知书、现场检查记录）", responses=problem_responses(401, 403, 404, 409, 422))
async def visit_document(visit_id: Id, body: VisitDocumentIn, principal: Officer, uow: Uow,
                         container: ContainerDep) -> DocumentOut:
    return DocumentOut.of(await service.issue_visit_document(uow.write(), principal, container.documents,
                                                             container.files, visit_id, body.kind))


@router.get("/documents/{document_id}", summary="下载文书（PDF）",
            responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 403, 404)})
async def document(document_id: Id, principal: Officer, uow: Uow, container: ContainerDep) -> Response:
    meta, pdf = await service.document_pdf(uow.read(), principal, container.files, document_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=document-{meta.id}.pdf", "ETag": f'"{meta.sha256}"',
        "Cache-Control": "private, max-age=3600"})


class ArchiveOut(Out):
    plan_no: str
    task_no: str
    sha256: str = Field(description="案卷包（zip）的 SHA-256")
    manifest_sha256: str = Field(description="清单 manifest.json 的 SHA-256（记入审计日志）")
    size: int
    files: int
    archived_by: str
    archived_at: datetime | None


class VerificationOut(Out):
    ok: bool
    files: int
    manifest_sha256: str | None
    recorded: ArchiveOut | None = Field(description="本系统对应的归档记录")
    problems: list[str]


PlanNo = Annotated[str, Path(min_length=2, max_length=32)]
TaskNo = Annotated[str, Path(min_length=1, max_length=32)]


@router.post("/plans/{plan_no}/tasks/{task_no}/archive", response_model=ArchiveOut,
             status_code=status.HTTP_201_CREATED, summary="案卷归档（生成任务案卷包及哈希清单；归档后只读）",
             responses=problem_responses(401, 403, 404, 409))
async def archive_task(plan_no: PlanNo, task_no: TaskNo, principal: Officer, uow: Uow,
                       container: ContainerDep) -> ArchiveOut:
    archived = await archive.archive_task(uow.write(), principal, container.files, plan_no, task_no)
    return ArchiveOut.model_validate(archived)


@router.get("/plans/{plan_no}/tasks/{task_no}/archive", summary="下载任务案卷包（zip，含 manifest.json）",
            responses={200: {"content": {"application/zip": {}}}, **problem_responses(401, 403, 404)})
async def download_archive(plan_no: PlanNo, task_no: TaskNo, principal: Officer, uow: Uow,
                           container: ContainerDep) -> Response:
    bundle = await archive.download(uow.read(), principal, container.files, plan_no, task_no)
    name = quote(f"{plan_no}-{task_no}-archive.zip")
    return Response(bundle.content, media_type="application/zip", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}", "ETag": f'"{bundle.archive.sha256}"'})


@router.post("/archives/verify", response_model=VerificationOut, summary="核验案卷包（逐一比对清单中的哈希值）",
             responses=problem_responses(401, 413, 422))
async def verify_archive(principal: ArchiveChecker, uow: Uow, container: ContainerDep,
                         file: Annotated[UploadFile, File(description="案卷包 zip")]) -> VerificationOut:
    content = await read_upload(file, container.settings.limits.max_upload_bytes)
    checked = await archive.verify(uow.read(), content)
    return VerificationOut(ok=checked.ok, files=checked.files, manifest_sha256=checked.manifest_sha256,
                           recorded=ArchiveOut.model_validate(checked.recorded) if checked.recorded else None,
                           problems=checked.problems)
