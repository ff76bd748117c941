"""Later changes to a drawn team, never edits of the draw: a member who cannot go (illness, a newly declared
conflict) is replaced by the next candidate in ticket order; a team the algorithm could not complete gets a
reasoned manual assignment. Each change is recorded beside the immutable bundle and shown on the public record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.draws.algorithm import assignment_key
from app.domain.draws.encoding import h, lp
from app.domain.errors import Conflict, InvalidInput


def _team(bundle: Mapping[str, Any], changes: list[dict[str, Any]], uscc: str) -> list[str]:
    """The team of one enterprise as it stands after the recorded changes (person ids, leader first)."""
    for team in bundle["teams"]:
        if team["uscc"] == uscc:
            members = [m["person_id"] for m in team["members"]]
            break
    else:
        raise InvalidInput(f"企业“{uscc}”不在本次抽取的结果中", "the enterprise was not drawn", code="draw.not_selected",
                           details={"field": "uscc"})
    for change in changes:
        if change["uscc"] != uscc:
            continue
        if change.get("removed") in members:
            members[members.index(change["removed"])] = change["added"]
        elif change.get("added") and change["added"] not in members:
            members.append(change["added"])
    return members


def effective_teams(bundle: Mapping[str, Any], changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every team after its recorded changes, with whether it is complete (a visit needs a complete team)."""
    size = int(bundle["params"]["team_size"])
    out = []
    for team in bundle["teams"]:
        members = _team(bundle, changes, team["uscc"])
        out.append({"uscc": team["uscc"], "members": members, "leader": members[0] if members else None,
                    "complete": len(members) >= size, "changed": any(c["uscc"] == team["uscc"] for c in changes)})
    return out


def next_candidate(bundle: Mapping[str, Any], changes: list[dict[str, Any]], salt: str, uscc: str,
                   removed: str) -> tuple[str, str]:
    """The replacement for ``removed``: the first candidate in the enterprise's ticket order (A) who is not
    excluded for it and not on its team, of the same unit when there is one; with its A value (hex)."""
    members = _team(bundle, changes, uscc)
    if removed not in members:
        raise InvalidInput(f"“{removed}”不是该企业检查组的成员", "not a member of the team", code="draw.not_a_member",
                           details={"field": "person_id"})
    unit: dict[str, str] = dict(bundle["roster"])
    excluded = {person for e_uscc, person, _reason in bundle["exclusions"] if e_uscc == uscc}
    excluded |= {c["removed"] for c in changes if c["uscc"] == uscc and c.get("removed")}
    key = assignment_key(bundle["draw_id"], bundle["seed"], salt, bytes.fromhex(bundle["roster_hash"]),
                         bytes.fromhex(bundle["exclusions_hash"]), bytes.fromhex(bundle["params_hash"]))
    ranked = sorted((h(key, lp(uscc), lp(person)), person) for person in unit
                    if person not in members and person not in excluded)
    same_unit = [(a, p) for a, p in ranked if unit[p] == unit.get(removed)]
    choice = same_unit[0] if same_unit else (ranked[0] if ranked else None)
    if choice is None:
        raise Conflict("人员库中已没有可替换的执法人员，请作出有理由的人工指派", "no candidate left; assign by hand",
                       code="draw.no_candidate")
    return choice[1], choice[0].hex()


def check_manual(bundle: Mapping[str, Any], changes: list[dict[str, Any]], uscc: str, person_id: str) -> None:
    """A manual assignment completes a team the draw left incomplete, with someone the draw could have used."""
    members = _team(bundle, changes, uscc)
    if len(members) >= int(bundle["params"]["team_size"]):
        raise Conflict("该检查组人数已满足要求，不需要人工指派", "the team is complete", code="draw.team_complete")
    if person_id in members:
        raise Conflict("该人员已在检查组中", "already in the team", code="draw.already_member")
    if any(e_uscc == uscc and person == person_id for e_uscc, person, _r in bundle["exclusions"]):
        raise Conflict("该人员与该企业存在回避情形，不能指派", "the person is excluded for this enterprise",
                       code="draw.excluded_pair")
