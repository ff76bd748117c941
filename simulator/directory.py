"""One directory (check items, enterprises or inspectors): generated records plus an overlay of changes.

Generated record i has updateTime base - (size - i) * step (distinct, increasing by index, all before the
base time); a changed, deleted or injected record moves into the overlay with the simulator's current
second, which is never before the base time. Records are ordered by (updateTime, id), so a directory is
the generated records in index order minus the overridden ones ("holes"), followed by the overlay in
(updateTime, id) order. Paging walks that sequence from a rank found by bisecting the holes; nothing is scanned.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from typing import Any, Protocol

from simulator.clock import format_time
from simulator.spaces import IndexSpace, RangeSpace


class Source(Protocol):
    @property
    def id_field(self) -> str: ...

    @property
    def key_field(self) -> str | None:
        """The field a directory can be filtered by (regionCode, deptCode), if any."""
        ...

    @property
    def size(self) -> int: ...

    def record(self, index: int) -> dict[str, Any]: ...

    def index_of(self, record_id: str) -> int | None: ...

    def key_of(self, index: int) -> str | None: ...

    def space(self, key: str) -> IndexSpace: ...


@dataclass
class Entry:
    record: dict[str, Any]
    stamp: int
    deleted: bool
    key: object


@dataclass(frozen=True)
class Picked:
    record_id: str
    record: dict[str, Any]
    index: int | None
    """The generated index when the record has not been changed before."""


@dataclass(frozen=True)
class Page:
    total: int
    records: list[dict[str, Any]]


class Directory:
    def __init__(self, kind: str, source: Source, base_epoch: int, history_seconds: int) -> None:
        self.kind = kind
        self.source = source
        self.id_field = source.id_field
        self.key_field = source.key_field
        self._base = base_epoch
        self._step = max(1, history_seconds // max(1, source.size))
        self.overlay: dict[str, Entry] = {}
        self._holes: list[int] = []
        self._hole_set: set[int] = set()
        self._holes_by_key: dict[object, list[int]] = {}
        self._deleted = 0
        self._ordered: dict[object, list[tuple[int, str]]] = {}

    # -- time ---------------------------------------------------------------------------------------
    def generated_time(self, index: int) -> int:
        return self._base - (self.source.size - index) * self._step

    def first_index_at(self, epoch: int) -> int:
        """The smallest generated index whose updateTime is at or after `epoch`."""
        return min(max(self.source.size - (self._base - epoch) // self._step, 0), self.source.size)

    # -- reading --------------------------------------------------------------------------------------
    def _generated(self, index: int) -> dict[str, Any]:
        record = self.source.record(index)
        record["updateTime"] = format_time(self.generated_time(index))
        record["deleted"] = False
        return record

    def get(self, record_id: str) -> dict[str, Any] | None:
        """The current record (deleted ones included), or None when the id was never known."""
        entry = self.overlay.get(record_id)
        if entry is not None:
            return dict(entry.record)
        index = self.source.index_of(record_id)
        return None if index is None else self._generated(index)

    def is_live(self, record_id: str) -> bool:
        entry = self.overlay.get(record_id)
        if entry is not None:
            return not entry.deleted
        return self.source.index_of(record_id) is not None

    def counts(self) -> dict[str, int]:
        total = self.source.size - len(self._holes) + len(self.overlay)
        return {"total": total, "live": total - self._deleted, "deleted": self._deleted,
                "generated": self.source.size, "overlay": len(self.overlay)}

    def _order(self, key: object) -> list[tuple[int, str]]:
        ordered = self._ordered.get(key)
        if ordered is None:
            ordered = sorted((entry.stamp, record_id) for record_id, entry in self.overlay.items()
                             if key is None or entry.key == key)
            self._ordered[key] = ordered
        return ordered

    def page(self, offset: int, limit: int, since: int | None = None, key: str | None = None) -> Page:
        """Records offset..offset+limit-1 of the (updateTime, id) order, optionally only those changed at or
        after `since` and those whose key field (regionCode, deptCode) equals `key`."""
        space: IndexSpace = RangeSpace(0, self.source.size) if key is None else self.source.space(key)
        holes = self._holes if key is None else self._holes_by_key.get(key, [])
        first = 0 if since is None else self.first_index_at(since)
        start_rank = space.rank(first)
        holes_before = bisect_left(holes, first)
        generated = space.size - start_rank - (len(holes) - holes_before)
        ordered = self._order(key)
        overlay_from = 0 if since is None else bisect_left(ordered, (since, ""))
        total = generated + len(ordered) - overlay_from
        records: list[dict[str, Any]] = []
        if offset < generated:
            rank = self._locate(space, holes, holes_before, start_rank, offset)
            while len(records) < limit and rank < space.size:
                index = space.select(rank)
                rank += 1
                if index not in self._hole_set:
                    records.append(self._generated(index))
        if len(records) < limit:
            begin = overlay_from + max(0, offset - generated)
            for _, record_id in ordered[begin:begin + limit - len(records)]:
                records.append(self.overlay[record_id].record)
        return Page(total, records)

    @staticmethod
    def _locate(space: IndexSpace, holes: list[int], holes_before: int, start_rank: int, skip: int) -> int:
        """The rank of the `skip`-th member at or after `start_rank` that is not a hole (least fixed point of
        rank = start_rank + skip + holes in [start, member(rank)])."""
        rank = start_rank + skip
        while True:
            covered = bisect_right(holes, space.select(rank)) - holes_before
            following = start_rank + skip + covered
            if following == rank:
                return rank
            rank = following

    # -- writing --------------------------------------------------------------------------------------
    def put(self, record_id: str, record: dict[str, Any], stamp: int, *, deleted: bool | None = None,
            index: int | None = None) -> dict[str, Any]:
        """Store `record` as it is (any content) under `record_id`, stamped with `stamp`; `index` is the generated
        index of `record_id` when the caller knows it."""
        record = dict(record)
        record["updateTime"] = format_time(stamp)
        if deleted is not None:
            record["deleted"] = deleted
        record.setdefault("deleted", False)
        is_deleted = record["deleted"] is True
        previous = self.overlay.pop(record_id, None)
        if previous is not None:
            self._deleted -= previous.deleted
        else:
            index = self.source.index_of(record_id) if index is None else index
            if index is not None:
                self._add_hole(index)
        key = record.get(self.key_field) if self.key_field else None
        self.overlay[record_id] = Entry(record, stamp, is_deleted, key if isinstance(key, str) else None)
        self._deleted += is_deleted
        self._ordered.clear()
        return record

    def delete(self, record_id: str, stamp: int) -> dict[str, Any] | None:
        """Mark a record deleted (a no-op for one already deleted); None when the id was never known."""
        current = self.get(record_id)
        if current is None:
            return None
        entry = self.overlay.get(record_id)
        if entry is not None and entry.deleted:
            return current
        return self.put(record_id, current, stamp, deleted=True)

    def _add_hole(self, index: int) -> None:
        insort(self._holes, index)
        self._hole_set.add(index)
        insort(self._holes_by_key.setdefault(self.source.key_of(index), []), index)

    # -- sampling -------------------------------------------------------------------------------------
    def sample_live(self, rng: random.Random, count: int) -> list[Picked]:
        """`count` distinct live records picked at random (fewer when fewer are live), with their current
        content; no scan unless most records are deleted."""
        count = min(count, self.counts()["live"])
        overlay_ids = list(self.overlay)
        generated = self.source.size
        picked: dict[str, Picked] = {}
        attempts = 0
        while len(picked) < count and attempts < 30 * count + 1000:
            attempts += 1
            draw = rng.randrange(generated + len(overlay_ids))
            if draw < generated:
                if draw in self._hole_set:
                    continue
                record = self._generated(draw)
                record_id = str(record[self.id_field])
                if record_id not in picked:
                    picked[record_id] = Picked(record_id, record, draw)
            else:
                record_id = overlay_ids[draw - generated]
                entry = self.overlay[record_id]
                if not entry.deleted and record_id not in picked:
                    picked[record_id] = Picked(record_id, dict(entry.record), None)
        if len(picked) < count:  # mostly deleted: fall back to listing the live ones
            remaining = [record_id for record_id in self._live_ids() if record_id not in picked]
            for record_id in rng.sample(remaining, count - len(picked)):
                current = self.get(record_id)
                assert current is not None
                picked[record_id] = Picked(record_id, current, None)
        return list(picked.values())

    def _live_ids(self) -> list[str]:
        ids = [str(self.source.record(index)[self.id_field])
               for index in range(self.source.size) if index not in self._hole_set]
        return ids + [record_id for record_id, entry in self.overlay.items() if not entry.deleted]
