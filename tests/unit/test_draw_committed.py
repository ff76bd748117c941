"""A draw executed from its frozen, committed frame gives the same bundle, byte for byte, as one computed from
scratch – and a frame that does not match its commitment is caught."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from app.domain.draws import bundle_bytes, execute_draw, frame_hash, verify
from app.domain.draws.encoding import DrawInputError
from app.domain.draws.frame import FrameColumns
from tests.unit.test_draw_helpers import draw_inputs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs(max_rows=40))
def test_the_committed_frame_path_gives_the_same_bundle(case: dict[str, Any]) -> None:
    committed = frame_hash(case["frame"])
    frozen = sorted(map(tuple, case["frame"]))  # as the process freezes them: in commitment order

    assert bundle_bytes(execute_draw(**{**case, "frame": frozen}, committed_frame_hash=committed)) == bundle_bytes(
        execute_draw(**case))


@settings(max_examples=20, deadline=None)
@given(draw_inputs(max_rows=20))
def test_unordered_rows_fall_back_to_the_full_path_and_must_match_the_commitment(case: dict[str, Any]) -> None:
    assume(len(case["frame"]) > 1)
    committed = frame_hash(case["frame"])
    shuffled = sorted(map(tuple, case["frame"]), reverse=True)  # out of commitment order
    assert bundle_bytes(execute_draw(**{**case, "frame": shuffled}, committed_frame_hash=committed)) == bundle_bytes(
        execute_draw(**case))
    with pytest.raises(DrawInputError) as caught:
        execute_draw(**{**case, "frame": shuffled}, committed_frame_hash="00" * 32)
    assert caught.value.code == "draw.frame_hash_mismatch"


@settings(max_examples=20, deadline=None)
@given(draw_inputs(max_rows=20))
def test_a_frame_altered_after_its_commitment_is_refused_or_shows_in_verification(case: dict[str, Any]) -> None:
    committed = frame_hash(case["frame"])
    frozen = sorted(map(tuple, case["frame"]))
    uscc, industry, county, _risk, weight = frozen[0]
    altered = [(uscc, industry, county + "X", _risk, weight), *frozen[1:]]  # still in order, other content

    try:
        bundle = execute_draw(**{**case, "frame": altered}, committed_frame_hash=committed)
    except DrawInputError as refused:  # codes the fast path does not take are rehashed and refused at once
        code = refused.code
    else:
        code = "verified" if not any(d.member == "frame_hash" for d in verify(bundle)) else "caught by verify"
    assert code in {"draw.frame_hash_mismatch", "caught by verify"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs(max_rows=40))
def test_a_frame_frozen_in_columns_gives_the_same_bundle(case: dict[str, Any]) -> None:
    committed = frame_hash(case["frame"])
    columns = FrameColumns.of(sorted(map(tuple, case["frame"])))

    assert list(columns) == sorted(map(tuple, case["frame"]))
    assert bundle_bytes(execute_draw(**{**case, "frame": columns}, committed_frame_hash=committed)) == bundle_bytes(
        execute_draw(**case))
