"""The draw as a process, with its rules: prepare → seed → execute → reveal; never edited, never re-run.

Before the reveal only the task's units (and 执法监督科) see who was drawn – inspections are unannounced – while the
public sees the commitments, the result hash and the counts. Voiding a draw needs a reason and the approval of
执法监督科 (not the person who asked); it is public, and the next draw of the task names the one it replaces.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal, Role
from app.domain.directories.model import CreditClass, DepartmentKind
from app.domain.draws import engine
from app.domain.draws.changes import effective_teams
from app.domain.draws.inputs import DrawInputs, frame_for, imported_params, overlapping, params_for, roster_for
from app.domain.draws.model import Draw, DrawStatus, FrameExclusion, SeedKind
from app.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.domain.outbox.service import draw_message, enqueue
from app.domain.plans.initiated import quarter_of
from app.domain.plans.model import Plan, SamplingMode, Task
from app.domain.plans.service import ensure_can_draw, find_task, get_plan, platform_task_no
from app.domain.ports import UnitOfWork
from app.domain.provincial.model import DrawReport, DrawTarget, DrawTeam, TeamMember

CST = timezone(timedelta(hours=8))
SEED_DIGITS = re.compile(r"\d")
MIN_SEED_DIGITS = 20
LIVE = (DrawStatus.PREPARED, DrawStatus.SEEDED, DrawStatus.EXECUTED, DrawStatus.REVEALED)


def draw_not_found(draw_id: str) -> NotFound:
    return NotFound(f"抽取记录“{draw_id}”不存在", f"draw '{draw_id}' not found", code="draw.not_found")


def check_state(draw: Draw, *expected: DrawStatus) -> None:
    if draw.status not in expected:
        raise Conflict(f"抽取记录处于“{draw.status.label}”状态，不能进行此操作", f"draw is {draw.status.value}",
                       code="draw.state_invalid", details={"draw_status": draw.status.value})


def task_units(task: Task) -> tuple[str, ...]:
    return (*task.departments, *task.sampling.team_departments)


def sees_selection(principal: Principal | None, task: Task) -> bool:
    """Who may learn who was drawn before the reveal (the visits are unannounced): those who run draws (执法监督科,
    the task's own units) and the partner departments of the task; not inspectors (their own visits show them),
    integration keys or anyone else."""
    if principal is None:
        return False
    if not (principal.can(Permission.DRAWS_RUN) or principal.role is Role.PARTNER):
        return False
    for unit in task_units(task):
        try:
            principal.require_department(unit)
        except PermissionDenied:
            continue
        return True
    return False


def require_task_unit(principal: Principal, task: Task) -> None:
    principal.require(Permission.DRAWS_RUN)
    if not sees_selection(principal, task):
        raise PermissionDenied("只有参加该任务的单位可以组织抽取", "only the task's units run its draws",
                               code="draw.foreign_task")


async def locate(uow: UnitOfWork, draw_id: str, *, for_update: bool = False) -> Draw:
    draw = await uow.draws.get(draw_id, for_update=for_update)
    if draw is None:
        raise draw_not_found(draw_id)
    return draw


async def task_of(uow: UnitOfWork, draw: Draw) -> tuple[Plan, Task]:
    plan = await uow.plans.get(draw.plan_no)
    if plan is None:
        raise draw_not_found(draw.draw_id)
    return plan, find_task(plan, draw.task_no)


@dataclass(slots=True)
class _History:
    #: Enterprises an overlapping task of the same industry already drew: merged into that visit.
    taken: dict[str, str]
    #: Who inspected each enterprise in its most recent random inspection (rotation).
    rotation: dict[str, set[str]]
    #: Enterprises at the annual frequency cap of one of this task's items, with the reason.
    capped: dict[str, str]


async def _history(uow: UnitOfWork, plan: Plan, task: Task) -> _History:
    """What earlier draws mean for this one. Every random inspection starts from a draw, so the draws of the
    year count the inspections of each enterprise under each item (the annual frequency cap)."""
    caps: dict[str, int] = {}
    for code in {c for codes in task.items.values() for c in codes}:
        item = await uow.items.get(code)
        if item is not None and item.frequency_cap:
            caps[code] = item.frequency_cap
    history = _History({}, {}, {})
    counts: dict[tuple[str, str], int] = {}
    executed = await uow.draws.find(statuses=(DrawStatus.EXECUTED, DrawStatus.REVEALED))
    for draw in sorted(executed, key=lambda d: (d.executed_at is None, d.executed_at)):  # the latest team wins
        other_plan = await uow.plans.get(draw.plan_no)
        if other_plan is None:
            continue
        other = find_task(other_plan, draw.task_no)
        if draw.outcome is None:
            continue
        chosen = draw.outcome["selected"]
        if overlapping(plan, task, other_plan, other):
            for uscc in chosen:
                history.taken.setdefault(uscc, draw.draw_id)
        for uscc, members in draw.outcome["teams"]:
            history.rotation[uscc] = set(members)
        if other_plan.year == plan.year:
            shared = {c for codes in other.items.values() for c in codes} & caps.keys()
            for uscc in chosen:
                for code in shared:
                    counts[(uscc, code)] = counts.get((uscc, code), 0) + 1
    for (uscc, code), n in counts.items():
        if n >= caps[code]:
            history.capped.setdefault(uscc, f"抽查事项 {code} 已达年度抽查频次上限（每年 {caps[code]} 次）")
    return history


async def _lead_is_partner(uow: UnitOfWork, task: Task) -> bool:
    lead = await uow.departments.get(task.lead_department)
    return lead is not None and lead.kind is DepartmentKind.PARTNER


def imported_targets(targets: list[str] | None, lead_bundle: dict[str, Any] | None) -> list[str]:
    """The enterprises the lead department drew: a verified CN-INSPECT bundle's selection, or a plain list."""
    if lead_bundle is not None:
        differences = engine.verify(lead_bundle)
        if differences:
            raise InvalidInput(f"牵头部门的抽取记录未通过核验（{differences[0].message_zh}）",
                               f"the lead department's bundle does not verify: {differences[0].message_en}",
                               code="draw.imported_bundle_invalid",
                               details={"differences": [d.member for d in differences]})
        return [row["uscc"] for row in lead_bundle["selected"]]
    return list(dict.fromkeys(t.strip().upper() for t in targets or [] if t.strip()))


async def _imported_frame(uow: UnitOfWork, usccs: list[str], weights: dict[str, int] | None
                          ) -> list[tuple[str, str, str, str, int]]:
    known = await uow.enterprises.current(usccs)
    missing = [u for u in usccs if u not in known]
    if missing:
        raise InvalidInput(f"检查对象名录库中没有 {len(missing)} 家牵头部门抽中的企业，请先同步名录库",
                           "some imported targets are not in the directory", code="draw.target_unknown",
                           details={"missing": missing[:50]})
    rows = []
    for uscc in usccs:
        e = known[uscc]
        risk = e.credit_class.value if e.credit_class else "U"
        rows.append((uscc, e.industry_code, e.county_code, risk, weights.get(risk, 1) if weights else 1))
    rows.sort()  # commitment order (by USCC)
    return rows


async def prepare(uow: UnitOfWork, principal: Principal, plan_no: str, task_no: str, *, today: date, salt: str,
                  replaces: str | None = None, targets: list[str] | None = None,
                  lead_bundle: dict[str, Any] | None = None) -> Draw:
    """Freeze the frame, roster and exclusions and publish the commitments (the seed does not exist yet).

    For a task another department leads (the bureau only joins), the enterprises are the lead's: give its list
    (``targets``) or its CN-INSPECT bundle (verified first); this draw then selects all of them and draws the
    bureau's own inspectors over them with the same algorithm."""
    plan = await get_plan(uow, plan_no)
    task = find_task(plan, task_no)
    require_task_unit(principal, task)
    ensure_can_draw(plan, task, today)
    async with uow:
        joined = await _lead_is_partner(uow, task)
    if joined and targets is None and lead_bundle is None:
        raise InvalidInput("本局参加而非牵头的任务，须导入牵头部门抽中的企业名单或其抽取记录",
                           "a task the bureau joins needs the lead department's targets", code="draw.targets_required",
                           details={"field": "targets"})
    if not joined and (targets is not None or lead_bundle is not None):
        raise Conflict("本局牵头的任务由本局抽取企业，不能导入名单", "the bureau draws the enterprises of tasks it leads",
                       code="draw.targets_not_allowed")
    imported = imported_targets(targets, lead_bundle) if joined else None
    if imported is not None and not imported:
        raise InvalidInput("导入的企业名单为空", "no targets", code="draw.targets_empty", details={"field": "targets"})
    async with uow:
        previous = await uow.draws.for_task(plan_no, task_no)
        open_draws = [d for d in previous if d.status in (DrawStatus.PREPARED, DrawStatus.SEEDED)]
        if open_draws:
            raise Conflict(f"该任务已有进行中的抽取（{open_draws[0].draw_id}）", "the task has a draw in progress",
                           code="draw.in_progress", details={"draw_id": open_draws[0].draw_id})
        if replaces is not None:
            voided = next((d for d in previous if d.draw_id == replaces), None)
            if voided is None or voided.status is not DrawStatus.VOIDED:
                raise Conflict("只能替代本任务已作废的抽取", "a new draw replaces only a voided draw of the task",
                               code="draw.replaces_invalid")
        quota = None
        if task.sampling.mode is SamplingMode.ANNUAL_QUOTA:
            entered = await uow.plans.quota(today.year, quarter_of(today), task.lead_department)
            quota = entered.count if entered else None
        history = await _history(uow, plan, task)
        excluded: list[FrameExclusion] = []
        if imported is not None:
            frame = await _imported_frame(uow, imported, None)
            params = imported_params(task)
        else:
            weights_hint = params_for(task, 1, quota if quota is not None else 1)
            frame, excluded = await frame_for(uow, task, history.taken, history.capped, weights_hint.get("weights"))
            if not frame:
                raise Conflict("抽查对象范围内没有可抽取的企业", "the frame is empty", code="draw.frame_empty",
                               details={"excluded": len(excluded)})
            params = params_for(task, len(frame), quota)
        roster, pairs, left_out = await roster_for(uow, task, params["team_depts"], {r[0] for r in frame},
                                                   history.rotation)
        inputs = DrawInputs(frame, excluded, roster, pairs, params, left_out)
        sequence = len(previous) + 1
        draw_id = f"{platform_task_no(plan, task)}-D{sequence}"
        commitments = engine.commitments(inputs, salt)
        draw = Draw(draw_id, plan_no, task_no, sequence, DrawStatus.PREPARED, params, commitments,
                    engine.allocation(inputs), {"frame": len(frame), "roster": len(roster), "exclusions": len(pairs),
                                                "frame_excluded": len(excluded), "roster_excluded": len(left_out)}, principal.username, replaces=replaces)
        await uow.draws.add(draw, inputs=engine.canonical(inputs.as_json()), salt=salt)
        uow.audit.record(AuditEvent("draw.prepare", "draw", draw_id, None, {
            "commitments": commitments, "counts": draw.counts, "params": params, "replaces": replaces}))
        await uow.commit()
    return draw


def _ceremony_seed(seed: str, witnesses: list[str]) -> None:
    if len(SEED_DIGITS.findall(seed)) < MIN_SEED_DIGITS or not seed.strip().isdigit():
        raise InvalidInput(f"公开摇号的随机种子须为至少 {MIN_SEED_DIGITS} 位十进制数字", "a ceremony seed is at least 20 digits",
                           code="draw.seed_too_short", details={"field": "seed"})
    if not [w for w in witnesses if w.strip()]:
        raise InvalidInput("公开摇号须登记见证人（如纪检人员、企业代表）", "a ceremony needs witnesses",
                           code="draw.witnesses_missing", details={"field": "witnesses"})


async def enter_seed(uow: UnitOfWork, principal: Principal, draw_id: str, *, seed: str, kind: SeedKind,
                     witnesses: list[str], now: datetime, allow_system: bool) -> Draw:
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        _plan, task = await task_of(uow, draw)
        require_task_unit(principal, task)
        check_state(draw, DrawStatus.PREPARED)
        if kind is SeedKind.PUBLIC_CEREMONY:
            _ceremony_seed(seed, witnesses)
        elif not allow_system:
            raise Conflict("系统生成的随机种子仅用于测试和演示，正式抽取须公开摇号", "system seeds are for tests and demos only",
                           code="draw.system_seed_refused")
        elif not seed.strip():
            raise InvalidInput("随机种子不能为空", "seed is empty", code="draw.seed_empty", details={"field": "seed"})
        draw.seed = seed
        draw.seed_source = {"kind": kind.value, "witnesses": [w.strip() for w in witnesses if w.strip()],
                            "entered_at": now.astimezone(CST).isoformat(timespec="seconds")}
        draw.seeded_by, draw.status = principal.username, DrawStatus.SEEDED
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.seed", "draw", draw_id, {"status": "prepared"},
                                    {"status": "seeded", "seed": seed, "seed_source": draw.seed_source}))
        await uow.commit()
    return draw


async def execute(uow: UnitOfWork, principal: Principal, draw_id: str) -> Draw:
    """Compute the draw, store its immutable bundle and publish the result hash; queue the report to the platform."""
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        plan, task = await task_of(uow, draw)
        require_task_unit(principal, task)
        check_state(draw, DrawStatus.SEEDED)
        assert draw.seed is not None
        assert draw.seed_source is not None
        inputs = json.loads(await uow.draws.inputs(draw_id))
        bundle = engine.run(draw_id, draw.seed, draw.seed_source, await uow.draws.salt(draw_id), inputs,
                            draw.commitments["frame_hash"])
        await uow.draws.store_bundle(draw_id, engine.canonical(bundle))
        draw.result_hash, draw.status, draw.executed_at = bundle["result_hash"], DrawStatus.EXECUTED, uow.now
        draw.counts = {**draw.counts, **engine.counts(bundle)}
        draw.outcome = engine.outcome(bundle)
        await uow.draws.update(draw)
        await enqueue(uow, draw_message(platform_task_no(plan, task), _report(draw, bundle, uow.now)))
        uow.audit.record(AuditEvent("draw.execute", "draw", draw_id, {"status": "seeded"},
                                    {"status": "executed", "result_hash": draw.result_hash, "counts": draw.counts}))
        await uow.commit()
    return draw


def _report(draw: Draw, bundle: dict[str, Any], at: datetime) -> DrawReport:
    classes = {row[0]: row[3] for row in bundle["frame"]}
    targets = tuple(DrawTarget(s["uscc"], CreditClass(classes[s["uscc"]]) if classes[s["uscc"]] != "U" else None,
                               s["cell"]) for s in bundle["selected"])
    teams = tuple(DrawTeam(t["uscc"], tuple(TeamMember(m["person_id"], m["role"] == "组长") for m in t["members"]))
                  for t in bundle["teams"])
    return DrawReport(draw.draw_id, draw.seed or "", bundle["algorithm"], draw.commitments["frame_hash"], at, targets,
                      teams)


async def reveal(uow: UnitOfWork, principal: Principal, draw_id: str, *, today: date) -> Draw:
    """Publish the salt and the whole bundle: after the task window, or earlier on 执法监督科's decision."""
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        _plan, task = await task_of(uow, draw)
        check_state(draw, DrawStatus.EXECUTED)
        if today <= task.window_end:
            principal.require(Permission.PLANS_APPROVE)
        else:
            require_task_unit(principal, task)
        draw.status, draw.revealed_at, draw.revealed_by = DrawStatus.REVEALED, uow.now, principal.username
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.reveal", "draw", draw_id, {"status": "executed"},
                                    {"status": "revealed", "before_window_end": today <= task.window_end}))
        await uow.commit()
    return draw


@dataclass(frozen=True, slots=True)
class DrawView:
    draw: Draw
    task: Task
    #: The whole bundle when the caller may see it (task units, or anyone after the reveal).
    bundle: dict[str, Any] | None
    public: dict[str, Any]
    #: Teams after the recorded changes, and the enterprises left out of the frame with their reasons
    #: (visible with the bundle).
    teams: list[dict[str, Any]] | None = None
    frame_excluded: list[list[str]] | None = None
    roster_excluded: list[list[str]] | None = None


async def view(uow: UnitOfWork, principal: Principal | None, draw_id: str) -> DrawView:
    async with uow:
        draw = await locate(uow, draw_id)
        _plan, task = await task_of(uow, draw)
        raw = await uow.draws.bundle(draw_id)
        may_see = draw.status is DrawStatus.REVEALED or sees_selection(principal, task)
        frozen = json.loads(await uow.draws.inputs(draw_id)) if may_see else None
        excluded = frozen["frame_excluded"] if frozen else None
        roster_excluded = frozen.get("roster_excluded", []) if frozen else None
    bundle = json.loads(raw) if raw else None
    public = engine.public(bundle) if bundle else {}
    visible = bundle if bundle and may_see else None
    if visible is not None and draw.status is not DrawStatus.REVEALED:
        visible = {**visible, "salt": None}  # the salt stays sealed until the reveal, even for the task's units
    teams = effective_teams(bundle, draw.changes) if visible is not None and bundle is not None else None
    return DrawView(draw, task, visible, public, teams, excluded, roster_excluded)


async def public_bundle(uow: UnitOfWork, draw_id: str) -> bytes:
    async with uow:
        draw = await locate(uow, draw_id)
        if draw.status is not DrawStatus.REVEALED:
            raise Conflict("抽取结果将在检查时间结束后公开", "the bundle is published after the inspection window",
                           code="draw.not_revealed")
        raw = await uow.draws.bundle(draw_id)
    assert raw is not None
    return raw


async def public_self_check(uow: UnitOfWork, draw_id: str, uscc: str) -> dict[str, Any]:
    raw = await public_bundle(uow, draw_id)
    return engine.check_enterprise(json.loads(raw), uscc)
