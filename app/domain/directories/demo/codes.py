"""USCC (GB 32100) and organisation-code (GB 11714) arithmetic for the demo enterprises.

Check characters are weighted sums of character values, so the generator adds precomputed per-piece sums instead of
calling :func:`app.domain.directories.uscc.check_character` for every row. The organisation code (USCC positions
9–17) is an affine scramble of the row index, hence injective: the demo USCCs are unique by construction.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from app.domain.directories.uscc import ALPHABET, WEIGHTS

# ---------------------------------------------------------------------------------------------------------------
# USCC arithmetic (GB 32100): weighted sums of character values, so a code's check character is a table sum
# ---------------------------------------------------------------------------------------------------------------

_USCC_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def _uscc_sum(text: str, position: int) -> int:
    """Σ value × weight of ``text`` placed at 0-based ``position`` of a USCC."""
    return sum(_USCC_VALUE[ch] * WEIGHTS[position + i] for i, ch in enumerate(text))


# Registration authority + organisation type (GB 32100 positions 1–2).
_REG_COMPANY = "91"  # 工商 / 企业
_REG_SOLE_TRADER = "92"  # 工商 / 个体工商户
_REG_PUBLIC_INSTITUTION = "12"  # 机构编制 / 事业单位
_REG_PRIVATE_NON_ENTERPRISE = "52"  # 民政 / 民办非企业单位
_REG_USUM: dict[str, int] = {
    reg: _uscc_sum(reg, 0)
    for reg in (_REG_COMPANY, _REG_SOLE_TRADER, _REG_PUBLIC_INSTITUTION, _REG_PRIVATE_NON_ENTERPRISE)
}


# ---------------------------------------------------------------------------------------------------------------
# Organisation code (GB 11714, USCC positions 9–17): a bijection of the row index
# ---------------------------------------------------------------------------------------------------------------

_B31_3 = 31**3
_MA_CAPACITY = 31**6  # "MA" + 6 base-31 characters
_DIGIT_CAPACITY = 10**8  # 8 digits (legacy, pre-2015 organisation codes)
# Affine scrambles x → (a·x + b) mod capacity; each a is coprime with its capacity, so they are bijections.
_MA_MUL, _MA_ADD = 48_271, 7_654_321
_DIGIT_MUL, _DIGIT_ADD = 69_069_421, 13_033_017
_LEGACY_SHARE = 0.35
_MAX_COUNT = _MA_CAPACITY

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_START = 8  # 0-based position of the organisation code in a USCC


def _gb11714_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def _gb11714_sum(text: str, position: int) -> int:
    return sum(_gb11714_value(ch) * _GB11714_WEIGHTS[position + i] for i, ch in enumerate(text))


class _OrgTables(NamedTuple):
    """Pieces of organisation codes with their GB 11714 sums (``gb_*``) and GB 32100 sums (``u_*``)."""

    triples: tuple[str, ...]  # base-31 triples: "MA" + triples[hi] + triples[lo]
    gb_ma_hi: tuple[int, ...]
    gb_ma_lo: tuple[int, ...]
    u_ma_hi: tuple[int, ...]
    u_ma_lo: tuple[int, ...]
    quads: tuple[str, ...]  # 4 digits: quads[hi] + quads[lo]
    gb_dg_hi: tuple[int, ...]
    gb_dg_lo: tuple[int, ...]
    u_dg_hi: tuple[int, ...]
    u_dg_lo: tuple[int, ...]
    gb_ma: int  # "MA"
    u_ma: int
    check: tuple[str, ...]  # GB 11714 check character by (sum mod 11)
    u_check: tuple[int, ...]  # its GB 32100 contribution at position 17 (1-based)


@cache
def _org_tables() -> _OrgTables:
    triples = tuple(a + b + c for a in ALPHABET for b in ALPHABET for c in ALPHABET)
    quads = tuple(f"{n:04d}" for n in range(10_000))
    check = tuple("0" if m == 0 else "X" if m == 1 else str(11 - m) for m in range(11))
    return _OrgTables(
        triples=triples,
        gb_ma_hi=tuple(_gb11714_sum(t, 2) for t in triples),
        gb_ma_lo=tuple(_gb11714_sum(t, 5) for t in triples),
        u_ma_hi=tuple(_uscc_sum(t, _ORG_START + 2) for t in triples),
        u_ma_lo=tuple(_uscc_sum(t, _ORG_START + 5) for t in triples),
        quads=quads,
        gb_dg_hi=tuple(_gb11714_sum(q, 0) for q in quads),
        gb_dg_lo=tuple(_gb11714_sum(q, 4) for q in quads),
        u_dg_hi=tuple(_uscc_sum(q, _ORG_START) for q in quads),
        u_dg_lo=tuple(_uscc_sum(q, _ORG_START + 4) for q in quads),
        gb_ma=_gb11714_sum("MA", 0),
        u_ma=_uscc_sum("MA", _ORG_START),
        check=check,
        u_check=tuple(_uscc_sum(c, _ORG_START + 8) for c in check),
    )
