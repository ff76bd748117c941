"""Repositories of the item list and the two directories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.repositories import enterprise_bulk
from app.adapters.db.repositories.mapping import enterprise_from_row, enterprise_values
from app.adapters.db.tables import (
    CheckItemRow,
    DepartmentRow,
    EnterpriseRow,
    EnterpriseTagRow,
    EnterpriseVersionRow,
    InspectorConflictRow,
    InspectorRow,
)
from app.domain.directories.model import (
    CheckItem,
    CheckMethod,
    Conflict,
    Department,
    DepartmentKind,
    Enterprise,
    EnterpriseVersion,
    Inspector,
    InspectorStatus,
    ItemKind,
    ItemStatus,
)
from app.domain.directories.snapshots import enterprise_snapshot
from app.domain.ports import BulkUpdate, ExistingRecord, PreparedEnterprise

D = DepartmentRow.__table__
I = CheckItemRow.__table__  # noqa: E741
E = EnterpriseRow.__table__
ET = EnterpriseTagRow.__table__
EV = EnterpriseVersionRow.__table__
P = InspectorRow.__table__
PC = InspectorConflictRow.__table__


class SqlDepartmentRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any) -> Department:
        return Department(r.code, r.name, r.short_name, DepartmentKind(r.kind), r.dept_type, r.active)

    async def get(self, code: str) -> Department | None:
        row = (await self.session.execute(sa.select(D).where(D.c.code == code))).first()
        return self.to_domain(row) if row else None

    async def list(self) -> list[Department]:
        rows = await self.session.execute(sa.select(D).order_by(D.c.kind, D.c.code))
        return [self.to_domain(r) for r in rows]

    def _values(self, d: Department) -> dict[str, Any]:
        return {"name": d.name, "short_name": d.short_name, "kind": d.kind.value, "dept_type": d.dept_type,
                "active": d.active, "updated_at": self.now}

    async def add(self, d: Department) -> None:
        await self.session.execute(sa.insert(D).values(code=d.code, created_at=self.now, **self._values(d)))

    async def update(self, d: Department) -> None:
        await self.session.execute(sa.update(D).where(D.c.code == d.code).values(**self._values(d)))


class SqlCheckItemRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any) -> CheckItem:
        return CheckItem(
            code=r.code, name=r.name, category=r.category, dept_type=r.dept_type, department_code=r.department_code,
            legal_basis=r.legal_basis, method=CheckMethod(r.method), target_type=r.target_type,
            kind=ItemKind(r.kind), frequency_cap=r.frequency_cap, status=ItemStatus(r.status),
            published_at=r.published_at, retired_at=r.retired_at, retire_reason=r.retire_reason, version=r.version,
        )

    def _values(self, item: CheckItem) -> dict[str, Any]:
        return {
            "name": item.name, "category": item.category, "dept_type": item.dept_type,
            "department_code": item.department_code, "legal_basis": item.legal_basis, "method": item.method.value,
            "target_type": item.target_type, "kind": item.kind.value, "frequency_cap": item.frequency_cap,
            "status": item.status.value, "published_at": item.published_at, "retired_at": item.retired_at,
            "retire_reason": item.retire_reason, "version": item.version, "updated_at": self.now,
        }

    async def get(self, code: str) -> CheckItem | None:
        row = (await self.session.execute(sa.select(I).where(I.c.code == code))).first()
        return self.to_domain(row) if row else None

    async def add(self, item: CheckItem) -> None:
        await self.session.execute(sa.insert(I).values(code=item.code, created_at=self.now, **self._values(item)))

    async def update(self, item: CheckItem) -> None:
        await self.session.execute(sa.update(I).where(I.c.code == item.code).values(**self._values(item)))

    async def delete(self, code: str) -> None:
        await self.session.execute(sa.delete(I).where(I.c.code == code))


class SqlEnterpriseRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def _id(self, uscc: str) -> int:
        return int((await self.session.execute(sa.select(E.c.id).where(E.c.uscc == uscc))).scalar_one())

    async def get(self, uscc: str, *, for_update: bool = False) -> Enterprise | None:
        query = sa.select(E).where(E.c.uscc == uscc, E.c.deleted_at.is_(None))
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return enterprise_from_row(row) if row else None

    async def exists_deleted(self, uscc: str) -> bool:
        query = sa.select(E.c.id).where(E.c.uscc == uscc, E.c.deleted_at.is_not(None))
        return (await self.session.execute(query)).first() is not None

    async def add(self, e: Enterprise, *, changed_by: str, at: datetime) -> None:
        values = enterprise_values(e)
        result = await self.session.execute(
            sa.insert(E).values(uscc=e.uscc, version=e.version, created_at=at, updated_at=at, **values)
            .returning(E.c.id)
        )
        enterprise_id = int(result.scalar_one())
        await self._write_tags(enterprise_id, e.tags)
        await self._write_version(enterprise_id, e, "create", {}, changed_by, at)

    async def update(
        self, e: Enterprise, *, action: str, changes: dict[str, list[Any]], changed_by: str, at: datetime
    ) -> None:
        enterprise_id = await self._id(e.uscc)
        deleted_at = at if action == "delete" else None
        await self.session.execute(
            sa.update(E).where(E.c.id == enterprise_id)
            .values(version=e.version, updated_at=at, deleted_at=deleted_at, **enterprise_values(e))
        )
        if "tags" in changes or action in ("delete", "restore"):
            await self.session.execute(sa.delete(ET).where(ET.c.enterprise_id == enterprise_id))
            if action != "delete":
                await self._write_tags(enterprise_id, e.tags)
        await self._write_version(enterprise_id, e, action, changes, changed_by, at)

    async def _write_tags(self, enterprise_id: int, tags: tuple[str, ...]) -> None:
        if tags:
            await self.session.execute(sa.insert(ET), [{"tag": t, "enterprise_id": enterprise_id} for t in tags])

    async def _write_version(
        self, enterprise_id: int, e: Enterprise, action: str, changes: dict[str, list[Any]], by: str, at: datetime
    ) -> None:
        await self.session.execute(
            sa.insert(EV).values(
                enterprise_id=enterprise_id, version=e.version, action=action, changed_at=at, changed_by=by,
                changes=changes, snapshot=enterprise_snapshot(e),
            )
        )

    async def existing(self, usccs: Sequence[str]) -> dict[str, ExistingRecord]:
        return await enterprise_bulk.existing(self.session, usccs)

    async def current(self, usccs: Sequence[str]) -> dict[str, Enterprise]:
        rows = await self.session.execute(sa.select(E).where(enterprise_bulk.uscc_among(self.session, usccs)))
        return {r.uscc: enterprise_from_row(r) for r in rows}

    async def bulk_write(
        self, creates: Sequence[PreparedEnterprise], updates: Sequence[BulkUpdate], *, changed_by: str, at: datetime,
        action: str = "import",
    ) -> None:
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        await enterprise_bulk.bulk_write(self.session, dialect, creates, updates, changed_by=changed_by, at=at,
                                         action=action)

    async def history(self, uscc: str) -> list[EnterpriseVersion]:
        rows = await self.session.execute(
            sa.select(EV).join(E, E.c.id == EV.c.enterprise_id).where(E.c.uscc == uscc).order_by(EV.c.version)
        )
        return [
            EnterpriseVersion(uscc, r.version, r.action, r.changed_at, r.changed_by, r.changes, r.snapshot)
            for r in rows
        ]


class SqlInspectorRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    @staticmethod
    def to_domain(r: Any, conflicts: list[Conflict]) -> Inspector:
        return Inspector(
            person_id=r.person_id, name=r.name, department_code=r.department_code, cert_no=r.cert_no,
            cert_expiry=r.cert_expiry, status=InspectorStatus(r.status), specialties=tuple(r.specialties or ()),
            phone=r.phone, conflicts=conflicts, version=r.version,
        )

    @staticmethod
    def conflict_from_row(r: Any) -> Conflict:
        return Conflict(r.id, r.uscc, r.reason, r.from_date, r.to_date)

    async def get(self, person_id: str, *, for_update: bool = False, include_deleted: bool = False) -> Inspector | None:
        query = sa.select(P).where(P.c.person_id == person_id)
        if not include_deleted:
            query = query.where(P.c.deleted_at.is_(None))
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        conflicts = await self.session.execute(sa.select(PC).where(PC.c.person_id == person_id).order_by(PC.c.id))
        return self.to_domain(row, [self.conflict_from_row(c) for c in conflicts])

    async def in_departments(self, codes: Sequence[str]) -> list[Inspector]:
        """The directory's inspectors of these units (removed ones left out), with their declared conflicts."""
        rows = (await self.session.execute(sa.select(P).where(P.c.department_code.in_(list(codes)),
                                                              P.c.deleted_at.is_(None)).order_by(P.c.person_id))).all()
        conflicts: dict[str, list[Conflict]] = {r.person_id: [] for r in rows}
        if rows:
            for c in await self.session.execute(sa.select(PC).where(PC.c.person_id.in_(list(conflicts)))
                                                .order_by(PC.c.id)):
                conflicts[c.person_id].append(self.conflict_from_row(c))
        return [self.to_domain(r, conflicts[r.person_id]) for r in rows]

    async def person_id_taken(self, person_id: str) -> bool:
        return (await self.session.execute(sa.select(P.c.person_id).where(P.c.person_id == person_id))).first() is not None

    async def cert_no_taken(self, cert_no: str, *, other_than: str | None = None) -> bool:
        query = sa.select(P.c.person_id).where(P.c.cert_no == cert_no)
        if other_than is not None:
            query = query.where(P.c.person_id != other_than)
        return (await self.session.execute(query)).first() is not None

    def _values(self, i: Inspector) -> dict[str, Any]:
        return {
            "name": i.name, "department_code": i.department_code, "cert_no": i.cert_no, "cert_expiry": i.cert_expiry,
            "status": i.status.value, "specialties": list(i.specialties), "phone": i.phone, "version": i.version,
            "updated_at": self.now,
        }

    async def add(self, i: Inspector) -> None:
        await self.session.execute(sa.insert(P).values(person_id=i.person_id, created_at=self.now, **self._values(i)))
        for c in i.conflicts:
            await self.add_conflict(i.person_id, c)

    async def update(self, i: Inspector, *, deleted: bool = False) -> None:
        await self.session.execute(
            sa.update(P).where(P.c.person_id == i.person_id)
            .values(deleted_at=self.now if deleted else None, **self._values(i))
        )

    async def add_conflict(self, person_id: str, c: Conflict) -> Conflict:
        result = await self.session.execute(
            sa.insert(PC).values(
                person_id=person_id, uscc=c.uscc, reason=c.reason, from_date=c.from_date, to_date=c.to_date,
                created_at=self.now,
            ).returning(PC.c.id)
        )
        return Conflict(int(result.scalar_one()), c.uscc, c.reason, c.from_date, c.to_date)

    async def remove_conflict(self, person_id: str, conflict_id: int) -> Conflict | None:
        query = sa.select(PC).where(PC.c.id == conflict_id, PC.c.person_id == person_id)
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        await self.session.execute(sa.delete(PC).where(PC.c.id == conflict_id))
        return self.conflict_from_row(row)
