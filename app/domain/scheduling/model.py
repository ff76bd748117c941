"""Availability of inspectors and the schedule of visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.labels import LabelledEnum


@dataclass(slots=True)
class Leave:
    id: int | None
    person_id: str
    from_date: date
    to_date: date
    reason: str
    created_by: str
    created_at: datetime | None = None
    cancelled_at: datetime | None = None

    def covers(self, start: date, end: date) -> bool:
        return self.cancelled_at is None and self.from_date <= start and end <= self.to_date

    def overlaps(self, start: date, end: date) -> bool:
        return self.cancelled_at is None and self.from_date <= end and start <= self.to_date


class VisitStatus(LabelledEnum):
    PLANNED = "planned"
    #: Displaced (a member fell ill, the day was withdrawn) and no other day fits: waits for a new day or team.
    UNPLACED = "unplaced"
    CANCELLED = "cancelled"
    #: Checked in (扫码入企), not yet checked out.
    IN_PROGRESS = "in_progress"
    #: Checked out: the inspection on site has ended.
    COMPLETED = "completed"
    __labels__ = {"planned": "已排期", "unplaced": "待重新排期", "cancelled": "已取消", "in_progress": "检查中",
                  "completed": "现场检查已结束"}


#: Visits still to happen: they can be moved, cancelled or re-planned.
ACTIVE_VISIT_STATUSES = (VisitStatus.PLANNED, VisitStatus.UNPLACED)
#: Visits that hold their team's day and their enterprise's (capacity, one visit a day, merges).
OCCUPYING_STATUSES = (VisitStatus.PLANNED, VisitStatus.UNPLACED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class VisitSource:
    """One draw's enterprise that the visit carries (several when visits were merged: 能合并的不得重复检查)."""

    draw_id: str
    plan_no: str
    task_no: str
    #: The unit responsible for the task (谁检查、谁录入、谁公开).
    lead_department: str
    #: True when the draw only merged its items into this visit (the enterprise was taken by another draw).
    merged_only: bool = False


@dataclass(slots=True)
class Visit:
    """现场检查: one visit of one enterprise by one team on one working day."""

    id: int | None
    uscc: str
    enterprise_name: str
    county_code: str
    day: date | None
    window_start: date
    window_end: date
    status: VisitStatus
    #: Person ids, the leader (组长) first.
    team: tuple[str, ...]
    items: tuple[str, ...]
    sources: tuple[VisitSource, ...]
    #: The unit responsible (the first source's lead unit).
    department_code: str
    #: Unannounced visits are never shown to the enterprise or the public before they happen.
    unannounced: bool = True
    #: 非现场监管: every item is checked by document review or monitoring data; no one goes on site.
    off_site: bool = False
    route_order: int = 0
    note: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    @property
    def leader(self) -> str | None:
        return self.team[0] if self.team else None


class VisitChangeKind(LabelledEnum):
    SCHEDULED = "scheduled"
    MERGED = "merged"
    MOVED = "moved"
    UNPLACED = "unplaced"
    CANCELLED = "cancelled"
    TEAM_CHANGED = "team_changed"
    __labels__ = {"scheduled": "排期", "merged": "合并检查", "moved": "改期", "unplaced": "无法安排（待重新排期）",
                  "cancelled": "取消", "team_changed": "检查组调整"}


@dataclass(frozen=True, slots=True)
class VisitChange:
    """A recorded change of a visit (the schedule is never rewritten silently)."""

    visit_id: int
    kind: VisitChangeKind
    from_day: date | None
    to_day: date | None
    reason: str
    changed_by: str
    changed_at: datetime | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(slots=True)
class CalendarFeed:
    """An iCalendar subscription (RFC 5545) of one inspector's (``person``) or one unit's (``unit``) visits."""

    id: int | None
    owner_kind: str
    owner_id: str
    created_by: str
    created_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(slots=True)
class ReportSubmission:
    """报送登记: a unit's monthly report (period ``2026-03``) or quarterly summary (``2026Q1``), submitted to
    执法监督科."""

    id: int | None
    kind: str
    period: str
    department_code: str
    reference: str
    note: str
    submitted_by: str
    submitted_at: datetime | None = None
