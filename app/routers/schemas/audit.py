"""Models of the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.domain.auth.privacy import mask_snapshot
from app.routers.schemas.common import Out


class AuditRecordOut(Out):
    seq: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    prev_hash: str
    hash: str


def audit_record_out(record: Any) -> AuditRecordOut:
    """An audit record as the trail's readers see it: personal data in ``before``/``after`` masked (个人信息保护;
    the hash chain is verified on the server, over the stored records)."""
    out = AuditRecordOut.model_validate(record)
    return out.model_copy(update={"before": mask_snapshot(out.before), "after": mask_snapshot(out.after)})


class ChainReportOut(Out):
    ok: bool = Field(description="哈希链是否完整")
    checked: int = Field(description="已校验的记录数")
    head_hash: str = Field(description="最后一条有效记录的哈希")
    broken_seq: int | None = Field(None, description="第一处断裂的记录序号")
    problem: str | None = Field(None, description="gap（缺号）、prev_hash（前序哈希不符）或 hash（内容被改）")
    expected: str | None = None
    found: str | None = None
    message: str
