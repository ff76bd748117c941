"""Properties of CN-INSPECT/v1 that ``DRAW_SPEC.md`` requires to be tested, over random draws.

What holds within a cell, precisely: every row of a cell belongs to the same groups (its cell in rate mode,
its industry, "all"), so once the walk passes over one of its rows unselected, every later row of the cell
is refused too. Hence the selected rows of a cell are *exactly* the rows whose key is ≤ the cell's ``tau``
– always, minimums or not. What the minimums change is the count: a cell may hold more than its own quota;
each row beyond the cell's quota (its rank in the cell ≥ quota) was taken because, when the walk reached it,
its industry group or the "all" group was still below quota.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.domain.draws import DrawParams, FrameRow, bundle_bytes, execute_draw, verify, verify_bytes
from app.domain.draws.algorithm import selection_key
from app.domain.draws.selection import ceil_bp, keys, ordered, prepare_frame, select
from tests.unit.test_draw_helpers import draw_inputs, gb_usccs, tool

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
K_SEL = bytes(range(32))


def _shuffled(case: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    out = dict(case)
    for member in ("frame", "roster", "exclusions"):
        rows = list(case[member])
        rnd.shuffle(rows)
        out[member] = rows
    return out


@SETTINGS
@given(draw_inputs(), st.randoms(use_true_random=False))
def test_shuffling_frame_roster_and_exclusions_changes_nothing(case: dict[str, Any], rnd: random.Random) -> None:
    assert bundle_bytes(execute_draw(**_shuffled(case, rnd))) == bundle_bytes(execute_draw(**case))


@SETTINGS
@given(draw_inputs(), st.data())
def test_a_frame_split_in_two_and_merged_by_key_gives_the_same_order(case: dict[str, Any], data: st.DataObject) -> None:
    frame: list[FrameRow] = case["frame"]
    cut = data.draw(st.integers(0, len(frame)))
    assume(0 < cut < len(frame))

    merged = list(heapq.merge(ordered(K_SEL, frame[:cut]), ordered(K_SEL, frame[cut:])))

    assert merged == ordered(K_SEL, frame)


def _selected(frame: list[FrameRow], params: DrawParams) -> tuple[set[str], dict[str, bytes | None]]:
    prepared = prepare_frame(frame)
    selection = select(K_SEL, prepared, params)
    return {prepared.usccs[i] for i in selection.rows}, selection.tau


@SETTINGS
@given(draw_inputs(mode="rate"), st.sampled_from(["A", "B", "C", "D", "U", "overall_min_bp", "industry_min"]),
       st.integers(1, 5000))
def test_raising_a_quota_only_adds_to_the_selection(case: dict[str, Any], what: str, more: int) -> None:
    params: DrawParams = case["params"]
    if what in ("overall_min_bp", "industry_min"):
        value = getattr(params, what) + more
        raised = replace(params, **{what: min(value, 10_000) if what == "overall_min_bp" else value})
    else:
        assert params.rates_bp is not None
        raised = replace(params, rates_bp={**params.rates_bp, what: min(params.rates_bp[what] + more, 10_000)})

    before, tau_before = _selected(case["frame"], params)
    after, tau_after = _selected(case["frame"], raised)

    assert before <= after
    for cell, tau in tau_before.items():
        assert tau is None or (tau_after[cell] is not None and tau_after[cell] >= tau)


@SETTINGS
@given(draw_inputs())
def test_every_quota_is_met_and_counts_are_true(case: dict[str, Any]) -> None:
    bundle = execute_draw(**case)
    rate = case["params"].mode == "rate"
    industry = {row[0]: row[1] for row in bundle["frame"]}
    counts: Counter[str] = Counter()
    for entry in bundle["selected"]:
        counts.update([f"industry|{industry[entry['uscc']]}", "all"] + ([f"cell|{entry['cell']}"] if rate else []))
    sizes: Counter[str] = Counter()
    for row in bundle["frame"]:
        sizes.update([f"industry|{row[1]}", "all"] + ([f"cell|{row[1]}|{row[3]}"] if rate else []))

    assert set(bundle["quotas"]) == set(sizes)
    for group, entry in bundle["quotas"].items():
        assert entry["quota"] <= sizes[group]  # capped at the group's size: "met" includes "exhausted"
        assert entry["selected"] == counts[group] >= entry["quota"]
    params: DrawParams = case["params"]
    assert bundle["quotas"]["all"]["quota"] == min(ceil_bp(params.overall_min_bp, sizes["all"]), sizes["all"])


@SETTINGS
@given(draw_inputs())
def test_within_a_cell_the_selection_is_exactly_the_keys_up_to_tau(case: dict[str, Any]) -> None:
    bundle = execute_draw(**case)
    rate = case["params"].mode == "rate"
    k_sel = selection_key(bundle["draw_id"], bundle["seed"], bundle["salt"], bytes.fromhex(bundle["frame_hash"]),
                          bytes.fromhex(bundle["params_hash"]))
    prepared = prepare_frame(case["frame"])
    key = dict(zip(prepared.usccs, keys(k_sel, prepared), strict=True))
    cells: dict[str, list[str]] = defaultdict(list)
    industry = {}
    for row in bundle["frame"]:
        cells[f"{row[1]}|{row[3]}" if rate else row[1]].append(row[0])
        industry[row[0]] = row[1]
    chosen = {s["uscc"] for s in bundle["selected"]}

    assert set(bundle["tau"]) == set(cells)
    for cell, members in cells.items():
        tau = bundle["tau"][cell]
        assert {u for u in members if tau is not None and key[u].hex() <= tau} == chosen & set(members)
    # Rows beyond their cell's own quota were pulled in by the industry or overall minimum.
    seen: Counter[str] = Counter()
    for position, entry in enumerate(bundle["selected"]):
        cell, ind = entry["cell"], industry[entry["uscc"]]
        beyond = not rate or seen[cell] >= bundle["quotas"][f"cell|{cell}"]["quota"]
        if beyond:
            assert (seen[f"i|{ind}"] < bundle["quotas"][f"industry|{ind}"]["quota"]
                    or position < bundle["quotas"]["all"]["quota"])
        seen.update([cell, f"i|{ind}"])


@SETTINGS
@given(draw_inputs())
def test_no_excluded_pair_in_any_team_and_teams_are_well_formed(case: dict[str, Any]) -> None:
    bundle = execute_draw(**case)
    barred = {(e.uscc, e.person_id) for e in case["exclusions"]}
    unit = {r.person_id: r.dept_code for r in case["roster"]}
    params: DrawParams = case["params"]

    assert [t["uscc"] for t in bundle["teams"]] == [s["uscc"] for s in bundle["selected"]]
    for team in bundle["teams"]:
        ids = [m["person_id"] for m in team["members"]]
        assert not {(team["uscc"], p) for p in ids} & barred
        assert len(set(ids)) == len(ids)
        assert all(unit[p] in params.team_depts for p in ids)
        assert [m["role"] for m in team["members"]] == (["组长"] + ["组员"] * len(ids))[: len(ids)]
        short = {"level": 3, "dept": None} in team["fallbacks"]
        assert short == (len(ids) < params.team_size)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs(max_rows=8), st.data())
def test_the_verifier_rejects_any_altered_byte(case: dict[str, Any], data: st.DataObject) -> None:
    original = bundle_bytes(execute_draw(**case))
    at = data.draw(st.integers(0, len(original) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != original[at]))
    altered = original[:at] + bytes([value]) + original[at + 1:]

    # Every altered byte is refused – reported as a difference, or as unreadable input.
    assert _refused(verify_bytes, altered)
    assert _refused(tool.verify, altered)
    try:
        parsed = json.loads(altered.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return
    if isinstance(parsed, dict) and (json.loads(original) != parsed
                                     or any(isinstance(v, float) for v in _leaves(parsed))):
        assert verify(parsed) != []


def _refused(check: Any, data: bytes) -> bool:
    try:
        return bool(check(data))
    except ValueError:  # unreadable input (DrawInputError is a ValueError too)
        return True


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs())
def test_the_independent_implementation_agrees(case: dict[str, Any]) -> None:
    data = bundle_bytes(execute_draw(**case))

    assert tool.verify(data) == []
    assert verify_bytes(data) == []


@SETTINGS
@given(draw_inputs(usccs=gb_usccs, max_rows=60), st.sampled_from([-50.0, -8.0, -2.0, 0.0, 50.0]))
def test_the_candidate_filter_never_changes_the_selection(case: dict[str, Any], sigmas: float) -> None:
    prepared = prepare_frame(case["frame"])
    exact = select(K_SEL, prepared, case["params"], sigmas=1e9)  # every row a candidate: the spec's walk itself

    guessed = select(K_SEL, prepared, case["params"], sigmas=sigmas)

    assert (guessed.rows, guessed.keys, guessed.js, guessed.quotas, guessed.tau) == (
        exact.rows, exact.keys, exact.js, exact.quotas, exact.tau)


# --- Over many seeds, inclusion follows the rates (deterministic seeds: these tests cannot flake)

CHI_RATES = {"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}
DRAWS, ROWS = 200, 2000


def _chi2_quantile(df: int, z: float) -> float:
    """Wilson–Hilferty approximation of the chi-square quantile at standard normal quantile ``z``."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


Z_9995 = 3.2905  # two-sided α = 0.001


def _chi_frame(weights: dict[str, int] | None = None) -> list[FrameRow]:
    return [FrameRow(f"9113030{n:010d}X", "GM", "130302", "ABCDU"[n % 5], (weights or {}).get("ABCDU"[n % 5], 1))
            for n in range(ROWS)]


def _many_draws(frame: list[FrameRow], params: DrawParams) -> list[tuple[list[bytes], list[int]]]:
    """(every row's key, the selected rows) for 200 fixed seeds."""
    prepared = prepare_frame(frame)
    out = []
    for i in range(DRAWS):
        k_sel = selection_key("CHI-2026", f"{i:024d}", "c0ffee" * 10 + "0000", prepared.digest, bytes(32))
        out.append((keys(k_sel, prepared), select(k_sel, prepared, params).rows))
    return out


def test_per_class_inclusion_follows_the_rates_over_200_seeds() -> None:
    params = DrawParams.rate(CHI_RATES, industry_min=0, overall_min_bp=0, team_depts=["ZF1"], team_size=1,
                             load_slack=0)
    frame = _chi_frame()
    prepared = prepare_frame(frame)
    runs = _many_draws(frame, params)
    inclusions = Counter(prepared.usccs[i] for _, rows in runs for i in rows)
    statistic, df = 0.0, 0
    for risk, bp in CHI_RATES.items():
        members = [r.uscc for r in frame if r.risk_class == risk]
        n, quota = len(members), ceil_bp(bp, len(members))
        p = quota / n
        assert sum(inclusions[u] for u in members) == DRAWS * quota  # the class's share is exact in every draw
        assert abs(p - bp / 10_000) < 1 / n
        # each enterprise of the class is included with probability p: T ~ χ²(n − 1) for the counts
        statistic += sum((inclusions[u] - DRAWS * p) ** 2 for u in members) * (n - 1) / (n * DRAWS * p * (1 - p))
        df += n - 1

    assert _chi2_quantile(df, -Z_9995) < statistic < _chi2_quantile(df, Z_9995)


def test_tickets_are_uniform_and_weights_shift_keys_as_min_of_w_uniforms() -> None:
    weights = {"A": 1, "B": 2, "C": 4, "D": 8, "U": 2}
    params = DrawParams.weight(weights, industry_min=0, overall_min_bp=500, team_depts=["ZF1"], team_size=1,
                               load_slack=0)
    frame = _chi_frame(weights)
    runs = _many_draws(frame[: ROWS // 4], params)
    for risk, w in weights.items():
        firsts = Counter(key[n][0] for key, _ in runs for n in range(ROWS // 4) if frame[n].risk_class == risk)
        total = sum(firsts.values())
        expected = [total * ((1 - b / 256) ** w - (1 - (b + 1) / 256) ** w) for b in range(256)]
        pooled = [(firsts[b], e) for b, e in enumerate(expected)]
        # pool the sparse upper tail (w = 8) so every expected count is ≥ 5
        cells, o_acc, e_acc = [], 0, 0.0
        for o, e in pooled:
            o_acc, e_acc = o_acc + o, e_acc + e
            if e_acc >= 5:
                cells.append((o_acc, e_acc))
                o_acc, e_acc = 0, 0.0
        if e_acc:
            cells[-1] = (cells[-1][0] + o_acc, cells[-1][1] + e_acc)
        statistic = sum((o - e) ** 2 / e for o, e in cells)
        df = len(cells) - 1
        assert _chi2_quantile(df, -Z_9995) < statistic < _chi2_quantile(df, Z_9995), risk
