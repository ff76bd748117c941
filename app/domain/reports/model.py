"""季度总结: six sections (工作进展, 抽查情况, 联合检查, 信息公开, 存在问题, 下一步计划), the numbers filled in from the
records, the narrative written by the unit; draft → submitted to 执法监督科."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.labels import LabelledEnum

#: The sections of a quarterly summary, in the seed's order; the last two are free text only.
SECTIONS: dict[str, str] = {"progress": "工作进展", "inspections": "抽查情况", "joint": "联合检查",
                            "disclosure": "信息公开", "problems": "存在问题", "next_steps": "下一步计划"}
NARRATIVE_ONLY = ("problems", "next_steps")


class SummaryStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    __labels__ = {"draft": "草稿", "submitted": "已报送执法监督科"}


@dataclass(slots=True)
class QuarterlySummary:
    id: int | None
    year: int
    quarter: int
    department_code: str
    status: SummaryStatus
    #: Section key → text (the numbers written in by the service, the narrative by the unit).
    sections: dict[str, str]
    #: The quarter's figures as computed (key → {"label", "value", "records"}).
    figures: dict[str, Any]
    created_by: str
    updated_at: datetime | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
