"""统一社会信用代码 (GB 32100-2015) and the embedded organisation code (GB 11714-1997).

The simulator writes its own checker rather than borrowing the service's: both sides are built from
PROVINCIAL_API.md, so a disagreement shows up as a failing test.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a 统一社会信用代码 may contain (no I, O, S, V, Z)."""

_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, position, 31) for position in range(17))  # 3^(i-1) mod 31 for i = 1..17
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"[0-9ABCDEFGHJKLMNPQRTUWXY]{18}")


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must use ALPHABET)."""
    if len(first17) != 17:
        raise ValueError("需要 17 位本体代码")
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: object) -> bool:
    """True when `code` is an 18-character 统一社会信用代码 with the right check character."""
    if not isinstance(code, str) or _SHAPE.fullmatch(code) is None:
        return False
    return check_char(code[:17]) == code[17]


def org_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body (digits and capitals)."""
    if len(body8) != 8:
        raise ValueError("需要 8 位组织机构代码本体")
    total = sum(int(char, 36) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    if value == 10:
        return "X"
    return "0" if value == 11 else str(value)


def to_base31(number: int, width: int) -> str:
    """`number` written in ALPHABET digits, zero-padded to `width` characters."""
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(ALPHABET[digit])
    if number:
        raise ValueError("数值超出位宽")
    return "".join(reversed(chars))


def from_base31(text: str) -> int | None:
    """Inverse of to_base31; None when `text` holds a character outside ALPHABET."""
    number = 0
    for char in text:
        value = _VALUE.get(char)
        if value is None:
            return None
        number = number * 31 + value
    return number
