"""非现场监管: a task whose items are all checked by document review needs no one on site."""

from __future__ import annotations

import uuid

import httpx

from app.deps import Container
from tests.api.test_draws import CEREMONY, ready  # noqa: F401 - the fixture is used by name
from tests.api.test_plans import draft
from tests.support import MakeUser, assert_problem

Who = dict[str, dict[str, str]]


async def test_a_document_review_task_is_scheduled_off_site_and_completed_without_a_visit(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, ready: Who  # noqa: F811
) -> None:
    bgs = await make_user("department", "BGS")
    plan = draft("2026201", task_no="201号", name="评价检测报告质量书面检查", lead_department="BGS", joint_departments=[],
                 items={"BGS": ["YJ-PJ-003"]}, items_text="对安全评价报告、检测检验报告质量的检查",
                 scope={"text": "全市安全评价机构、检测检验机构", "industries": ["PJ", "JC"]},
                 window_start="2026-11-01", window_end="2026-12-31", window_text="2026 年 11-12 月",
                 sampling={"text": "按照市政府批准的年度监督检查计划中规定的数量开展。", "mode": "annual_quota",
                           "team_departments": ["BGS"], "team_size": 2})
    plan["name"] = "2026年局办公室评价检测报告书面检查计划"
    assert (await client.post("/api/v1/plans", json=plan, headers=bgs)).status_code == 201
    for step in ("approve", "publish"):
        assert (await client.post(f"/api/v1/plans/2026201/{step}", headers=ready["chief"])).status_code == 200
    await client.put("/api/v1/quotas/2026/4/BGS", json={"count": 2}, headers=ready["chief"])
    prepared = await client.post("/api/v1/plans/2026201/tasks/201号/draws", json={}, headers=bgs)
    assert prepared.status_code == 201, prepared.text
    draw_id = prepared.json()["draw_id"]
    await client.post(f"/api/v1/draws/{draw_id}/seed", json=CEREMONY, headers=bgs)
    assert (await client.post(f"/api/v1/draws/{draw_id}/execute", headers=bgs)).status_code == 200
    scheduled = (await client.post(f"/api/v1/draws/{draw_id}/schedule", json={}, headers=bgs)).json()
    visit = scheduled["visits"][0]
    assert visit["off_site"] is True

    reviewer = await make_user("inspector", "BGS", person_id=visit["team"][0])
    answer = await client.post(f"/api/v1/visits/{visit['id']}/check-in", headers={**reviewer, "Idempotency-Key": uuid.uuid4().hex},
                               json={"code": "QHD1.E.xxxxxxxxxx.k.Ed25519.yyyy"})
    assert_problem(answer, 409, "checkin.off_site")
    finding = await client.put(f"/api/v1/visits/{visit['id']}/findings/YJ-PJ-003", headers=reviewer,
                               json={"outcome": "compliant", "note": "抽查报告 3 份，内容完整"})
    assert finding.status_code == 200, finding.text
    assert finding.json()["off_site"] is True
    result = await client.post(f"/api/v1/visits/{visit['id']}/results", headers=reviewer,
                               json={"draw_id": draw_id, "types": ["no_problem"]})
    assert result.status_code == 201, result.text
    done = (await client.get(f"/api/v1/visits/{visit['id']}", headers=bgs)).json()
    assert done["status"] == "completed"
