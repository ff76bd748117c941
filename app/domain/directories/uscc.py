"""统一社会信用代码 (unified social credit code) validation, GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, Z, S, V). The 18th character
is a check character over the first 17 with weights 3^(i-1) mod 31.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALLOWED = frozenset(ALPHABET)
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
LENGTH = 18
#: value × weight of each character at each of the first 17 positions, looked up instead of multiplied.
_WEIGHTED = tuple({ch: v * w for ch, v in _VALUE.items()} for w in WEIGHTS)


@dataclass(frozen=True, slots=True)
class UsccProblem:
    """Why a code is not a valid USCC; ``position`` is 1-based, ``expected`` the right check char."""

    reason: str
    position: int | None = None
    expected: str | None = None

    @property
    def message_zh(self) -> str:
        if self.reason == "length":
            return f"统一社会信用代码应为 {LENGTH} 位"
        if self.reason == "character":
            return f"统一社会信用代码第 {self.position} 位字符不合法（只能使用数字和除 I、O、Z、S、V 以外的大写字母）"
        return f"统一社会信用代码第 18 位校验码错误，应为“{self.expected}”"

    @property
    def message_en(self) -> str:
        if self.reason == "length":
            return f"USCC must be {LENGTH} characters long"
        if self.reason == "character":
            return f"USCC character at position {self.position} is not allowed"
        return f"USCC check character at position 18 is wrong, expected '{self.expected}'"


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must be in the alphabet)."""
    total = sum(map(dict.__getitem__, _WEIGHTED, first17))
    return ALPHABET[-total % 31]


def uscc_problem(code: str) -> UsccProblem | None:
    """Return why ``code`` is invalid, or ``None`` when it is a valid USCC."""
    if len(code) != LENGTH:
        return UsccProblem("length")
    if not _ALLOWED.issuperset(code):
        position = next(i for i, ch in enumerate(code, start=1) if ch not in _VALUE)
        return UsccProblem("character", position=position)
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccProblem("checksum", position=18, expected=expected)
    return None


def normalise_uscc(text: str) -> str:
    """Codes are written in capitals; people and spreadsheets do not always."""
    return text.strip().upper()


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def complete_uscc(first17: str) -> str:
    """Append the check character: used by the demo generator and tests."""
    return first17 + check_character(first17)
