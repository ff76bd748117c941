"""Signed codes for 扫码入企: round trips, and every way of altering or breaking a code refused with its own error."""

from __future__ import annotations

import base64
import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.adapters.signing import (
    AlgorithmUnsupported,
    Ed25519Signer,
    Ed25519Verifier,
    SigningKeyInvalid,
    generate_ed25519,
    verifier_for,
)
from app.domain.errors import DomainError, InvalidInput
from app.domain.onsite.codes import (
    CodeKind,
    Verifier,
    enterprise_payload,
    extract,
    issue,
    key_id,
    verify,
    visit_payload,
)

USCC = "91130300MA0CXXXX1X"
NOW = 1_760_000_000
SIGNER = Ed25519Signer.from_raw("k2025a", bytes(range(32)))
OTHER_KEY_SAME_KID = Ed25519Signer.from_raw("k2025a", bytes(range(1, 33)))
VERIFIERS: dict[str, Verifier] = {"k2025a": SIGNER.verifier()}


class FakeSm2Verifier:
    """Stands in for a verifier of another algorithm; accepts everything, so only the algorithm check can refuse."""

    algorithm = "SM2-SM3"

    def __init__(self, kid: str) -> None:
        self.kid = kid

    def verify(self, message: bytes, signature: bytes) -> bool:
        return True


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def replace_part(code: str, index: int, value: str) -> str:
    parts = code.split(".")
    parts[index] = value
    return ".".join(parts)


def code_of(kind: str, payload_json: str, signer: Ed25519Signer = SIGNER) -> str:
    """A code with exactly this payload text, properly signed: only the payload checks can refuse it."""
    signed = f"QHD1.{kind}.{b64(payload_json.encode())}.{signer.kid}.{signer.algorithm}"
    return f"{signed}.{b64(signer.sign(signed.encode()))}"


def refused(text: str, verifiers: dict[str, Verifier] = VERIFIERS, now: int | None = NOW) -> str:
    with pytest.raises(DomainError) as error:
        verify(text, verifiers, now=now)
    assert isinstance(error.value, InvalidInput)
    assert error.value.message_zh
    assert error.value.message_en
    return error.value.code


ENTERPRISE_CODE = issue(CodeKind.ENTERPRISE, enterprise_payload(USCC, 3), SIGNER)
VISIT_CODE = issue(CodeKind.VISIT, visit_payload(42, NOW + 300, "0123456789abcdef" * 2), SIGNER)


def test_enterprise_code_round_trip_and_exact_text() -> None:
    payload_part = b64(b'{"g":3,"u":"91130300MA0CXXXX1X"}')
    assert ENTERPRISE_CODE.startswith(f"QHD1.E.{payload_part}.k2025a.Ed25519.")
    assert ENTERPRISE_CODE.isascii()
    assert len(ENTERPRISE_CODE) < 160

    code = verify(ENTERPRISE_CODE, VERIFIERS, now=NOW)

    assert (code.kind, code.payload, code.kid, code.algorithm) == (CodeKind.ENTERPRISE, {"u": USCC, "g": 3},
                                                                  "k2025a", "Ed25519")
    assert verify(ENTERPRISE_CODE, VERIFIERS, now=2**40).payload["g"] == 3  # enterprise codes do not expire


def test_visit_code_round_trip_with_fresh_keys_and_nonces() -> None:
    signer, private_raw, public_raw = generate_ed25519("v1")
    payload = visit_payload(7, NOW + 60)
    text = issue(CodeKind.VISIT, payload, signer)

    code = verify(text, {"v1": verifier_for("v1", "Ed25519", public_raw)}, now=NOW + 60)

    assert code.kind is CodeKind.VISIT
    assert code.payload == payload
    assert len(payload["n"]) == 32
    assert visit_payload(7, NOW)["n"] != visit_payload(7, NOW)["n"]
    assert Ed25519Signer.from_raw("v1", private_raw).sign(b"m") == signer.sign(b"m")  # Ed25519 is deterministic
    assert verify(extract(f"https://aj.qhd.gov.cn/q/{text}?from=scan#x"), {"v1": signer.verifier()}).payload == payload


def test_extract_accepts_the_bare_code_and_urls_ending_in_q_code() -> None:
    assert extract(VISIT_CODE) == VISIT_CODE
    assert extract(f"  {VISIT_CODE}\n") == VISIT_CODE
    assert extract(f"https://aj.qhd.gov.cn/inspect/q/{VISIT_CODE}") == VISIT_CODE
    assert extract(f"http://10.0.0.1:8080/q/{VISIT_CODE}?utm=1") == VISIT_CODE
    for bad in ("", "https://aj.qhd.gov.cn/", "https://aj.qhd.gov.cn/q/", f"https://x/p/{VISIT_CODE}",
                f"https://x/q/{VISIT_CODE}/", "http://[::1/q/x", "x" * 10_000):
        with pytest.raises(InvalidInput) as error:
            extract(bad)
        assert error.value.code == "code.malformed"


def test_every_single_bit_flip_of_every_character_is_refused_bare_and_in_a_url() -> None:
    codes: dict[str, int] = {}
    accepted = tried = 0
    for original in (ENTERPRISE_CODE, VISIT_CODE):
        data = original.encode("ascii")
        for i in range(len(data)):
            for bit in range(8):
                flipped = bytearray(data)
                flipped[i] ^= 1 << bit
                if not flipped.isascii():
                    continue
                text = flipped.decode("ascii")
                tried += 1
                for candidate in (text, f"https://aj.qhd.gov.cn/q/{text}"):
                    try:
                        verify(extract(candidate), VERIFIERS, now=NOW)
                    except DomainError as error:
                        codes[error.code] = codes.get(error.code, 0) + 1
                    else:
                        accepted += 1

    assert accepted == 0
    assert tried > 1500
    assert {"code.malformed", "code.unknown_key", "code.algorithm_mismatch", "code.forged"} <= codes.keys()


def test_unknown_key_id() -> None:
    assert refused(replace_part(ENTERPRISE_CODE, 3, "k2026a")) == "code.unknown_key"
    assert refused(ENTERPRISE_CODE, {"other": SIGNER.verifier()}) == "code.unknown_key"


def test_algorithm_id_swapped_to_another_registered_algorithm() -> None:
    verifiers: dict[str, Verifier] = {**VERIFIERS, "sm2a": FakeSm2Verifier("sm2a")}

    assert refused(replace_part(ENTERPRISE_CODE, 4, "SM2-SM3"), verifiers) == "code.algorithm_mismatch"
    assert refused(replace_part(ENTERPRISE_CODE, 3, "sm2a"), verifiers) == "code.algorithm_mismatch"


def test_payload_of_one_code_with_the_signature_of_another_is_forged() -> None:
    other = issue(CodeKind.ENTERPRISE, enterprise_payload(USCC, 4), SIGNER)
    assert refused(replace_part(other, 5, ENTERPRISE_CODE.split(".")[5])) == "code.forged"
    assert refused(replace_part(ENTERPRISE_CODE, 2, other.split(".")[2])) == "code.forged"
    as_visit = replace_part(VISIT_CODE, 5, ENTERPRISE_CODE.split(".")[5])
    assert refused(as_visit) == "code.forged"


def test_a_code_signed_by_another_key_under_the_same_kid_is_forged() -> None:
    text = issue(CodeKind.ENTERPRISE, enterprise_payload(USCC, 3), OTHER_KEY_SAME_KID)

    assert text.split(".")[:5] == ENTERPRISE_CODE.split(".")[:5]
    assert refused(text) == "code.forged"
    assert refused(replace_part(ENTERPRISE_CODE, 5, b64(b"\x00" * 64))) == "code.forged"
    assert refused(replace_part(ENTERPRISE_CODE, 5, b64(b"\x00" * 63))) == "code.forged"


def test_an_expired_visit_code() -> None:
    expiry = NOW + 300
    assert verify(VISIT_CODE, VERIFIERS, now=expiry).payload["x"] == expiry
    assert verify(VISIT_CODE, VERIFIERS).payload["v"] == 42  # without a clock, no expiry check

    with pytest.raises(InvalidInput) as error:
        verify(VISIT_CODE, VERIFIERS, now=expiry + 1)
    assert error.value.code == "code.expired"
    assert error.value.details == {"expired_at": expiry}


def test_a_forged_expired_code_is_forged_not_expired() -> None:
    old = issue(CodeKind.VISIT, visit_payload(42, NOW - 1, "ab" * 16), OTHER_KEY_SAME_KID)
    assert refused(old) == "code.forged"


@pytest.mark.parametrize("text", [
    "",
    "QHD1",
    "QHD1.E.e30.k2025a.Ed25519",  # 5 parts
    "QHD1.E.e30.k2025a.Ed25519.AAAA.AAAA",  # 7 parts
    ENTERPRISE_CODE.replace("QHD1.", "QHD2.", 1),
    ENTERPRISE_CODE.replace("QHD1.", "qhd1.", 1),
    replace_part(ENTERPRISE_CODE, 1, "X"),
    replace_part(ENTERPRISE_CODE, 1, "e"),
    replace_part(ENTERPRISE_CODE, 1, ""),
    replace_part(ENTERPRISE_CODE, 2, ""),
    replace_part(ENTERPRISE_CODE, 2, "e30="),  # padding
    replace_part(ENTERPRISE_CODE, 2, "e3+/"),  # standard, not URL-safe, alphabet
    replace_part(ENTERPRISE_CODE, 2, "e30a1"),  # a length base64 cannot have
    replace_part(ENTERPRISE_CODE, 2, "e31"),  # "{}" with stray trailing bits
    replace_part(ENTERPRISE_CODE, 3, ""),
    replace_part(ENTERPRISE_CODE, 3, "k" * 33),
    replace_part(ENTERPRISE_CODE, 3, "k 1"),
    replace_part(ENTERPRISE_CODE, 4, ""),
    replace_part(ENTERPRISE_CODE, 4, "Ed25519!"),
    replace_part(ENTERPRISE_CODE, 5, ""),
    replace_part(ENTERPRISE_CODE, 5, "AAAA="),
    ENTERPRISE_CODE + "\n",
    "秦" + ENTERPRISE_CODE,
    "QHD1." * 300,
])
def test_malformed_texts(text: str) -> None:
    assert refused(text) == "code.malformed"


@pytest.mark.parametrize(("kind", "payload_json"), [
    ("E", "not json"),
    ("E", '{"g":3,"u":"91130300MA0CXXXX1X"'),
    ("E", "[]"),
    ("E", "3"),
    ("E", "{}"),
    ("E", '{"g":3,"u":"91130300MA0CXXXX1X","x":1}'),  # an extra key
    ("E", '{"g":"3","u":"91130300MA0CXXXX1X"}'),
    ("E", '{"g":3.0,"u":"91130300MA0CXXXX1X"}'),
    ("E", '{"g":true,"u":"91130300MA0CXXXX1X"}'),
    ("E", '{"g":0,"u":"91130300MA0CXXXX1X"}'),
    ("E", '{"g":9007199254740992,"u":"91130300MA0CXXXX1X"}'),
    ("E", '{"g":3,"u":"91130300MA0CXXXX1"}'),
    ("E", '{"g":3,"u":"91130300ma0cxxxx1x"}'),
    ("E", '{"g":3,"u":91130300}'),
    ("E", '{"g":3,"u":null}'),
    ("E", '{"u":"91130300MA0CXXXX1X","g":3}'),  # keys not sorted
    ("E", '{"g": 3,"u":"91130300MA0CXXXX1X"}'),  # not compact
    ("E", '{"g":3,"g":3,"u":"91130300MA0CXXXX1X"}'),  # duplicate key
    ("E", '{"g":3,"u":"91130300MA0CXXXX1\\u0058"}'),  # an escape the canonical form does not use
    ("E", '{"n":"' + "ab" * 16 + '","v":1,"x":1}'),  # a visit payload under kind E
    ("V", '{"g":3,"u":"91130300MA0CXXXX1X"}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":0,"x":1}'),
    ("V", '{"n":"' + "AB" * 16 + '","v":1,"x":1}'),
    ("V", '{"n":"' + "ab" * 15 + '","v":1,"x":1}'),
    ("V", '{"n":"' + "xy" * 16 + '","v":1,"x":1}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":1,"x":-1}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":1,"x":1.5}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":1,"x":NaN}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":1}'),
    ("V", '{"n":"' + "ab" * 16 + '","v":[1],"x":1}'),
    ("V", "[" * 5000 + "]" * 5000),
])
def test_properly_signed_but_wrong_payloads_are_malformed(kind: str, payload_json: str) -> None:
    assert refused(code_of(kind, payload_json)) == "code.malformed"


def test_payload_bytes_that_are_not_utf8_are_malformed() -> None:
    payload = b64(b"\xff\xfe{}")
    signed = f"QHD1.E.{payload}.k2025a.Ed25519"
    assert refused(f"{signed}.{b64(SIGNER.sign(signed.encode()))}") == "code.malformed"


def test_issue_refuses_what_verify_would_refuse() -> None:
    bad: list[tuple[Any, dict[str, Any]]] = [
        (CodeKind.ENTERPRISE, {"u": USCC, "g": 0}),
        (CodeKind.ENTERPRISE, {"u": USCC}),
        (CodeKind.VISIT, {"v": 1, "n": "short", "x": NOW}),
        ("Q", {"u": USCC, "g": 1}),
    ]
    for kind, payload in bad:
        with pytest.raises(InvalidInput) as error:
            issue(kind, payload, SIGNER)
        assert error.value.code == "code.malformed"
    assert issue("E", {"u": USCC, "g": 3}, SIGNER) == ENTERPRISE_CODE  # type: ignore[arg-type]


def test_signing_adapter_keys_and_algorithms() -> None:
    with pytest.raises(InvalidInput) as error:
        verifier_for("k1", "SM2-SM3", b"\x00" * 32)
    assert isinstance(error.value, AlgorithmUnsupported)
    assert error.value.code == "signing.algorithm_unsupported"
    for bad in (lambda: Ed25519Signer.from_raw("k1", b"short"), lambda: Ed25519Verifier.from_raw("k1", b"\x00" * 31),
                lambda: generate_ed25519("bad kid"), lambda: generate_ed25519("k" * 33)):
        with pytest.raises(SigningKeyInvalid):
            bad()
    verifier = SIGNER.verifier()
    assert verifier.public_raw == SIGNER.public_raw
    assert verifier.verify(b"m", SIGNER.sign(b"m")) is True
    assert verifier.verify(b"m", b"") is False
    assert verifier.verify(b"m", b"\xff" * 64) is False


code_like = st.builds(
    lambda parts: ".".join(parts),
    st.lists(st.one_of(st.sampled_from(["QHD1", "E", "V", "k2025a", "Ed25519", "SM2-SM3", "e30", "", "AAAA"]),
                       st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/",
                               max_size=90)),
             min_size=0, max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1")), code_like,
                 code_like.map(lambda c: "https://aj.qhd.gov.cn/q/" + c)))
def test_random_text_raises_only_domain_errors(text: str) -> None:
    verifiers: dict[str, Verifier] = {**VERIFIERS, "sm2a": FakeSm2Verifier("sm2a")}
    with contextlib.suppress(DomainError):
        verify(extract(text), verifiers, now=NOW)
    with contextlib.suppress(DomainError):
        verify(text, verifiers, now=NOW)


def test_key_id_reads_only_the_key_id_field() -> None:
    text = issue(CodeKind.ENTERPRISE, enterprise_payload(USCC, 1), SIGNER)
    assert key_id(text) == SIGNER.kid
    assert key_id(replace_part(text, 1, "X")) == SIGNER.kid  # malformed elsewhere: verify refuses it
    for bad in ("", "QHD1.E.x", "QHD2" + text[4:], text + ".x", "QHD1.E.p.bad kid.Ed25519.s", "x" * 5000):
        assert key_id(bad) is None
