"""排期 over HTTP: a draw's visits placed on working days, moved by leave and by hand with the change recorded,
the inspector's day on the phone, calendar subscriptions and deadlines."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from app.deps import Container
from tests.api.test_draws import CEREMONY, drawn, ready  # noqa: F401 - the fixture is used by name
from tests.support import FixedClock, MakeUser, assert_problem

Who = dict[str, dict[str, str]]


async def scheduled(client: httpx.AsyncClient, ready: Who, **body: Any) -> tuple[dict[str, Any], dict[str, Any]]:  # noqa: F811
    draw = await drawn(client, ready["zf1"])
    response = await client.post(f"/api/v1/draws/{draw['draw_id']}/schedule", json=body, headers=ready["zf1"])
    assert response.status_code == 200, response.text
    return draw, response.json()


async def working(client: httpx.AsyncClient, start: date, end: date) -> set[str]:
    days = (await client.get("/api/v1/calendar/working-days", params={"from": str(start), "to": str(end)})).json()
    return set(days["working_days"])


async def test_every_drawn_enterprise_gets_a_visit_on_a_working_day_inside_the_window(
    client: httpx.AsyncClient, ready: Who  # noqa: F811
) -> None:
    draw, result = await scheduled(client, ready)
    teams = {t["uscc"]: [m["person_id"] for m in t["members"]] for t in draw["bundle"]["teams"]}

    assert result["window_start"] == "2026-11-03"  # from the day after today
    assert result["window_end"] == "2026-12-31"  # a quarterly-quota draw stays inside its quarter
    assert result["created"] + len(result["unplaced"]) == len(draw["bundle"]["selected"])
    assert result["created"] == len(result["visits"]) > 0
    allowed = await working(client, date(2026, 11, 3), date(2026, 12, 31))
    per_person_day: Counter[tuple[str, str]] = Counter()
    for visit in result["visits"]:
        assert visit["day"] in allowed
        assert visit["status"] == "planned"
        assert visit["unannounced"] is True
        assert visit["team"] == teams[visit["uscc"]]
        assert visit["items"]  # the task's items merged over its units
        assert visit["sources"][0]["draw_id"] == draw["draw_id"]
        assert visit["department_code"] == "ZF1"
        for person in visit["team"]:
            per_person_day[(person, visit["day"])] += 1
    assert max(per_person_day.values()) <= 2  # the daily capacity

    again = (await client.post(f"/api/v1/draws/{draw['draw_id']}/schedule", json={}, headers=ready["zf1"])).json()
    assert again["created"] == 0
    assert again["already_scheduled"] == result["created"]


async def test_visits_are_listed_for_their_unit_only_and_every_change_is_recorded(
    client: httpx.AsyncClient, make_user: MakeUser, ready: Who  # noqa: F811
) -> None:
    draw, result = await scheduled(client, ready)
    listed = (await client.get("/api/v1/visits", params={"draw_id": draw["draw_id"]}, headers=ready["zf1"])).json()
    assert {v["id"] for v in listed["items"]} == {v["id"] for v in result["visits"]}
    assert (await client.get("/api/v1/visits", headers=ready["zf3"])).json()["items"] == []
    visit_id = result["visits"][0]["id"]
    assert_problem(await client.get(f"/api/v1/visits/{visit_id}", headers=ready["zf3"]), 403, "visit.foreign_unit")
    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/schedule", json={}, headers=ready["zf3"]),
                   403, "visit.foreign_unit")

    detail = (await client.get(f"/api/v1/visits/{visit_id}", headers=ready["zf1"])).json()
    assert [c["kind"] for c in detail["changes"]] == ["scheduled"]
    auditor = await make_user("auditor", "ZJK")
    trail = (await client.get("/api/v1/audit/records", params={"action": "schedule.draw"}, headers=auditor)).json()
    assert [e["object_id"] for e in trail["items"]] == [draw["draw_id"]]
    assert trail["items"][0]["after"]["created"] == result["created"]


async def test_moving_a_visit_checks_the_day_and_records_the_reason(
    client: httpx.AsyncClient, ready: Who  # noqa: F811
) -> None:
    _draw, result = await scheduled(client, ready)
    visit = result["visits"][0]
    url = f"/api/v1/visits/{visit['id']}/reschedule"
    who = ready["zf1"]

    assert_problem(await client.post(url, json={"reason": "企业停产检修", "day": "2026-11-07"}, headers=who), 409,
                   "visit.day_not_working")  # a Saturday
    assert_problem(await client.post(url, json={"reason": "企业停产检修", "day": "2027-01-05"}, headers=who), 409,
                   "visit.day_outside_window")
    assert_problem(await client.post(url, json={"reason": "企业停产检修", "day": "2026-11-02"}, headers=who), 422,
                   "visit.day_past")
    assert_problem(await client.post(url, json={"reason": "x"}, headers=who), 422, "request.validation_failed")

    moved = await client.post(url, json={"reason": "企业停产检修"}, headers=who)
    assert moved.status_code == 200, moved.text
    assert moved.json()["day"] != visit["day"]
    detail = (await client.get(f"/api/v1/visits/{visit['id']}", headers=who)).json()
    change = detail["changes"][-1]
    assert (change["kind"], change["from_day"], change["to_day"], change["reason"]) == (
        "moved", visit["day"], moved.json()["day"], "企业停产检修")
    others = {v["id"]: v["day"] for v in result["visits"] if v["id"] != visit["id"]}
    now = {v["id"]: v["day"] for v in (await client.get("/api/v1/visits", headers=who)).json()["items"]}
    assert all(now[i] == day for i, day in others.items())  # no other visit moved

    cancelled = await client.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "企业已注销"}, headers=who)
    assert cancelled.json()["status"] == "cancelled"
    assert_problem(await client.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "重复"}, headers=who),
                   409, "visit.state_invalid")


async def test_an_inspector_falling_ill_moves_only_their_visits(
    client: httpx.AsyncClient, container: Container, ready: Who  # noqa: F811
) -> None:
    _draw, result = await scheduled(client, ready)
    visit = result["visits"][0]
    person = visit["team"][1]
    day = visit["day"]
    before = {v["id"]: v["day"] for v in result["visits"]}

    leave = await client.post(f"/api/v1/inspectors/{person}/leave", headers=ready["chief"],
                              json={"from_date": day, "to_date": day, "reason": "病假"})
    assert leave.status_code == 201, leave.text
    replanned = leave.json()["replanned"]
    assert visit["id"] in [r["visit_id"] for r in replanned]
    after = {v["id"]: v for v in (await client.get("/api/v1/visits", headers=ready["zf1"])).json()["items"]}
    moved = {i for i in before if after[i]["day"] != before[i]}
    assert moved == {r["visit_id"] for r in replanned}  # nothing else moved
    for visit_id in moved:
        assert person not in after[visit_id]["team"] or after[visit_id]["day"] != day
    detail = (await client.get(f"/api/v1/visits/{visit['id']}", headers=ready["zf1"])).json()
    assert detail["changes"][-1]["kind"] in ("moved", "unplaced")
    assert "病假" in detail["changes"][-1]["reason"]

    # Leave over a visit that has started is refused: the team changes instead.
    container.clock = FixedClock(datetime.fromisoformat(f"{after[visit['id']]['day'] or day}T02:00:00+00:00"))  # type: ignore[assignment]
    other = next(v for v in after.values() if v["day"] == after[visit["id"]]["day"]) if after[visit["id"]]["day"] \
        else None
    if other is not None:
        assert_problem(await client.post(f"/api/v1/inspectors/{other['team'][0]}/leave", headers=ready["chief"],
                                         json={"from_date": other["day"], "to_date": other["day"], "reason": "病假"}),
                       409, "leave.visit_started")


async def test_a_replaced_member_takes_the_place_on_the_visit(
    client: httpx.AsyncClient, ready: Who  # noqa: F811
) -> None:
    draw, result = await scheduled(client, ready)
    visit = result["visits"][0]
    removed = visit["team"][1]
    replaced = await client.post(f"/api/v1/draws/{draw['draw_id']}/replacements", headers=ready["zf1"],
                                 json={"uscc": visit["uscc"], "person_id": removed, "reason": "突发疾病住院"})
    assert replaced.status_code == 200, replaced.text
    detail = (await client.get(f"/api/v1/visits/{visit['id']}", headers=ready["zf1"])).json()
    assert removed not in detail["team"]
    assert len(detail["team"]) == len(visit["team"])
    assert "team_changed" in [c["kind"] for c in detail["changes"]]


async def test_the_inspector_sees_the_day_on_the_phone(
    client: httpx.AsyncClient, make_user: MakeUser, ready: Who  # noqa: F811
) -> None:
    _draw, result = await scheduled(client, ready)
    visit = result["visits"][0]
    leader = visit["team"][0]
    phone = await make_user("inspector", "ZF1", person_id=leader)

    mine = await client.get("/api/v1/me/visits", params={"date": visit["day"]}, headers=phone)
    assert mine.status_code == 200, mine.text
    assert mine.headers["cache-control"] == "private, no-store"
    entry = next(v for v in mine.json() if v["id"] == visit["id"])
    assert entry["enterprise"]["name"] == visit["enterprise_name"]
    assert entry["team"][0] == {**entry["team"][0], "person_id": leader, "leader": True}
    assert entry["items"][0]["name"]
    assert entry["items"][0]["legal_basis"]
    assert (await client.get("/api/v1/me/visits", params={"date": "2026-11-07"}, headers=phone)).json() == []
    assert (await client.get(f"/api/v1/visits/{visit['id']}", headers=phone)).status_code == 200
    assert_problem(await client.get("/api/v1/me/visits", headers=ready["inspector"]), 403, "me.not_inspector")
    assert_problem(await client.get("/api/v1/visits", headers=phone), 403, "auth.forbidden")


async def test_calendar_subscription_lists_visits_and_hides_unannounced_enterprises(
    client: httpx.AsyncClient, make_user: MakeUser, ready: Who  # noqa: F811
) -> None:
    _draw, result = await scheduled(client, ready)
    visit = result["visits"][0]
    leader = visit["team"][0]
    phone = await make_user("inspector", "ZF1", person_id=leader)

    created = await client.post("/api/v1/calendar/feeds", json={"owner_kind": "person", "owner_id": leader},
                                headers=phone)
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    feed = await client.get(url)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    events = list(calendar.walk("VEVENT"))
    mine = [v for v in result["visits"] if leader in v["team"]]
    assert len(events) == len(mine)
    assert {str(e["uid"]) for e in events} == {f"visit-{v['id']}@qhd-emergency-inspection" for v in mine}
    assert visit["enterprise_name"] not in feed.text  # unannounced: no enterprise in a phone's cloud calendar

    other = next(p for v in result["visits"] for p in v["team"] if p != leader)
    assert_problem(await client.post("/api/v1/calendar/feeds", json={"owner_kind": "person", "owner_id": other},
                                     headers=phone), 403, "auth.forbidden")
    unit = await client.post("/api/v1/calendar/feeds", json={"owner_kind": "unit", "owner_id": "ZF1"},
                             headers=ready["zf1"])
    assert unit.status_code == 201
    assert len(Calendar.from_ical((await client.get(unit.json()["url"])).content).walk("VEVENT")) == len(
        result["visits"])

    revoked = await client.delete(f"/api/v1/calendar/feeds/{created.json()['id']}", headers=phone)
    assert revoked.json()["revoked_at"]
    assert_problem(await client.get(url), 404, "calendar_feed.not_found")
    assert_problem(await client.get("/api/v1/calendar/subscriptions/forged-token-000000.ics"), 404,
                   "calendar_feed.not_found")


async def test_deadlines_count_working_days_and_overdue_items_reach_compliance(
    client: httpx.AsyncClient, container: Container, ready: Who  # noqa: F811
) -> None:
    _draw, result = await scheduled(client, ready)
    first = min(v["day"] for v in result["visits"])
    container.clock = FixedClock(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))  # type: ignore[assignment]

    due = await client.get("/api/v1/deadlines", params={"due_within": 30}, headers=ready["zf1"])
    assert due.status_code == 200, due.text
    items = due.json()
    publicity = [d for d in items if d["kind"] == "result_publicity"]
    assert publicity
    visit = next(v for v in result["visits"] if v["day"] == first)
    entry = next(d for d in publicity if d["subject"] == f"visit:{visit['id']}")
    assert entry["person_id"] == visit["team"][0]
    allowed = sorted(await working(client, date.fromisoformat(first), date(2026, 12, 31)))
    assert entry["due"] == allowed[allowed.index(first) + 20]  # 20 working days after the visit
    assert entry["state"] in ("due", "overdue")
    reports = {d["subject"]: d for d in items if d["kind"] == "monthly_report"}
    assert reports["monthly_report:2026-11:ZF1"]["state"] == "overdue"  # due 12-20
    assert reports["monthly_report:2026-11:ZF1"]["due"] == "2026-12-20"
    assert all(d["department_code"] == "ZF1" for d in items)
    spread = {d["subject"]: d for d in items if d["kind"] == "internal_joint"}
    quarter = spread["internal_joint:2026Q4:ZF1"]  # the brigade's quarterly count, warned ahead
    assert (quarter["due"], quarter["state"]) == ("2026-12-31", "due")
    assert "已 1 次" in quarter["title"]
    assert spread["internal_joint:2026Q3:ZF1"]["state"] == "overdue"

    submitted = await client.post("/api/v1/reports/submissions", headers=ready["zf1"], json={
        "kind": "monthly_report", "period": "2026-11", "department_code": "ZF1", "reference": "秦应急执一〔2026〕月报 11"})
    assert submitted.status_code == 201, submitted.text
    assert_problem(await client.post("/api/v1/reports/submissions", headers=ready["zf1"], json={
        "kind": "monthly_report", "period": "2026-11", "department_code": "ZF1", "reference": "重复"}), 409,
        "report.already_submitted")
    assert_problem(await client.post("/api/v1/reports/submissions", headers=ready["zf1"], json={
        "kind": "monthly_report", "period": "2026-13", "department_code": "ZF1", "reference": "月报"}), 422,
        "report.period_invalid")
    assert_problem(await client.post("/api/v1/reports/submissions", headers=ready["zf1"], json={
        "kind": "monthly_report", "period": "2026-11", "department_code": "ZF3", "reference": "月报"}), 403,
        "auth.foreign_department")
    after = (await client.get("/api/v1/deadlines", params={"due_within": 30, "include_done": True},
                              headers=ready["zf1"])).json()
    done = next(d for d in after if d["subject"] == "monthly_report:2026-11:ZF1")
    assert done["state"] == "done_late"

    compliance = (await client.get("/api/v1/compliance", params={"year": 2026}, headers=ready["chief"])).json()
    overdue = {i["detail"]["kind"]: i for i in compliance["indicators"] if i["code"] == "overdue_deadlines"}
    assert overdue["monthly_report"]["value"] > 0
    assert overdue["monthly_report"]["state"] == "missed"
    assert_problem(await client.get("/api/v1/deadlines", params={"due_within": 400}, headers=ready["zf1"]), 422,
                   "request.validation_failed")


async def test_scheduling_refuses_a_closed_window_and_unknown_draws(
    client: httpx.AsyncClient, container: Container, ready: Who  # noqa: F811
) -> None:
    draw = await drawn(client, ready["zf1"])
    assert_problem(await client.post("/api/v1/draws/2026001-001号-D9/schedule", json={}, headers=ready["zf1"]),
                   404, "draw.not_found")
    assert_problem(await client.post("/api/v1/visits/999999/reschedule", json={"reason": "改期"},
                                     headers=ready["zf1"]), 404, "visit.not_found")
    container.clock = FixedClock(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/schedule", json={}, headers=ready["zf1"]),
                   409, "schedule.window_closed")


@pytest.mark.parametrize("capacity", [1])
async def test_what_capacity_cannot_fit_is_reported_and_the_rest_scheduled(
    client: httpx.AsyncClient, container: Container, ready: Who, capacity: int  # noqa: F811
) -> None:
    container.clock = FixedClock(datetime(2026, 12, 29, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    draw = await drawn(client, ready["zf1"])
    response = await client.post(f"/api/v1/draws/{draw['draw_id']}/schedule", json={"capacity": capacity},
                                 headers=ready["zf1"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["working_days"] == 2  # 12-30 and 12-31
    assert result["created"] + len(result["unplaced"]) == len(draw["bundle"]["selected"])
    for miss in result["unplaced"]:
        assert miss["reason"] in ("no_capacity", "team_on_leave", "team_incomplete")
        assert miss["message_zh"]


async def test_an_enterprise_taken_by_an_overlapping_task_gets_one_joint_visit(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, ready: Who  # noqa: F811
) -> None:
    container.clock = FixedClock(datetime(2026, 7, 1, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    await client.put("/api/v1/quotas/2026/3/ZF1", json={"count": 12}, headers=ready["chief"])
    internal, first = await scheduled(client, ready)
    fmk = await make_user("department", "FMK")
    url = "/api/v1/plans/秦联2026025/tasks/秦联025/draws"
    prepared = (await client.post(url, json={}, headers=fmk)).json()
    await client.post(f"/api/v1/draws/{prepared['draw_id']}/seed", json=CEREMONY, headers=fmk)
    joint = (await client.post(f"/api/v1/draws/{prepared['draw_id']}/execute", headers=fmk)).json()
    taken = {v["uscc"] for v in first["visits"]}

    second = await client.post(f"/api/v1/draws/{joint['draw_id']}/schedule", json={}, headers=fmk)
    assert second.status_code == 200, second.text
    result = second.json()
    merged = {v["uscc"]: v for v in result["visits"] if len(v["sources"]) == 2}
    in_window = {v["uscc"] for v in first["visits"] if v["day"] <= "2026-08-31"}
    assert in_window
    assert joint["bundle"]["selected"]
    assert set(merged) == in_window  # the overlapping windows: one visit, not two
    assert result["merged"] == len(in_window)
    for visit in merged.values():
        before = next(v for v in first["visits"] if v["uscc"] == visit["uscc"])
        assert visit["id"] == before["id"]
        assert visit["day"] == before["day"]
        assert [s["draw_id"] for s in visit["sources"]] == [internal["draw_id"], joint["draw_id"]]
        assert visit["sources"][1]["merged_only"] is True
        assert set(before["items"]) < set(visit["items"])  # the joint task's items join the visit
        assert visit["window_end"] <= "2026-08-31"
    late = {u["uscc"] for u in result["unplaced"] if u["reason"] == "no_team"}
    assert late == taken - in_window  # their visit falls after the joint task's window
    assert all(v["window_end"] <= "2026-08-31" for v in result["visits"])
    assert len(result["visits"]) - len(merged) == len(joint["bundle"]["selected"]) - sum(
        1 for u in result["unplaced"] if u["reason"] != "no_team")
