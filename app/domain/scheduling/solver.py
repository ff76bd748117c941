"""The schedule solver: pure, deterministic placement of visits on working days.

Input: what must be visited (``Demand``: one drawn enterprise of one draw, with the window its task allows, the
drawn team and the items), the visits already fixed (``Booking``), the working days, each inspector's days off
(leave) and a daily capacity (visits per inspector per day). Output: ``Placement`` for every visit placed (new
or joined to an existing booking) and ``Unplaced`` for the rest, each with a reason.

Rules (DOMAIN.md §6):
- a visit falls on a working day inside its window, on a day none of its team is on leave, with every member
  under the daily capacity, and never two visits of one enterprise on one day;
- demands of one enterprise whose windows overlap become one joint visit (能合并的不得重复检查): the window is the
  intersection, the team the union (the first demand's leader leads), the items the union; a demand whose
  enterprise already has a booking inside its window joins that booking instead of making a new visit (the
  booking's day is kept; new members must be free that day);
- a demand without a team (items another draw merged into this enterprise's visit) can only join;
- visits of one county are grouped on the same inspector-day to cut travel; locations, when present, break ties
  and order the visits of a day (nearest neighbour);
- the same inputs give the same output, whatever the order of the inputs.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.runtime import paused_gc


@dataclass(frozen=True, slots=True)
class Demand:
    """One enterprise to visit for one source (a draw of a task)."""

    source: str
    uscc: str
    county_code: str
    #: (longitude, latitude), WGS-84, when the directory has it.
    location: tuple[float, float] | None
    window_start: date
    window_end: date
    #: Person ids, leader first; empty for items merged into another draw's visit of the enterprise.
    team: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Booking:
    """A visit already on the schedule: it keeps its day; its members are busy that day."""

    visit_id: str
    uscc: str
    day: date
    county_code: str
    location: tuple[float, float] | None
    window_start: date
    window_end: date
    team: tuple[str, ...]
    #: A booking that has started (or whose day is past) can take no new members or items.
    open: bool = True


@dataclass(frozen=True, slots=True)
class Placement:
    uscc: str
    day: date
    county_code: str
    #: The demands this visit carries (one, or several merged), in (source, uscc) order.
    demands: tuple[Demand, ...]
    #: Union of the demands' teams, leader first.
    team: tuple[str, ...]
    items: tuple[str, ...]
    window_start: date
    window_end: date
    #: The booking joined, or None for a new visit.
    joins: str | None = None
    #: Position of the visit in its leader's day (0 first), by nearest neighbour when locations are known.
    order: int = 0


class UnplacedReason:
    NO_WORKING_DAY = "no_working_day"
    NO_CAPACITY = "no_capacity"
    TEAM_ON_LEAVE = "team_on_leave"
    NO_TEAM = "no_team"
    JOIN_MEMBER_BUSY = "join_member_busy"
    JOIN_CLOSED = "join_closed"


REASON_TEXT: dict[str, tuple[str, str]] = {
    UnplacedReason.NO_WORKING_DAY: ("检查时间窗内已没有可用的工作日", "no working day left in the window"),
    UnplacedReason.NO_CAPACITY: ("检查时间窗内检查组成员每日检查量已满", "the team is fully booked in the window"),
    UnplacedReason.TEAM_ON_LEAVE: ("检查时间窗内检查组成员均有请假，找不到全员可出勤的工作日",
                                   "no working day in the window when the whole team is available"),
    UnplacedReason.NO_TEAM: ("该企业在本次抽取中没有检查组，且没有可并入的检查",
                             "no team and no visit of the enterprise to join"),
    UnplacedReason.JOIN_MEMBER_BUSY: ("与已排定的检查合并时，新增检查人员当天不可用",
                                      "merging into the scheduled visit: a new member is unavailable that day"),
    UnplacedReason.JOIN_CLOSED: ("该企业已排定的检查已开始，不能再并入检查事项",
                                 "the enterprise's scheduled visit has started"),
}


@dataclass(frozen=True, slots=True)
class Unplaced:
    demands: tuple[Demand, ...]
    reason: str
    #: The nearest miss, e.g. the booking whose day could not be joined, or the days tried.
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Schedule:
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]


# ----------------------------------------------------------------------------------------------------------------
# Merging: demands of one enterprise → joins of bookings, joint new visits, and the demands that cannot be visited.

_DemandKey = tuple[str, str, date, date, tuple[str, ...], tuple[str, ...], str, bool, tuple[float, float]]


def _demand_key(d: Demand) -> _DemandKey:
    """A total order on demands, so that nothing depends on the order of the input."""
    return (d.source, d.uscc, d.window_start, d.window_end, d.team, d.items, d.county_code, d.location is None,
            d.location or (0.0, 0.0))


def _end_key(d: Demand) -> tuple[date, date, _DemandKey]:
    return d.window_end, d.window_start, _demand_key(d)


def _booking_key(b: Booking) -> tuple[date, str, str, tuple[str, ...]]:
    return b.day, b.visit_id, b.uscc, b.team


def _union(parts: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    if len(parts) == 1 and len(set(parts[0])) == len(parts[0]):
        return parts[0]
    seen: dict[str, None] = {}
    for part in parts:
        for x in part:
            seen.setdefault(x, None)
    return tuple(seen)


@dataclass(slots=True)
class _Cluster:
    """Demands of one enterprise visited together: the window is the intersection of theirs."""

    uscc: str
    demands: list[Demand]
    start: date
    end: date
    booking: Booking | None = None

    def add(self, d: Demand) -> None:
        self.demands.append(d)
        self.start = max(self.start, d.window_start)
        self.end = min(self.end, d.window_end)

    def overlaps(self, d: Demand) -> bool:
        return max(self.start, d.window_start) <= min(self.end, d.window_end)

    def frozen(self) -> tuple[Demand, ...]:
        """The demands in (source, uscc) order (``_merge`` sorts them once it is done)."""
        return tuple(self.demands)

    def team(self) -> tuple[str, ...]:
        return _union([d.team for d in self.demands])

    def items(self) -> tuple[str, ...]:
        return _union([d.items for d in self.demands])

    def location(self) -> tuple[float, float] | None:
        return next((d.location for d in self.demands if d.location is not None), None)


def _stab(demands: Sequence[Demand], uscc: str) -> list[_Cluster]:
    """The fewest clusters with a common day (greedy interval stabbing by window end); a demand with an empty
    window stays alone."""
    clusters: list[_Cluster] = []
    current: _Cluster | None = None
    for d in sorted(demands, key=_end_key):
        if d.window_start > d.window_end:
            clusters.append(_Cluster(uscc, [d], d.window_start, d.window_end))
        elif current is not None and d.window_start <= current.end:
            current.add(d)
        else:
            current = _Cluster(uscc, [d], d.window_start, d.window_end)
            clusters.append(current)
    for cluster in clusters:
        cluster.demands.sort(key=_demand_key)
    return clusters


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()}～{end.isoformat()}"


def _merge(demands: Sequence[Demand], bookings: Sequence[Booking]) -> tuple[list[_Cluster], list[_Cluster],
                                                                            list[Unplaced]]:
    """(clusters joining a booking, clusters to place as new visits, demands that cannot be visited).

    Per enterprise: a demand whose window holds a booking day goes to that booking (the earliest open one, else the
    earliest closed one: JOIN_CLOSED); the other demands with a team are clustered by their windows; a demand without
    a team joins the first of those clusters its window overlaps, else it is NO_TEAM."""
    by_uscc: dict[str, list[Demand]] = defaultdict(list)
    for d in sorted(demands, key=_demand_key):
        by_uscc[d.uscc].append(d)
    booked: dict[str, list[Booking]] = defaultdict(list)
    for b in sorted(bookings, key=_booking_key):
        booked[b.uscc].append(b)
    joins: list[_Cluster] = []
    fresh: list[_Cluster] = []
    unplaced: list[Unplaced] = []
    for uscc in sorted(by_uscc):  # demands are in (source, uscc) order here, and so in every cluster
        own = booked.get(uscc, [])
        if not own and len(by_uscc[uscc]) == 1 and by_uscc[uscc][0].team:  # the common case, short-cut
            d = by_uscc[uscc][0]
            fresh.append(_Cluster(uscc, [d], d.window_start, d.window_end))
            continue
        to_booking: dict[int, _Cluster] = {}
        rest: list[Demand] = []
        for d in by_uscc[uscc]:
            inside = [k for k, b in enumerate(own) if d.window_start <= b.day <= d.window_end]
            if not inside:
                rest.append(d)
                continue
            k = next((k for k in inside if own[k].open), inside[0])
            if k in to_booking:
                to_booking[k].add(d)
            else:
                to_booking[k] = _Cluster(uscc, [d], d.window_start, d.window_end, own[k])
        clusters = _stab([d for d in rest if d.team], uscc)
        loose: list[Demand] = []
        for d in sorted((d for d in rest if not d.team), key=_end_key):
            home = next((c for c in clusters if c.overlaps(d)), None)
            if home is None:
                loose.append(d)
            else:
                home.add(d)
                home.demands.sort(key=_demand_key)
        for k in sorted(to_booking):
            cluster, booking = to_booking[k], own[k]
            if booking.open:
                joins.append(cluster)
            else:
                unplaced.append(Unplaced(cluster.frozen(), UnplacedReason.JOIN_CLOSED,
                                         f"已排定检查 {booking.visit_id}（{booking.day.isoformat()}）已开始或已过期"))
        fresh.extend(clusters)
        for cluster in _stab(loose, uscc):
            unplaced.append(Unplaced(cluster.frozen(), UnplacedReason.NO_TEAM,
                                     f"检查时间窗 {_span(cluster.start, cluster.end)} 内没有检查组，也没有可并入的检查"))
    return joins, fresh, unplaced


# ----------------------------------------------------------------------------------------------------------------
# Who is busy when: masks over the working days (bit i = working day i), loads per inspector-day.

_Spot = tuple[str, tuple[float, float] | None]


def _bits(mask: int) -> Iterator[int]:
    """The set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _dist2(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Squared equirectangular distance in degrees of latitude (enough to compare)."""
    dx = (a[0] - b[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    dy = a[1] - b[1]
    return dx * dx + dy * dy


class _Board:
    def __init__(self, working_days: Sequence[date], leave: Mapping[str, frozenset[date]], capacity: int) -> None:
        self.days = sorted(set(working_days))
        self.index = {d: i for i, d in enumerate(self.days)}
        self.leave = leave
        self.capacity = capacity
        #: Everyone is full from the start when the capacity is nil.
        self.unbooked = (1 << len(self.days)) - 1 if capacity <= 0 else 0
        self.load: dict[tuple[str, date], int] = {}
        self.full: dict[str, int] = {}
        self.busy: dict[str, int] = {}
        self.here: dict[tuple[str, str], int] = {}
        self.spots: dict[tuple[str, int], list[_Spot]] = {}
        self.taken: dict[str, int] = {}
        self._away: dict[str, int] = {}

    def window(self, start: date, end: date) -> int:
        lo, hi = bisect_left(self.days, start), bisect_right(self.days, end)
        return ((1 << hi) - 1) ^ ((1 << lo) - 1) if hi > lo else 0

    def away(self, person: str) -> int:
        mask = self._away.get(person)
        if mask is None:
            mask = 0
            for day in self.leave.get(person, ()):
                i = self.index.get(day)
                if i is not None:
                    mask |= 1 << i
            self._away[person] = mask
        return mask

    def blocked(self, person: str) -> int:
        return self.full.get(person, self.unbooked) | self.away(person)

    def add(self, team: Sequence[str], day: date, county: str, location: tuple[float, float] | None,
            uscc: str) -> None:
        i = self.index.get(day)
        bit = 0 if i is None else 1 << i
        for person in team:
            key = (person, day)
            load = self.load.get(key, 0) + 1
            self.load[key] = load
            if i is None:
                continue
            self.busy[person] = self.busy.get(person, 0) | bit
            self.here[person, county] = self.here.get((person, county), 0) | bit
            self.spots.setdefault((person, i), []).append((county, location))
            if load >= self.capacity:
                self.full[person] = self.full.get(person, self.unbooked) | bit
        self.taken[uscc] = self.taken.get(uscc, 0) | bit

    def unavailable(self, person: str, day: date) -> str | None:
        if day in self.leave.get(person, ()):
            return f"{person} 当天请假"
        load = self.load.get((person, day), 0)
        if load >= self.capacity:
            return f"{person} 当天已有 {load} 项检查"
        return None

    def distance(self, team: Sequence[str], i: int, county: str, location: tuple[float, float]) -> float:
        best = math.inf
        for person in team:
            for where, there in self.spots.get((person, i), ()):
                if where == county and there is not None:
                    best = min(best, _dist2(location, there))
        return best

    def why(self, team: Sequence[str], start: date, end: date, window: int) -> tuple[str, str]:
        span = _span(start, end)
        if not window:
            return UnplacedReason.NO_WORKING_DAY, f"检查时间窗 {span} 内没有工作日"
        away = 0
        for person in team:
            away |= self.away(person)
        if not window & ~away:
            names = "、".join(p for p in team if self.away(p) & window)
            return UnplacedReason.TEAM_ON_LEAVE, f"检查时间窗 {span} 内每个工作日都有成员请假：{names}"
        full = [p for p in team if not window & ~self.blocked(p)]
        if full:
            return UnplacedReason.NO_CAPACITY, f"检查时间窗 {span} 内 {'、'.join(full)} 每日检查量已满"
        return UnplacedReason.NO_CAPACITY, f"检查时间窗 {span} 内 {'、'.join(team)} 没有共同的可用工作日"


def _smart_day(board: _Board, team: Sequence[str], county: str, location: tuple[float, float] | None,
               feasible: int) -> int:
    """The day with (fewest members moved to a new county, most members already in this county, nearest to their
    visits of this county, earliest)."""
    heres = [board.here.get((p, county), 0) for p in team]
    elsewhere = [board.busy.get(p, 0) & ~h for p, h in zip(team, heres, strict=True)]
    moved = 0
    for mask in elsewhere:
        moved |= mask
    calm = feasible & ~moved
    best: tuple[int, int, float, int] | None = None
    if calm:
        near = 0
        for h in heres:
            near |= h
        near &= calm
        if not near:
            return _lowest(calm)
        for i in _bits(near):
            packing = sum((h >> i) & 1 for h in heres)
            if location is None:
                if packing == len(team):
                    return i
                key = (0, -packing, 0.0, i)
            else:
                key = (0, -packing, board.distance(team, i, county, location), i)
            if best is None or key < best:
                best = key
    else:  # every feasible day moves someone to another county: the fewest moves
        for i in _bits(feasible):
            cost = sum((m >> i) & 1 for m in elsewhere)
            packing = sum((h >> i) & 1 for h in heres)
            far = 0.0 if location is None or not packing else board.distance(team, i, county, location)
            key = (cost, -packing, far, i)
            if best is None or key < best:
                best = key
    assert best is not None
    return best[3]


# ----------------------------------------------------------------------------------------------------------------
# Planning

@dataclass(slots=True)
class _Visit:
    uscc: str
    day: date
    county_code: str
    demands: tuple[Demand, ...]
    team: tuple[str, ...]
    items: tuple[str, ...]
    window_start: date
    window_end: date
    joins: str | None
    location: tuple[float, float] | None


def _ordered(visits: list[_Visit]) -> list[Placement]:
    """Placements with their position in the leader's day, sorted by (day, leader, order, uscc)."""
    days: dict[tuple[date, str], list[_Visit]] = defaultdict(list)
    for v in visits:
        days[v.day, v.team[0] if v.team else ""].append(v)
    out: list[Placement] = []
    for group in days.values():
        if len(group) == 1:
            v = group[0]
            out.append(Placement(v.uscc, v.day, v.county_code, v.demands, v.team, v.items, v.window_start,
                                 v.window_end, v.joins, 0))
            continue
        located = sorted((v for v in group if v.location is not None), key=lambda v: v.uscc)
        route: list[_Visit] = []
        if located:
            here = min(located, key=lambda v: (v.location or (0.0, 0.0), v.uscc))
            while True:
                route.append(here)
                located.remove(here)
                if not located:
                    break
                at = here.location or (0.0, 0.0)
                here = min(located, key=lambda v: (_dist2(at, v.location or (0.0, 0.0)), v.uscc))
        route.extend(sorted((v for v in group if v.location is None), key=lambda v: v.uscc))
        out.extend(Placement(v.uscc, v.day, v.county_code, v.demands, v.team, v.items, v.window_start, v.window_end,
                             v.joins, k) for k, v in enumerate(route))
    out.sort(key=lambda p: (p.day, p.team[0] if p.team else "", p.order, p.uscc))
    return out


def _plan(demands: Sequence[Demand], bookings: Sequence[Booking], working_days: Sequence[date],
          leave: Mapping[str, frozenset[date]], capacity: int, smart: bool) -> Schedule:
    joins, fresh, unplaced = _merge(demands, bookings)
    board = _Board(working_days, leave, capacity)
    for b in sorted(bookings, key=_booking_key):
        board.add(b.team, b.day, b.county_code, b.location, b.uscc)
    visits: list[_Visit] = []

    for cluster, booking in sorted(((c, c.booking) for c in joins if c.booking), key=lambda cb: _booking_key(cb[1])):
        ds = cluster.frozen()
        added = [p for p in cluster.team() if p not in booking.team]
        why = [w for w in (board.unavailable(p, booking.day) for p in added) if w]
        if why:
            unplaced.append(Unplaced(ds, UnplacedReason.JOIN_MEMBER_BUSY,
                                     f"并入已排定检查 {booking.visit_id}（{booking.day.isoformat()}）：{'；'.join(why)}"))
            continue
        board.add(added, booking.day, booking.county_code, booking.location, cluster.uscc)
        visits.append(_Visit(cluster.uscc, booking.day, booking.county_code, ds, booking.team + tuple(added),
                             cluster.items(), max(cluster.start, booking.window_start),
                             min(cluster.end, booking.window_end), booking.visit_id,
                             booking.location or cluster.location()))

    windows = {id(c): board.window(c.start, c.end) for c in fresh}
    counties = {id(c): c.frozen()[0].county_code for c in fresh}
    if smart:
        fresh.sort(key=lambda c: (c.end, windows[id(c)].bit_count(), counties[id(c)], c.uscc, c.start))
    else:
        fresh.sort(key=lambda c: (c.start, c.uscc, c.end))
    for cluster in fresh:
        ds, team, county, location = cluster.frozen(), cluster.team(), counties[id(cluster)], cluster.location()
        window = windows[id(cluster)]
        feasible = window & ~board.taken.get(cluster.uscc, 0)
        for person in team:
            feasible &= ~board.blocked(person)
        if not feasible:
            reason, detail = board.why(team, cluster.start, cluster.end, window)
            unplaced.append(Unplaced(ds, reason, detail))
            continue
        i = _smart_day(board, team, county, location, feasible) if smart else _lowest(feasible)
        day = board.days[i]
        board.add(team, day, county, location, cluster.uscc)
        visits.append(_Visit(cluster.uscc, day, county, ds, team, cluster.items(), cluster.start, cluster.end, None,
                             location))

    unplaced.sort(key=lambda u: (_demand_key(u.demands[0]), u.reason))
    return Schedule(tuple(_ordered(visits)), tuple(unplaced))


def plan_visits(
    demands: Sequence[Demand],
    bookings: Sequence[Booking],
    working_days: Sequence[date],
    leave: Mapping[str, frozenset[date]],
    capacity: int,
) -> Schedule:
    """Place every demand it can; see the module's rules.

    Demands are merged (``_merge``); the joins are checked in (booking day, visit id) order; the new visits are
    placed most constrained first (window end, working days in the window, county, USCC), each on the day that moves
    the fewest members to a county they are not yet in that day, then packs the most members already in the county,
    then lies nearest to their visits there, then comes first. The working days, leave, loads and counties are bit
    masks over the working days, so a visit costs a few integer operations plus the days where its members already
    work in its county."""
    with paused_gc():  # tens of thousands of long-lived small objects: see paused_gc
        return _plan(demands, bookings, working_days, leave, capacity, smart=True)


def naive_plan(
    demands: Sequence[Demand],
    bookings: Sequence[Booking],
    working_days: Sequence[date],
    leave: Mapping[str, frozenset[date]],
    capacity: int,
) -> Schedule:
    """The baseline the benchmark compares against: merges like ``plan_visits`` but puts each visit on its
    earliest feasible day, blind to counties and locations."""
    with paused_gc():
        return _plan(demands, bookings, working_days, leave, capacity, smart=False)


def county_switches(placements: Sequence[Placement], bookings: Sequence[Booking] = ()) -> tuple[int, int]:
    """Travel measure: (switches, inspector-days) where an inspector-day with visits in k counties counts k - 1
    switches."""
    seen: dict[tuple[str, date], set[str]] = defaultdict(set)
    for p in placements:
        for person in p.team:
            seen[person, p.day].add(p.county_code)
    for b in bookings:
        for person in b.team:
            seen[person, b.day].add(b.county_code)
    return sum(len(c) - 1 for c in seen.values()), len(seen)
