"""The simulator's own GB 32100 / GB 11714 checker."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import uscc

KNOWN_VALID = ["91350100M000100Y43"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes(code: str) -> None:
    assert uscc.is_valid(code)
    assert uscc.check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",   # wrong check character
    "91350100M000100Y4",    # 17 characters
    "91350100M000100Y433",  # 19 characters
    "91350100m000100Y43",   # lower case
    "91350100MO00100Y43",   # O is not in the alphabet
    "91350100MI00100Y43",   # nor I
    "",
    None,
    913501000001001,
])
def test_invalid_codes(code: object) -> None:
    assert not uscc.is_valid(code)


def test_organisation_code_check_of_the_standard_example() -> None:
    assert uscc.org_check_char("D2143569") == "X"  # GB 11714-1997's example D2143569-X


def test_alphabet_has_31_characters_without_i_o_s_v_z() -> None:
    assert len(uscc.ALPHABET) == 31
    assert not set("IOSVZ") & set(uscc.ALPHABET)


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_appending_the_check_character_makes_a_valid_code(body: str) -> None:
    assert uscc.is_valid(body + uscc.check_char(body))


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(uscc.ALPHABET))
def test_any_single_substitution_is_detected(body: str, position: int, replacement: str) -> None:
    code = body + uscc.check_char(body)
    changed = code[:position] + replacement + code[position + 1:]
    assert uscc.is_valid(changed) == (changed == code)


@given(st.integers(0, 31**6 - 1))
def test_base31_round_trip(number: int) -> None:
    assert uscc.from_base31(uscc.to_base31(number, 6)) == number
