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
    broken_seq: int | None = Field(None, description="第一条有问题的记录序号")
    problem: str | None = Field(None, description=(
        "gap（缺号）、prev_hash（前序哈希不符）、hash（内容被改）、truncated（比已签名检查点短：尾部被删）、"
        "checkpoint（与已签名检查点的哈希不符：被整体改写）或 anchor（清理锚点签名无效）"))
    expected: str | None = None
    found: str | None = None
    first_seq: int = Field(1, description="校验起点：1，或最近一次清理的锚点之后的第一条")
    head_seq: int = Field(0, description="最后一条通过校验的记录序号")
    anchor_seq: int | None = Field(None, description="最近一次按保存期限清理的锚点（最后一条被清理记录的序号）")
    checkpoint_seq: int | None = Field(None, description="比对的最新已签名检查点序号")
    message: str
