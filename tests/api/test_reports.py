"""月报表 over HTTP: every figure from the records, reproducible, with the records behind it."""

from __future__ import annotations

import httpx

from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_onsite import Site, check_in, enterprise_code, site  # noqa: F401
from tests.support import MakeUser, assert_problem

Who = dict[str, dict[str, str]]


async def test_a_month_of_one_unit_and_of_the_bureau_with_the_records_behind_each_figure(
    client: httpx.AsyncClient, make_user: MakeUser, site: Site, ready: Who  # noqa: F811
) -> None:
    officer = await make_user("department", "ZF1")
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    for item in site.visit["items"]:
        await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone)
    result = (await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["no_problem"]})).json()
    await client.post(f"{site.url}/check-out", headers=site.phone)
    await client.post(f"/api/v1/results/{result['id']}/review", json={"approve": True}, headers=officer)
    await client.post(f"/api/v1/results/{result['id']}/publish", headers=officer)

    params = {"year": 2026, "month": 11}
    unit = await client.get("/api/v1/reports/monthly", params={**params, "department": "ZF1"}, headers=ready["zf1"])
    assert unit.status_code == 200, unit.text
    report = unit.json()
    figures = {f["key"]: f for f in report["figures"]}
    assert figures["tasks_launched"]["records"] == [f"draw:{site.draw['draw_id']}"]
    assert figures["enterprises_drawn"]["value"] == len(site.draw["bundle"]["selected"])
    assert figures["enterprises_visited"]["records"] == [f"visit:{site.visit['id']}"]
    assert figures["results_published"]["value"] == figures["results_on_time"]["value"] == 1
    assert figures["joint_inspections"]["value"] == 1  # 2026001 is an internal joint task
    assert figures["late_registrations"]["value"] == 0
    by_class = next(b for b in report["breakdowns"] if b["key"] == "drawn_by_class")
    assert sum(r["count"] for r in by_class["rows"]) == figures["enterprises_drawn"]["value"]
    visited = next(b for b in report["breakdowns"] if b["key"] == "visited_by_county")
    assert visited["rows"] == [{"code": site.visit["county_code"], "label": site.visit["county_name"], "count": 1}]

    bureau = (await client.get("/api/v1/reports/monthly", params=params, headers=ready["chief"])).json()
    assert bureau["department_code"] is None
    assert {f["key"]: f["value"] for f in bureau["figures"]}["enterprises_visited"] == 1
    again = (await client.get("/api/v1/reports/monthly", params=params, headers=ready["chief"])).json()
    assert again["figures"] == bureau["figures"]  # reproducible
    october = (await client.get("/api/v1/reports/monthly", params={"year": 2026, "month": 10},
                                headers=ready["chief"])).json()
    assert all(f["value"] == 0 for f in october["figures"])
    assert_problem(await client.get("/api/v1/reports/monthly", params={**params, "department": "ZF3"},
                                    headers=ready["zf1"]), 403, "auth.foreign_department")


async def test_a_quarterly_summary_is_drafted_from_the_records_and_submitted_once(
    client: httpx.AsyncClient, site: Site, ready: Who  # noqa: F811
) -> None:
    body = {"year": 2026, "quarter": 4, "department_code": "ZF1"}
    drafted = await client.post("/api/v1/reports/quarterly", json=body, headers=ready["zf1"])
    assert drafted.status_code == 201, drafted.text
    summary = drafted.json()
    assert [s["title"] for s in summary["sections"]] == ["工作进展", "抽查情况", "联合检查", "信息公开", "存在问题", "下一步计划"]
    progress = summary["sections"][0]["text"]
    assert f"抽中企业 {len(site.draw['bundle']['selected'])} 家" in progress
    assert summary["figures"]["tasks_launched"]["records"] == [f"draw:{site.draw['draw_id']}"]
    assert_problem(await client.post("/api/v1/reports/quarterly", json=body, headers=ready["zf1"]), 409,
                   "summary.exists")
    url = f"/api/v1/reports/quarterly/{summary['id']}"
    assert_problem(await client.post(f"{url}/submit", headers=ready["zf1"]), 422, "summary.incomplete")
    edited = await client.patch(url, headers=ready["zf1"], json={"sections": {
        "problems": "个别企业定位信息缺失，影响扫码核验", "next_steps": "会同县区补录企业位置信息"}})
    assert edited.status_code == 200, edited.text
    submitted = await client.post(f"{url}/submit", headers=ready["zf1"])
    assert submitted.json()["status"] == "submitted"
    assert_problem(await client.patch(url, headers=ready["zf1"], json={"sections": {"problems": "改"}}), 409,
                   "summary.submitted")
    deadlines = (await client.get("/api/v1/deadlines", params={"due_within": 30, "include_done": True},
                                  headers=ready["zf1"])).json()
    done = next(d for d in deadlines if d["subject"] == "quarterly_summary:2026Q4:ZF1")
    assert done["state"] == "done"
    compliance = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 4},
                                   headers=ready["chief"])).json()
    codes = {i["code"]: i for i in compliance["indicators"]}
    assert codes["inspections_without_draw"]["value"] == 0
    assert codes["checkins_without_certificate"]["value"] == 0
    assert codes["reports_on_time"]["target"] == 1.0
