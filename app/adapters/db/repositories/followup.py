"""Rectification orders, case transfers, credit sanctions and issued documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import (
    ArchivedTaskRow,
    CaseTransferRow,
    CreditSanctionRow,
    DocumentCounterRow,
    DocumentRow,
    RectificationOrderRow,
)
from app.domain.followup.model import (
    ArchivedTask,
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
)

RO = RectificationOrderRow.__table__
CT = CaseTransferRow.__table__
CS = CreditSanctionRow.__table__
DO = DocumentRow.__table__
DC = DocumentCounterRow.__table__
AT = ArchivedTaskRow.__table__

_ORDER = ("result_id", "visit_id", "uscc", "enterprise_name", "department_code", "issued_on", "deadline",
          "deadline_basis", "issued_by", "document_no", "report", "reported_on", "reinspected_on",
          "reinspection_opinion", "reinspection_document_no", "escalation", "version")
_TRANSFER = ("result_id", "uscc", "enterprise_name", "department_code", "receiver", "reason", "created_by",
             "document_no", "received_by", "received_on", "receipt_note", "outcome")
_SANCTION = ("uscc", "enterprise_name", "from_class", "to_class", "reason", "evidence", "effective_on", "proposed_by",
             "serious_dishonesty_candidate", "decided_by", "decided_at", "decision_note")


def _order(r: Any) -> RectificationOrder:
    return RectificationOrder(
        r.id, r.result_id, r.visit_id, r.uscc, r.enterprise_name, r.department_code,
        tuple(OrderItem(**i) for i in r.items), r.issued_on, r.deadline, r.deadline_basis, OrderStatus(r.status),
        r.issued_by, r.document_no, r.report, r.reported_on, tuple(r.reinspectors), r.reinspected_on,
        r.reinspection_opinion, r.reinspection_document_no, r.escalation, r.created_at, r.version)


def _transfer(r: Any) -> CaseTransfer:
    return CaseTransfer(r.id, r.result_id, r.uscc, r.enterprise_name, r.department_code, TransferKind(r.kind),
                        r.receiver, r.reason, TransferStatus(r.status), r.created_by, r.document_no, r.received_by,
                        r.received_on, r.receipt_note, r.outcome, r.created_at)


def _sanction(r: Any) -> CreditSanction:
    return CreditSanction(r.id, r.uscc, r.enterprise_name, r.from_class, r.to_class, r.reason, r.evidence,
                          r.effective_on, SanctionStatus(r.status), r.proposed_by, r.serious_dishonesty_candidate,
                          r.decided_by, r.decided_at, r.decision_note, r.created_at)


def _document(r: Any) -> Document:
    return Document(r.id, DocumentKind(r.kind), r.number, r.department_code, r.year, r.sequence, r.subject_type,
                    r.subject_id, r.title, r.sha256, r.size, r.created_by, r.created_at)


class SqlFollowupRepository:
    def __init__(self, session: AsyncSession, now: datetime, dialect: str) -> None:
        self.session, self.now, self.dialect = session, now, dialect

    # -- rectification ------------------------------------------------------------------------------------------

    async def add_order(self, order: RectificationOrder) -> RectificationOrder:
        values = {name: getattr(order, name) for name in _ORDER}
        result = await self.session.execute(sa.insert(RO).values(
            items=[asdict(i) for i in order.items], status=order.status.value, reinspectors=list(order.reinspectors),
            created_at=self.now, **values).returning(RO.c.id))
        order.id, order.created_at = int(result.scalar_one()), self.now
        return order

    async def update_order(self, order: RectificationOrder) -> None:
        order.version += 1
        values = {name: getattr(order, name) for name in _ORDER}
        await self.session.execute(sa.update(RO).where(RO.c.id == order.id).values(
            items=[asdict(i) for i in order.items], status=order.status.value, reinspectors=list(order.reinspectors),
            **values))

    async def order(self, order_id: int, *, for_update: bool = False) -> RectificationOrder | None:
        query = sa.select(RO).where(RO.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _order(row) if row else None

    async def order_for_result(self, result_id: int) -> RectificationOrder | None:
        row = (await self.session.execute(sa.select(RO).where(RO.c.result_id == result_id))).first()
        return _order(row) if row else None

    async def orders(self, *, departments: Sequence[str] | None = None, uscc: str | None = None,
                     statuses: Sequence[OrderStatus] | None = None) -> list[RectificationOrder]:
        query = sa.select(RO)
        if departments is not None:
            query = query.where(RO.c.department_code.in_(list(departments)))
        if uscc is not None:
            query = query.where(RO.c.uscc == uscc)
        if statuses is not None:
            query = query.where(RO.c.status.in_([s.value for s in statuses]))
        return [_order(r) for r in await self.session.execute(query.order_by(RO.c.id))]

    # -- case transfers -----------------------------------------------------------------------------------------

    async def add_transfer(self, transfer: CaseTransfer) -> bool:
        """False when the result's case was transferred before (a case goes once)."""
        insert = postgresql.insert(CT) if self.dialect == "postgresql" else sqlite.insert(CT)
        values = {name: getattr(transfer, name) for name in _TRANSFER}
        result = await self.session.execute(insert.values(
            kind=transfer.kind.value, status=transfer.status.value, created_at=self.now, **values)
            .on_conflict_do_nothing().returning(CT.c.id))
        row = result.first()
        if row is None:
            return False
        transfer.id, transfer.created_at = int(row[0]), self.now
        return True

    async def update_transfer(self, transfer: CaseTransfer) -> None:
        values = {name: getattr(transfer, name) for name in _TRANSFER}
        await self.session.execute(sa.update(CT).where(CT.c.id == transfer.id).values(
            kind=transfer.kind.value, status=transfer.status.value, **values))

    async def transfer(self, transfer_id: int, *, for_update: bool = False) -> CaseTransfer | None:
        query = sa.select(CT).where(CT.c.id == transfer_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _transfer(row) if row else None

    async def transfers(self, *, uscc: str | None = None, departments: Sequence[str] | None = None
                        ) -> list[CaseTransfer]:
        query = sa.select(CT)
        if uscc is not None:
            query = query.where(CT.c.uscc == uscc)
        if departments is not None:
            query = query.where(CT.c.department_code.in_(list(departments)))
        return [_transfer(r) for r in await self.session.execute(query.order_by(CT.c.id))]

    # -- credit sanctions ---------------------------------------------------------------------------------------

    async def add_sanction(self, sanction: CreditSanction) -> CreditSanction:
        values = {name: getattr(sanction, name) for name in _SANCTION}
        result = await self.session.execute(sa.insert(CS).values(
            status=sanction.status.value, created_at=self.now, **values).returning(CS.c.id))
        sanction.id, sanction.created_at = int(result.scalar_one()), self.now
        return sanction

    async def update_sanction(self, sanction: CreditSanction) -> None:
        values = {name: getattr(sanction, name) for name in _SANCTION}
        await self.session.execute(sa.update(CS).where(CS.c.id == sanction.id).values(
            status=sanction.status.value, **values))

    async def sanction(self, sanction_id: int, *, for_update: bool = False) -> CreditSanction | None:
        query = sa.select(CS).where(CS.c.id == sanction_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _sanction(row) if row else None

    async def sanctions(self, *, uscc: str | None = None, statuses: Sequence[SanctionStatus] | None = None
                        ) -> list[CreditSanction]:
        query = sa.select(CS)
        if uscc is not None:
            query = query.where(CS.c.uscc == uscc)
        if statuses is not None:
            query = query.where(CS.c.status.in_([s.value for s in statuses]))
        return [_sanction(r) for r in await self.session.execute(query.order_by(CS.c.id))]

    # -- documents ----------------------------------------------------------------------------------------------

    async def next_sequence(self, department_code: str, year: int) -> int:
        """The next number of the unit's year: the counter row is incremented atomically (locked until commit)."""
        insert = postgresql.insert(DC) if self.dialect == "postgresql" else sqlite.insert(DC)
        statement = insert.values(department_code=department_code, year=year, last=1).on_conflict_do_update(
            index_elements=[DC.c.department_code, DC.c.year], set_={"last": DC.c.last + 1}).returning(DC.c.last)
        return int((await self.session.execute(statement)).scalar_one())

    async def add_document(self, document: Document) -> Document:
        result = await self.session.execute(sa.insert(DO).values(
            kind=document.kind.value, number=document.number, department_code=document.department_code,
            year=document.year, sequence=document.sequence, subject_type=document.subject_type,
            subject_id=document.subject_id, title=document.title, sha256=document.sha256, size=document.size,
            created_by=document.created_by, created_at=self.now).returning(DO.c.id))
        document.id, document.created_at = int(result.scalar_one()), self.now
        return document

    async def document(self, document_id: int) -> Document | None:
        row = (await self.session.execute(sa.select(DO).where(DO.c.id == document_id))).first()
        return _document(row) if row else None

    async def documents(self, subject_type: str, subject_ids: Sequence[str]) -> list[Document]:
        if not subject_ids:
            return []
        rows = await self.session.execute(sa.select(DO).where(
            DO.c.subject_type == subject_type, DO.c.subject_id.in_(list(subject_ids))).order_by(DO.c.id))
        return [_document(r) for r in rows]

    # -- archives -----------------------------------------------------------------------------------------------

    async def add_archive(self, archive: ArchivedTask) -> bool:
        """False when the task was archived before."""
        insert = postgresql.insert(AT) if self.dialect == "postgresql" else sqlite.insert(AT)
        result = await self.session.execute(insert.values(
            plan_no=archive.plan_no, task_no=archive.task_no, sha256=archive.sha256, size=archive.size,
            manifest_sha256=archive.manifest_sha256, files=archive.files, archived_by=archive.archived_by,
            archived_at=self.now).on_conflict_do_nothing().returning(AT.c.plan_no))
        return result.first() is not None

    async def archive(self, plan_no: str, task_no: str) -> ArchivedTask | None:
        row = (await self.session.execute(sa.select(AT).where(AT.c.plan_no == plan_no, AT.c.task_no == task_no))).first()
        return ArchivedTask(row.plan_no, row.task_no, row.sha256, row.size, row.manifest_sha256, row.files,
                            row.archived_by, row.archived_at) if row else None

    async def archived(self, tasks: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (plan no, task no) are archived."""
        if not tasks:
            return set()
        rows = await self.session.execute(sa.select(AT.c.plan_no, AT.c.task_no).where(
            sa.tuple_(AT.c.plan_no, AT.c.task_no).in_(list(tasks))))
        return {(r[0], r[1]) for r in rows}

    async def archive_by_manifest(self, manifest_sha256: str) -> ArchivedTask | None:
        row = (await self.session.execute(sa.select(AT).where(AT.c.manifest_sha256 == manifest_sha256))).first()
        return ArchivedTask(row.plan_no, row.task_no, row.sha256, row.size, row.manifest_sha256, row.files,
                            row.archived_by, row.archived_at) if row else None
