"""The draw as one function, and its bundle (``DRAW_SPEC.md`` "The bundle").

Choices where the spec is silent:

* Arrays of rows are in commitment order: ``frame`` by USCC, ``roster`` by person_id, ``exclusions`` by
  (uscc, person_id) – the order their hashes use – so that equal inputs give byte-identical bundles.
* ``tau`` names every cell of the frame; a cell where nothing was selected has ``null``.
* ``quotas`` lists every group of the frame, also those whose quota is 0; in weight mode there are no
  ``cell|…`` groups (the spec defines cell quotas for rate mode only); a group's ``selected`` may exceed
  its ``quota`` (rows taken for another of their groups).
* ``selected[].j`` is the smallest ``j`` giving the row's key (always 1 in rate mode).
* ``public_view(bundle)`` (before the reveal) shows the commitments, ``result_hash``, the seed and its
  source, the parameters, ``quotas`` (quota and selected per group: the "counts" of the spec) and the sizes of
  frame, roster, exclusions and selection; never the salt, the frame, roster, exclusions, tickets, ``tau``,
  the selection or the teams. Mind that a cell whose quota equals its size is selected whole, which its
  enterprises can infer from the counts; the spec accepts this. ``public_view(bundle, revealed=True)`` is
  the whole bundle, and requires the salt.
* ``sealed(bundle)`` is the bundle with ``salt`` null: what may be stored or handed out before the reveal;
  ``result_hash`` does not cover the salt, so it stays valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.draws.algorithm import (
    ALGORITHM,
    DrawParams,
    Exclusion,
    FrameRow,
    RosterRow,
    SeedSource,
    assignment_key,
    check_draw_id,
    check_salt,
    params_hash_bytes,
    salt_commit,
    selection_key,
)
from app.domain.draws.encoding import DrawInputError, cjson, cjson_trusted, h, lp
from app.domain.draws.frame import FrameColumns, prepare_committed_frame, prepare_frame_columns
from app.domain.draws.selection import prepare_frame, select
from app.domain.draws.teams import assign_teams, prepare_exclusions, prepare_roster

Bundle = dict[str, Any]

MEMBERS: tuple[str, ...] = (
    "algorithm", "draw_id", "seed", "seed_source", "salt", "salt_commit", "params", "frame", "roster", "exclusions",
    "frame_hash", "roster_hash", "exclusions_hash", "params_hash", "quotas", "tau", "selected", "teams",
    "result_hash",
)
PUBLIC_BEFORE_REVEAL: tuple[str, ...] = (
    "algorithm", "draw_id", "seed", "seed_source", "salt_commit", "params", "frame_hash", "roster_hash",
    "exclusions_hash", "params_hash", "quotas", "result_hash",
)
RESULT_DOMAIN = lp("CN-INSPECT-RESULT/v1")


def execute_draw(
    draw_id: str,
    seed: str,
    seed_source: SeedSource,
    salt: str,
    params: DrawParams,
    frame: Sequence[FrameRow],
    roster: Sequence[RosterRow],
    exclusions: Sequence[Exclusion],
    *,
    committed_frame_hash: str | None = None,
) -> Bundle:
    """Run the whole draw and return its complete (revealed) bundle, ``result_hash`` included.

    Rows may come in any order. Raises ``DrawInputError`` for any input the spec (or this package's
    documented choices) refuses. ``committed_frame_hash``: the frame was frozen (validated, in USCC order) and
    its hash published before the seed existed; the draw then builds only what the tickets need.
    """
    draw_id = check_draw_id(draw_id)
    if not isinstance(seed_source, SeedSource):
        raise DrawInputError("draw.invalid_seed_source", "seed_source 类型不正确", "seed_source must be a SeedSource")
    seed = seed_source.check_seed(seed)
    salt = check_salt(salt)
    if not isinstance(params, DrawParams):
        raise DrawInputError("draw.invalid_params", "params 类型不正确", "params must be DrawParams")
    if committed_frame_hash is None:
        prepared = prepare_frame(frame)
    elif isinstance(frame, FrameColumns):
        prepared = prepare_frame_columns(frame, bytes.fromhex(committed_frame_hash))
    else:
        prepared = prepare_committed_frame(frame, bytes.fromhex(committed_frame_hash))
    people = prepare_roster(roster)
    pairs = prepare_exclusions(exclusions)
    p_hash = params_hash_bytes(params)
    selection = select(selection_key(draw_id, seed, salt, prepared.digest, p_hash), prepared, params)
    usccs = prepared.usccs
    chosen = [usccs[i] for i in selection.rows]
    teams = assign_teams(assignment_key(draw_id, seed, salt, people.digest, pairs.digest, p_hash), chosen, people,
                         pairs, params)
    bundle: Bundle = {
        "algorithm": ALGORITHM,
        "draw_id": draw_id,
        "seed": seed,
        "seed_source": seed_source.to_json(),
        "salt": salt,
        "salt_commit": salt_commit(salt),
        "params": params.to_json(),
        "frame": list(map(list, prepared.rows)),
        "roster": [list(r) for r in people.rows],
        "exclusions": [list(e) for e in pairs.rows],
        "frame_hash": prepared.digest.hex(),
        "roster_hash": people.digest.hex(),
        "exclusions_hash": pairs.digest.hex(),
        "params_hash": p_hash.hex(),
        "quotas": {name: {"quota": quota, "selected": count} for name, (quota, count) in selection.quotas.items()},
        "tau": {cell: None if key is None else key.hex() for cell, key in selection.tau.items()},
        "selected": [
            {"uscc": uscc, "ticket": key.hex(), "j": j, "cell": cell}
            for uscc, key, j, cell in zip(chosen, selection.keys, selection.js, selection.cells, strict=True)
        ],
        "teams": [
            {
                "uscc": team.uscc,
                "members": [{"person_id": m.person_id, "role": m.role, "A": m.a.hex()} for m in team.members],
                "fallbacks": [{"level": f.level, "dept": f.dept} for f in team.fallbacks],
            }
            for team in teams.teams
        ],
    }
    bundle["result_hash"] = _result_hash(bundle, cjson_trusted)
    return bundle


def _result_hash(bundle: Mapping[str, Any], encode: Any) -> str:
    content = {key: value for key, value in bundle.items() if key not in ("result_hash", "salt")}
    return h(RESULT_DOMAIN, lp(encode(content))).hex()


def result_hash(bundle: Mapping[str, Any]) -> str:
    """``H(LP("CN-INSPECT-RESULT/v1") ‖ LP(CJSON(bundle without result_hash and salt)))`` as hex."""
    return _result_hash(bundle, cjson)


def bundle_bytes(bundle: Mapping[str, Any]) -> bytes:
    """The bundle as stored and served: its CJSON, UTF-8."""
    return cjson(dict(bundle)).encode("utf-8")


def sealed(bundle: Mapping[str, Any]) -> Bundle:
    """The bundle with its salt withheld (``salt`` null): the form that exists before the reveal."""
    return {**bundle, "salt": None}


def public_view(bundle: Mapping[str, Any], *, revealed: bool = False) -> Bundle:
    """What the public may see: before the reveal the commitments and counts, after it the whole bundle."""
    if revealed:
        if bundle.get("salt") is None:
            raise DrawInputError("draw.salt_not_revealed", "盐值尚未公开", "the salt has not been revealed")
        return dict(bundle)
    view: Bundle = {key: bundle[key] for key in PUBLIC_BEFORE_REVEAL}
    view["salt"] = None
    view["counts"] = {
        "frame": len(bundle["frame"]),
        "roster": len(bundle["roster"]),
        "exclusions": len(bundle["exclusions"]),
        "selected": len(bundle["selected"]),
    }
    return view


@dataclass(frozen=True, slots=True)
class BundleInputs:
    """The inputs of a draw as read back from a bundle (``salt`` is None before the reveal)."""

    draw_id: str
    seed: str
    seed_source: SeedSource
    salt: str | None
    params: DrawParams
    frame: list[FrameRow]
    roster: list[RosterRow]
    exclusions: list[Exclusion]


def _rows(value: object, size: int, member: str) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(row, list) and len(row) == size for row in value):
        raise DrawInputError(
            "draw.invalid_bundle", f"{member} 应为每行 {size} 项的数组", f"{member} must be an array of {size}-item arrays",
            member=member,
        )
    return value


def inputs_from_bundle(bundle: Mapping[str, Any]) -> BundleInputs:
    """Read and validate the inputs stored in a bundle (raises ``DrawInputError``; ``details["member"]`` says where)."""
    missing = [m for m in MEMBERS if m not in bundle]
    if missing:
        raise DrawInputError("draw.invalid_bundle", f"缺少成员：{'、'.join(missing)}", f"missing members: {missing}",
                             member=missing[0])
    if bundle["algorithm"] != ALGORITHM:
        raise DrawInputError("draw.invalid_bundle", f"算法应为 {ALGORITHM}", f"algorithm must be {ALGORITHM}",
                             member="algorithm")
    member = "seed_source"
    try:
        source = SeedSource.from_json(bundle["seed_source"])
        member = "seed"
        seed = source.check_seed(bundle["seed"])
        member = "draw_id"
        draw_id = check_draw_id(bundle["draw_id"])
        member = "salt"
        salt = None if bundle["salt"] is None else check_salt(bundle["salt"])
        member = "params"
        params = DrawParams.from_json(bundle["params"])
    except DrawInputError as error:
        error.details.setdefault("member", member)
        raise
    frame = [FrameRow._make(row) for row in _rows(bundle["frame"], 5, "frame")]
    roster = [RosterRow._make(row) for row in _rows(bundle["roster"], 2, "roster")]
    exclusions = [Exclusion._make(row) for row in _rows(bundle["exclusions"], 3, "exclusions")]
    return BundleInputs(draw_id, seed, source, salt, params, frame, roster, exclusions)


def rerun(inputs: BundleInputs) -> Bundle:
    """``execute_draw`` on inputs read from a bundle (the salt must be revealed)."""
    if inputs.salt is None:
        raise DrawInputError("draw.salt_not_revealed", "盐值尚未公开，无法重算", "the salt is not revealed; cannot rerun")
    return execute_draw(inputs.draw_id, inputs.seed, inputs.seed_source, inputs.salt, inputs.params, inputs.frame,
                        inputs.roster, inputs.exclusions)
