"""Inspector teams: the cap, the department pass, the fill pass and the fallback ladder."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from app.domain.draws import DrawParams, Exclusion, RosterRow
from app.domain.draws.teams import Fallback, assign_teams, cap_of, prepare_exclusions, prepare_roster
from tests.unit.test_draw_helpers import draw_inputs

K_ASG = b"\x05" * 32
RATES = {"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}


def params(depts: list[str], size: int, slack: int = 0) -> DrawParams:
    return DrawParams.rate(RATES, industry_min=0, overall_min_bp=0, team_depts=depts, team_size=size, load_slack=slack)


def teams(usccs: list[str], roster: list[RosterRow], exclusions: list[Exclusion], p: DrawParams,
          literal: bool = False) -> Any:
    return assign_teams(K_ASG, usccs, prepare_roster(roster), prepare_exclusions(exclusions), p, literal=literal)


def test_cap_is_the_ceiling_of_the_even_share_plus_slack() -> None:
    assert cap_of(30_000, params(["ZF1"], 2, 1), 500) == 121
    assert cap_of(7, params(["ZF1"], 2, 0), 3) == 5
    assert cap_of(0, params(["ZF1"], 2, 2), 3) == 2


def test_one_per_unit_leader_from_the_first_unit() -> None:
    roster = [RosterRow(f"Z{i}", "ZF1") for i in range(5)] + [RosterRow(f"F{i}", "FMK") for i in range(5)]

    result = teams([f"E{i}" for i in range(10)], roster, [], params(["FMK", "ZF1"], 2, 1))

    for team in result.teams:
        assert [m.person_id[0] for m in team.members] == ["F", "Z"]
        assert [m.role for m in team.members] == ["组长", "组员"]
        assert team.fallbacks == ()
    assert max(result.loads.values()) <= result.cap == 3


def test_the_fallback_ladder() -> None:
    roster = [RosterRow("Z1", "ZF1"), RosterRow("F1", "FMK"), RosterRow("B1", "BGS")]
    p = params(["ZF1", "FMK"], 3)

    [team] = teams(["E1"], roster, [Exclusion("E1", "F1", "回避")], p).teams

    # ZF1 → Z1; FMK's only member is excluded → level 2; nobody else in the team units → level 3 (BGS never counts)
    assert [m.person_id for m in team.members] == ["Z1"]
    assert team.fallbacks == (Fallback(2, "FMK"), Fallback(3, None))


def test_over_the_cap_in_both_passes() -> None:
    roster = [RosterRow("Z1", "ZF1"), RosterRow("Z2", "ZF1"), RosterRow("F1", "FMK")] + [
        RosterRow(f"B{i}", "BGS") for i in range(9)]
    p = params(["ZF1", "FMK"], 3)  # cap = ceil(4·3/12) = 1

    result = teams(["E1", "E2", "E3", "E4"], roster, [], p)

    assert result.cap == 1
    first, second = result.teams[0], result.teams[1]
    assert first.fallbacks == ()
    assert Fallback(1, "FMK") in second.fallbacks  # F1 is at the cap after the first team
    assert Fallback(1, None) in result.teams[2].fallbacks or Fallback(1, None) in result.teams[3].fallbacks


def test_a_repeated_unit_asks_for_two_different_people() -> None:
    roster = [RosterRow("Z1", "ZF1"), RosterRow("Z2", "ZF1")]

    [team] = teams(["E1"], roster, [], params(["ZF1", "ZF1"], 2)).teams

    assert sorted(m.person_id for m in team.members) == ["Z1", "Z2"]
    [alone] = teams(["E1"], roster[:1], [], params(["ZF1", "ZF1"], 2)).teams
    assert alone.fallbacks == (Fallback(2, "ZF1"), Fallback(3, None))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs(max_rows=40))
def test_the_per_unit_shortcut_equals_the_literal_procedure(case: dict[str, Any]) -> None:
    usccs = [r.uscc for r in case["frame"]]

    fast = teams(usccs, case["roster"], case["exclusions"], case["params"])
    literal = teams(usccs, case["roster"], case["exclusions"], case["params"], literal=True)

    assert fast == literal
