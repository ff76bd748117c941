"""The frame, its commitment, the enterprise tickets, the quotas and the selection (``DRAW_SPEC.md``).

Exactness first, then speed. The spec walks *all* rows in (key, uscc) order. Because every row of a cell
belongs to the same groups (its cell in rate mode, its industry, "all"), the walk's result has a closed
form: the selection is the union, over the groups, of each group's first ``quota`` rows in key order, and
within a cell the selected rows are exactly those with key ≤ the cell's ``tau``. This module uses that to
avoid sorting a million rows:

1. a cheap estimate (floating point, used for nothing else) gives each cell a threshold ``X`` on the first
   8 bytes of the key, above the key where its groups should be full; the rows under their cell's ``X``
   are the *candidates* (about the selection plus a few standard deviations);
2. the spec's walk runs over the candidates only, in (key, uscc) order, and records for each group the key
   at which its quota was met;
3. the result is exact iff, for every cell with rows above ``X``, each of its groups was met at a key below
   ``X`` (then every row above ``X`` finds all its groups met when the full walk reaches it, and is not
   selected, and the two walks agree row by row). If not (rare: the estimate was low), the thresholds of
   the failing cells are raised and the walk redone, up to "every row is a candidate", which *is* the spec.

Tickets are SHA-256 of ``K_sel ‖ LP(uscc) ‖ U32(j)`` from a copied hasher per ticket; digests stay bytes
(big-endian 32-byte digests compare like ``INT``), hex is written only for the published ones.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import lt

from app.domain.draws.algorithm import BP, DrawParams, FrameRow
from app.domain.draws.encoding import lp, u32
from app.domain.draws.frame import ONE, PreparedFrame, Profile, bad_frame, frame_hash, prepare_frame

__all__ = [  # frame_hash, prepare_frame, PreparedFrame and Profile are re-exported for callers of this module
    "PreparedFrame", "Profile", "Selection", "ceil_bp", "frame_hash", "groups_of", "keys", "ordered", "prepare_frame",
    "quota_table", "quotas_of", "select", "ticket",
]
_ALL = b"\xff" * 33  # a threshold above every 32-byte key


# --- Tickets


def _first_tickets(k_sel: bytes, frame: PreparedFrame) -> list[bytes]:
    """``T(uscc, 1)`` for every row, as 32-byte digests, in frame order."""
    new = hashlib.sha256(k_sel).copy
    out: list[bytes] = []
    append = out.append
    if frame.stride:
        block, stride = frame.block, frame.stride
        for start in range(0, len(block), stride):
            ticket = new()
            ticket.update(block[start : start + stride])
            append(ticket.digest())
    else:
        for message in frame.lp_usccs:
            ticket = new()
            ticket.update(message)
            ticket.update(ONE)
            append(ticket.digest())
    return out


def ticket(k_sel: bytes, uscc: str, weight: int) -> tuple[bytes, int]:
    """``key(e)`` and the ``j`` that gives it: ``min over j = 1..weight of T(uscc, j)`` (first such j)."""
    base = hashlib.sha256(k_sel)
    base.update(lp(uscc))
    best, best_j = b"", 0
    for j in range(1, weight + 1):
        one = base.copy()
        one.update(u32(j))
        digest = one.digest()
        if not best_j or digest < best:
            best, best_j = digest, j
    return best, best_j


def keys(k_sel: bytes, frame: PreparedFrame) -> list[bytes]:
    """``key(e)`` for every row of the prepared frame, in frame order."""
    out = _first_tickets(k_sel, frame)
    heavy = {token for token, profile in frame.profiles.items() if profile.weight > 1}
    if not heavy:
        return out
    base = hashlib.sha256(k_sel)
    for i, token in enumerate(frame.tokens):
        if token in heavy:
            prefix = base.copy()
            prefix.update(frame.lp_uscc(i))
            for j in range(2, frame.profiles[token].weight + 1):
                one = prefix.copy()
                one.update(u32(j))
                digest = one.digest()
                if digest < out[i]:
                    out[i] = digest
    return out


def ordered(k_sel: bytes, frame: Sequence[FrameRow]) -> list[tuple[bytes, str]]:
    """Every row's (key, uscc) in the spec's order: by key, then by USCC."""
    prepared = prepare_frame(frame)
    return sorted(zip(keys(k_sel, prepared), prepared.usccs, strict=True))


# --- Quotas and selection


def ceil_bp(bp: int, n: int) -> int:
    """``ceil_bp(bp, N) = (bp·N + 9999) // 10000``."""
    return (bp * n + BP - 1) // BP


@dataclass(slots=True)
class _Group:
    name: str
    quota: int = 0
    size: int = 0
    weights: Counter[int] = field(default_factory=Counter)
    count: int = 0
    met: bytes | None = None  # the key at which ``count`` reached ``quota`` (b"" when the quota is 0)


@dataclass(frozen=True, slots=True)
class Selection:
    """The outcome of the selection: rows (indices into ``frame.rows``) in selection order, and per group/cell."""

    frame: PreparedFrame
    rows: list[int]
    keys: list[bytes]
    js: list[int]
    cells: list[str]
    quotas: dict[str, tuple[int, int]]  # group name → (quota, selected)
    tau: dict[str, bytes | None]  # cell → key of its last selected row


def _expected(weights: Counter[int], x: float) -> float:
    return sum(count * (1.0 - (1.0 - x) ** w) for w, count in weights.items())


def _fraction(group: _Group, sigmas: float) -> float:
    """A key fraction below which the group should hold its quota with a few standard deviations to spare."""
    if group.quota == 0:
        return 0.0
    target = group.quota + sigmas * math.sqrt(group.quota) + 8
    if target >= group.size:
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(64):
        mid = (low + high) / 2
        if _expected(group.weights, mid) >= target:
            high = mid
        else:
            low = mid
    return high


def _threshold(x: float) -> bytes:
    value = math.ceil(x * 2.0**64)
    return _ALL if value >= 2**64 else value.to_bytes(8, "big")


def groups_of(frame: PreparedFrame, params: DrawParams) -> tuple[list[_Group], list[_Group], _Group, dict[str, int],
                                                                 list[int]]:
    """Cells, industries, "all", token → cell index, cell index → industry index; quotas per ``DRAW_SPEC.md``."""
    rate = params.mode == "rate"
    cells: dict[str, _Group] = {}
    industries: dict[str, _Group] = {}
    everyone = _Group("all")
    cell_of: dict[str, int] = {}
    cell_index: dict[str, int] = {}
    cell_industry: dict[str, str] = {}
    for token, count in Counter(frame.tokens).items():
        profile = frame.profiles[token]
        if profile.weight != params.class_weight(profile.risk_class):
            raise bad_frame(
                "名录行的权重与参数不一致（比例模式为 1，权重模式为该类别的权重）",
                "a row's weight differs from the params (1 in rate mode, the class weight in weight mode)",
                risk_class=profile.risk_class, weight=profile.weight,
            )
        name = f"{profile.industry}|{profile.risk_class}" if rate else profile.industry
        cell = cells.setdefault(name, _Group(name))
        cell_index.setdefault(name, len(cell_index))
        industry = industries.setdefault(profile.industry, _Group(profile.industry))
        for group in (cell, industry, everyone):
            group.size += count
            group.weights[profile.weight] += count
        cell_industry[name] = profile.industry
        cell_of[token] = cell_index[name]
    for name, cell in cells.items():
        cell.quota = ceil_bp(params.rates_bp[name.rsplit("|", 1)[1]], cell.size) if params.rates_bp else 0
    for industry in industries.values():
        industry.quota = params.industry_min
    everyone.quota = ceil_bp(params.overall_min_bp, everyone.size)
    for group in chain(cells.values(), industries.values(), (everyone,)):
        group.quota = min(group.quota, group.size)
    industry_index = {name: i for i, name in enumerate(industries)}
    return (list(cells.values()), list(industries.values()), everyone, cell_of,
            [industry_index[cell_industry[name]] for name in cells])


def quotas_of(frame: PreparedFrame, params: DrawParams) -> dict[str, int]:
    """The quota of every group (``cell|…`` in rate mode, ``industry|…``, ``all``) of a prepared frame."""
    cells, industries, everyone, _, _ = groups_of(frame, params)
    table = {f"cell|{c.name}": c.quota for c in cells} if params.mode == "rate" else {}
    table.update({f"industry|{g.name}": g.quota for g in industries})
    table["all"] = everyone.quota
    return table


def quota_table(frame: Sequence[FrameRow], params: DrawParams) -> dict[str, int]:
    """The allocation: every group's quota, from the frame and the parameters alone (no seed needed)."""
    return quotas_of(prepare_frame(frame), params)


def select(k_sel: bytes, frame: PreparedFrame, params: DrawParams, *, sigmas: float = 6.0) -> Selection:
    """The spec's selection for ``K_sel`` (``sigmas`` only tunes the candidate filter, never the result)."""
    cells, industries, everyone, cell_of, industry_of = groups_of(frame, params)
    key = keys(k_sel, frame)
    fractions = [max(_fraction(c, sigmas), _fraction(industries[industry_of[i]], sigmas), _fraction(everyone, sigmas))
                 for i, c in enumerate(cells)]
    tokens = frame.tokens
    while True:
        limits = [_threshold(x) for x in fractions]
        limit_of = {token: limits[c] for token, c in cell_of.items()}
        candidates = list(compress(range(len(key)), map(lt, key, map(limit_of.__getitem__, tokens))))
        candidates.sort(key=key.__getitem__)  # stable: ties (never seen in SHA-256) stay in USCC order
        in_cell = list(map(cell_of.__getitem__, map(tokens.__getitem__, candidates)))
        rows = _walk(candidates, in_cell, key, industry_of, cells, industries, everyone)
        failing = [i for i, cell in enumerate(cells) if limits[i] is not _ALL and not all(
            g.met is not None and g.met < limits[i] for g in (cell, industries[industry_of[i]], everyone))]
        if not failing:
            break
        for i in failing:
            fractions[i] = min(1.0, 2 * fractions[i] + 1.0 / cells[i].size)
    chosen = list(map(key.__getitem__, rows))
    name_of = {token: cells[c].name for token, c in cell_of.items()}
    names = list(map(name_of.__getitem__, map(tokens.__getitem__, rows)))
    last = dict(zip(names, chosen, strict=True))  # the last selected key of each cell
    quotas = {f"cell|{c.name}": (c.quota, c.count) for c in cells} if params.mode == "rate" else {}
    quotas.update({f"industry|{g.name}": (g.quota, g.count) for g in industries})
    quotas["all"] = (everyone.quota, everyone.count)
    if params.mode == "rate":
        js = [1] * len(rows)
    else:
        js = [ticket(k_sel, frame.usccs[i], frame.profiles[tokens[i]].weight)[1] for i in rows]
    return Selection(frame, rows, chosen, js, names, quotas, {c.name: last.get(c.name) for c in cells})


def _walk(candidates: list[int], in_cell: list[int], key: list[bytes], industry_of: list[int], cells: list[_Group],
          industries: list[_Group], everyone: _Group) -> list[int]:
    """The spec's walk over rows in order: select a row if any of its groups is below quota; stop when all are met.

    Sets each group's ``count`` and ``met`` (the key at which its quota was reached; b"" for a zero quota).
    """
    groups = [*cells, *industries, everyone]
    for group in groups:
        group.met = b"" if group.quota == 0 else None
    unmet = sum(1 for g in groups if g.quota)
    cell_quota = [c.quota for c in cells]
    cell_count = [0] * len(cells)
    industry_quota = [g.quota for g in industries]
    industry_count = [0] * len(industries)
    total, total_quota = 0, everyone.quota
    rows: list[int] = []
    append = rows.append
    for i, c in zip(candidates, in_cell, strict=True):
        g = industry_of[c]
        if cell_count[c] < cell_quota[c] or industry_count[g] < industry_quota[g] or total < total_quota:
            append(i)
            cell_count[c] += 1
            industry_count[g] += 1
            total += 1
            if cell_count[c] == cell_quota[c]:
                cells[c].met, unmet = key[i], unmet - 1
            if industry_count[g] == industry_quota[g]:
                industries[g].met, unmet = key[i], unmet - 1
            if total == total_quota:
                everyone.met, unmet = key[i], unmet - 1
            if not unmet:
                break
    for group, count in zip(groups, [*cell_count, *industry_count, total], strict=True):
        group.count = count
    return rows
