"""The schedule: visits, their members and sources, their recorded changes; calendar subscriptions; report
submissions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.tables import (
    CalendarFeedRow,
    QuarterlySummaryRow,
    ReportSubmissionRow,
    VisitChangeRow,
    VisitMemberRow,
    VisitRow,
    VisitSourceRow,
)
from app.domain.reports.model import QuarterlySummary, SummaryStatus
from app.domain.scheduling.model import (
    OCCUPYING_STATUSES,
    CalendarFeed,
    ReportSubmission,
    Visit,
    VisitChange,
    VisitChangeKind,
    VisitSource,
    VisitStatus,
)

V = VisitRow.__table__
M = VisitMemberRow.__table__
S = VisitSourceRow.__table__
C = VisitChangeRow.__table__
F = CalendarFeedRow.__table__
R = ReportSubmissionRow.__table__
QS = QuarterlySummaryRow.__table__
OCCUPYING = [s.value for s in OCCUPYING_STATUSES]


def visit_from_row(r: Any) -> Visit:
    return Visit(
        id=r.id, uscc=r.uscc, enterprise_name=r.enterprise_name, county_code=r.county_code, day=r.day,
        window_start=r.window_start, window_end=r.window_end, status=VisitStatus(r.status), team=tuple(r.team),
        items=tuple(r.items), sources=tuple(VisitSource(**s) for s in r.sources), department_code=r.department_code,
        unannounced=r.unannounced, off_site=r.off_site, route_order=r.route_order, note=r.note, created_by=r.created_by,
        created_at=r.created_at, updated_at=r.updated_at, version=r.version,
    )


def _values(visit: Visit) -> dict[str, Any]:
    return {
        "uscc": visit.uscc, "enterprise_name": visit.enterprise_name, "county_code": visit.county_code,
        "day": visit.day, "window_start": visit.window_start, "window_end": visit.window_end,
        "status": visit.status.value, "team": list(visit.team), "items": list(visit.items),
        "sources": [{"draw_id": s.draw_id, "plan_no": s.plan_no, "task_no": s.task_no,
                     "lead_department": s.lead_department, "merged_only": s.merged_only} for s in visit.sources],
        "department_code": visit.department_code, "unannounced": visit.unannounced, "off_site": visit.off_site, "route_order": visit.route_order,
        "note": visit.note, "version": visit.version,
    }


class SqlVisitRepository:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def add_many(self, visits: Sequence[Visit]) -> None:
        """Insert new visits (ids assigned), their members and sources."""
        if not visits:
            return
        rows = [{"created_by": v.created_by, "created_at": self.now, "updated_at": self.now, **_values(v)}
                for v in visits]
        result = await self.session.execute(sa.insert(V).returning(V.c.id, sort_by_parameter_order=True), rows)
        for visit, visit_id in zip(visits, result.scalars().all(), strict=True):
            visit.id, visit.created_at, visit.updated_at = int(visit_id), self.now, self.now
        await self._write_members(visits)
        rows = [{"draw_id": s.draw_id, "uscc": v.uscc, "visit_id": v.id} for v in visits for s in v.sources]
        if rows:
            await self.session.execute(sa.insert(S), rows)

    async def update_many(self, visits: Sequence[Visit], *, new_sources: Sequence[tuple[int, str]] = ()) -> None:
        """Store changed visits (version bumped) and their members; ``new_sources``: (visit id, draw id) added."""
        for visit in visits:
            visit.version += 1
            visit.updated_at = self.now
            await self.session.execute(sa.update(V).where(V.c.id == visit.id).values(
                updated_at=self.now, **_values(visit)))
        if visits:
            await self.session.execute(sa.delete(M).where(M.c.visit_id.in_([v.id for v in visits])))
            await self._write_members(visits)
        by_id = {v.id: v for v in visits}
        if new_sources:
            await self.session.execute(sa.insert(S), [
                {"draw_id": draw_id, "uscc": by_id[visit_id].uscc, "visit_id": visit_id}
                for visit_id, draw_id in new_sources])

    async def set_status(self, visit: Visit) -> None:
        """A status change that keeps the day and the team (check-in, check-out): one statement."""
        visit.version += 1
        visit.updated_at = self.now
        await self.session.execute(sa.update(V).where(V.c.id == visit.id).values(
            status=visit.status.value, version=visit.version, updated_at=self.now))

    async def _write_members(self, visits: Sequence[Visit]) -> None:
        rows = [{"visit_id": v.id, "person_id": p, "day": v.day, "active": v.status in OCCUPYING_STATUSES}
                for v in visits for p in dict.fromkeys(v.team)]
        if rows:
            await self.session.execute(sa.insert(M), rows)

    async def get(self, visit_id: int, *, for_update: bool = False) -> Visit | None:
        query = sa.select(V).where(V.c.id == visit_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return visit_from_row(row) if row else None

    async def get_many(self, visit_ids: Sequence[int]) -> dict[int, Visit]:
        out: dict[int, Visit] = {}
        ids = sorted(set(visit_ids))
        for i in range(0, len(ids), 1000):
            rows = await self.session.execute(sa.select(V).where(V.c.id.in_(ids[i:i + 1000])))
            out.update({r.id: visit_from_row(r) for r in rows})
        return out

    async def find(
        self, *, departments: Sequence[str] | None = None, person_id: str | None = None, uscc: str | None = None,
        draw_id: str | None = None, start: date | None = None, end: date | None = None,
        statuses: Sequence[VisitStatus] | None = None, county_code: str | None = None, limit: int | None = None,
        after_id: int | None = None,
    ) -> list[Visit]:
        query = sa.select(V)
        if departments is not None:
            query = query.where(V.c.department_code.in_(list(departments)))
        if person_id is not None:
            query = query.where(V.c.id.in_(sa.select(M.c.visit_id).where(M.c.person_id == person_id)))
        if uscc is not None:
            query = query.where(V.c.uscc == uscc)
        if draw_id is not None:
            query = query.where(V.c.id.in_(sa.select(S.c.visit_id).where(S.c.draw_id == draw_id)))
        if start is not None:
            query = query.where(V.c.day >= start)
        if end is not None:
            query = query.where(V.c.day <= end)
        if statuses is not None:
            query = query.where(V.c.status.in_([s.value for s in statuses]))
        if county_code is not None:
            query = query.where(V.c.county_code == county_code)
        if after_id is not None:
            query = query.where(V.c.id > after_id)
        query = query.order_by(V.c.id)
        if limit is not None:
            query = query.limit(limit)
        return [visit_from_row(r) for r in await self.session.execute(query)]

    async def busy(self, person_ids: Sequence[str], start: date, end: date) -> list[Visit]:
        """Active visits on which any of these people is busy between the dates."""
        if not person_ids:
            return []
        ids = sa.select(M.c.visit_id).where(M.c.person_id.in_(list(person_ids)), M.c.active.is_(True),
                                            M.c.day >= start, M.c.day <= end)
        rows = await self.session.execute(sa.select(V).where(V.c.id.in_(ids)).order_by(V.c.id))
        return [visit_from_row(r) for r in rows]

    async def of_enterprises(self, usccs: Sequence[str]) -> list[Visit]:
        """Active visits of these enterprises (merges join them)."""
        out: list[Visit] = []
        keys = sorted(set(usccs))
        for i in range(0, len(keys), 1000):
            rows = await self.session.execute(sa.select(V).where(
                V.c.uscc.in_(keys[i:i + 1000]), V.c.status.in_(OCCUPYING)).order_by(V.c.id))
            out.extend(visit_from_row(r) for r in rows)
        return out

    async def scheduled(self, draw_id: str) -> set[str]:
        """The enterprises of a draw already on a visit."""
        rows = await self.session.execute(sa.select(S.c.uscc).where(S.c.draw_id == draw_id))
        return {r[0] for r in rows}

    async def add_changes(self, changes: Sequence[VisitChange]) -> None:
        if changes:
            await self.session.execute(sa.insert(C), [
                {"visit_id": c.visit_id, "kind": c.kind.value, "from_day": c.from_day, "to_day": c.to_day,
                 "reason": c.reason, "detail": c.detail, "changed_by": c.changed_by, "changed_at": self.now}
                for c in changes])

    async def changes(self, visit_id: int) -> list[VisitChange]:
        rows = await self.session.execute(sa.select(C).where(C.c.visit_id == visit_id).order_by(C.c.id))
        return [VisitChange(r.visit_id, VisitChangeKind(r.kind), r.from_day, r.to_day, r.reason, r.changed_by,
                            r.changed_at, r.detail, r.id) for r in rows]

    # -- calendar subscriptions -------------------------------------------------------------------------------

    async def add_feed(self, feed: CalendarFeed, token_hash: str) -> CalendarFeed:
        result = await self.session.execute(sa.insert(F).values(
            token_hash=token_hash, owner_kind=feed.owner_kind, owner_id=feed.owner_id, created_by=feed.created_by,
            created_at=self.now).returning(F.c.id))
        feed.id, feed.created_at = int(result.scalar_one()), self.now
        return feed

    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None:
        row = (await self.session.execute(sa.select(F).where(F.c.token_hash == token_hash))).first()
        return _feed(row) if row else None

    async def get_feed(self, feed_id: int) -> CalendarFeed | None:
        row = (await self.session.execute(sa.select(F).where(F.c.id == feed_id))).first()
        return _feed(row) if row else None

    async def feeds(self, owner_kind: str, owner_id: str) -> list[CalendarFeed]:
        rows = await self.session.execute(sa.select(F).where(F.c.owner_kind == owner_kind,
                                                             F.c.owner_id == owner_id).order_by(F.c.id))
        return [_feed(r) for r in rows]

    async def revoke_feed(self, feed_id: int) -> None:
        await self.session.execute(sa.update(F).where(F.c.id == feed_id).values(revoked_at=self.now))

    # -- report submissions ------------------------------------------------------------------------------------

    async def add_submission(self, submission: ReportSubmission) -> ReportSubmission:
        result = await self.session.execute(sa.insert(R).values(
            kind=submission.kind, period=submission.period, department_code=submission.department_code,
            reference=submission.reference, note=submission.note, submitted_by=submission.submitted_by,
            submitted_at=self.now).returning(R.c.id))
        submission.id, submission.submitted_at = int(result.scalar_one()), self.now
        return submission

    async def submissions(self, *, period_prefix: str | None = None) -> list[ReportSubmission]:
        query = sa.select(R).order_by(R.c.id)
        if period_prefix is not None:
            query = query.where(R.c.period.startswith(period_prefix))
        return [ReportSubmission(r.id, r.kind, r.period, r.department_code, r.reference, r.note, r.submitted_by,
                                 r.submitted_at) for r in await self.session.execute(query)]


    # -- quarterly summaries ------------------------------------------------------------------------------------

    async def add_summary(self, summary: QuarterlySummary) -> QuarterlySummary:
        result = await self.session.execute(sa.insert(QS).values(
            year=summary.year, quarter=summary.quarter, department_code=summary.department_code,
            status=summary.status.value, sections=summary.sections, figures=summary.figures,
            created_by=summary.created_by, updated_at=self.now, version=1).returning(QS.c.id))
        summary.id, summary.updated_at = int(result.scalar_one()), self.now
        return summary

    async def update_summary(self, summary: QuarterlySummary) -> None:
        summary.version += 1
        summary.updated_at = self.now
        await self.session.execute(sa.update(QS).where(QS.c.id == summary.id).values(
            status=summary.status.value, sections=summary.sections, figures=summary.figures, updated_at=self.now,
            submitted_by=summary.submitted_by, submitted_at=summary.submitted_at, version=summary.version))

    async def summary(self, summary_id: int, *, for_update: bool = False) -> QuarterlySummary | None:
        query = sa.select(QS).where(QS.c.id == summary_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _summary(row) if row else None

    async def summary_for(self, year: int, quarter: int, department_code: str) -> QuarterlySummary | None:
        row = (await self.session.execute(sa.select(QS).where(
            QS.c.year == year, QS.c.quarter == quarter, QS.c.department_code == department_code))).first()
        return _summary(row) if row else None


def _summary(r: Any) -> QuarterlySummary:
    return QuarterlySummary(r.id, r.year, r.quarter, r.department_code, SummaryStatus(r.status), dict(r.sections),
                            dict(r.figures), r.created_by, r.updated_at, r.submitted_by, r.submitted_at, r.version)


def _feed(r: Any) -> CalendarFeed:
    return CalendarFeed(r.id, r.owner_kind, r.owner_id, r.created_by, r.created_at, r.revoked_at)
