"""Row ↔ domain mapping shared by the enterprise repository and its bulk writer."""

from __future__ import annotations

from typing import Any

from app.domain.directories.model import CreditClass, Enterprise, EnterpriseStatus, SafetyRiskLevel
from app.domain.directories.snapshots import content_hash, enterprise_snapshot


def enterprise_from_row(r: Any) -> Enterprise:
    return Enterprise(
        uscc=r.uscc, name=r.name, county_code=r.county_code, industry_code=r.industry_code,
        status=EnterpriseStatus(r.status), address=r.address, longitude=r.longitude, latitude=r.latitude,
        credit_class=CreditClass(r.credit_class) if r.credit_class else None,
        safety_risk_level=SafetyRiskLevel(r.safety_risk_level) if r.safety_risk_level else None,
        tags=tuple(r.tags or ()), legal_person=r.legal_person, contact_name=r.contact_name,
        contact_phone=r.contact_phone, version=r.version, updated_at=r.updated_at,
    )


def enterprise_values(e: Enterprise) -> dict[str, Any]:
    """Column values of an enterprise's content, plus its content hash."""
    snapshot = enterprise_snapshot(e)
    values = {k: v for k, v in snapshot.items() if k != "uscc"}
    values["tags"] = list(e.tags)
    values["content_hash"] = content_hash(snapshot)
    return values
