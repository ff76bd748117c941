"""On site: signing keys, enterprise code generations, used visit codes, check-ins, findings, photos, results and
ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.repositories.directories import SqlInspectorRepository
from app.adapters.db.repositories.visits import visit_from_row
from app.adapters.db.tables import (
    ArchivedTaskRow,
    CheckInRow,
    CodeNonceRow,
    DrawRow,
    EnterpriseCodeRow,
    EnterpriseRow,
    FindingRow,
    HazardRow,
    InspectionResultRow,
    InspectorConflictRow,
    InspectorRow,
    PhotoRow,
    RatingRow,
    SigningKeyRow,
    VisitRow,
    VisitSourceRow,
)
from app.domain.onsite.model import (
    CheckIn,
    CheckInMethod,
    Finding,
    FindingOutcome,
    Hazard,
    HazardLevel,
    InspectionResult,
    Photo,
    Rating,
    ResultStatus,
    ResultType,
    SigningKey,
)
from app.domain.ports import CheckInContext

K = SigningKeyRow.__table__
EC = EnterpriseCodeRow.__table__
N = CodeNonceRow.__table__
CI = CheckInRow.__table__
FI = FindingRow.__table__
HZ = HazardRow.__table__
PH = PhotoRow.__table__
RS = InspectionResultRow.__table__
RT = RatingRow.__table__
V = VisitRow.__table__
E = EnterpriseRow.__table__
P = InspectorRow.__table__
PC = InspectorConflictRow.__table__
VS = VisitSourceRow.__table__
DR = DrawRow.__table__
AT = ArchivedTaskRow.__table__

_CHECK_IN_FIELDS = ("visit_id", "person_id", "code_kid", "code_alg", "occurred_at", "longitude", "latitude", "crs",
                    "distance_m", "late", "late_reason", "off_schedule_reason", "idempotency_key", "request_hash",
                    "checked_out_at", "checked_out_by")
_RESULT_FIELDS = ("visit_id", "draw_id", "plan_no", "task_no", "uscc", "enterprise_name", "department_code", "summary",
                  "entered_by", "check_date", "late_registration", "hazard_count", "major_hazard_count",
                  "reviewed_by", "reviewed_at", "return_reason", "published_by", "published_at", "version", "handling")



def _check_in_context_query() -> sa.Select[Any]:
    """Built once (a check-in runs it on every request): parameters visit_id, idempotency_key, person_id, kid."""
    earlier = sa.select(CI.c.id).where(CI.c.idempotency_key == sa.bindparam("idempotency_key")).scalar_subquery()
    conflicts = sa.select(sa.func.count()).select_from(PC).where(PC.c.person_id == P.c.person_id)
    archived = sa.exists().where(VS.c.visit_id == V.c.id, DR.c.draw_id == VS.c.draw_id,
                                 AT.c.plan_no == DR.c.plan_no, AT.c.task_no == DR.c.task_no)
    return (
        sa.select(V, earlier.label("ctx_earlier"), EC.c.generation.label("ctx_generation"),
                  E.c.longitude.label("ctx_lon"), E.c.latitude.label("ctx_lat"),
                  *(c.label(f"k_{c.name}") for c in K.c),
                  *(c.label(f"p_{c.name}") for c in P.c), conflicts.scalar_subquery().label("p_conflicts"),
                  archived.label("ctx_archived"))
        .select_from(V.outerjoin(EC, EC.c.uscc == V.c.uscc).outerjoin(E, E.c.uscc == V.c.uscc)
                     .outerjoin(K, sa.and_(K.c.kid == sa.bindparam("kid"), K.c.revoked_at.is_(None)))
                     .outerjoin(P, sa.and_(P.c.person_id == sa.bindparam("person_id"), P.c.deleted_at.is_(None))))
        .where(V.c.id == sa.bindparam("visit_id"))
    )


_CHECK_IN_CONTEXT = _check_in_context_query()

def _check_in(r: Any) -> CheckIn:
    return CheckIn(r.id, r.visit_id, r.person_id, CheckInMethod(r.method), r.code_kid, r.code_alg, r.occurred_at,
                   r.recorded_at, r.longitude, r.latitude, r.crs, r.distance_m, r.late, r.late_reason,
                   r.off_schedule_reason, r.idempotency_key, r.request_hash, r.checked_out_at, r.checked_out_by)


def _photo(p: dict[str, Any]) -> Photo:
    return Photo(p["id"], p["sha256"], p["content_type"], p["size"], p["uploaded_by"],
                 datetime.fromisoformat(p["uploaded_at"]) if p.get("uploaded_at") else None)


def _result(r: Any) -> InspectionResult:
    return InspectionResult(
        id=r.id, visit_id=r.visit_id, draw_id=r.draw_id, plan_no=r.plan_no, task_no=r.task_no, uscc=r.uscc,
        enterprise_name=r.enterprise_name, department_code=r.department_code,
        types=tuple(ResultType(t) for t in r.types), summary=r.summary, status=ResultStatus(r.status),
        entered_by=r.entered_by, check_date=r.check_date, late_registration=r.late_registration,
        hazard_count=r.hazard_count, major_hazard_count=r.major_hazard_count, entered_at=r.entered_at,
        reviewed_by=r.reviewed_by, reviewed_at=r.reviewed_at, return_reason=r.return_reason,
        published_by=r.published_by, published_at=r.published_at, version=r.version, handling=r.handling)


class SqlOnsiteRepository:
    def __init__(self, session: AsyncSession, now: datetime, dialect: str) -> None:
        self.session, self.now, self.dialect = session, now, dialect

    def _insert(self, table: sa.Table) -> Any:
        return (postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table))

    # -- keys and codes -----------------------------------------------------------------------------------------

    async def keys(self) -> list[SigningKey]:
        rows = await self.session.execute(sa.select(K).order_by(K.c.created_at, K.c.kid))
        return [SigningKey(r.kid, r.algorithm, r.public_key, r.private_key, r.created_at, r.retired_at, r.revoked_at)
                for r in rows]

    async def check_in_context(self, visit_id: int, idempotency_key: str, person_id: str | None,
                               kid: str) -> CheckInContext | None:
        """One statement: the visit joined with the code's key, the enterprise's code generation and position and
        the caller's inspector record, and whether a task it carries is archived. Declared conflicts and an earlier
        check-in under the same key are counted there and read only when there are any (rare: a retry, a conflict
        of interest)."""
        row = (await self.session.execute(_CHECK_IN_CONTEXT, {
            "visit_id": visit_id, "idempotency_key": idempotency_key, "person_id": person_id, "kid": kid})).first()
        if row is None:
            return None
        key = None
        if row.k_kid is not None:
            key = SigningKey(row.k_kid, row.k_algorithm, row.k_public_key, row.k_private_key, row.k_created_at,
                             row.k_retired_at, row.k_revoked_at)
        inspector = None
        if row.p_person_id is not None:
            declared = []
            if row.p_conflicts:
                declared = [SqlInspectorRepository.conflict_from_row(c) for c in await self.session.execute(
                    sa.select(PC).where(PC.c.person_id == row.p_person_id).order_by(PC.c.id))]
            columns = SimpleNamespace(**{c.name: row._mapping[f"p_{c.name}"] for c in P.c})
            inspector = SqlInspectorRepository.to_domain(columns, declared)
        position = (row.ctx_lon, row.ctx_lat) if row.ctx_lon is not None and row.ctx_lat is not None else None
        return CheckInContext(
            visit=visit_from_row(row), earlier=await self.check_in_by_key(idempotency_key) if row.ctx_earlier else None,
            key=key, generation=int(row.ctx_generation) if row.ctx_generation is not None else 1,
            inspector=inspector, position=position, archived=bool(row.ctx_archived))

    async def add_key(self, key: SigningKey) -> None:
        await self.session.execute(sa.insert(K).values(
            kid=key.kid, algorithm=key.algorithm, public_key=key.public_key, private_key=key.private_key,
            created_at=self.now))
        key.created_at = self.now

    async def retire_keys(self, *, except_kid: str) -> None:
        await self.session.execute(sa.update(K).where(K.c.kid != except_kid, K.c.retired_at.is_(None))
                                   .values(retired_at=self.now))

    async def generation(self, uscc: str) -> int:
        value = (await self.session.execute(sa.select(EC.c.generation).where(EC.c.uscc == uscc))).scalar_one_or_none()
        return int(value) if value is not None else 1

    async def rotate(self, uscc: str, *, by: str, reason: str) -> int:
        current = (await self.session.execute(sa.select(EC.c.generation).where(EC.c.uscc == uscc)
                                              .with_for_update())).scalar_one_or_none()
        if current is None:
            await self.session.execute(sa.insert(EC).values(uscc=uscc, generation=2, rotated_at=self.now,
                                                             rotated_by=by, reason=reason))
            return 2
        await self.session.execute(sa.update(EC).where(EC.c.uscc == uscc).values(
            generation=current + 1, rotated_at=self.now, rotated_by=by, reason=reason))
        return int(current) + 1

    async def use_nonce(self, nonce: str, visit_id: int) -> bool:
        """Record a visit code as used; False when it was used before (a replay)."""
        result = await self.session.execute(self._insert(N).values(nonce=nonce, visit_id=visit_id, used_at=self.now)
                                            .on_conflict_do_nothing().returning(N.c.nonce))
        return result.first() is not None

    # -- check-ins ----------------------------------------------------------------------------------------------

    async def check_in(self, visit_id: int) -> CheckIn | None:
        row = (await self.session.execute(sa.select(CI).where(CI.c.visit_id == visit_id))).first()
        return _check_in(row) if row else None

    async def check_in_by_key(self, idempotency_key: str) -> CheckIn | None:
        row = (await self.session.execute(sa.select(CI).where(CI.c.idempotency_key == idempotency_key))).first()
        return _check_in(row) if row else None

    async def add_check_in(self, check_in: CheckIn) -> bool:
        """Insert unless the visit (or the key) already has one: False then, the first one stays."""
        values = {name: getattr(check_in, name) for name in _CHECK_IN_FIELDS}
        result = await self.session.execute(self._insert(CI).values(
            method=check_in.method.value, recorded_at=self.now, **values).on_conflict_do_nothing().returning(CI.c.id))
        row = result.first()
        if row is None:
            return False
        check_in.id, check_in.recorded_at = int(row[0]), self.now
        return True

    async def check_out(self, visit_id: int, *, by: str) -> None:
        await self.session.execute(sa.update(CI).where(CI.c.visit_id == visit_id).values(
            checked_out_at=self.now, checked_out_by=by))

    async def check_ins(self, visit_ids: Sequence[int]) -> dict[int, CheckIn]:
        if not visit_ids:
            return {}
        rows = await self.session.execute(sa.select(CI).where(CI.c.visit_id.in_(list(visit_ids))))
        return {r.visit_id: _check_in(r) for r in rows}

    async def check_ins_between(self, start: datetime, end: datetime) -> dict[int, CheckIn]:
        """Check-ins that happened in [start, end), by visit."""
        rows = await self.session.execute(sa.select(CI).where(CI.c.occurred_at >= start, CI.c.occurred_at < end))
        return {r.visit_id: _check_in(r) for r in rows}

    # -- findings and photos ------------------------------------------------------------------------------------

    async def findings(self, visit_id: int) -> list[Finding]:
        return await self.findings_of([visit_id])

    async def findings_of(self, visit_ids: Sequence[int]) -> list[Finding]:
        """The findings (with hazards) of these visits, in id order."""
        if not visit_ids:
            return []
        rows = []
        for i in range(0, len(visit_ids), 1000):
            rows += (await self.session.execute(sa.select(FI).where(FI.c.visit_id.in_(list(visit_ids[i:i + 1000])))
                                                .order_by(FI.c.id))).all()
        rows.sort(key=lambda r: r.id)
        hazards: dict[int, list[Hazard]] = {r.id: [] for r in rows}
        ids = list(hazards)
        for i in range(0, len(ids), 1000):
            for h in await self.session.execute(sa.select(HZ).where(HZ.c.finding_id.in_(ids[i:i + 1000]))
                                                .order_by(HZ.c.id)):
                hazards[h.finding_id].append(Hazard(h.id, HazardLevel(h.level), h.description, h.location,
                                                    h.legal_basis, [_photo(p) for p in h.photos]))
        return [Finding(r.id, r.visit_id, r.item_code, FindingOutcome(r.outcome), r.note, r.recorded_by, r.off_site,
                        hazards[r.id], r.recorded_at, r.version) for r in rows]

    async def save_finding(self, finding: Finding) -> None:
        """Insert or replace the finding of one item (its hazards replaced as a whole)."""
        values = {"outcome": finding.outcome.value, "note": finding.note, "off_site": finding.off_site,
                  "recorded_by": finding.recorded_by, "recorded_at": self.now}
        if finding.id is None:
            result = await self.session.execute(sa.insert(FI).values(
                visit_id=finding.visit_id, item_code=finding.item_code, version=1, **values).returning(FI.c.id))
            finding.id = int(result.scalar_one())
        else:
            finding.version += 1
            await self.session.execute(sa.update(FI).where(FI.c.id == finding.id).values(
                version=finding.version, **values))
            await self.session.execute(sa.delete(HZ).where(HZ.c.finding_id == finding.id))
        finding.recorded_at = self.now
        for hazard in finding.hazards:
            result = await self.session.execute(sa.insert(HZ).values(
                finding_id=finding.id, level=hazard.level.value, description=hazard.description,
                location=hazard.location, legal_basis=hazard.legal_basis,
                photos=[{"id": p.id, "sha256": p.sha256, "content_type": p.content_type, "size": p.size,
                         "uploaded_by": p.uploaded_by,
                         "uploaded_at": p.uploaded_at.isoformat() if p.uploaded_at else None} for p in hazard.photos],
            ).returning(HZ.c.id))
            hazard.id = int(result.scalar_one())

    async def add_photo(self, visit_id: int, photo: Photo) -> Photo:
        result = await self.session.execute(sa.insert(PH).values(
            visit_id=visit_id, sha256=photo.sha256, content_type=photo.content_type, size=photo.size,
            uploaded_by=photo.uploaded_by, uploaded_at=self.now).returning(PH.c.id))
        photo.id, photo.uploaded_at = int(result.scalar_one()), self.now
        return photo

    async def photo(self, photo_id: int) -> tuple[int, Photo] | None:
        row = (await self.session.execute(sa.select(PH).where(PH.c.id == photo_id))).first()
        if row is None:
            return None
        return row.visit_id, Photo(row.id, row.sha256, row.content_type, row.size, row.uploaded_by, row.uploaded_at)

    # -- results ------------------------------------------------------------------------------------------------

    async def add_result(self, result: InspectionResult) -> InspectionResult:
        values = {name: getattr(result, name) for name in _RESULT_FIELDS}
        inserted = await self.session.execute(sa.insert(RS).values(
            types=[t.value for t in result.types], status=result.status.value, entered_at=self.now, **values)
            .returning(RS.c.id))
        result.id, result.entered_at = int(inserted.scalar_one()), self.now
        return result

    async def update_result(self, result: InspectionResult) -> None:
        result.version += 1
        values = {name: getattr(result, name) for name in _RESULT_FIELDS}
        await self.session.execute(sa.update(RS).where(RS.c.id == result.id).values(
            types=[t.value for t in result.types], status=result.status.value, entered_at=result.entered_at,
            **values))

    async def result(self, result_id: int, *, for_update: bool = False) -> InspectionResult | None:
        query = sa.select(RS).where(RS.c.id == result_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _result(row) if row else None

    async def results_of(self, visit_id: int) -> list[InspectionResult]:
        rows = await self.session.execute(sa.select(RS).where(RS.c.visit_id == visit_id).order_by(RS.c.id))
        return [_result(r) for r in rows]

    async def published_dates(self, visit_ids: Sequence[int]) -> dict[int, list[datetime | None]]:
        """Per visit, the publication time of each of its results (None while unpublished)."""
        if not visit_ids:
            return {}
        out: dict[int, list[datetime | None]] = {}
        for i in range(0, len(visit_ids), 1000):
            rows = await self.session.execute(sa.select(RS.c.visit_id, RS.c.published_at).where(
                RS.c.visit_id.in_(list(visit_ids[i:i + 1000]))))
            for visit_id, published_at in rows:
                out.setdefault(visit_id, []).append(published_at)
        return out

    async def published(self, *, text: str | None, uscc: str | None, plan_no: str | None, task_no: str | None,
                        start: date | None, end: date | None, limit: int, after_id: int | None) -> list[InspectionResult]:
        query = sa.select(RS).where(RS.c.status == ResultStatus.PUBLISHED.value)
        if text:
            query = query.where(RS.c.enterprise_name.contains(text, autoescape=True))
        if uscc:
            query = query.where(RS.c.uscc == uscc)
        if plan_no:
            query = query.where(RS.c.plan_no == plan_no)
        if task_no:
            query = query.where(RS.c.task_no == task_no)
        if start:
            query = query.where(RS.c.check_date >= start)
        if end:
            query = query.where(RS.c.check_date <= end)
        if after_id is not None:
            query = query.where(RS.c.id < after_id)
        rows = await self.session.execute(query.order_by(RS.c.id.desc()).limit(limit))
        return [_result(r) for r in rows]

    async def results(self, *, departments: Sequence[str] | None, status: ResultStatus | None, limit: int | None,
                      after_id: int | None) -> list[InspectionResult]:
        query = sa.select(RS)
        if departments is not None:
            query = query.where(RS.c.department_code.in_(list(departments)))
        if status is not None:
            query = query.where(RS.c.status == status.value)
        if after_id is not None:
            query = query.where(RS.c.id > after_id)
        query = query.order_by(RS.c.id)
        rows = await self.session.execute(query if limit is None else query.limit(limit))
        return [_result(r) for r in rows]

    async def results_touching(self, start: datetime, end: datetime, *,
                               departments: Sequence[str] | None) -> list[InspectionResult]:
        """Results entered or published in [start, end)."""
        query = sa.select(RS).where(sa.or_(sa.and_(RS.c.published_at >= start, RS.c.published_at < end),
                                           sa.and_(RS.c.entered_at >= start, RS.c.entered_at < end)))
        if departments is not None:
            query = query.where(RS.c.department_code.in_(list(departments)))
        return [_result(r) for r in await self.session.execute(query.order_by(RS.c.id))]

    # -- ratings ------------------------------------------------------------------------------------------------

    async def add_rating(self, rating: Rating) -> bool:
        result = await self.session.execute(self._insert(RT).values(
            visit_id=rating.visit_id, score=rating.score, comment=rating.comment, rated_at=self.now)
            .on_conflict_do_nothing().returning(RT.c.visit_id))
        return result.first() is not None

    async def rating(self, visit_id: int) -> Rating | None:
        row = (await self.session.execute(sa.select(RT).where(RT.c.visit_id == visit_id))).first()
        return Rating(row.visit_id, row.score, row.comment, row.rated_at) if row else None
