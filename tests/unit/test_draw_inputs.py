"""Validation of a draw's inputs: every refusal is a ``DrawInputError`` with a stable code and two messages."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.draws import (
    CODES,
    DrawInputError,
    DrawParams,
    Exclusion,
    FrameRow,
    RosterRow,
    SeedSource,
    execute_draw,
    frame_hash,
)

RATES = {"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}
PARAMS = DrawParams.rate(RATES, industry_min=1, overall_min_bp=300, team_depts=["ZF1"], team_size=1, load_slack=0)
FRAME = [FrameRow(f"91130302MA0{n:06d}X", "GM", "130302", "ABCDU"[n % 5], 1) for n in range(10)]
ROSTER = [RosterRow("P1", "ZF1"), RosterRow("P2", "ZF1")]
SOURCE = SeedSource("system", (), "2026-03-20T09:30:00+08:00")


def run(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"draw_id": "2026001-001-D1", "seed": "demo", "seed_source": SOURCE, "salt": "ab" * 32,
                            "params": PARAMS, "frame": FRAME, "roster": ROSTER, "exclusions": []}
    return execute_draw(**{**args, **changes})


def refused(code: str, **changes: Any) -> DrawInputError:
    with pytest.raises(DrawInputError) as error:
        run(**changes)
    assert error.value.code == code, error.value
    assert error.value.code in CODES
    assert error.value.message_zh
    assert error.value.message_en
    return error.value


def test_draw_input_error_is_a_value_error_with_code_and_messages() -> None:
    error = refused("draw.frame_empty", frame=[])

    assert isinstance(error, ValueError)
    assert "名录为空" in error.message_zh


@pytest.mark.parametrize(("row", "code"), [
    (FrameRow("X1", "GM", "130302", "E", 1), "draw.invalid_frame"),
    (FrameRow("X1", "GM", "130302", "A", 0), "draw.invalid_frame"),
    (FrameRow("X1", "GM", "130302", "A", True), "draw.invalid_frame"),
    (FrameRow("X1", "GM", "130302", "A", 1.0), "draw.invalid_frame"),  # type: ignore[arg-type]
    (FrameRow("X1", "GM", "130302", "A", "1"), "draw.invalid_frame"),  # type: ignore[arg-type]
    (FrameRow("X1", "GM", "130302", "A", 2), "draw.invalid_frame"),  # rate mode: weight 1
    (FrameRow("X1", "G|M", "130302", "A", 1), "draw.invalid_frame"),
    (FrameRow("X1", "", "130302", "A", 1), "draw.invalid_frame"),
    (FrameRow("X1", "e\u0301", "130302", "A", 1), "draw.not_nfc"),
    (FrameRow("Xe\u0301", "GM", "130302", "A", 1), "draw.not_nfc"),
    (FrameRow("X\ud800", "GM", "130302", "A", 1), "draw.invalid_json"),
    (FrameRow(1, "GM", "130302", "A", 1), "draw.invalid_frame"),  # type: ignore[arg-type]
    (("X1", "GM", "130302", "A"), "draw.invalid_frame"),
    (("X1", "GM", "130302", "A", 1, "extra"), "draw.invalid_frame"),
])
def test_bad_frame_rows_are_refused(row: Any, code: str) -> None:
    refused(code, frame=[*FRAME, row])


def test_a_bool_weight_is_refused_even_next_to_an_equal_int() -> None:
    refused("draw.invalid_frame", frame=[*FRAME, FrameRow("X1", FRAME[0].industry, FRAME[0].county, FRAME[0].risk_class,
                                                           True)])


@pytest.mark.parametrize("ordered", [True, False])
def test_duplicate_usccs_are_refused_in_any_order(ordered: bool) -> None:
    frame = [*FRAME, FRAME[3]] if not ordered else sorted([*FRAME, FRAME[3]])

    error = refused("draw.duplicate_uscc", frame=frame)

    assert error.details["uscc"] == FRAME[3].uscc


def test_rows_as_lists_are_the_same_draw_as_rows_as_tuples() -> None:
    assert run(frame=[list(r) for r in reversed(FRAME)]) == run()
    assert frame_hash([list(r) for r in FRAME]) == frame_hash(FRAME)  # type: ignore[misc]


def test_weight_mode_rows_must_carry_their_class_weight() -> None:
    params = DrawParams.weight({"A": 1, "B": 2, "C": 4, "D": 8, "U": 2}, industry_min=1, overall_min_bp=300,
                               team_depts=["ZF1"], team_size=1, load_slack=0)

    refused("draw.invalid_frame", params=params)
    frame = [r._replace(weight=params.class_weight(r.risk_class)) for r in FRAME]
    assert run(params=params, frame=frame)["params"]["mode"] == "weight"


@pytest.mark.parametrize(("roster", "code"), [
    ([], "draw.roster_empty"),
    ([RosterRow("P1", "ZF1"), RosterRow("P1", "FMK")], "draw.duplicate_person"),
    ([RosterRow("P1", "")], "draw.invalid_roster"),
    ([("P1",)], "draw.invalid_roster"),
])
def test_bad_rosters_are_refused(roster: list[Any], code: str) -> None:
    refused(code, roster=roster)


def test_an_excluded_pair_may_appear_only_once() -> None:
    pair = [Exclusion(FRAME[0].uscc, "P1", "回避"), Exclusion(FRAME[0].uscc, "P1", "休假")]

    refused("draw.duplicate_exclusion", exclusions=pair)
    assert run(exclusions=[Exclusion("NOT-IN-FRAME", "NOBODY", "其他任务的回避")])["exclusions"]


@pytest.mark.parametrize(("seed", "source", "code"), [
    ("1234567890123456789", SeedSource("public-ceremony", ("见证人",), "2026-03-20T09:30:00+08:00"), "draw.invalid_seed"),
    ("1234567890 1234567890", SeedSource("public-ceremony", ("见证人",), "2026-03-20T09:30:00+08:00"), "draw.invalid_seed"),
    ("１２３４５６７８９０１２３４５６７８９０", SeedSource("public-ceremony", ("见证人",), "2026-03-20T09:30:00+08:00"),
     "draw.invalid_seed"),
    ("", SOURCE, "draw.invalid_seed"),
    ("e\u0301", SOURCE, "draw.not_nfc"),
])
def test_bad_seeds_are_refused(seed: str, source: SeedSource, code: str) -> None:
    refused(code, seed=seed, seed_source=source)


def test_a_public_ceremony_seed_of_twenty_digits_is_accepted() -> None:
    source = SeedSource("public-ceremony", ("张三", "李四"), "2026-03-20T09:30:00+08:00")

    assert run(seed="01234567890123456789", seed_source=source)["seed_source"]["kind"] == "public-ceremony"


@pytest.mark.parametrize("args", [
    ("lottery", (), "2026-03-20T09:30:00+08:00"),
    ("public-ceremony", (), "2026-03-20T09:30:00+08:00"),
    ("system", (), "2026-03-20T09:30:00"),
    ("system", (), "yesterday"),
    ("system", ("",), "2026-03-20T09:30:00+08:00"),
])
def test_bad_seed_sources_are_refused(args: tuple[Any, ...]) -> None:
    with pytest.raises(DrawInputError) as error:
        SeedSource(*args)
    assert error.value.code == "draw.invalid_seed_source"


@pytest.mark.parametrize("salt", ["AB" * 32, "ab" * 31, "ab" * 32 + "0", "zz" * 32, None])
def test_bad_salts_are_refused(salt: Any) -> None:
    refused("draw.invalid_salt", salt=salt)


def _params(**changes: Any) -> dict[str, Any]:
    return {**PARAMS.to_json(), **changes}


@pytest.mark.parametrize("obj", [
    _params(algorithm="CN-INSPECT/v2"),
    _params(mode="lottery"),
    _params(rates_bp={"A": 200, "B": 500, "C": 2000, "D": 5000}),
    _params(rates_bp={**RATES, "U": 10001}),
    _params(rates_bp={**RATES, "U": True}),
    _params(weights={"A": 1, "B": 1, "C": 1, "D": 1, "U": 1}),
    _params(industry_min=-1),
    _params(overall_min_bp=300.0),
    _params(team_depts=[]),
    _params(team_depts="ZF1"),
    _params(team_size=0),
    _params(load_slack=None),
    {k: v for k, v in PARAMS.to_json().items() if k != "weights"},
    _params(extra=1),
    _params(mode="weight", rates_bp=None, weights={"A": 1, "B": 2, "C": 4, "D": 8, "U": 0}),
])
def test_bad_params_are_refused(obj: dict[str, Any]) -> None:
    with pytest.raises(DrawInputError) as error:
        DrawParams.from_json(obj)
    assert error.value.code == "draw.invalid_params"


def test_params_round_trip_through_json_and_a_unit_may_repeat() -> None:
    params = DrawParams.weight({"A": 1, "B": 2, "C": 4, "D": 8, "U": 2}, industry_min=2, overall_min_bp=500,
                               team_depts=["ZF1", "ZF1", "FMK"], team_size=3, load_slack=1)

    assert DrawParams.from_json(params.to_json()) == params
    assert params.to_json()["rates_bp"] is None


def test_bad_draw_id_is_refused() -> None:
    refused("draw.invalid_draw_id", draw_id="")
