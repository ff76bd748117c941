"""Availability of inspectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
