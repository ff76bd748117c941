"""Weighted look-up tables for the demo generators: a weighted choice is ``table[int(random() * len(table))]``.

Integer weights are expanded into repeated entries, so every choice costs one ``random()`` and one index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def _table(weighted: Sequence[tuple[T, int]]) -> tuple[T, ...]:
    """Expand ``(value, integer weight)`` pairs into a table for O(1) weighted choice."""
    return tuple(value for value, weight in weighted for _ in range(weight))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())
