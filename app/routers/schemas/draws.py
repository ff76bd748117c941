"""Models of draws: the process resource, seeds, voiding, verification and the enterprise self-check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.domain.draws.model import Draw, DrawStatus, SeedKind
from app.routers.schemas.common import CodeItem, In, Out, TextItem


class PrepareIn(In):
    replaces: str | None = Field(None, max_length=96, description="替代的已作废抽取编号（重新抽取时必填）")
    targets: list[CodeItem] | None = Field(None, max_length=100_000,
                                      description="本局参加而非牵头的任务：牵头部门抽中的企业（统一社会信用代码）")
    lead_bundle: dict[str, Any] | None = Field(None, description="或牵头部门的 CN-INSPECT/v1 抽取记录（导入前先核验）")


class SeedIn(In):
    seed: str = Field(min_length=1, max_length=200, description="公开摇号得到的随机种子（至少 20 位十进制数字）")
    kind: SeedKind = Field(SeedKind.PUBLIC_CEREMONY, description="public-ceremony 公开摇号；system 系统生成（仅测试演示）")
    witnesses: list[TextItem] = Field(default_factory=list, max_length=20, description="见证人（纪检人员、企业代表等）")


class MemberChangeIn(In):
    uscc: str = Field(min_length=18, max_length=18, description="企业统一社会信用代码")
    person_id: str = Field(min_length=1, max_length=32, description="更换：不能参加的成员；人工指派：指派的执法人员")
    reason: str = Field(min_length=2, max_length=500, description="理由（公开记录）")


class VoidIn(In):
    reason: str = Field(min_length=4, max_length=1000, description="作废理由（公开）")


class DrawOut(Out):
    draw_id: str
    plan_no: str
    task_no: str
    sequence: int
    status: DrawStatus
    status_label: str
    system_seed: bool = Field(description="随机种子由系统生成（仅用于测试和演示）")
    params: dict[str, Any]
    commitments: dict[str, str] = Field(description="frame_hash、roster_hash、exclusions_hash、params_hash、salt_commit")
    allocation: dict[str, int] = Field(description="各分组的抽取数量（种子产生前即已确定）")
    counts: dict[str, int]
    seed: str | None
    seed_source: dict[str, Any] | None
    result_hash: str | None
    prepared_at: datetime | None
    executed_at: datetime | None
    revealed_at: datetime | None
    replaces: str | None
    void_reason: str | None
    voided_at: datetime | None
    bundle: dict[str, Any] | None = Field(None, description="完整抽取记录（任务参加单位可见；公开后所有人可见）")
    changes: list[dict[str, Any]] = Field(default_factory=list, description="抽取后的人员更换与人工指派记录")
    teams: list[dict[str, Any]] | None = Field(None, description="计入更换与指派后的检查组；complete 为否的不得入企检查")
    frame_excluded: list[list[str]] | None = Field(None, description="未纳入名录的企业及原因")
    roster_excluded: list[list[str]] | None = Field(None, description="未纳入人员库的执法人员及原因（状态、证件、请假）")

    @classmethod
    def of(cls, d: Draw, bundle: dict[str, Any] | None = None, teams: list[dict[str, Any]] | None = None,
           frame_excluded: list[list[str]] | None = None,
           roster_excluded: list[list[str]] | None = None) -> DrawOut:
        return cls(draw_id=d.draw_id, plan_no=d.plan_no, task_no=d.task_no, sequence=d.sequence, status=d.status,
                   status_label=d.status.label, system_seed=d.system_seed, params=d.params, commitments=d.commitments,
                   allocation=d.allocation, counts=d.counts, seed=d.seed, seed_source=d.seed_source,
                   result_hash=d.result_hash, prepared_at=d.prepared_at, executed_at=d.executed_at,
                   revealed_at=d.revealed_at, replaces=d.replaces, void_reason=d.void_reason, voided_at=d.voided_at,
                   bundle=bundle, changes=d.changes, teams=teams, frame_excluded=frame_excluded,
                   roster_excluded=roster_excluded)


class DifferenceOut(Out):
    member: str
    code: str
    message: str
    path: str | None = None
    expected: Any = None
    found: Any = None


class VerificationOut(Out):
    ok: bool
    differences: list[DifferenceOut]
    message: str
