"""Filters of the directory list endpoints (what to find; the adapter decides how)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class EnterpriseFilter:
    industry: Sequence[str] = ()
    county: Sequence[str] = ()
    credit_class: Sequence[str] = ()
    status: Sequence[str] = ()
    tag: str | None = None
    q: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class InspectorFilter:
    department: Sequence[str] = ()
    status: Sequence[str] = ()
    specialty: str | None = None
    q: str | None = None
    cert_expiring_by: date | None = None


@dataclass(frozen=True, slots=True)
class ItemFilter:
    category: str | None = None
    dept_type: str | None = None
    department: str | None = None
    status: Sequence[str] = ()
    q: str | None = None
