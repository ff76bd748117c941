"""Amending a draw without editing it: voiding (a reason, another supervisor's approval, public) and later team
changes (a replacement by the next candidate in ticket order, a reasoned manual assignment), each recorded."""

from __future__ import annotations

import json
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.draws.changes import check_manual, effective_teams, next_candidate
from app.domain.draws.model import Draw, DrawStatus
from app.domain.draws.service import LIVE, check_state, locate, require_task_unit, task_of
from app.domain.errors import Conflict, InvalidInput, PermissionDenied
from app.domain.ports import UnitOfWork
from app.domain.scheduling.service import ScheduleRules, apply_team_change


async def request_void(uow: UnitOfWork, principal: Principal, draw_id: str, reason: str) -> Draw:
    if len(reason.strip()) < 4:
        raise InvalidInput("作废抽取须说明理由", "voiding needs a reason", code="draw.void_reason_missing",
                           details={"field": "reason"})
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        _plan, task = await task_of(uow, draw)
        require_task_unit(principal, task)
        check_state(draw, *LIVE)
        if draw.void_requested_by:
            raise Conflict("已提出作废申请，等待审批", "a void request is pending", code="draw.void_pending")
        draw.void_reason, draw.void_requested_by = reason.strip(), principal.username
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.void_request", "draw", draw_id, None, {"reason": draw.void_reason}))
        await uow.commit()
    return draw


async def approve_void(uow: UnitOfWork, principal: Principal, draw_id: str) -> Draw:
    principal.require(Permission.PLANS_APPROVE)
    async with uow:
        draw = await locate(uow, draw_id, for_update=True)
        check_state(draw, *LIVE)
        if not draw.void_requested_by:
            raise Conflict("没有待审批的作废申请", "no void request to approve", code="draw.void_not_requested")
        if draw.void_requested_by == principal.username:
            raise PermissionDenied("不能审批自己提出的作废申请", "one cannot approve one's own void request",
                                   code="draw.self_approval")
        before = draw.status.value
        draw.status, draw.voided_by, draw.voided_at = DrawStatus.VOIDED, principal.username, uow.now
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.void", "draw", draw_id, {"status": before},
                                    {"status": "voided", "reason": draw.void_reason}))
        await uow.commit()
    return draw


async def _changeable(uow: UnitOfWork, principal: Principal, draw_id: str) -> tuple[Draw, dict[str, Any], str]:
    draw = await locate(uow, draw_id, for_update=True)
    _plan, task = await task_of(uow, draw)
    require_task_unit(principal, task)
    check_state(draw, DrawStatus.EXECUTED, DrawStatus.REVEALED)
    raw = await uow.draws.bundle(draw_id)
    assert raw is not None
    return draw, json.loads(raw), await uow.draws.salt(draw_id)


async def replace_member(uow: UnitOfWork, principal: Principal, draw_id: str, *, uscc: str, person_id: str,
                         reason: str, schedule: ScheduleRules | None = None) -> Draw:
    """A member who cannot go is replaced by the next candidate in ticket order; the change is recorded, public."""
    if len(reason.strip()) < 2:
        raise InvalidInput("更换检查人员须说明理由", "a replacement needs a reason", code="draw.reason_missing",
                           details={"field": "reason"})
    async with uow:
        draw, bundle, salt = await _changeable(uow, principal, draw_id)
        added, a_value = next_candidate(bundle, draw.changes, salt, uscc, person_id)
        change = {"kind": "replacement", "uscc": uscc, "removed": person_id, "added": added, "A": a_value,
                  "reason": reason.strip(), "by": principal.username, "at": uow.now.isoformat()}
        draw.changes = [*draw.changes, change]
        _refresh_outcome(draw, bundle)
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.replace_member", "draw", draw_id, {"member": person_id}, change))
        await _update_visit(uow, schedule, draw_id, uscc, person_id, added, principal.username)
        await uow.commit()
    return draw


async def assign_member(uow: UnitOfWork, principal: Principal, draw_id: str, *, uscc: str, person_id: str,
                        reason: str, schedule: ScheduleRules | None = None) -> Draw:
    """Complete a team the draw could not fill (fallback 3) by a reasoned manual assignment from the roster."""
    if len(reason.strip()) < 2:
        raise InvalidInput("人工指派须说明理由", "a manual assignment needs a reason", code="draw.reason_missing",
                           details={"field": "reason"})
    async with uow:
        draw, bundle, _salt = await _changeable(uow, principal, draw_id)
        if person_id not in {p for p, _d in bundle["roster"]}:
            raise InvalidInput("只能指派本次抽取人员库中的执法人员（持证、在岗）", "only someone of the draw's roster",
                               code="draw.not_in_roster", details={"field": "person_id"})
        check_manual(bundle, draw.changes, uscc, person_id)
        change = {"kind": "manual_assignment", "uscc": uscc, "removed": None, "added": person_id,
                  "reason": reason.strip(), "by": principal.username, "at": uow.now.isoformat()}
        draw.changes = [*draw.changes, change]
        _refresh_outcome(draw, bundle)
        await uow.draws.update(draw)
        uow.audit.record(AuditEvent("draw.assign_member", "draw", draw_id, None, change))
        await _update_visit(uow, schedule, draw_id, uscc, None, person_id, principal.username)
        await uow.commit()
    return draw


def _refresh_outcome(draw: Draw, bundle: dict[str, Any]) -> None:
    """Later draws see the teams as they stand after the changes (rotation)."""
    if draw.outcome is not None:
        teams = effective_teams(bundle, draw.changes)
        draw.outcome = {**draw.outcome, "teams": [[t["uscc"], t["members"]] for t in teams]}


async def _update_visit(uow: UnitOfWork, schedule: ScheduleRules | None, draw_id: str, uscc: str, removed: str | None,
                        added: str, by: str) -> None:
    """The enterprise's scheduled visit follows the team change (re-planned if the new member cannot go)."""
    await apply_team_change(uow, schedule, draw_id, uscc, removed, added, by=by)
