"""Verification of bundles, the public view before the reveal and an enterprise's self-check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.domain.draws import (
    DrawInputError,
    DrawParams,
    FrameRow,
    RosterRow,
    SeedSource,
    bundle_bytes,
    execute_draw,
    parse_bundle,
    public_view,
    result_hash,
    sealed,
    self_check,
    verify,
    verify_bytes,
)

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "draws" / "golden"


@pytest.fixture
def bundle() -> dict[str, Any]:
    return parse_bundle((GOLDEN / "01-ceremony-rate.json").read_bytes())


def members(differences: list[Any]) -> set[str]:
    return {d.member for d in differences}


def test_a_golden_bundle_verifies(bundle: dict[str, Any]) -> None:
    assert verify(bundle) == []


@pytest.mark.parametrize(("path", "value", "member"), [
    (("frame_hash",), "00" * 32, "frame_hash"),
    (("roster_hash",), "00" * 32, "roster_hash"),
    (("exclusions_hash",), "00" * 32, "exclusions_hash"),
    (("params_hash",), "00" * 32, "params_hash"),
    (("quotas", "all", "quota"), 99, "quotas"),
    (("tau", "GM|A"), "00" * 32, "tau"),
    (("selected", 0, "j"), 2, "selected"),
    (("teams", 1, "members", 0, "role"), "组员", "teams"),
    (("teams", 0, "fallbacks"), [{"level": 3, "dept": None}], "teams"),
])
def test_each_altered_member_is_reported_where_it_differs(bundle: dict[str, Any], path: tuple[Any, ...], value: Any,
                                                          member: str) -> None:
    target = bundle
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    differences = verify(bundle)

    assert members(differences) == {member, "result_hash"}
    difference = next(d for d in differences if d.member == member)
    assert difference.code == "mismatch"
    assert difference.path is not None
    assert difference.path.startswith(member)
    assert member in difference.message_en
    assert "不一致" in difference.message_zh
    assert next(d for d in differences if d.member == "result_hash").code == "result_hash_content"


def test_a_changed_input_shows_in_everything_it_drives(bundle: dict[str, Any]) -> None:
    bundle["seed"] = "31415926535897932384626434"

    assert {"selected", "tau", "teams", "result_hash"} <= members(verify(bundle))


def test_a_float_where_an_integer_belongs_is_a_difference(bundle: dict[str, Any]) -> None:
    bundle["quotas"]["all"]["quota"] = float(bundle["quotas"]["all"]["quota"])

    assert "quotas" in members(verify(bundle))


def test_a_revealed_salt_that_does_not_match_its_commitment(bundle: dict[str, Any]) -> None:
    bundle["salt"] = "11" * 32

    differences = verify(bundle)

    assert next(d for d in differences if d.member == "salt_commit").code == "salt_commit"
    assert {"selected", "teams"} <= members(differences)


def test_a_result_hash_recomputed_after_tampering_still_fails(bundle: dict[str, Any]) -> None:
    bundle["selected"][0]["uscc"], bundle["selected"][1]["uscc"] = bundle["selected"][1]["uscc"], bundle["selected"][0]["uscc"]
    bundle["result_hash"] = result_hash(bundle)

    differences = verify(bundle)

    assert members(differences) >= {"selected", "result_hash"}
    assert next(d for d in differences if d.member == "result_hash").code == "mismatch"


def test_missing_and_unexpected_members(bundle: dict[str, Any]) -> None:
    extra = {**bundle, "note": "x"}
    missing = {k: v for k, v in bundle.items() if k != "tau"}

    assert [(d.member, d.code) for d in verify(extra)] == [("note", "unexpected"), ("result_hash", "result_hash_content")]
    assert [(d.member, d.code) for d in verify(missing)] == [("tau", "missing")]


def test_inputs_that_break_a_rule_cannot_be_recomputed(bundle: dict[str, Any]) -> None:
    bundle["frame"][0][4] = "1"

    [difference] = verify(bundle)

    assert (difference.member, difference.code) == ("frame", "invalid_input")


def test_a_sealed_bundle_is_checked_as_far_as_possible_and_says_it_cannot_be_verified_yet(
        bundle: dict[str, Any]) -> None:
    closed = sealed(bundle)

    assert [(d.member, d.code) for d in verify(closed)] == [("salt", "salt_not_revealed")]
    closed["quotas"]["all"]["quota"] += 1
    closed["frame_hash"] = "00" * 32
    assert members(verify(closed)) == {"quotas", "frame_hash", "result_hash", "salt"}


def test_verify_bytes_also_requires_the_canonical_encoding(bundle: dict[str, Any]) -> None:
    pretty = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")

    assert [(d.member, d.code) for d in verify_bytes(pretty)] == [("bundle", "not_canonical")]
    assert verify_bytes(bundle_bytes(bundle)) == []
    with pytest.raises(DrawInputError):
        verify_bytes(b"[1, 2]")
    with pytest.raises(DrawInputError):
        verify_bytes(b"{")


def test_public_view_before_the_reveal_shows_commitments_and_counts_only(bundle: dict[str, Any]) -> None:
    view = public_view(bundle)

    assert set(view) == {"algorithm", "draw_id", "seed", "seed_source", "salt", "salt_commit", "params", "frame_hash",
                         "roster_hash", "exclusions_hash", "params_hash", "quotas", "result_hash", "counts"}
    assert view["salt"] is None
    assert view["counts"] == {"frame": 40, "roster": 10, "exclusions": 5, "selected": len(bundle["selected"])}
    assert public_view(sealed(bundle)) == view
    text = json.dumps(view, ensure_ascii=False)
    assert not any(s["ticket"] in text or s["uscc"] in text for s in bundle["selected"])


def test_public_view_after_the_reveal_is_the_whole_bundle(bundle: dict[str, Any]) -> None:
    assert public_view(bundle, revealed=True) == bundle
    with pytest.raises(DrawInputError) as error:
        public_view(sealed(bundle), revealed=True)
    assert error.value.code == "draw.salt_not_revealed"


def test_sealing_keeps_the_result_hash_valid(bundle: dict[str, Any]) -> None:
    assert result_hash(sealed(bundle)) == bundle["result_hash"] == result_hash(bundle)


def test_self_check_of_a_selected_enterprise(bundle: dict[str, Any]) -> None:
    first = bundle["selected"][0]

    check = self_check(bundle, first["uscc"])

    assert (check.in_frame, check.selected, check.consistent) == (True, True, True)
    assert (check.ticket, check.j, check.cell) == (first["ticket"], first["j"], first["cell"])
    assert check.ticket is not None
    assert check.tau is not None
    assert check.ticket <= check.tau
    assert check.reasons[0] == "cell"
    assert "已被抽中" in check.explanation_zh
    assert "本格" in check.explanation_zh


def test_self_check_of_an_enterprise_not_selected(bundle: dict[str, Any]) -> None:
    chosen = {s["uscc"] for s in bundle["selected"]}
    uscc = next(r[0] for r in bundle["frame"] if r[0] not in chosen)

    check = self_check(bundle, uscc)

    assert (check.in_frame, check.selected, check.consistent) == (True, False, True)
    assert check.tau is None or (check.ticket is not None and check.ticket > check.tau)
    assert "未被抽中" in check.explanation_zh


def test_self_check_outside_the_frame_and_before_the_reveal(bundle: dict[str, Any]) -> None:
    assert not self_check(bundle, "911303020000000000").in_frame
    assert "不在本次抽查名录中" in self_check(bundle, "911303020000000000").explanation_zh
    with pytest.raises(DrawInputError):
        self_check(sealed(bundle), bundle["selected"][0]["uscc"])


def test_self_check_names_an_industry_minimum_beyond_the_cell_quota() -> None:
    frame = [FrameRow(f"ID{n:04d}", "GM", "130302", "A", 1) for n in range(40)]
    params = DrawParams.rate({"A": 0, "B": 0, "C": 0, "D": 0, "U": 0}, industry_min=3, overall_min_bp=0,
                             team_depts=["ZF1"], team_size=1, load_slack=0)
    drawn = execute_draw("D", "seed", SeedSource("system", (), "2026-03-20T09:30:00+08:00"), "cd" * 32, params, frame,
                         [RosterRow("P1", "ZF1")], [])

    checks = [self_check(drawn, s["uscc"]) for s in drawn["selected"]]

    assert len(checks) == 3
    assert all(c.reasons == ("industry",) and c.consistent for c in checks)
    assert all("行业" in c.explanation_zh and "增抽" in c.explanation_zh for c in checks)


def test_self_check_notices_a_contradiction(bundle: dict[str, Any]) -> None:
    altered = copy.deepcopy(bundle)
    altered["selected"][0]["ticket"] = "00" * 32

    check = self_check(altered, altered["selected"][0]["uscc"])

    assert not check.consistent
    assert "不一致" in check.explanation_zh
