"""抽查计划 over HTTP: the 2026 plan as loaded, the lifecycle, adjustments with versions, the public pages,
one-industry-one-visit items, quarterly quotas and the compliance indicators."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from app.adapters.db.repositories.audit import Actor
from app.cli import PLAN_DOCUMENT
from app.deps import Container
from app.domain.errors import Conflict
from app.domain.plans.model import PlanStatus
from app.domain.plans.seed import parse_plan_document
from app.domain.plans.service import ensure_can_draw, find_task, load_seed
from tests.support import FixedClock, MakeUser, assert_problem

PLANS = "/api/v1/plans"


async def load_2026(container: Container) -> int:
    plans = parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8"))
    return await load_seed(container.uow(Actor("loader", "system", None)), plans)


def draft(plan_no: str = "2026101", **task_changes: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "task_no": "101号", "name": "执法一大队第二季度内部联合随机抽查", "task_type": "directed", "joint_type": "internal",
        "lead_department": "ZF1", "joint_departments": ["FMK"], "items": {"ZF1": ["YJ-FM-001", "YJ-FM-002"]},
        "items_text": "非煤矿山企业的安全检查", "scope": {"text": "全市非煤矿山领域企业", "industries": ["FM"]},
        "window_start": "2026-04-01", "window_end": "2026-06-30", "window_text": "2026 年 4-6 月",
        "sampling": {"text": "按照市政府批准的年度监督检查计划中规定的数量开展。", "mode": "annual_quota",
                     "team_departments": ["ZF1", "FMK"], "team_size": 2},
    }
    task.update(task_changes)
    return {"plan_no": plan_no, "name": "2026年执法一大队第二季度内部联合随机抽查计划", "year": 2026,
            "kind": "internal_joint", "issuing_document": "", "issued_on": None, "notes": "", "tasks": [task]}


async def test_the_2026_plan_is_loaded_once_published_with_its_first_version(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    assert await load_2026(container) == 9
    assert await load_2026(container) == 0

    listed = (await client.get(PLANS, params={"year": 2026}, headers=supervisor)).json()
    assert [p["plan_no"] for p in listed] == ["2026001", "2026002", "2026003", "2026004", "2026005", "2026006",
                                              "秦联2026025", "秦联2026031", "秦联2026040"]
    assert {p["status"] for p in listed} == {"published"}
    joint = next(p for p in listed if p["plan_no"] == "秦联2026025")
    task = joint["tasks"][0]
    assert (task["lead_department"], task["joint_departments"]) == ("FMK", ["ZF1", "SW", "QX", "ST"])
    assert task["sampling"]["min_per_industry"] == 3
    assert task["sampling"]["min_ratio"] == 0.03
    assert (task["window_start"], task["window_end"]) == ("2026-07-01", "2026-08-31")
    history = (await client.get(f"{PLANS}/2026001/versions", headers=supervisor)).json()
    assert [v["version"] for v in history["versions"]] == [1]
    assert history["versions"][0]["published_at"].startswith("2026-03-03")


async def test_a_plan_goes_from_draft_to_archived_one_step_at_a_time(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    zf1 = await make_user("department", "ZF1")
    supervisor = await make_user("supervisor", "ZJK")
    created = await client.post(PLANS, json=draft(), headers=zf1)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert created.headers["Location"] == f"{PLANS}/2026101"

    assert_problem(await client.post(f"{PLANS}/2026101/publish", headers=supervisor), 409, "plan.transition_invalid")
    assert_problem(await client.post(f"{PLANS}/2026101/approve", headers=zf1), 403, "auth.forbidden")
    for step, expected in (("approve", "approved"), ("publish", "published"), ("complete", "completed"),
                           ("archive", "archived")):
        answer = await client.post(f"{PLANS}/2026101/{step}", headers=supervisor)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == expected
    public = await client.get("/api/v1/public/plans/2026101")
    assert public.status_code == 200
    assert public.json()["status_label"] == "已归档"
    trail = (await client.get("/api/v1/audit/records", params={"object_type": "plan", "object_id": "2026101"},
                              headers=await make_user("auditor", "ZJK"))).json()["items"]
    assert [r["action"] for r in reversed(trail)] == ["plan.create", "plan.approved", "plan.published",
                                                       "plan.completed", "plan.archived"]


@pytest.mark.parametrize(("changes", "status", "code"), [
    ({"window_start": "2025-12-01"}, 422, "plan.window_outside_year"),
    ({"window_end": "2026-03-01"}, 422, "plan.window_inverted"),
    ({"lead_department": "XXX"}, 422, "plan.department_unknown"),
    ({"items": {"ZF1": ["YJ-NO-999"]}}, 422, "plan.item_unknown"),
    ({"items": {"SW": ["YJ-FM-001"]}}, 422, "plan.item_department_not_in_task"),
    ({"task_type": "sometimes"}, 422, "request.validation_failed"),
], ids=["outside-year", "inverted", "unknown-unit", "unknown-item", "unit-not-in-task", "bad-enum"])
async def test_bad_plans_are_refused_precisely_and_nothing_is_written(
    client: httpx.AsyncClient, supervisor: dict[str, str], changes: dict[str, Any], status: int, code: str
) -> None:
    assert_problem(await client.post(PLANS, json=draft(**changes), headers=supervisor), status, code)
    assert (await client.get(PLANS, headers=supervisor)).json() == []


async def test_a_unit_drafts_only_plans_it_leads(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    zf2 = await make_user("department", "ZF2")
    assert_problem(await client.post(PLANS, json=draft(), headers=zf2), 403, "auth.foreign_department")


async def test_a_published_plan_changes_only_through_an_approved_and_published_adjustment(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    await load_2026(container)
    zf1 = await make_user("department", "ZF1")
    chief = await make_user("supervisor", "ZJK", username="zjk.chief")
    current = (await client.get(f"{PLANS}/2026001", headers=zf1)).json()
    proposed = {k: current[k] for k in ("name", "issuing_document", "issued_on", "notes")}
    proposed["tasks"] = [_task_in(t) for t in current["tasks"]]
    proposed["tasks"][0]["window_end"] = "2026-11-30"

    assert_problem(await client.put(f"{PLANS}/2026001", json={**proposed, "plan_no": "2026001", "year": 2026,
                                                                "kind": "internal_joint"}, headers=zf1),
                   409, "plan.not_draft")
    assert_problem(await client.post(f"{PLANS}/2026001/adjustments", json={"reason": "", "plan": proposed},
                                     headers=zf1), 422, "request.validation_failed")
    unchanged = copy.deepcopy(proposed)
    unchanged["tasks"][0]["window_end"] = current["tasks"][0]["window_end"]
    assert_problem(await client.post(f"{PLANS}/2026001/adjustments", json={"reason": "无变化", "plan": unchanged},
                                     headers=zf1), 422, "plan.adjustment_empty")

    asked = await client.post(f"{PLANS}/2026001/adjustments", headers=zf1,
                              json={"reason": "12月安排全市安全生产大检查，本任务提前至11月底结束", "plan": proposed})
    assert asked.status_code == 201, asked.text
    adjustment = asked.json()
    assert adjustment["changes"] == {"tasks[001号].window_end": ["2026-12-31", "2026-11-30"]}
    assert_problem(await client.post(f"/api/v1/plan-adjustments/{adjustment['id']}/publish", json={}, headers=chief),
                   409, "plan.adjustment_not_approved")
    assert_problem(await client.post(f"/api/v1/plan-adjustments/{adjustment['id']}/approve", json={}, headers=zf1),
                   403, "auth.forbidden")
    approved = await client.post(f"/api/v1/plan-adjustments/{adjustment['id']}/approve", json={"note": "同意"},
                                 headers=chief)
    assert approved.json()["status"] == "approved"
    published = await client.post(f"/api/v1/plan-adjustments/{adjustment['id']}/publish", headers=chief)
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 2
    assert published.json()["tasks"][0]["window_end"] == "2026-11-30"

    history = (await client.get("/api/v1/public/plans/2026001/history")).json()
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][0]["plan"]["tasks"][0]["window_end"] == "2026-12-31"
    assert history["versions"][1]["reason"].startswith("12月安排")
    [public_adjustment] = history["adjustments"]
    assert public_adjustment["requested_by"] == ""
    assert public_adjustment["decided_by"] is None


async def test_nobody_approves_their_own_adjustment(client: httpx.AsyncClient, container: Container,
                                                    make_user: MakeUser) -> None:
    await load_2026(container)
    chief = await make_user("supervisor", "ZJK")
    current = (await client.get(f"{PLANS}/2026004", headers=chief)).json()
    proposed = {k: current[k] for k in ("name", "issuing_document", "issued_on", "notes")}
    proposed["tasks"] = [_task_in(t) for t in current["tasks"]]
    proposed["notes"] = "补充：与执法三大队联合开展"
    asked = (await client.post(f"{PLANS}/2026004/adjustments", json={"reason": "联合执法三大队", "plan": proposed},
                               headers=chief)).json()
    assert_problem(await client.post(f"/api/v1/plan-adjustments/{asked['id']}/approve", json={}, headers=chief),
                   403, "plan.self_approval")
    assert_problem(await client.post(f"{PLANS}/2026004/adjustments", json={"reason": "再次调整", "plan": proposed},
                                     headers=chief), 409, "plan.adjustment_open")


def _task_in(task: dict[str, Any]) -> dict[str, Any]:
    keep = ("task_no", "name", "task_type", "joint_type", "lead_department", "joint_departments", "items", "items_text",
            "window_start", "window_end", "window_text", "lead_text", "joint_text")
    out = {k: task[k] for k in keep}
    out["scope"] = dict(task["scope"])
    out["sampling"] = {k: v for k, v in task["sampling"].items() if k != "mode_label"}
    return out


async def test_the_public_reads_published_plans_without_logging_in_and_never_drafts(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await load_2026(container)
    await client.post(PLANS, json=draft(), headers=supervisor)
    public = await client.get("/api/v1/public/plans", params={"year": 2026})
    assert public.status_code == 200
    assert len(public.json()) == 9
    assert_problem(await client.get("/api/v1/public/plans/2026101"), 404, "plan.not_found")
    assert_problem(await client.get(PLANS), 401, "auth.unauthenticated")


async def test_one_visit_carries_every_departments_items(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await load_2026(container)
    items = (await client.get(f"{PLANS}/秦联2026025/tasks/秦联025/visit-items", headers=supervisor)).json()
    departments = {d for i in items for d in i["departments"]}
    assert departments == {"FMK", "SW", "QX", "ST"}
    assert len({i["code"] for i in items}) == len(items)
    assert all(i["legal_basis"] for i in items)
    assert_problem(await client.get(f"{PLANS}/秦联2026025/tasks/999号/visit-items", headers=supervisor), 404,
                   "task.not_found")


async def test_quarterly_quotas_are_entered_by_the_supervisor_audited_and_used_as_the_tasks_quota(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser
) -> None:
    chief = await make_user("supervisor", "ZJK")
    put = await client.put("/api/v1/quotas/2026/2/ZF1", json={"count": 12, "note": "年度监督检查计划第二季度"},
                           headers=chief)
    assert put.status_code == 200, put.text
    await client.put("/api/v1/quotas/2026/2/ZF1", json={"count": 14}, headers=chief)
    listed = (await client.get("/api/v1/quotas", params={"year": 2026}, headers=chief)).json()
    assert [(q["department_code"], q["quarter"], q["count"]) for q in listed] == [("ZF1", 2, 14)]
    assert_problem(await client.put("/api/v1/quotas/2026/5/ZF1", json={"count": 1}, headers=chief), 422,
                   "request.validation_failed")
    assert_problem(await client.put("/api/v1/quotas/2026/1/XXX", json={"count": 1}, headers=chief), 422,
                   "plan.department_unknown")
    assert_problem(await client.put("/api/v1/quotas/2026/1/ZF1", json={"count": 1},
                                    headers=await make_user("department", "ZF1")), 403, "auth.forbidden")
    await load_2026(container)
    quota = (await client.get(f"{PLANS}/2026001/tasks/001号/quota", params={"year": 2026, "quarter": 2},
                              headers=chief)).json()
    assert (quota["lead_department"], quota["quota"]) == ("ZF1", 14)
    assert quota["message"] == "2026 年第 2 季度应抽查 14 家"
    missing = (await client.get(f"{PLANS}/2026001/tasks/001号/quota", params={"year": 2026, "quarter": 3},
                                headers=chief)).json()
    assert missing["quota"] is None
    joint = (await client.get(f"{PLANS}/秦联2026025/tasks/秦联025/quota", params={"year": 2026, "quarter": 3},
                              headers=chief)).json()
    assert (joint["mode"], joint["quota"]) == ("credit_ratio", None)
    trail = (await client.get("/api/v1/audit/records", params={"object_type": "quarter_quota"},
                              headers=await make_user("auditor", "ZJK"))).json()["items"]
    assert [(r["before"], r["after"]["count"]) for r in trail] == [({"count": 12, "note": "年度监督检查计划第二季度"}, 14),
                                                                    (None, 12)]


async def test_compliance_warns_ahead_for_the_running_quarter_and_reports_bureau_led_minimums(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    container.clock = FixedClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    await load_2026(container)
    q1 = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 1}, headers=supervisor)).json()
    brigades = {i["department_code"]: i for i in q1["indicators"] if i["code"] == "internal_joint_per_quarter"}
    assert {k: (v["value"], v["target"], v["state"]) for k, v in brigades.items()} == {
        "ZF1": (0, 2, "missed"), "ZF2": (0, 2, "missed"), "ZF3": (0, 2, "missed")}
    assert brigades["ZF1"]["status_label"] == "未达标"

    q4 = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 4}, headers=supervisor)).json()
    zf1 = next(i for i in q4["indicators"] if i["department_code"] == "ZF1" and i["code"] == "internal_joint_per_quarter")
    assert (zf1["state"], zf1["status_label"], zf1["detail"]["days_left"]) == ("at_risk", "进度预警", 60)

    q3 = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 3}, headers=supervisor)).json()
    per_industry = [i for i in q3["indicators"] if i["code"] == "cross_department_per_industry"]
    assert [(i["detail"]["plan_no"], i["detail"]["industry"], i["value"], i["met"]) for i in per_industry] == [
        ("秦联2026025", "FM", 3, True)]
    share = next(i for i in q3["indicators"] if i["code"] == "credit_classified_share")
    assert (share["value"], share["detail"]["draws"]) == (0, 0)


def test_a_task_draws_only_once_its_plan_is_published_and_inside_its_window() -> None:
    plan = parse_plan_document(PLAN_DOCUMENT.read_text(encoding="utf-8"))[6]
    task = find_task(plan, "秦联025")
    ensure_can_draw(plan, task, date(2026, 7, 15))
    with pytest.raises(Conflict) as outside:
        ensure_can_draw(plan, task, date(2026, 9, 1))
    assert outside.value.code == "task.outside_window"
    with pytest.raises(Conflict) as unpublished:
        ensure_can_draw(replace(plan, status=PlanStatus.APPROVED), task, date(2026, 7, 15))
    assert unpublished.value.code == "plan.not_published"


async def test_publishing_registers_the_bureaus_tasks_with_the_provincial_platform(
    client: httpx.AsyncClient, container: Container, supervisor: dict[str, str]
) -> None:
    await load_2026(container)

    report = await container.jobs.relay()

    assert (report.delivered, report.dead) == (8, 0)  # 秦联2026040 is led by the education bureau, which registers it
    assert container.http is not None
    tasks = (await container.http.get("/_sim/pushes", params={"kind": "tasks"})).json()["tasks"]
    assert sorted(t["taskNo"] for t in tasks) == sorted(
        [f"20260{n:02d}-00{n}号" for n in range(1, 7)] + ["秦联2026025-秦联025", "秦联2026031-秦联031"])
    joint = next(t for t in tasks if t["taskNo"] == "秦联2026025-秦联025")["body"]
    assert joint["jointType"] == "跨部门联合"
    assert joint["leadDept"] == "秦皇岛市应急管理局非煤矿山安全监督管理科"
    assert "秦皇岛市水务局" in joint["jointDepts"]
    assert joint["startDate"] == "2026-07-01"

    await client.post(PLANS, json=draft(), headers=supervisor)
    await client.post(f"{PLANS}/2026101/approve", headers=supervisor)
    await client.post(f"{PLANS}/2026101/publish", headers=supervisor)
    assert (await container.jobs.relay()).delivered == 1
