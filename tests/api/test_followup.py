"""问题处置 over HTTP: a rectification order with its numbered PDF, the report, a re-inspection by two inspectors,
escalation and a credit sanction approved by 执法监督科, a case transfer with its receipt, deadlines."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from app.deps import Container
from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_onsite import Site, check_in, enterprise_code, site  # noqa: F401
from tests.support import FixedClock, MakeUser, assert_problem

Who = dict[str, dict[str, str]]


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).replace(" ", "")


async def problem_result(client: httpx.AsyncClient, site: Site, ready: Who) -> dict[str, Any]:  # noqa: F811
    graded = await client.patch(f"/api/v1/enterprises/{site.visit['uscc']}", json={"credit_class": "B"},
                                headers=ready["chief"])  # an ordinary-risk enterprise: a sanction would raise it
    assert graded.status_code == 200, graded.text
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    first, *rest = site.visit["items"]
    hazard = {"level": "major", "description": "尾矿库排洪设施损坏未修复", "location": "尾矿库",
              "legal_basis": "《金属非金属矿山重大事故隐患判定标准》第五条"}
    answer = await client.put(f"{site.url}/findings/{first}", headers=site.phone,
                              json={"outcome": "non_compliant", "note": "排洪设施损坏", "hazards": [hazard]})
    assert answer.status_code == 200, answer.text
    for item in rest:
        await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone)
    entered = await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["problem_pending"], "summary": "发现重大事故隐患 1 项"})
    assert entered.status_code == 201, entered.text
    result: dict[str, Any] = entered.json()
    assert result["major_hazard_count"] == 1
    return result


@pytest.fixture
async def officer(make_user: MakeUser) -> dict[str, str]:
    return await make_user("department", "ZF1")


async def test_an_order_its_report_a_reinspection_and_escalation_to_a_sanction(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who, officer: dict[str, str]  # noqa: F811
) -> None:
    result = await problem_result(client, site, ready)
    today = container.clock.today()  # type: ignore[attr-defined]
    assert_problem(await client.post("/api/v1/rectifications", headers=officer, json={
        "result_id": result["id"], "deadline": str(today - timedelta(days=1))}), 422,
        "rectification.deadline_before_order")
    assert_problem(await client.post("/api/v1/rectifications", headers=officer, json={"result_id": result["id"]}),
                   422, "request.validation_failed")
    issued = await client.post("/api/v1/rectifications", headers=officer,
                               json={"result_id": result["id"], "working_days": 10})
    assert issued.status_code == 201, issued.text
    order = issued.json()
    assert order["document_no"] == "秦应急执一〔2026〕第 1 号"
    assert order["deadline_basis"] == "10 个工作日"
    days = (await client.get("/api/v1/calendar/working-days",
                             params={"from": str(today + timedelta(days=1)), "to": order["deadline"]})).json()
    assert days["working_day_count"] == 10
    assert_problem(await client.post("/api/v1/rectifications", headers=officer,
                                     json={"result_id": result["id"], "working_days": 5}), 409, "rectification.exists")

    detail = (await client.get(f"/api/v1/rectifications/{order['id']}", headers=officer)).json()
    [document] = detail["documents"]
    pdf = await client.get(f"/api/v1/documents/{document['id']}", headers=officer)
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "责令限期整改指令书" in text
    assert site.visit["enterprise_name"] in text
    assert "秦应急执一〔2026〕第1号" in text
    assert_problem(await client.get(f"/api/v1/documents/{document['id']}", headers=ready["zf3"]), 403,
                   "auth.foreign_department")

    reported = await client.post(f"/api/v1/rectifications/{order['id']}/report", headers=officer,
                                 json={"report": "已更换排洪管并试运行"})
    assert reported.json()["status"] == "reported"
    team = site.visit["team"]
    assert_problem(await client.post(f"/api/v1/rectifications/{order['id']}/reinspection", headers=officer, json={
        "reinspectors": [team[0]], "rectified": True, "opinion": "已整改"}), 422, "reinspection.two_inspectors")
    assert_problem(await client.post(f"/api/v1/rectifications/{order['id']}/reinspection", headers=officer, json={
        "reinspectors": [team[0], team[0]], "rectified": True, "opinion": "已整改"}), 422, "reinspection.two_inspectors")
    failed = await client.post(f"/api/v1/rectifications/{order['id']}/reinspection", headers=officer, json={
        "reinspectors": team[:2], "rectified": False, "opinion": "排洪设施仍未修复"})
    assert failed.status_code == 200, failed.text
    assert failed.json()["status"] == "not_rectified"
    assert failed.json()["escalation"]
    assert failed.json()["reinspection_document_no"] == "秦应急执一〔2026〕第 2 号"

    [proposal] = (await client.get("/api/v1/sanctions", params={"candidates": True}, headers=ready["chief"])).json()
    assert (proposal["uscc"], proposal["to_class"], proposal["status"]) == (site.visit["uscc"], "D", "proposed")
    assert proposal["evidence"]["orders"] == [order["id"]]
    assert_problem(await client.post(f"/api/v1/sanctions/{proposal['id']}/decision", headers=officer,
                                     json={"approve": True, "note": "同意"}), 403, "auth.forbidden")
    approved = await client.post(f"/api/v1/sanctions/{proposal['id']}/decision", headers=ready["chief"],
                                 json={"approve": True, "note": "重大事故隐患逾期未整改，调整为 D 类"})
    assert approved.json()["status"] == "approved", approved.text
    enterprise = (await client.get(f"/api/v1/enterprises/{site.visit['uscc']}", headers=ready["chief"])).json()
    assert enterprise["credit_class"] == "D"
    history = (await client.get(f"/api/v1/enterprises/{site.visit['uscc']}/history", headers=ready["chief"])).json()
    assert history[-1]["action"] == "credit_sanction"
    assert_problem(await client.post(f"/api/v1/sanctions/{proposal['id']}/decision", headers=ready["chief"],
                                     json={"approve": True, "note": "再次"}), 409, "sanction.state_invalid")


async def test_a_case_is_transferred_once_with_its_receipt(
    client: httpx.AsyncClient, site: Site, ready: Who, officer: dict[str, str]  # noqa: F811
) -> None:
    result = await problem_result(client, site, ready)
    body = {"result_id": result["id"], "kind": "department", "receiver": "秦皇岛市生态环境局",
            "reason": "涉嫌违法排放污染物，属生态环境部门管辖"}
    sent = await client.post("/api/v1/transfers", headers=officer, json=body)
    assert sent.status_code == 201, sent.text
    transfer = sent.json()
    assert transfer["status"] == "sent"
    assert transfer["document_no"].startswith("秦应急执一〔2026〕")
    assert_problem(await client.post("/api/v1/transfers", headers=officer, json=body), 409, "transfer.already")
    results = (await client.get(f"{site.url}/results", headers=officer)).json()
    assert results[0]["handling"] == "transfer"
    assert_problem(await client.post(f"/api/v1/transfers/{transfer['id']}/close", headers=officer,
                                     json={"outcome": "已立案"}), 409, "transfer.state_invalid")
    received = await client.post(f"/api/v1/transfers/{transfer['id']}/receipt", headers=officer, json={
        "received_by": "市生态环境局执法支队 王某", "received_on": str(site.visit["day"]), "note": "已接收"})
    assert received.json()["status"] == "received", received.text
    closed = await client.post(f"/api/v1/transfers/{transfer['id']}/close", headers=officer, json={"outcome": "已立案查处"})
    assert closed.json()["status"] == "closed"
    proposals = (await client.get("/api/v1/sanctions", headers=ready["chief"])).json()
    assert any(p["evidence"].get("transfers") == [transfer["id"]] for p in proposals)


async def test_a_sanction_needs_another_persons_approval(
    client: httpx.AsyncClient, site: Site, ready: Who  # noqa: F811
) -> None:
    result = await problem_result(client, site, ready)
    proposed = await client.post("/api/v1/sanctions", headers=ready["chief"],
                                 json={"result_id": result["id"], "to_class": "C", "reason": "存在重大事故隐患"})
    assert proposed.status_code == 201, proposed.text
    assert_problem(await client.post(f"/api/v1/sanctions/{proposed.json()['id']}/decision", headers=ready["chief"],
                                     json={"approve": True, "note": "同意"}), 403, "sanction.own")
    enterprise = (await client.get(f"/api/v1/enterprises/{site.visit['uscc']}", headers=ready["chief"])).json()
    assert enterprise["credit_class"] != "C" or proposed.json()["from_class"] == "C"


async def test_overdue_rectification_escalates_on_deadlines_and_compliance(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who, officer: dict[str, str]  # noqa: F811
) -> None:
    result = await problem_result(client, site, ready)
    order = (await client.post("/api/v1/rectifications", headers=officer,
                               json={"result_id": result["id"], "working_days": 3})).json()
    container.clock = FixedClock(container.clock.now() + timedelta(days=12))  # type: ignore[attr-defined]
    deadlines = (await client.get("/api/v1/deadlines", params={"due_within": 0}, headers=officer)).json()
    late = next(d for d in deadlines if d["subject"] == f"rectification_order:{order['id']}")
    assert late["state"] == "overdue"
    compliance = (await client.get("/api/v1/compliance", params={"year": 2026}, headers=ready["chief"])).json()
    overdue = {i["detail"]["kind"]: i for i in compliance["indicators"] if i["code"] == "overdue_deadlines"}
    assert overdue["rectification"]["value"] == 1
    assert overdue["rectification"]["detail"]["subjects"] == [f"rectification_order:{order['id']}"]


async def test_a_finished_task_is_archived_read_only_and_its_bundle_verifies(
    client: httpx.AsyncClient, site: Site, ready: Who, officer: dict[str, str]  # noqa: F811
) -> None:
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    for item in site.visit["items"]:
        await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone)
    result = (await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["no_problem"]})).json()
    await client.post(f"{site.url}/check-out", headers=site.phone)
    record = await client.post(f"{site.url}/documents", json={"kind": "inspection_record"}, headers=officer)
    assert record.status_code == 201, record.text
    assert "现场检查记录" in pdf_text((await client.get(f"/api/v1/documents/{record.json()['id']}",
                                                     headers=officer)).content)
    assert_problem(await client.post(f"{site.url}/documents", json={"kind": "notice"}, headers=officer), 409,
                   "document.unannounced")
    url = f"/api/v1/plans/{site.draw['plan_no']}/tasks/{site.draw['task_no']}/archive"
    assert_problem(await client.post(url, headers=officer), 409, "archive.incomplete")
    await client.post(f"/api/v1/results/{result['id']}/review", json={"approve": True}, headers=officer)
    await client.post(f"/api/v1/results/{result['id']}/publish", headers=officer)
    for visit in (await client.get("/api/v1/visits", params={"draw_id": site.draw["draw_id"]},
                                   headers=officer)).json()["items"]:
        if visit["id"] != site.visit["id"]:
            cancelled = await client.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "企业已停产"},
                                          headers=officer)
            assert cancelled.status_code == 200, cancelled.text

    archived = await client.post(url, headers=officer)
    assert archived.status_code == 201, archived.text
    assert archived.json()["files"] >= 10
    assert_problem(await client.post(url, headers=officer), 409, "task.archived")
    bundle = await client.get(url, headers=officer)
    assert bundle.headers["content-type"] == "application/zip"
    assert bundle.headers["etag"] == f'"{archived.json()["sha256"]}"'
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = set(archive.namelist())
        assert {"manifest.json", "plan.json", "visits.json", "results.json", "audit.json", "publicity.json"} <= names
        assert any(n.startswith("documents/") for n in names)
        assert any(n.startswith("draws/") for n in names)
        tampered = io.BytesIO()
        with zipfile.ZipFile(tampered, "w") as copy:
            for name in archive.namelist():
                data = archive.read(name)
                copy.writestr(name, data.replace(b"no_problem", b"problem_xx") if name == "results.json" else data)
    checked = (await client.post("/api/v1/archives/verify", files={"file": ("a.zip", bundle.content)},
                                 headers=officer)).json()
    assert checked["ok"] is True, checked
    assert checked["recorded"]["task_no"] == site.draw["task_no"]
    broken = (await client.post("/api/v1/archives/verify", files={"file": ("a.zip", tampered.getvalue())},
                                headers=officer)).json()
    assert broken["ok"] is False
    assert broken["problems"] == ["文件内容与清单不符：results.json"]
    assert_problem(await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["no_problem"]}), 409, "task.archived")
    assert_problem(await client.post("/api/v1/rectifications", headers=officer,
                                     json={"result_id": result["id"], "working_days": 5}), 409, "task.archived")
    assert_problem(await client.post(f"{site.url}/check-in", json={"code": "QHD1.visit.e30.k1.ed25519.AAAA"},
                                     headers={**site.phone, "Idempotency-Key": "after-archive-1"}), 409, "task.archived")


async def test_every_refused_change_is_audited(
    client: httpx.AsyncClient, make_user: MakeUser, site: Site, ready: Who, officer: dict[str, str]  # noqa: F811
) -> None:
    result = await problem_result(client, site, ready)
    await client.post("/api/v1/rectifications", headers=officer, json={"result_id": result["id"], "working_days": 5})
    assert_problem(await client.post("/api/v1/rectifications", headers=officer,
                                     json={"result_id": result["id"], "working_days": 5}), 409, "rectification.exists")
    auditor = await make_user("auditor", "ZJK")
    refused = (await client.get("/api/v1/audit/records", params={"action": "request.refused"},
                                headers=auditor)).json()["items"]
    assert [(e["object_id"], e["after"]["code"]) for e in refused] == [
        ("POST /api/v1/rectifications", "rectification.exists")]
    assert refused[0]["actor"] != "anonymous"
