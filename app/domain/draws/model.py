"""The draw as a process: prepared (inputs frozen, commitments published) → seeded (ceremony seed entered) →
executed (bundle stored, result hash published) → revealed (salt and bundle public). A draw is never edited or
re-run: voiding one needs a reason and 执法监督科's approval, and the new draw names the one it replaces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.labels import LabelledEnum


class DrawStatus(LabelledEnum):
    PREPARED = "prepared"
    SEEDED = "seeded"
    EXECUTED = "executed"
    REVEALED = "revealed"
    VOIDED = "voided"
    __labels__ = {"prepared": "已冻结名录并公布承诺值", "seeded": "已录入随机种子", "executed": "已抽取",
                  "revealed": "已公开", "voided": "已作废"}


class SeedKind(LabelledEnum):
    PUBLIC_CEREMONY = "public-ceremony"
    SYSTEM = "system"
    __labels__ = {"public-ceremony": "公开摇号（有见证人）", "system": "系统生成（仅限测试和演示）"}


#: Default differentiated rates (basis points per credit-risk class; U = not yet graded) – a plan may override.
DEFAULT_RATES_BP: dict[str, int] = {"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}
DEFAULT_OVERALL_MIN_BP = 300


@dataclass(frozen=True, slots=True)
class FrameExclusion:
    """An enterprise left out of the frame, and why (listed in the published record)."""

    uscc: str
    reason: str


@dataclass(slots=True)
class Draw:
    draw_id: str
    plan_no: str
    task_no: str
    sequence: int
    status: DrawStatus
    params: dict[str, Any]
    #: frame_hash, roster_hash, exclusions_hash, params_hash, salt_commit (hex).
    commitments: dict[str, str]
    #: Group → quota, known before the seed (the allocation table).
    allocation: dict[str, int]
    #: Sizes: frame, roster, pair exclusions, frame exclusions; after execution: selected, teams, fallbacks.
    counts: dict[str, int]
    prepared_by: str
    prepared_at: datetime | None = None
    seed: str | None = None
    seed_source: dict[str, Any] | None = None
    seeded_by: str | None = None
    result_hash: str | None = None
    executed_at: datetime | None = None
    revealed_at: datetime | None = None
    revealed_by: str | None = None
    replaces: str | None = None
    void_reason: str | None = None
    void_requested_by: str | None = None
    voided_by: str | None = None
    voided_at: datetime | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: After execution: {"selected": [uscc…], "teams": [[uscc, [person_id…]]…]} – what later draws need.
    outcome: dict[str, Any] | None = None

    @property
    def system_seed(self) -> bool:
        return bool(self.seed_source) and (self.seed_source or {}).get("kind") == SeedKind.SYSTEM.value
