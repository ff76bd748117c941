"""日历订阅: an inspector's or a unit's visits as an iCalendar feed (RFC 5545) for phone calendar apps.

The feed's URL carries a random token (only its SHA-256 is stored); revoking it ends the subscription. Phone
calendars sync through third-party clouds, so an unannounced visit shows neither the enterprise nor its address in
the feed – only the county and the visit's number; the mobile client shows the rest to the team.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import Permission, Principal
from app.domain.directories.reference import COUNTIES
from app.domain.errors import InvalidInput, NotFound
from app.domain.ports import UnitOfWork
from app.domain.scheduling.model import CalendarFeed, Visit, VisitStatus

OWNER_KINDS = ("person", "unit")
#: What a feed shows: a month back and a year ahead.
PAST_DAYS, FUTURE_DAYS = 31, 366
PRODID = "-//秦皇岛市应急管理局//双随机一公开 随机抽查服务//ZH"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _feed_not_found() -> NotFound:
    return NotFound("日历订阅不存在或已撤销", "calendar feed not found or revoked", code="calendar_feed.not_found")


async def _authorise(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_id: str) -> None:
    """An inspector subscribes to their own visits; a unit's schedulers to their unit's or its inspectors'."""
    if owner_kind == "person" and principal.person_id == owner_id:
        return
    principal.require(Permission.SCHEDULE_READ)
    if owner_kind == "unit":
        if await uow.departments.get(owner_id) is None:
            raise NotFound(f"单位“{owner_id}”不存在", f"unit '{owner_id}' not found", code="department.not_found")
        principal.require_department(owner_id)
        return
    inspector = await uow.inspectors.get(owner_id)
    if inspector is None:
        raise NotFound(f"执法人员“{owner_id}”不存在", f"inspector '{owner_id}' not found", code="inspector.not_found")
    principal.require_department(inspector.department_code)


async def create_feed(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_id: str) -> tuple[CalendarFeed, str]:
    """A new subscription; the token is returned once and never stored."""
    if owner_kind not in OWNER_KINDS:
        raise InvalidInput("订阅对象须为 person（执法人员）或 unit（单位）", "owner must be person or unit",
                           code="calendar_feed.owner_invalid", details={"field": "owner_kind"})
    token = secrets.token_urlsafe(32)
    async with uow:
        await _authorise(uow, principal, owner_kind, owner_id)
        feed = await uow.visits.add_feed(CalendarFeed(None, owner_kind, owner_id, principal.username),
                                         token_hash(token))
        uow.audit.record(AuditEvent("calendar_feed.create", "calendar_feed", str(feed.id), None,
                                    {"owner_kind": owner_kind, "owner_id": owner_id}))
        await uow.commit()
    return feed, token


async def revoke_feed(uow: UnitOfWork, principal: Principal, feed_id: int) -> CalendarFeed:
    async with uow:
        feed = await uow.visits.get_feed(feed_id)
        if feed is None or feed.revoked_at is not None:
            raise _feed_not_found()
        await _authorise(uow, principal, feed.owner_kind, feed.owner_id)
        await uow.visits.revoke_feed(feed_id)
        feed.revoked_at = uow.now
        uow.audit.record(AuditEvent("calendar_feed.revoke", "calendar_feed", str(feed_id), {"revoked": False},
                                    {"revoked": True}))
        await uow.commit()
    return feed


async def list_feeds(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_id: str) -> list[CalendarFeed]:
    async with uow:
        await _authorise(uow, principal, owner_kind, owner_id)
        return await uow.visits.feeds(owner_kind, owner_id)


async def feed_calendar(uow: UnitOfWork, token: str, today: date) -> bytes:
    """The iCalendar document of a subscription (anyone holding the token)."""
    async with uow:
        feed = await uow.visits.feed_by_hash(token_hash(token))
        if feed is None or feed.revoked_at is not None:
            raise _feed_not_found()
        start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
        statuses = [VisitStatus.PLANNED, VisitStatus.CANCELLED]
        if feed.owner_kind == "person":
            visits = await uow.visits.find(person_id=feed.owner_id, start=start, end=end, statuses=statuses)
            name = feed.owner_id
            inspector = await uow.inspectors.get(feed.owner_id, include_deleted=True)
            name = inspector.name if inspector else feed.owner_id
        else:
            visits = await uow.visits.find(departments=[feed.owner_id], start=start, end=end, statuses=statuses)
            department = await uow.departments.get(feed.owner_id)
            name = department.name if department else feed.owner_id
    return render(visits, f"{name} 的随机抽查检查安排", uow.now)


def render(visits: Sequence[Visit], title: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for visit in sorted(visits, key=lambda v: (v.day or date.min, v.route_order, v.id or 0)):
        if visit.day is None:
            continue
        county = COUNTIES.get(visit.county_code, visit.county_code)
        event = Event()
        event.add("uid", f"visit-{visit.id}@qhd-emergency-inspection")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("last-modified", (visit.updated_at or now).astimezone(UTC))
        event.add("sequence", visit.version)
        event.add("dtstart", visit.day)
        event.add("dtend", visit.day + timedelta(days=1))
        event.add("transp", "OPAQUE")
        event.add("class", "CONFIDENTIAL" if visit.unannounced else "PRIVATE")
        team = f"检查组 {len(visit.team)} 人；事项 {len(visit.items)} 项"
        kind = "随机抽查非现场检查（书面审查）" if visit.off_site else "随机抽查现场检查"
        if visit.unannounced:
            event.add("summary", f"{kind} · {county}（第 {visit.id} 号，不预先告知）")
            event.add("description", f"{team}。不预先告知的检查：企业名称、地址请在移动端“我的检查”中查看。")
            event.add("location", county)
        else:
            event.add("summary", f"{kind} · {visit.enterprise_name}")
            event.add("description", f"{team}。统一社会信用代码 {visit.uscc}。")
            event.add("location", f"{county} {visit.enterprise_name}")
        event.add("status", "CANCELLED" if visit.status is VisitStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
