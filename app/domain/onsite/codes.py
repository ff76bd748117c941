"""Signed codes for 扫码入企: the enterprise code printed at the gate (``E``) and the short-lived visit code shown on
the inspector's phone (``V``).

Text format (ASCII, URL-safe, compact for a QR code)::

    QHD1.<kind>.<payload>.<kid>.<alg>.<sig>

* ``<payload>``: base64url without padding of the canonical JSON of the payload (keys sorted, separators ``,``
  and ``:``, non-ASCII written as itself, UTF-8).
  ``E``: ``{"g": generation, "u": uscc}`` (bumping the enterprise's generation revokes old prints);
  ``V``: ``{"n": nonce (32 hex digits), "v": visit id, "x": expiry in unix seconds}``.
* ``<kid>``: the key id (``[A-Za-z0-9_-]{1,32}``); ``<alg>``: the algorithm id (``Ed25519``; e.g. ``SM2-SM3``
  later), so keys rotate and national algorithms plug in.
* ``<sig>``: base64url without padding of the signature over the UTF-8 bytes of ``QHD1.<kind>.<payload>.<kid>.<alg>``
  (so changing the kid or the algorithm breaks the signature, not only the choice of key).

Reading is strict: every part must be in its one canonical form (base64 without stray bits, JSON exactly as
``issue`` writes it, the exact keys and types of the kind), so no two texts carry the same signed content.
Whatever the input, ``verify`` raises nothing but the ``CodeError`` subclasses below.
Whether an enterprise code's generation is still current, and whether a visit code's nonce is the visit's current
one, is for the caller to check against its records.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from app.domain.errors import InvalidInput

PREFIX = "QHD1"
#: The longest text ``verify`` reads: far above any real code (about 150 characters), far below a QR code's capacity.
MAX_LENGTH = 1024
#: Visit code nonces: 16 random bytes as 32 lowercase hex digits.
NONCE_BYTES = 16
#: Integers in payloads stay within what every JSON reader keeps exact.
MAX_INT = 2**53 - 1
USCC_LENGTH = 18

_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_B64 = re.compile(r"[A-Za-z0-9_-]+")
_USCC = re.compile(r"[0-9A-Z]{18}")
_NONCE = re.compile(r"[0-9a-f]{32}")


class CodeKind(StrEnum):
    #: Static, printed at the enterprise's gate.
    ENTERPRISE = "E"
    #: Short-lived, shown on the inspector's phone.
    VISIT = "V"


class CodeError(InvalidInput):
    """Base of every reason a code is refused."""

    code = "code.invalid"
    message_zh = "二维码无效"
    message_en = "The code is not valid"


class CodeMalformed(CodeError):
    code = "code.malformed"
    message_zh = "无法识别的二维码，请扫描本系统生成的企业码或检查码"
    message_en = "The code is malformed"


class CodeUnknownKey(CodeError):
    code = "code.unknown_key"
    message_zh = "二维码的签名密钥未知或已停用，请使用最新的二维码"
    message_en = "The code is signed with an unknown or retired key"


class CodeAlgorithmMismatch(CodeError):
    code = "code.algorithm_mismatch"
    message_zh = "二维码的签名算法与密钥不符"
    message_en = "The code's signature algorithm does not match its key"


class CodeForged(CodeError):
    code = "code.forged"
    message_zh = "二维码签名校验失败，可能被伪造或篡改"
    message_en = "The code's signature is not valid (forged or altered)"


class CodeExpired(CodeError):
    code = "code.expired"
    message_zh = "检查码已过期，请检查人员刷新后重新扫码"
    message_en = "The visit code has expired"


class Signer(Protocol):
    @property
    def kid(self) -> str: ...

    @property
    def algorithm(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


class Verifier(Protocol):
    @property
    def kid(self) -> str: ...

    @property
    def algorithm(self) -> str: ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """False for a signature that does not verify; never raises for any bytes."""
        ...


@dataclass(frozen=True, slots=True)
class SignedCode:
    kind: CodeKind
    payload: dict[str, Any]
    kid: str
    algorithm: str


def is_key_id(value: str) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def is_algorithm_id(value: str) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def enterprise_payload(uscc: str, generation: int) -> dict[str, Any]:
    return {"u": uscc, "g": generation}


def visit_payload(visit_id: int, expires_at: int, nonce: str | None = None) -> dict[str, Any]:
    return {"v": visit_id, "n": new_nonce() if nonce is None else nonce, "x": expires_at}


def issue(kind: CodeKind, payload: Mapping[str, Any], signer: Signer) -> str:
    """The text of a code of ``kind`` carrying ``payload``, signed by ``signer``.

    Raises CodeMalformed for a payload ``verify`` would refuse, InvalidInput (``code.signer_invalid``) for a
    signer whose key id or algorithm id cannot be written.
    """
    try:
        kind = CodeKind(kind)
    except ValueError:
        raise _malformed("kind") from None
    body = dict(payload)
    _check_payload(kind, body)
    kid, algorithm = signer.kid, signer.algorithm
    if not (is_key_id(kid) and is_algorithm_id(algorithm)):
        raise InvalidInput("签名密钥编号或算法标识不合规", "the signer's key id or algorithm id is not valid",
                           code="code.signer_invalid", details={"kid": str(kid)[:40], "algorithm": str(algorithm)[:40]})
    signed = f"{PREFIX}.{kind.value}.{_b64encode(_canonical(body))}.{kid}.{algorithm}"
    return f"{signed}.{_b64encode(signer.sign(signed.encode('ascii')))}"


def extract(text: str) -> str:
    """The bare code in ``text``: the code itself, or a URL whose path ends in ``/q/<code>`` (query and fragment
    ignored). Surrounding whitespace, as scanners add, is dropped. Checks nothing else (``verify`` does)."""
    if not isinstance(text, str) or len(text) > 4 * MAX_LENGTH:
        raise _malformed("text")
    text = text.strip()
    if text.startswith(PREFIX + "."):
        return text
    try:
        path = urlsplit(text).path
    except ValueError:
        raise _malformed("url") from None
    _head, sep, code = path.rpartition("/q/")
    if not sep or not code or "/" in code:
        raise _malformed("url")
    return code


def key_id(text: str) -> str | None:
    """The key id the code ``text`` (bare) names, None when it names none. Only that field is read: nothing is
    verified here, and ``verify`` reads the whole code (a malformed one is refused there)."""
    parts = text.split(".") if isinstance(text, str) and len(text) <= MAX_LENGTH else ()
    return parts[3] if len(parts) == 6 and parts[0] == PREFIX and is_key_id(parts[3]) else None


def verify(text: str, verifiers: Mapping[str, Verifier], *, now: int | None = None) -> SignedCode:
    """Check the code ``text`` (bare, see ``extract``) with the verifier of its key id.

    Raises, checked in this order: CodeMalformed, CodeUnknownKey, CodeAlgorithmMismatch, CodeForged and, for a
    visit code when ``now`` (unix seconds) is given and its expiry is before ``now``, CodeExpired.
    """
    kind, payload, kid, algorithm, signed, signature = _parse(text)
    verifier = verifiers.get(kid)
    if verifier is None:
        raise CodeUnknownKey(details={"kid": kid})
    if verifier.algorithm != algorithm:
        raise CodeAlgorithmMismatch(details={"kid": kid, "algorithm": algorithm, "expected": verifier.algorithm})
    if verifier.verify(signed, signature) is not True:
        raise CodeForged(details={"kid": kid})
    if kind is CodeKind.VISIT and now is not None and payload["x"] < now:
        raise CodeExpired(details={"expired_at": payload["x"]})
    return SignedCode(kind, payload, kid, algorithm)


def _parse(text: str) -> tuple[CodeKind, dict[str, Any], str, str, bytes, bytes]:
    if not isinstance(text, str) or not text or len(text) > MAX_LENGTH or not text.isascii():
        raise _malformed("text")
    parts = text.split(".")
    if len(parts) != 6:
        raise _malformed("parts")
    prefix, kind_text, payload_text, kid, algorithm, signature_text = parts
    if prefix != PREFIX:
        raise _malformed("prefix")
    try:
        kind = CodeKind(kind_text)
    except ValueError:
        raise _malformed("kind") from None
    if not is_key_id(kid):
        raise _malformed("kid")
    if not is_algorithm_id(algorithm):
        raise _malformed("algorithm")
    raw = _b64decode(payload_text, "payload")
    signature = _b64decode(signature_text, "signature")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _malformed("json") from None
    if not isinstance(payload, dict):
        raise _malformed("json")
    _check_payload(kind, payload)
    if _canonical(payload) != raw:
        raise _malformed("json")
    return kind, payload, kid, algorithm, text.rpartition(".")[0].encode("ascii"), signature


def _check_payload(kind: CodeKind, payload: dict[str, Any]) -> None:
    if kind is CodeKind.ENTERPRISE:
        ok = (payload.keys() == {"u", "g"} and isinstance(payload["u"], str) and _USCC.fullmatch(payload["u"])
              is not None and _is_int(payload["g"], 1))
    else:
        ok = (payload.keys() == {"v", "n", "x"} and _is_int(payload["v"], 1) and isinstance(payload["n"], str)
              and _NONCE.fullmatch(payload["n"]) is not None and _is_int(payload["x"], 0))
    if not ok:
        raise _malformed("payload")


def _is_int(value: object, minimum: int) -> bool:
    return type(value) is int and minimum <= value <= MAX_INT


def _canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str, part: str) -> bytes:
    """Strict: the URL-safe alphabet, no padding, and the one encoding of the bytes (no stray trailing bits)."""
    if _B64.fullmatch(text) is None or len(text) % 4 == 1:
        raise _malformed(part)
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _malformed(part) from None
    if _b64encode(data) != text:
        raise _malformed(part)
    return data


def _malformed(part: str) -> CodeMalformed:
    return CodeMalformed(details={"part": part})
