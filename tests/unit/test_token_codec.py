"""Access tokens: a token checked once is remembered until it expires, and nothing else gets through."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from app.adapters import security
from app.adapters.security import JwtTokenCodec
from app.domain.errors import AuthenticationFailed

SECRET = "s" * 48


def codes_of(codec: JwtTokenCodec, token: str) -> str:
    with pytest.raises(AuthenticationFailed) as refused:
        codec.decode(token)
    return refused.value.code


def test_a_remembered_token_still_expires_and_its_claims_cannot_be_altered(monkeypatch: pytest.MonkeyPatch) -> None:
    codec = JwtTokenCodec(SECRET, "qhd")
    token = codec.issue({"sub": "7", "sid": "abc"}, minutes=5)
    first = codec.decode(token)
    first["sub"] = "1"  # the caller's copy
    assert codec.decode(token)["sub"] == "7"
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: time.time() + 301))
    assert codes_of(codec, token) == "auth.token_expired"


def test_altered_or_foreign_tokens_are_refused_after_a_good_one_was_remembered() -> None:
    codec = JwtTokenCodec(SECRET, "qhd")
    token = codec.issue({"sub": "7", "sid": "abc"}, minutes=5)
    codec.decode(token)
    head, body, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert codes_of(codec, f"{head}.{body}.{flipped}") == "auth.token_invalid"
    assert codes_of(codec, JwtTokenCodec("t" * 48, "qhd").issue({"sub": "7", "sid": "abc"}, minutes=5)) \
        == "auth.token_invalid"
    assert codes_of(codec, JwtTokenCodec(SECRET, "elsewhere").issue({"sub": "7", "sid": "abc"}, minutes=5)) \
        == "auth.token_invalid"


def test_the_oldest_remembered_tokens_are_forgotten_first() -> None:
    codec = JwtTokenCodec(SECRET, "qhd")
    codec.REMEMBERED = 3
    tokens = [codec.issue({"sub": str(n), "sid": "abc"}, minutes=5) for n in range(5)]
    for token in tokens:
        codec.decode(token)
    assert list(codec._checked) == tokens[2:]
