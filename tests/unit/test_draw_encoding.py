"""Known answers for the byte encodings and commitments of CN-INSPECT/v1, derived here from hashlib alone."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.draws import DrawInputError, DrawParams, FrameRow, params_hash, salt_commit
from app.domain.draws.algorithm import assignment_key, selection_key
from app.domain.draws.encoding import cjson, h, loads_strict, lp, u32
from app.domain.draws.selection import keys, prepare_frame, ticket
from tests.unit.test_draw_helpers import any_usccs, draw_inputs, gb_usccs, reference_frame_hash, reference_key

SPEC_PARAMS = (
    '{"algorithm":"CN-INSPECT/v1","industry_min":3,"load_slack":1,"mode":"rate","overall_min_bp":300,'
    '"rates_bp":{"A":200,"B":500,"C":2000,"D":5000,"U":500},"team_depts":["ZF1","FMK"],"team_size":2,"weights":null}'
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_u32_is_four_bytes_big_endian_and_refuses_what_does_not_fit() -> None:
    assert u32(0) == b"\x00\x00\x00\x00"
    assert u32(258) == b"\x00\x00\x01\x02"
    assert u32(2**32 - 1) == b"\xff\xff\xff\xff"
    for bad in (-1, 2**32, True):
        with pytest.raises(DrawInputError):
            u32(bad)


@pytest.mark.parametrize(("text", "encoded"), [
    ("", "00000000"),
    ("A", "0000000141"),
    ("秦", "00000003e7a7a6"),
    ("🎲", "00000004f09f8eb2"),
    ("𠀋", "00000004f0a0808b"),
    ("e\u0301", "00000002c3a9"),  # LP normalises to NFC: é
    ("\uf900", "00000003e8b188"),  # a CJK compatibility ideograph becomes U+8C48 under NFC
])
def test_lp_is_length_prefixed_utf8_of_the_nfc_string(text: str, encoded: str) -> None:
    assert lp(text).hex() == encoded


def test_h_is_sha256_of_the_concatenation() -> None:
    assert h(b"ab", b"c") == sha(b"abc")


def test_cjson_sorts_keys_uses_no_spaces_and_writes_non_ascii_as_itself() -> None:
    value = {"b": 1, "a": [1, "秦皇岛", None, True, False, {"z": []}], "𠀋": (2, 3)}

    assert cjson(value) == '{"a":[1,"秦皇岛",null,true,false,{"z":[]}],"b":1,"𠀋":[2,3]}'


def test_cjson_orders_keys_by_code_point_and_escapes_like_rfc_8785() -> None:
    assert cjson({"é": 1, "z": 2, "A": 3, "𠀋": 4, "\uffef": 5}) == '{"A":3,"z":2,"é":1,"\uffef":5,"𠀋":4}'
    assert cjson("\x01\x1f\n\t\"\\/\x7f\u2028") == '"\\u0001\\u001f\\n\\t\\"\\\\/\x7f\u2028"'


@pytest.mark.parametrize("bad", [1.0, float("nan"), float("inf"), {1: "a"}, 2**53, -(2**53), b"x", "\ud800", {"k": [0.5]}])
def test_cjson_refuses_floats_non_string_keys_huge_integers_bytes_and_surrogates(bad: object) -> None:
    with pytest.raises(DrawInputError) as error:
        cjson(bad)
    assert error.value.code == "draw.invalid_json"


@pytest.mark.parametrize("text", ['{"a":1.0}', '{"a":1e3}', '{"a":NaN}', '{"a":Infinity}', '{"a":1,"a":2}', "{", "\xff"])
def test_strict_json_refuses_floats_constants_duplicate_keys_and_garbage(text: str) -> None:
    with pytest.raises(DrawInputError):
        loads_strict(text.encode("latin-1"))


def test_params_hash_of_the_spec_example() -> None:
    params = DrawParams.rate({"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}, industry_min=3, overall_min_bp=300,
                             team_depts=["ZF1", "FMK"], team_size=2, load_slack=1)
    domain, text = b"CN-INSPECT-PARAMS/v1", SPEC_PARAMS.encode()

    assert cjson(params.to_json()) == SPEC_PARAMS
    assert params_hash(params) == sha(u32(len(domain)) + domain + u32(len(text)) + text).hex()
    assert DrawParams.from_json(loads_strict(SPEC_PARAMS)) == params


def test_salt_commit_hashes_the_hex_text_of_the_salt() -> None:
    salt = "0f" * 32

    assert salt_commit(salt) == sha(b"\x00\x00\x00\x07SALT/v1" + b"\x00\x00\x00\x40" + salt.encode()).hex()


def test_selection_and_assignment_keys_concatenate_as_specified() -> None:
    fh, ph, rh, eh = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32, b"\x04" * 32
    args = ("2026001-001-D1", "🎲 seed", "ab" * 32)

    assert selection_key(*args, fh, ph) == sha(b"".join(map(lp, ("CN-INSPECT-SELECT/v1", *args))) + fh + ph)
    assert assignment_key(*args, rh, eh, ph) == sha(b"".join(map(lp, ("CN-INSPECT-ASSIGN/v1", *args))) + rh + eh + ph)


@settings(max_examples=80, deadline=None)
@given(st.lists(any_usccs, min_size=1, max_size=25, unique=True))
def test_frame_hash_matches_the_plain_formula_on_both_encoding_paths(codes: list[str]) -> None:
    rows = [FrameRow(c, "冶金" if i % 2 else "GM", "𠀋县", "ABCDU"[i % 5], 1 + i % 3) for i, c in enumerate(codes)]

    assert prepare_frame(rows).digest.hex() == reference_frame_hash(rows)


@settings(max_examples=60, deadline=None)
@given(draw_inputs(max_rows=20))
def test_keys_are_the_minimum_ticket_over_j_on_both_encoding_paths(case: dict[str, object]) -> None:
    frame = case["frame"]
    assert isinstance(frame, list)
    prepared = prepare_frame(frame)
    k_sel = b"\x07" * 32

    computed = keys(k_sel, prepared)

    for i, row in enumerate(prepared.rows):
        assert computed[i] == reference_key(k_sel, row[0], row[4]) == ticket(k_sel, row[0], row[4])[0]


@given(gb_usccs)
def test_ticket_reports_the_first_j_that_gives_the_minimum(code: str) -> None:
    k_sel = b"\x09" * 32
    tickets = [sha(k_sel + lp(code) + u32(j)) for j in range(1, 9)]

    key, j = ticket(k_sel, code, 8)

    assert key == min(tickets)
    assert tickets.index(key) == j - 1
