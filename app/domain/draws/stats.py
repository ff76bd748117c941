"""Figures drawn from executed draws, for the compliance endpoint: how many random inspections were drawn with
the credit-risk classification (target ≥ 90%), and the inclusion rate each class actually got."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

CLASSIFIED_SHARE_TARGET = 0.9


def uses_classification(params: dict[str, Any]) -> bool:
    """A draw is credit-classified when its classes get different rates (rate mode) or weights (weight mode)."""
    table: dict[str, int] | None = params.get("rates_bp") if params.get("mode") == "rate" else params.get("weights")
    return table is not None and len({v for k, v in table.items() if k != "U"}) > 1


@dataclass(frozen=True, slots=True)
class ClassInclusion:
    risk_class: str
    frame: int
    selected: int

    @property
    def rate(self) -> float:
        return self.selected / self.frame if self.frame else 0.0


def inclusion_by_class(bundles: list[dict[str, Any]]) -> list[ClassInclusion]:
    frame: Counter[str] = Counter()
    selected: Counter[str] = Counter()
    for bundle in bundles:
        classes = {row[0]: row[3] for row in bundle["frame"]}
        frame.update(classes.values())
        selected.update(classes[s["uscc"]] for s in bundle["selected"])
    return [ClassInclusion(c, frame[c], selected[c]) for c in ("A", "B", "C", "D", "U") if frame[c]]
