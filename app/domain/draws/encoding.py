"""Byte encodings of ``DRAW_SPEC.md`` (Notation): ``U32``, ``LP``, ``H``, ``INT`` as hex, and ``CJSON``.

Choices where the spec is silent (also listed in the package docstring):

* Every string that enters a draw must already be in NFC; strings that are not are refused
  (``draw.not_nfc``) rather than silently changed, so that the bytes of a bundle are exactly the bytes that
  were hashed. ``LP`` still normalises, as the spec says (a no-op on valid input).
* Strings must be encodable as UTF-8 (no lone surrogates).
* ``CJSON`` writes: objects with keys sorted by code point (the same as by their UTF-8 bytes; it differs
  from RFC 8785's UTF-16 order only for keys mixing characters above U+FFFF with U+E000..U+FFFF, which no
  key of a bundle does), separators ``,`` and ``:``, strings with exactly the escapes of RFC 8785
  (``\\"`` ``\\\\`` ``\\b`` ``\\f`` ``\\n`` ``\\r`` ``\\t``, other controls as ``\\u00xx`` lowercase, every
  other character as itself), integers in decimal with ``|n| ≤ 2^53 − 1`` (the range every JSON reader
  keeps exact), ``true``/``false`` for booleans (never as numbers: wherever the spec wants an integer a bool
  is refused by the typed validation), ``null`` for ``None``, arrays for lists and tuples (nested freely).
  Floats (including NaN and infinities), non-string keys and any other type are refused
  (``draw.invalid_json``).
* A bundle read back from bytes must be strict JSON: no floats, no NaN, no duplicate keys.

``DrawInputError`` is a ``ValueError`` with the shape of ``app.domain.errors.DomainError`` (a stable ``code``,
Chinese and English messages, ``details``) without inheriting from it: the draw package imports nothing
outside itself, so it stays a self-contained implementation of the spec; the service maps it by ``code``.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

#: Every code this package raises, with what it means (stable: clients and the error map key on them).
CODES: dict[str, str] = {
    "draw.invalid_draw_id": "draw_id is not a non-empty NFC string",
    "draw.invalid_seed": "seed breaks the rule of its kind (public ceremony: ≥ 20 ASCII digits)",
    "draw.invalid_seed_source": "seed_source is malformed (kind, witnesses, entered_at)",
    "draw.invalid_salt": "salt is not 64 lowercase hexadecimal characters",
    "draw.invalid_params": "params is not a valid CN-INSPECT/v1 parameter object",
    "draw.frame_empty": "the frame has no rows",
    "draw.invalid_frame": "a frame row is malformed",
    "draw.duplicate_uscc": "a USCC appears twice in the frame",
    "draw.invalid_roster": "a roster row is malformed",
    "draw.roster_empty": "the roster has no rows",
    "draw.duplicate_person": "a person_id appears twice in the roster",
    "draw.invalid_exclusion": "an exclusion row is malformed",
    "draw.duplicate_exclusion": "an (uscc, person_id) pair is excluded twice",
    "draw.not_nfc": "a string is not in Unicode NFC",
    "draw.invalid_json": "a value cannot be written as canonical JSON (floats, non-string keys, ...)",
    "draw.invalid_bundle": "a bundle is not a JSON object with the members of the spec",
    "draw.salt_not_revealed": "the bundle's salt is still secret, the draw cannot be recomputed yet",
}


class DrawInputError(ValueError):
    """Raised for any input of the draw (or any bundle) that the algorithm refuses."""

    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details: dict[str, Any] = details
        super().__init__(f"{code}: {message_en}")


U32_MAX = 2**32 - 1
JSON_INT_MAX = 2**53 - 1

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def u32(n: int) -> bytes:
    """``U32(n)``: 4-byte big-endian unsigned integer."""
    if type(n) is not int or not 0 <= n <= U32_MAX:
        raise DrawInputError("draw.invalid_json", "整数超出 U32 范围", f"{n!r} does not fit in U32")
    return n.to_bytes(4, "big")


def utf8(s: str, what: str = "string") -> bytes:
    """UTF-8 bytes of ``s``; lone surrogates are refused."""
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        raise DrawInputError(
            "draw.invalid_json", f"{what} 含有无法编码为 UTF-8 的字符", f"{what} is not encodable as UTF-8"
        ) from None


def lp(s: str) -> bytes:
    """``LP(s) = U32(len(b)) ‖ b`` with ``b`` the UTF-8 bytes of NFC(``s``)."""
    b = utf8(unicodedata.normalize("NFC", s))
    return u32(len(b)) + b


def h(*parts: bytes) -> bytes:
    """``H(p1 ‖ p2 ‖ …)``: SHA-256, 32 bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def is_nfc(s: str) -> bool:
    return s.isascii() or unicodedata.is_normalized("NFC", s)


def text(value: object, what: str, code: str, *, allow_empty: bool = False) -> str:
    """``value`` as a valid input string (str, UTF-8 encodable, NFC, non-empty unless allowed) or raise."""
    if type(value) is not str:
        raise DrawInputError(code, f"{what} 应为字符串", f"{what} must be a string", value=repr(value)[:80])
    if not value and not allow_empty:
        raise DrawInputError(code, f"{what} 不能为空", f"{what} must not be empty")
    if not value.isascii():
        utf8(value, what)
        if not unicodedata.is_normalized("NFC", value):
            raise DrawInputError(
                "draw.not_nfc", f"{what} 不是 Unicode NFC 规范形式", f"{what} is not in Unicode NFC", value=value
            )
    return value


def integer(value: object, what: str, code: str, *, low: int, high: int) -> int:
    """``value`` as an int (never a bool) in ``[low, high]`` or raise."""
    if type(value) is not int or not low <= value <= high:
        raise DrawInputError(
            code,
            f"{what} 应为 {low} 至 {high} 之间的整数",
            f"{what} must be an integer in [{low}, {high}]",
            value=repr(value)[:80],
        )
    return value


def _check_json(value: object, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        utf8(value, path)
    elif isinstance(value, int):
        if type(value) is not int or not -JSON_INT_MAX <= value <= JSON_INT_MAX:
            raise DrawInputError("draw.invalid_json", f"{path} 整数不合规", f"{path}: integer {value!r} not allowed")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise DrawInputError("draw.invalid_json", f"{path} 的键不是字符串", f"{path}: key {key!r} is not a string")
            utf8(key, path)
            _check_json(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]")
    elif isinstance(value, float):
        raise DrawInputError("draw.invalid_json", f"{path} 不允许小数", f"{path}: floats are not allowed ({value!r})")
    else:
        raise DrawInputError(
            "draw.invalid_json", f"{path} 的类型不允许", f"{path}: type {type(value).__name__} not allowed"
        )


def cjson(value: object) -> str:
    """``CJSON(value)`` as text, after checking every value is allowed (see the module docstring)."""
    _check_json(value, "$")
    return _ENCODER.encode(value)


def cjson_trusted(value: object) -> str:
    """``CJSON`` of a value this package built itself from validated inputs (no second type walk)."""
    return _ENCODER.encode(value)


def cjson_bytes(value: object) -> bytes:
    return cjson(value).encode("utf-8")


def _refuse_constant(name: str) -> Any:
    raise DrawInputError("draw.invalid_json", f"不允许的 JSON 常量 {name}", f"JSON constant {name} not allowed")


def _refuse_float(literal: str) -> Any:
    raise DrawInputError("draw.invalid_json", f"不允许小数 {literal}", f"floats are not allowed ({literal})")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DrawInputError("draw.invalid_json", f"JSON 对象有重复的键 {key}", f"duplicate key {key!r}")
            seen.add(key)
    return result


def loads_strict(data: bytes | str) -> Any:
    """Parse strict JSON: UTF-8, no floats, no NaN/Infinity, no duplicate keys."""
    try:
        text_ = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        return json.loads(
            text_,
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_duplicates,
        )
    except UnicodeDecodeError as exc:
        raise DrawInputError("draw.invalid_json", "不是有效的 UTF-8", f"not valid UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DrawInputError("draw.invalid_json", f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise DrawInputError("draw.invalid_json", "JSON 嵌套过深", "JSON nested too deeply") from None
