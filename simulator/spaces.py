"""Index spaces: the generated records that pass a filter, addressable by rank without a scan.

A space is an increasing sequence of generated indices. `rank(i)` counts its members below index i and
`select(q)` returns its q-th member, so paging a filtered directory costs O(page), not O(N).
"""

from __future__ import annotations

from typing import Protocol


class IndexSpace(Protocol):
    @property
    def size(self) -> int: ...

    def rank(self, index: int) -> int:
        """How many members are smaller than `index`."""
        ...

    def select(self, rank: int) -> int:
        """The member of rank `rank` (0 ≤ rank < size)."""
        ...

    def __contains__(self, index: int) -> bool: ...


class RangeSpace:
    """Every index in [start, stop)."""

    def __init__(self, start: int, stop: int) -> None:
        self.start = start
        self.stop = max(start, stop)

    @property
    def size(self) -> int:
        return self.stop - self.start

    def rank(self, index: int) -> int:
        return min(max(index - self.start, 0), self.size)

    def select(self, rank: int) -> int:
        return self.start + rank

    def __contains__(self, index: int) -> bool:
        return self.start <= index < self.stop


EMPTY = RangeSpace(0, 0)
