"""Roster and exclusions (their commitments) and the inspector teams of ``DRAW_SPEC.md`` "Inspector teams".

Choices where the spec is silent:

* Roster and exclusion strings are non-empty NFC strings; ``person_id`` is unique in the roster; an
  ``(uscc, person_id)`` pair appears at most once in the exclusions (merge several reasons into one), so
  that their sort order, and hash, is unambiguous. Exclusions naming people or enterprises outside the
  roster or frame are allowed (committed, and without effect). The roster must not be empty (``m`` divides).
* Only people of the units in ``team_depts`` are ever candidates (the department pass asks for one unit, the
  fill pass for "any department in team_depts"); the rest of the roster only counts in ``m`` for the cap.
* Fallback records are appended in the order they happen: in the department pass ``{"level": 1, "dept": d}``
  when unit ``d``'s first candidate was taken over the cap, ``{"level": 2, "dept": d}`` when ``d`` had no
  candidate; in the fill pass one ``{"level": 1, "dept": null}`` per member taken over the cap, then one
  ``{"level": 3, "dept": null}`` if the team is still short of ``team_size``. With more units in
  ``team_depts`` than ``team_size``, the team has one member per unit (the fill pass adds nobody).
* Loads start at 0 for everyone in the draw; they are not part of the bundle (``Teams.loads`` has them).

Speed: ``A`` is computed for every candidate (inherent: selected × eligible hashes, from a copied hasher
that already holds ``K_asg ‖ LP(uscc)``); each unit keeps the list of its people still under the cap, so
the department pass is a ``min`` per unit instead of a sort. The literal procedure (sort the candidates by
``(A, person_id)``, then walk) is used, with the same result, whenever the shortcut does not apply: the
enterprise has exclusions, a unit repeats in ``team_depts``, or the team must be filled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from operator import eq, itemgetter

from app.domain.draws.algorithm import LEADER, MEMBER, DrawParams, Exclusion, RosterRow
from app.domain.draws.encoding import DrawInputError, h, lp, text, u32

ROSTER_DOMAIN = lp("CN-INSPECT-ROSTER/v1")
EXCLUSIONS_DOMAIN = lp("CN-INSPECT-EXCL/v1")


@dataclass(frozen=True, slots=True)
class PreparedRoster:
    rows: list[RosterRow]  # sorted by person_id
    digest: bytes


@dataclass(frozen=True, slots=True)
class PreparedExclusions:
    rows: list[Exclusion]  # sorted by (uscc, person_id)
    digest: bytes


def _strings(row: object, size: int, what: str, code: str) -> tuple[str, ...]:
    if not isinstance(row, tuple | list) or len(row) != size:
        raise DrawInputError(code, f"{what}每行应有 {size} 项", f"every {what} row must have {size} fields")
    return tuple(text(value, what, code) for value in row)


def prepare_roster(roster: Sequence[RosterRow]) -> PreparedRoster:
    """Validate the roster, sort it by ``person_id`` and compute ``roster_hash``."""
    if not roster:
        raise DrawInputError("draw.roster_empty", "执法人员名单为空", "the roster has no rows")
    rows = sorted((RosterRow(*_strings(r, 2, "执法人员名单 roster", "draw.invalid_roster")) for r in roster),
                  key=itemgetter(0))
    ids = [r.person_id for r in rows]
    if any(map(eq, ids, islice(ids, 1, None))):
        duplicate = next(a for a, b in zip(ids, islice(ids, 1, None), strict=False) if a == b)
        raise DrawInputError("draw.duplicate_person", f"执法人员重复：{duplicate}", f"duplicate person_id {duplicate}",
                             person_id=duplicate)
    body = b"".join(lp(r.person_id) + lp(r.dept_code) for r in rows)
    return PreparedRoster(rows, h(ROSTER_DOMAIN, u32(len(rows)), body))


def prepare_exclusions(exclusions: Sequence[Exclusion]) -> PreparedExclusions:
    """Validate the exclusions, sort them by ``(uscc, person_id)`` and compute ``exclusions_hash``."""
    rows = sorted((Exclusion(*_strings(e, 3, "回避名单 exclusions", "draw.invalid_exclusion")) for e in exclusions),
                  key=itemgetter(0, 1))
    pairs = [(e.uscc, e.person_id) for e in rows]
    if any(map(eq, pairs, islice(pairs, 1, None))):
        uscc, person = next(a for a, b in zip(pairs, islice(pairs, 1, None), strict=False) if a == b)
        raise DrawInputError("draw.duplicate_exclusion", f"回避关系重复：{uscc} / {person}",
                             f"duplicate exclusion pair ({uscc}, {person})", uscc=uscc, person_id=person)
    body = b"".join(lp(e.uscc) + lp(e.person_id) + lp(e.reason) for e in rows)
    return PreparedExclusions(rows, h(EXCLUSIONS_DOMAIN, u32(len(rows)), body))


def roster_hash(roster: Sequence[RosterRow]) -> str:
    return prepare_roster(roster).digest.hex()


def exclusions_hash(exclusions: Sequence[Exclusion]) -> str:
    return prepare_exclusions(exclusions).digest.hex()


@dataclass(frozen=True, slots=True)
class Member:
    person_id: str
    role: str  # 组长 (leader, the first member taken) or 组员
    a: bytes  # A(uscc, person_id), 32 bytes


@dataclass(frozen=True, slots=True)
class Fallback:
    level: int  # 1: over the cap, 2: unit without candidate, 3: team incomplete
    dept: str | None


@dataclass(frozen=True, slots=True)
class Team:
    uscc: str
    members: tuple[Member, ...]
    fallbacks: tuple[Fallback, ...]


@dataclass(frozen=True, slots=True)
class Teams:
    teams: list[Team]
    cap: int
    loads: dict[str, int]  # person_id → teams joined in this draw (people of team_depts only)


def cap_of(selected: int, params: DrawParams, roster_size: int) -> int:
    """``cap = ceil(selected · team_size / m) + load_slack``."""
    return -(-selected * params.team_size // roster_size) + params.load_slack


def assign_teams(k_asg: bytes, usccs: Sequence[str], roster: PreparedRoster, exclusions: PreparedExclusions,
                 params: DrawParams, *, literal: bool = False) -> Teams:
    """Teams for the selected enterprises ``usccs`` (in selection order); ``literal`` forces the plain procedure."""
    cap = cap_of(len(usccs), params, len(roster.rows))
    depts = params.team_depts
    wanted = set(depts)
    people = [r for r in roster.rows if r.dept_code in wanted]  # person_id order
    ids = [r.person_id for r in people]
    unit = [r.dept_code for r in people]
    index = {pid: i for i, pid in enumerate(ids)}
    messages = [lp(pid) for pid in ids]
    of_unit: dict[str, list[int]] = {d: [i for i, u in enumerate(unit) if u == d] for d in wanted}
    under_cap = {d: list(members) for d, members in of_unit.items()} if cap > 0 else {d: [] for d in wanted}
    excluded: dict[str, set[int]] = {}
    for e in exclusions.rows:
        if e.person_id in index:
            excluded.setdefault(e.uscc, set()).add(index[e.person_id])
    shortcut = not literal and len(wanted) == len(depts)
    load = [0] * len(people)
    base = hashlib.sha256(k_asg)
    teams: list[Team] = []
    for uscc in usccs:
        prefix = base.copy()
        prefix.update(lp(uscc))
        new = prefix.copy
        a: list[bytes] = []
        append = a.append
        for message in messages:
            one = new()
            one.update(message)
            append(one.digest())
        picked = None
        if shortcut and uscc not in excluded:
            picked = _by_unit(a, depts, under_cap, of_unit, params.team_size)
        if picked is None:
            picked = _plain(a, ids, unit, load, cap, excluded.get(uscc, set()), depts, params.team_size)
        chosen, fallbacks = picked
        for i in chosen:
            load[i] += 1
            if load[i] == cap:
                under_cap[unit[i]].remove(i)
        teams.append(Team(
            uscc,
            tuple(Member(ids[i], LEADER if n == 0 else MEMBER, a[i]) for n, i in enumerate(chosen)),
            tuple(fallbacks),
        ))
    return Teams(teams, cap, dict(zip(ids, load, strict=True)))


def _by_unit(a: list[bytes], depts: tuple[str, ...], under_cap: dict[str, list[int]], of_unit: dict[str, list[int]],
             size: int) -> tuple[list[int], list[Fallback]] | None:
    """The department pass as one ``min`` per unit (lists in person_id order, so ties go to the smaller id)."""
    chosen: list[int] = []
    fallbacks: list[Fallback] = []
    for dept in depts:
        if under_cap[dept]:
            chosen.append(min(under_cap[dept], key=a.__getitem__))
        elif of_unit[dept]:
            chosen.append(min(of_unit[dept], key=a.__getitem__))
            fallbacks.append(Fallback(1, dept))
        else:
            fallbacks.append(Fallback(2, dept))
    return (chosen, fallbacks) if len(chosen) >= size else None


def _plain(a: list[bytes], ids: list[str], unit: list[str], load: list[int], cap: int, excluded: set[int],
           depts: tuple[str, ...], size: int) -> tuple[list[int], list[Fallback]]:
    """The procedure exactly as written in the spec."""
    order = sorted((i for i in range(len(ids)) if i not in excluded), key=lambda i: (a[i], ids[i]))
    chosen: list[int] = []
    taken: set[int] = set()
    fallbacks: list[Fallback] = []
    for dept in depts:
        ours = [i for i in order if unit[i] == dept and i not in taken]
        pick = next((i for i in ours if load[i] < cap), None)
        if pick is None and ours:
            pick = ours[0]
            fallbacks.append(Fallback(1, dept))
        if pick is None:
            fallbacks.append(Fallback(2, dept))
            continue
        chosen.append(pick)
        taken.add(pick)
    for over_cap in (False, True):
        for i in order:
            if len(chosen) >= size:
                break
            if i not in taken and (over_cap or load[i] < cap):
                chosen.append(i)
                taken.add(i)
                if over_cap:
                    fallbacks.append(Fallback(1, None))
    if len(chosen) < size:
        fallbacks.append(Fallback(3, None))
    return chosen, fallbacks
