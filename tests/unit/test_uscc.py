"""统一社会信用代码 (GB 32100-2015): check character, alphabet and error detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.directories.uscc import (
    ALPHABET,
    LENGTH,
    WEIGHTS,
    UsccProblem,
    check_character,
    complete_uscc,
    is_valid_uscc,
    uscc_problem,
)

#: Codes published on business licences and in annual reports.
PUBLISHED = {
    "914403001922038216": "华为技术有限公司",
    "9144030071526726XG": "腾讯科技（深圳）有限公司",
    "91330100716105852F": "阿里巴巴（中国）有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91110000710925462X": "中国石油天然气股份有限公司",
    "91110000802100433B": "百度在线网络技术（北京）有限公司",
}
FORBIDDEN = "IOZSV"

first17s = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def test_alphabet_is_31_characters_without_i_o_z_s_v() -> None:
    assert len(ALPHABET) == 31
    assert len(set(ALPHABET)) == 31
    assert not set(FORBIDDEN) & set(ALPHABET)
    assert set(ALPHABET) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") - set(FORBIDDEN)


def test_weights_are_those_of_the_standard() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", list(PUBLISHED), ids=list(PUBLISHED.values()))
def test_published_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None
    assert is_valid_uscc(code)
    assert complete_uscc(code[:17]) == code
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", list(PUBLISHED), ids=list(PUBLISHED.values()))
def test_every_wrong_check_character_reports_the_right_one(code: str) -> None:
    right = code[17]
    for wrong in ALPHABET.replace(right, ""):
        assert uscc_problem(code[:17] + wrong) == UsccProblem("checksum", position=18, expected=right)


def test_checksum_message_names_the_expected_character() -> None:
    problem = uscc_problem("914403001922038217")

    assert problem is not None
    assert problem.message_zh == "统一社会信用代码第 18 位校验码错误，应为“6”"
    assert "expected '6'" in problem.message_en


@pytest.mark.parametrize("letter", list(FORBIDDEN))
@pytest.mark.parametrize("position", [1, 9, 11, 17, 18])
def test_forbidden_letters_are_rejected_with_their_position(letter: str, position: int) -> None:
    code = "914403001922038216"
    bad = code[: position - 1] + letter + code[position:]

    problem = uscc_problem(bad)

    assert problem == UsccProblem("character", position=position)
    assert f"第 {position} 位" in problem.message_zh


@pytest.mark.parametrize("bad", ["9144030019220382a6", "91440300192203821-", "9144030019220382 6", "91440300192203821６"],
                         ids=["lowercase", "hyphen", "space", "full-width-digit"])
def test_other_foreign_characters_are_rejected(bad: str) -> None:
    problem = uscc_problem(bad)

    assert problem is not None
    assert problem.reason == "character"


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382166"], ids=["empty", "17", "19"])
def test_wrong_length_is_reported_before_anything_else(code: str) -> None:
    problem = uscc_problem(code)

    assert problem == UsccProblem("length")
    assert str(LENGTH) in problem.message_zh


def test_first_bad_character_is_the_one_reported() -> None:
    assert uscc_problem("9I44030019220382O6") == UsccProblem("character", position=2)


@given(first17s)
def test_completed_codes_are_always_valid(first17: str) -> None:
    code = complete_uscc(first17)

    assert len(code) == LENGTH
    assert code[17] in ALPHABET
    assert uscc_problem(code) is None


@given(first17s, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_substitution_makes_a_valid_code_invalid(first17: str, index: int, replacement: str) -> None:
    """31 is prime and no weight is 0 mod 31 (the check character weighs 1), so every change of one character
    shifts the weighted sum by a non-zero amount mod 31."""
    code = complete_uscc(first17)
    changed = code[:index] + replacement + code[index + 1:]

    assert is_valid_uscc(changed) == (changed == code)


def test_every_single_substitution_of_published_codes_is_detected() -> None:
    for code in PUBLISHED:
        for index in range(LENGTH):
            for replacement in ALPHABET.replace(code[index], ""):
                assert not is_valid_uscc(code[:index] + replacement + code[index + 1:]), (code, index, replacement)


@given(first17s, st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_of_different_characters_is_detected(first17: str, index: int) -> None:
    """Neighbouring weights differ by a factor of 3 (and 3^16 ≠ 1 mod 31 for the last pair), so swapping two
    different neighbours always changes the sum mod 31."""
    code = complete_uscc(first17)
    swapped = code[:index] + code[index + 1] + code[index] + code[index + 2:]

    assert is_valid_uscc(swapped) == (swapped == code)
