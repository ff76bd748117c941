"""The service's side of CN-INSPECT/v1: frozen inputs (plain JSON) in, commitments, allocation and bundles out.

Everything here delegates to the algorithm's modules; this module only converts the process's stored inputs to
the algorithm's types and its answers to what the process keeps and shows.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from app.domain.draws.algorithm import (
    DrawParams,
    Exclusion,
    FrameRow,
    RosterRow,
    SeedSource,
    params_hash,
    salt_commit,
)
from app.domain.draws.bundle import execute_draw, public_view
from app.domain.draws.encoding import DrawInputError, cjson_bytes
from app.domain.draws.frame import FrameColumns
from app.domain.draws.inputs import DrawInputs
from app.domain.draws.selection import frame_hash, quota_table
from app.domain.draws.selfcheck import self_check
from app.domain.draws.teams import exclusions_hash, roster_hash
from app.domain.draws.verify import Difference
from app.domain.draws.verify import verify as verify_bundle
from app.domain.errors import InvalidInput
from app.domain.runtime import paused_gc


def new_salt() -> str:
    """32 bytes from the operating system's CSPRNG, as 64 lowercase hex characters."""
    return secrets.token_hex(32)


def canonical(value: Any) -> bytes:
    return cjson_bytes(value)


def _invalid(error: DrawInputError) -> InvalidInput:
    return InvalidInput(error.message_zh, error.message_en, code=error.code, details=dict(error.details))


def _rows(inputs: Mapping[str, Any]) -> tuple[list[FrameRow], list[RosterRow], list[Exclusion], DrawParams]:
    """The algorithm's inputs from stored JSON (rows as plain tuples: a million rows are a million tuples)."""
    columns = inputs.get("frame_columns")
    frame: Any = (FrameColumns(columns["uscc"], [tuple(p) for p in columns["profiles"]], columns["index"])
                  if columns is not None else list(map(tuple, inputs["frame"])))
    try:
        return (frame, [RosterRow(*r) for r in inputs["roster"]],
                [Exclusion(*e) for e in inputs["exclusions"]], DrawParams.from_json(inputs["params"]))
    except DrawInputError as exc:
        raise _invalid(exc) from exc


def _frozen(inputs: DrawInputs) -> tuple[list[FrameRow], list[RosterRow], list[Exclusion], DrawParams]:
    """The same from inputs being frozen (their rows are tuples already: no copies)."""
    try:
        return (inputs.frame, [RosterRow(*r) for r in inputs.roster],  # type: ignore[return-value]
                [Exclusion(*e) for e in inputs.exclusions], DrawParams.from_json(inputs.params))
    except DrawInputError as exc:
        raise _invalid(exc) from exc


def commitments(inputs: DrawInputs, salt: str) -> dict[str, str]:
    """frame_hash, roster_hash, exclusions_hash, params_hash and salt_commit: published before the seed exists."""
    frame, roster, exclusions, params = _frozen(inputs)
    try:
        return {"frame_hash": frame_hash(frame), "roster_hash": roster_hash(roster),
                "exclusions_hash": exclusions_hash(exclusions), "params_hash": params_hash(params),
                "salt_commit": salt_commit(salt)}
    except DrawInputError as exc:
        raise _invalid(exc) from exc


def allocation(inputs: DrawInputs) -> dict[str, int]:
    """The quota of every group (the allocation table), from the frame and the parameters alone."""
    frame, _roster, _exclusions, params = _frozen(inputs)
    try:
        return dict(quota_table(frame, params))
    except DrawInputError as exc:
        raise _invalid(exc) from exc


def run(draw_id: str, seed: str, seed_source: Mapping[str, Any], salt: str, inputs: dict[str, Any],
        frame_hash_committed: str) -> dict[str, Any]:
    frame, roster, exclusions, params = _rows(inputs)
    inputs.clear()  # the JSON lists go now: the bundle is about to hold the frame again
    try:
        with paused_gc():  # millions of long-lived objects: see paused_gc
            return dict(execute_draw(draw_id, seed, SeedSource.from_json(dict(seed_source)), salt, params, frame,
                                     roster, exclusions, committed_frame_hash=frame_hash_committed))
    except DrawInputError as exc:
        raise _invalid(exc) from exc


def counts(bundle: Mapping[str, Any]) -> dict[str, int]:
    teams = bundle["teams"]
    return {"selected": len(bundle["selected"]), "teams": len(teams),
            "fallbacks": sum(len(t["fallbacks"]) for t in teams),
            "incomplete_teams": sum(1 for t in teams if any(f["level"] == 3 for f in t["fallbacks"]))}


def outcome(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """Who was drawn and who inspects them, as later draws need it (rotation, merges, frequency caps)."""
    return {"selected": [row["uscc"] for row in bundle["selected"]],
            "teams": [[team["uscc"], [m["person_id"] for m in team["members"]]] for team in bundle["teams"]]}


def public(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """What anyone may see before the reveal: commitments, quotas, result hash and counts."""
    return dict(public_view(bundle, revealed=False))


def verify(bundle: Mapping[str, Any]) -> list[Difference]:
    return verify_bundle(bundle)


def check_enterprise(bundle: Mapping[str, Any], uscc: str) -> dict[str, Any]:
    return asdict(self_check(bundle, uscc))
