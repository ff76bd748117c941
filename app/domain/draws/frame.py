"""The frame: validated, in commitment order (by USCC), hashed (``frame_hash``), with the bytes its tickets need.

A million rows are handled as columns, never as a million objects: the USCCs as one list, and for the rest of
each row (industry, county, class, weight) a *token* – the row's encoded tail, one shared string per distinct
combination, validated once. The frame's hash input is then one join of USCCs and tokens. When every USCC is
ASCII and of one length (always, for GB 32100 codes) the tickets' messages ``LP(uscc) ‖ U32(1)`` are cut from one
buffer; otherwise each row is encoded on its own: both give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import eq, itemgetter, lt
from typing import Any

from app.domain.draws.algorithm import MAX_WEIGHT, RISK_CLASSES, FrameRow
from app.domain.draws.encoding import DrawInputError, h, lp, text, u32

FRAME_DOMAIN = lp("CN-INSPECT-FRAME/v1")
ONE = u32(1)
_ONE_TEXT = ONE.decode("latin-1")
_USCC = itemgetter(0)
_REST = itemgetter(slice(1, None))
_WEIGHT = itemgetter(4)


@dataclass(frozen=True, slots=True)
class Profile:
    """What a frame row is apart from its USCC; rows share one ``Profile`` (and one token) per combination."""

    industry: str
    county: str
    risk_class: str
    weight: int


class _Profiles(dict[Any, str]):
    """(industry, county, risk_class, weight) → token: the row's encoded tail, validated once per combination."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix = suffix
        self.by_token: dict[str, Profile] = {}

    def __missing__(self, key: Any) -> str:
        if len(key) != 4:
            raise bad_frame("名录行应为 5 项（uscc、行业、区县、信用风险分类、权重）",
                             "frame rows must be (uscc, industry, county, risk_class, weight)")
        industry, county, risk_class, weight = key
        industry = text(industry, "行业 industry", "draw.invalid_frame")
        county = text(county, "区县 county", "draw.invalid_frame")
        if "|" in industry:
            raise DrawInputError("draw.invalid_frame", "行业代码不能含“|”", "industry must not contain '|'", industry=industry)
        if risk_class not in RISK_CLASSES or type(risk_class) is not str:
            raise DrawInputError(
                "draw.invalid_frame", "信用风险分类应为 A、B、C、D、U 之一", "risk_class must be one of A, B, C, D, U",
                risk_class=repr(risk_class),
            )
        if type(weight) is not int or not 1 <= weight <= MAX_WEIGHT:
            raise DrawInputError(
                "draw.invalid_frame", f"权重应为 1 至 {MAX_WEIGHT} 的整数", f"weight must be an integer in [1, {MAX_WEIGHT}]",
                weight=repr(weight),
            )
        tail = (lp(industry) + lp(county) + lp(risk_class) + u32(weight)).decode("latin-1") + self.suffix
        self.by_token[tail] = Profile(industry, county, risk_class, weight)
        self[key] = tail
        return tail


@dataclass(frozen=True, slots=True)
class PreparedFrame:
    """A validated frame in commitment order (by USCC), with its hash and the bytes its tickets need."""

    rows: Sequence[FrameRow] | FrameColumns
    usccs: list[str]
    tokens: list[str]
    profiles: dict[str, Profile]
    digest: bytes
    block: bytes = b""  # fixed-width path: LP(uscc_i) ‖ U32(1) for every row, ``stride`` bytes each
    stride: int = 0
    lp_usccs: list[bytes] = field(default_factory=list)  # general path: LP(uscc_i)

    def lp_uscc(self, i: int) -> bytes:
        if self.stride:
            start = i * self.stride
            return self.block[start : start + self.stride - 4]
        return self.lp_usccs[i]


def bad_frame(message_zh: str, message_en: str, **details: Any) -> DrawInputError:
    return DrawInputError("draw.invalid_frame", message_zh, message_en, **details)


def prepare_frame(frame: Sequence[FrameRow]) -> PreparedFrame:
    """Validate the frame, put it in commitment order and compute ``frame_hash`` (raises ``DrawInputError``)."""
    n = len(frame)
    if n == 0:
        raise DrawInputError("draw.frame_empty", "抽查名录为空", "the frame has no rows")
    try:
        rows = frame
        usccs = list(map(_USCC, rows))
        ordered = all(map(lt, usccs, islice(usccs, 1, None)))  # strictly: also proves the USCCs unique
        if not ordered:
            rows = sorted(frame, key=_USCC)
            usccs = list(map(_USCC, rows))
        weight_types = set(map(type, map(_WEIGHT, rows)))
    except (TypeError, IndexError, KeyError):
        raise bad_frame("名录行应为 5 项（uscc、行业、区县、信用风险分类、权重）",
                         "frame rows must be (uscc, industry, county, risk_class, weight)") from None
    if weight_types != {int}:
        raise bad_frame("权重应为整数", "weight must be an integer (not a bool or a float)")
    try:
        lengths = set(map(len, usccs))
        prefix = u32(next(iter(lengths))).decode("latin-1") if len(lengths) == 1 and 0 not in lengths else ""
        # LP(uscc_i) ‖ U32(1) for every row, as text (one character per byte): the tickets' buffer
        block_text = prefix + (_ONE_TEXT + prefix).join(usccs) + _ONE_TEXT if prefix else ""
    except TypeError:
        raise bad_frame("统一社会信用代码应为字符串", "uscc must be a string") from None
    fixed = bool(prefix) and (block_text.isascii() if prefix.isascii() else "".join(usccs).isascii())
    if not fixed:
        for uscc in usccs:
            text(uscc, "统一社会信用代码 uscc", "draw.invalid_frame")
    if not ordered and any(map(eq, usccs, islice(usccs, 1, None))):
        duplicate = next(a for a, b in zip(usccs, islice(usccs, 1, None), strict=False) if a == b)
        raise DrawInputError("draw.duplicate_uscc", f"统一社会信用代码重复：{duplicate}", f"duplicate uscc {duplicate}",
                             uscc=duplicate)
    if not fixed:
        prefix, block_text = "", ""
    table = _Profiles(prefix)
    try:
        tokens = list(map(table.__getitem__, map(_REST, rows)))
    except TypeError:  # rows that are lists (unhashable tails): as tuples
        rows = list(map(tuple, rows))  # type: ignore[arg-type]
        try:
            tokens = list(map(table.__getitem__, map(_REST, rows)))
        except TypeError:
            raise bad_frame("名录行的字段类型不正确", "frame rows have fields of the wrong type") from None
    header = FRAME_DOMAIN + u32(n)
    if fixed:
        pieces = [prefix] * (2 * n)
        pieces[1::2] = usccs
        pieces[2::2] = tokens[:-1]
        pieces.append(tokens[-1][: -len(prefix)])  # every token carries the next row's length prefix
        digest = hashlib.sha256(header)
        digest.update("".join(pieces).encode("latin-1"))
        block = block_text.encode("latin-1")
        return PreparedFrame(rows, usccs, tokens, table.by_token, digest.digest(), block, len(block) // n)
    lp_usccs = [lp(uscc) for uscc in usccs]
    body = b"".join(chain.from_iterable(zip(lp_usccs, (t.encode("latin-1") for t in tokens), strict=True)))
    return PreparedFrame(rows, usccs, tokens, table.by_token, h(header, body), lp_usccs=lp_usccs)


def frame_hash(frame: Sequence[FrameRow]) -> str:
    """``frame_hash`` of the spec as 64 hex characters (rows in any order; validated)."""
    return prepare_frame(frame).digest.hex()


def prepare_committed_frame(frame: Sequence[FrameRow], digest: bytes) -> PreparedFrame:
    """The frame of a draw whose ``frame_hash`` was committed when its inputs were frozen: the rows are the
    frozen ones, already validated and in commitment order, so only what the tickets and groups need is built.

    Anything unexpected (rows out of order, codes of mixed length or not ASCII) falls back to the full
    :func:`prepare_frame`, which must then give the committed digest. A bundle built this way carries the
    committed ``frame_hash`` beside its frame, so any tampering with the stored rows shows in verification."""
    usccs = list(map(_USCC, frame))
    n = len(usccs)
    width = len(usccs[0]) if usccs else 0
    fast = (n > 0 and width > 0 and set(map(len, usccs)) == {width}
            and all(map(lt, usccs, islice(usccs, 1, None))))
    prefix = u32(width).decode("latin-1")
    block_text = prefix + (_ONE_TEXT + prefix).join(usccs) + _ONE_TEXT if fast else ""
    if not fast or not block_text.isascii():
        prepared = prepare_frame(frame)
        if prepared.digest != digest:
            raise DrawInputError("draw.frame_hash_mismatch", "名录与冻结时公布的 frame_hash 不一致",
                                 "the frame does not match its committed frame_hash")
        return prepared
    table = _Profiles(prefix)
    try:
        tokens = list(map(table.__getitem__, map(_REST, frame)))
    except TypeError:
        tokens = list(map(table.__getitem__, map(tuple, map(_REST, frame))))
    block = block_text.encode("latin-1")
    return PreparedFrame(frame, usccs, tokens, table.by_token, digest, block, len(block) // n)


@dataclass(frozen=True, slots=True)
class FrameColumns:
    """A frozen frame in columns: the USCCs (in commitment order), the distinct (industry, county, risk_class,
    weight) profiles, and each row's profile index. Iterating gives the rows back as tuples."""

    usccs: list[str]
    profiles: list[tuple[str, str, str, int]]
    index: list[int]

    @classmethod
    def of(cls, rows: Sequence[Sequence[Any]]) -> FrameColumns:
        seen: dict[tuple[str, str, str, int], int] = {}
        index = [seen.setdefault((r[1], r[2], r[3], r[4]), len(seen)) for r in rows]
        return cls([r[0] for r in rows], list(seen), index)

    def __len__(self) -> int:
        return len(self.usccs)

    def __iter__(self) -> Any:
        profiles = self.profiles
        return ((uscc, *profiles[i]) for uscc, i in zip(self.usccs, self.index, strict=True))

    def __getitem__(self, i: int) -> tuple[Any, ...]:
        return (self.usccs[i], *self.profiles[self.index[i]])


def prepare_frame_columns(columns: FrameColumns, digest: bytes) -> PreparedFrame:
    """:func:`prepare_committed_frame` for a frame frozen in columns: each distinct profile is validated and
    encoded once, and every row's cell token is a lookup."""
    usccs = columns.usccs
    n = len(usccs)
    width = len(usccs[0]) if usccs else 0
    fast = (n > 0 and width > 0 and len(columns.index) == n and set(map(len, usccs)) == {width}
            and all(map(lt, usccs, islice(usccs, 1, None))))
    prefix = u32(width).decode("latin-1")
    block_text = prefix + (_ONE_TEXT + prefix).join(usccs) + _ONE_TEXT if fast else ""
    if not fast or not block_text.isascii():
        return prepare_committed_frame(list(columns), digest)
    table = _Profiles(prefix)
    token_of = [table[tuple(profile)] for profile in columns.profiles]
    tokens = list(map(token_of.__getitem__, columns.index))
    block = block_text.encode("latin-1")
    return PreparedFrame(columns, usccs, tokens, table.by_token, digest, block, len(block) // n)
