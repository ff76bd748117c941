"""Read-side queries of the list endpoints: filters and keyset pagination, outside any write lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import record_from_row
from app.adapters.db.repositories.directories import SqlCheckItemRepository, SqlInspectorRepository
from app.adapters.db.repositories.mapping import enterprise_from_row
from app.adapters.db.tables import (
    AuditRecordRow,
    CheckItemRow,
    EnterpriseRow,
    EnterpriseTagRow,
    InspectorConflictRow,
    InspectorRow,
)
from app.domain.audit.model import AuditRecord
from app.domain.directories.filters import EnterpriseFilter, InspectorFilter, ItemFilter
from app.domain.directories.model import CheckItem, Enterprise, Inspector
from app.domain.paging import Page, decode_cursor, decode_int_cursor, encode_cursor

E = EnterpriseRow.__table__
ET = EnterpriseTagRow.__table__
P = InspectorRow.__table__
I = CheckItemRow.__table__  # noqa: E741
A = AuditRecordRow.__table__
pc = InspectorConflictRow.__table__


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Queries:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enterprises(self, f: EnterpriseFilter, *, limit: int, cursor: str | None,
                          with_total: bool = False) -> Page[Enterprise]:
        where: list[Any] = [E.c.deleted_at.is_(None)]
        if f.industry:
            # "GM" (工贸) also matches its sub-industries GM-YJ, GM-JX, ...
            family = [E.c.industry_code.like("GM-%")] if "GM" in f.industry else []
            where.append(sa.or_(E.c.industry_code.in_(list(f.industry)), *family))
        if f.county:
            where.append(E.c.county_code.in_(f.county))
        if f.credit_class:
            classes = [c for c in f.credit_class if c != "U"]
            ungraded = [E.c.credit_class.is_(None)] if "U" in f.credit_class else []
            where.append(sa.or_(E.c.credit_class.in_(classes), *ungraded))
        if f.status:
            where.append(E.c.status.in_(f.status))
        source: Any = E
        key: Any = E.c.id
        if f.tag:
            # Driven from the tag index (tag, enterprise_id): its rows come in id order, so a page reads only its rows.
            source = E.join(ET, sa.and_(ET.c.enterprise_id == E.c.id, ET.c.tag == f.tag))
            key = ET.c.enterprise_id
        if f.q:
            where.append(E.c.name.ilike(_like(f.q), escape="\\"))
        if f.updated_since:
            where.append(E.c.updated_at >= f.updated_since)
        total = None
        if with_total:
            query = sa.select(sa.func.count()).select_from(source).where(*where)
            async with self.db.session() as s:
                total = int((await s.execute(query)).scalar_one())
        if cursor:
            where.append(key > decode_int_cursor("e", cursor))
        query = sa.select(E).select_from(source).where(*where).order_by(key).limit(limit + 1)
        async with self.db.session() as s:
            rows = (await s.execute(query)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor("e", rows[-1].id) if more else None
        return Page([enterprise_from_row(r) for r in rows], next_cursor, total)

    async def inspectors(self, f: InspectorFilter, *, limit: int, cursor: str | None) -> Page[Inspector]:
        where: list[Any] = [P.c.deleted_at.is_(None)]
        if f.department:
            where.append(P.c.department_code.in_(f.department))
        if f.status:
            where.append(P.c.status.in_(f.status))
        if f.q:
            where.append(sa.or_(P.c.name.ilike(_like(f.q), escape="\\"), P.c.person_id == f.q, P.c.cert_no == f.q))
        if f.cert_expiring_by:
            where.append(P.c.cert_expiry <= f.cert_expiring_by)
        if cursor:
            where.append(P.c.person_id > decode_cursor("i", cursor))
        # Specialties are a short JSON list; filter them here rather than with dialect-specific JSON operators.
        async with self.db.session() as s:
            found: list[Inspector] = []
            last_key: str | None = None
            while len(found) <= limit:
                batch_where = [*where, P.c.person_id > last_key] if last_key else where
                rows = (await s.execute(sa.select(P).where(*batch_where).order_by(P.c.person_id).limit(500))).all()
                if not rows:
                    break
                last_key = rows[-1].person_id
                found += [SqlInspectorRepository.to_domain(r, []) for r in rows
                          if f.specialty is None or f.specialty in (r.specialties or ())]
        more = len(found) > limit
        found = found[:limit]
        await self._attach_conflicts(found)
        return Page(found, encode_cursor("i", found[-1].person_id) if more else None)

    async def _attach_conflicts(self, inspectors: list[Inspector]) -> None:
        if not inspectors:
            return
        by_id = {i.person_id: i for i in inspectors}
        async with self.db.session() as s:
            rows = await s.execute(sa.select(pc).where(pc.c.person_id.in_(list(by_id))).order_by(pc.c.id))
            for r in rows:
                by_id[r.person_id].conflicts.append(SqlInspectorRepository.conflict_from_row(r))

    async def expiring_certificates(self, today: date, within_days: int) -> list[Inspector]:
        by = today + timedelta(days=within_days)
        query = (sa.select(P).where(P.c.deleted_at.is_(None), P.c.cert_expiry <= by)
                 .order_by(P.c.cert_expiry, P.c.person_id))
        async with self.db.session() as s:
            return [SqlInspectorRepository.to_domain(r, []) for r in await s.execute(query)]

    async def items(self, f: ItemFilter) -> list[CheckItem]:
        where: list[Any] = []
        if f.category:
            where.append(I.c.category == f.category)
        if f.dept_type:
            where.append(I.c.dept_type == f.dept_type)
        if f.department:
            where.append(I.c.department_code == f.department)
        if f.status:
            where.append(I.c.status.in_(f.status))
        if f.q:
            where.append(sa.or_(I.c.name.ilike(_like(f.q), escape="\\"), I.c.category.ilike(_like(f.q), escape="\\")))
        async with self.db.session() as s:
            rows = await s.execute(sa.select(I).where(*where).order_by(I.c.code))
            return [SqlCheckItemRepository.to_domain(r) for r in rows]

    async def published_items(self, year_start: datetime, year_end: datetime) -> list[CheckItem]:
        """The year's public list: published before the year ended and not retired before it began."""
        query = sa.select(I).where(
            I.c.published_at.is_not(None), I.c.published_at < year_end,
            sa.or_(I.c.retired_at.is_(None), I.c.retired_at >= year_start),
        ).order_by(I.c.dept_type, I.c.category, I.c.code)
        async with self.db.session() as s:
            return [SqlCheckItemRepository.to_domain(r) for r in await s.execute(query)]

    async def audit_records(self, *, object_type: str | None, object_id: str | None, actor: str | None,
                            action: str | None, limit: int, cursor: str | None,
                            action_prefixes: Sequence[str] = ()) -> Page[AuditRecord]:
        """``action_prefixes``: only actions that start with one of them (the security log)."""
        where: list[Any] = []
        if action_prefixes:
            where.append(sa.or_(*(A.c.action.startswith(p, autoescape=True) for p in action_prefixes)))
        for column, value in ((A.c.object_type, object_type), (A.c.object_id, object_id), (A.c.actor, actor),
                              (A.c.action, action)):
            if value:
                where.append(column == value)
        if cursor:
            where.append(A.c.seq < decode_int_cursor("a", cursor))
        query = sa.select(A).where(*where).order_by(A.c.seq.desc()).limit(limit + 1)
        await self.db.audit_sealer.seal()
        async with self.db.session() as s:
            rows = (await s.execute(query)).all()
        more = len(rows) > limit
        records = [record_from_row(r) for r in rows[:limit]]
        return Page(records, encode_cursor("a", records[-1].seq) if more else None)
