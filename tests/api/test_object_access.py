"""Object-level access: one task of 执法一大队 (ZF1) carried through draw, visit, check-in, findings with a photo, a result
with a hazard, a rectification order, a case transfer, a sanction proposal, documents, a quarterly summary, a calendar
feed, leave and a declared conflict. Every route whose path names one of these objects is then called, with a valid
body, by every caller that does not own it: another unit (ZF3), an inspector who is not on the team, a partner
department that is not in the task, an integration key, the administrator, the security administrator and the auditor.
None of them succeeds (403 or 404), except where the object is shared by design (directories, published plans, the
public part of a draw), which the test states and checks.

Reproduce: ``pytest -q tests/api/test_object_access.py``."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from app.deps import Container
from tests.api.test_auth import api_routes
from tests.api.test_draws import CEREMONY, ready  # noqa: F401 - the fixture is used by name
from tests.api.test_followup import problem_result
from tests.api.test_inspectors import inspector
from tests.api.test_onsite import JPEG, Site, site  # noqa: F401 - the fixture is used by name
from tests.api.test_plans import _task_in
from tests.support import MakeUser

Who = dict[str, dict[str, str]]

#: Path parameters that name an owned object (of a unit, a team or a task); others (users, keys, units, years, sync
#: runs, outbox messages) are the business of one role and are covered by the role × route matrix.
OWNED = {"draw_id", "visit_id", "item_code", "photo_id", "result_id", "order_id", "transfer_id", "sanction_id",
         "document_id", "summary_id", "plan_no", "task_no", "feed_id", "person_id", "conflict_id", "leave_id", "uscc"}
#: Shared by design: any caller allowed by the role × route matrix reads or changes them whoever "owns" them.
SHARED = {
    ("GET", "/api/v1/enterprises/{uscc}"): "检查对象名录库: one directory for every unit",
    ("GET", "/api/v1/enterprises/{uscc}/history"): "the same",
    ("PATCH", "/api/v1/enterprises/{uscc}"): "every unit maintains the enterprise directory",
    ("DELETE", "/api/v1/enterprises/{uscc}"): "the same (retiring keeps the history)",
    ("GET", "/api/v1/enterprises/{uscc}/code"): "every unit prints an enterprise's code (any unit may inspect it)",
    ("POST", "/api/v1/enterprises/{uscc}/code/rotate"): "the same",
    ("GET", "/api/v1/inspectors/{person_id}"): "执法人员名录库: one directory (personal data masked, see PIPL tests)",
    ("GET", "/api/v1/inspectors/{person_id}/leave"): "leave is part of the directory (drawing teams respects it)",
    ("GET", "/api/v1/plans/{plan_no}"): "plans are published (also on the public routes)",
    ("GET", "/api/v1/plans/{plan_no}/versions"): "the same",
    ("GET", "/api/v1/plans/{plan_no}/tasks/{task_no}/visit-items"): "the same",
    ("GET", "/api/v1/plans/{plan_no}/tasks/{task_no}/quota"): "the same",
    ("GET", "/api/v1/draws/{draw_id}"): "the public part only (commitments, result hash): checked below",
}
#: Shared with one foreign caller by design.
SHARED_WITH = {
    ("integration key", "PATCH", "/api/v1/inspectors/{person_id}"): "the integration feed maintains the inspector "
                                                                    "directory bureau-wide (conflicts and leave: no)",
    ("integration key", "DELETE", "/api/v1/inspectors/{person_id}"): "the same",
}
#: Changes that would destroy the world for the later probes, probed last.
LAST = {("DELETE", "/api/v1/enterprises/{uscc}"), ("DELETE", "/api/v1/inspectors/{person_id}")}


async def build(client: httpx.AsyncClient, container: Container, site: Site, ready: Who,  # noqa: F811
                make_user: MakeUser) -> tuple[dict[str, str], Who]:
    """The ZF1 world and the foreign callers."""
    zf1, chief = ready["zf1"], ready["chief"]
    result = await problem_result(client, site, ready)
    photo = await client.post(f"{site.url}/photos", files={"file": ("hazard.jpg", JPEG, "image/jpeg")},
                              headers=site.phone)
    order = await client.post("/api/v1/rectifications", headers=zf1, json={"result_id": result["id"],
                                                                           "working_days": 10})
    transfer = await client.post("/api/v1/transfers", headers=zf1, json={
        "result_id": result["id"], "kind": "department", "receiver": "秦皇岛市生态环境局", "reason": "属生态环境部门管辖"})
    # The transfer proposed a credit sanction already (a major hazard).
    sanction_id = (await client.get("/api/v1/sanctions", headers=chief)).json()[0]["id"]
    assert (await client.post(f"{site.url}/check-out", headers=site.phone)).status_code == 200
    document = await client.post(f"{site.url}/documents", json={"kind": "inspection_record"}, headers=zf1)
    summary = await client.post("/api/v1/reports/quarterly", headers=zf1,
                                json={"year": 2026, "quarter": 4, "department_code": "ZF1"})
    feed = await client.post("/api/v1/calendar/feeds", json={"owner_kind": "unit", "owner_id": "ZF1"}, headers=zf1)
    member = site.visit["team"][0]
    leave = await client.post(f"/api/v1/inspectors/{member}/leave", headers=zf1, json={
        "from_date": "2026-12-21", "to_date": "2026-12-22", "reason": "年休假"})
    conflict = await client.post(f"/api/v1/inspectors/{member}/conflicts", headers=zf1, json={
        "uscc": site.visit["uscc"], "reason": "近亲属在该企业任职", "from_date": "2026-12-21"})
    for made in (photo, order, transfer, document, summary, feed, leave, conflict):
        assert made.status_code == 201, made.text
    conflict_id = conflict.json()["id"]
    ids = {"draw_id": site.draw["draw_id"], "visit_id": str(site.visit["id"]), "item_code": site.visit["items"][0],
           "photo_id": str(photo.json()["id"]), "result_id": str(result["id"]), "order_id": str(order.json()["id"]),
           "transfer_id": str(transfer.json()["id"]), "sanction_id": str(sanction_id),
           "document_id": str(document.json()["id"]), "summary_id": str(summary.json()["id"]),
           "plan_no": "2026001", "task_no": "001号", "feed_id": str(feed.json()["id"]), "person_id": member,
           "conflict_id": str(conflict_id), "leave_id": str(leave.json()["id"]), "uscc": site.visit["uscc"]}

    # Foreign callers: another unit, an inspector of ZF1 not on the team, a partner not in the task, a key, the three.
    bystander = "QHD-ZF1-0950"
    assert bystander not in site.visit["team"]
    assert (await client.post("/api/v1/inspectors", headers=chief, json=inspector(bystander))).status_code == 201
    security = await make_user("security", "BGS")
    integration = await make_user("integration", "BGS")
    owner = (await client.get("/api/v1/auth/me", headers=integration)).json()["user_id"]
    key = (await client.post("/api/v1/api-keys", headers=security, json={
        "name": "对接", "user_id": owner, "scopes": ["directory:read", "enterprises:write", "inspectors:write"]})).json()
    foreign = {"department ZF3": ready["zf3"],
               "inspector off the team": await make_user("inspector", "ZF1", person_id=bystander),
               "partner SW": await make_user("partner", "SW"),
               "integration key": {"X-API-Key": key["key"]},
               "admin": await make_user("admin", "BGS"), "security": security,
               "auditor": await make_user("auditor", "ZJK")}
    return ids, foreign


def bodies(ids: dict[str, str], team: list[str], plan: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body per changing route, so that only the object check can refuse."""
    content = {k: plan[k] for k in ("name", "issuing_document", "issued_on", "notes")}
    content["tasks"] = [_task_in(t) for t in plan["tasks"]]
    content["notes"] = "调整说明"
    change = {"uscc": ids["uscc"], "person_id": ids["person_id"], "reason": "成员生病住院"}
    return {
        ("POST", "/api/v1/draws/{draw_id}/seed"): CEREMONY,
        ("POST", "/api/v1/draws/{draw_id}/replacements"): change,
        ("POST", "/api/v1/draws/{draw_id}/assignments"): change,
        ("POST", "/api/v1/draws/{draw_id}/void-request"): {"reason": "抽取参数设置有误"},
        ("POST", "/api/v1/draws/{draw_id}/void-approve"): {},
        ("POST", "/api/v1/draws/{draw_id}/schedule"): {},
        ("POST", "/api/v1/visits/{visit_id}/reschedule"): {"reason": "企业临时停产"},
        ("POST", "/api/v1/visits/{visit_id}/cancel"): {"reason": "企业已注销"},
        ("POST", "/api/v1/visits/{visit_id}/check-in"): {"code": "QHD1.E.x.y.z.w"},
        ("PUT", "/api/v1/visits/{visit_id}/findings/{item_code}"): {"outcome": "compliant"},
        ("POST", "/api/v1/visits/{visit_id}/results"): {"draw_id": ids["draw_id"], "types": ["no_problem"]},
        ("POST", "/api/v1/visits/{visit_id}/documents"): {"kind": "inspection_record"},
        ("POST", "/api/v1/results/{result_id}/review"): {"approve": True},
        ("POST", "/api/v1/rectifications/{order_id}/report"): {"report": "已按要求整改完毕"},
        ("POST", "/api/v1/rectifications/{order_id}/reinspection"): {"reinspectors": team, "rectified": True,
                                                                      "opinion": "整改到位"},
        ("POST", "/api/v1/transfers/{transfer_id}/receipt"): {"received_by": "市生态环境局 王某",
                                                             "received_on": "2026-11-20"},
        ("POST", "/api/v1/transfers/{transfer_id}/close"): {"outcome": "已立案查处"},
        ("POST", "/api/v1/sanctions/{sanction_id}/decision"): {"approve": True, "note": "同意"},
        ("PATCH", "/api/v1/reports/quarterly/{summary_id}"): {"sections": {"problems": "改"}},
        ("PATCH", "/api/v1/inspectors/{person_id}"): {"name": "改名"},
        ("POST", "/api/v1/inspectors/{person_id}/conflicts"): {"uscc": ids["uscc"], "reason": "近亲属任职",
                                                               "from_date": "2026-12-01"},
        ("POST", "/api/v1/inspectors/{person_id}/leave"): {"from_date": "2026-12-28", "to_date": "2026-12-29",
                                                           "reason": "年休假"},
        ("PATCH", "/api/v1/enterprises/{uscc}"): {"contact_name": "王五"},
        ("POST", "/api/v1/enterprises/{uscc}/code/rotate"): {"reason": "旧码遗失"},
        ("POST", "/api/v1/plans/{plan_no}/adjustments"): {"reason": "调整检查时间", "plan": content},
        ("PUT", "/api/v1/plans/{plan_no}"): {**content, "plan_no": plan["plan_no"], "year": plan["year"],
                                              "kind": plan["kind"]},
    }


def owned_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = {(m, r.path) for r in api_routes(app) for m in r.methods
              if set(re.findall(r"\{([^}]+)\}", r.path)) & OWNED and r.path.startswith("/api/v1/")
              and not r.path.startswith("/api/v1/public/")}
    return sorted(routes, key=lambda route: (route in LAST, route))


async def test_no_caller_reaches_an_object_it_does_not_own(
    app: FastAPI, client: httpx.AsyncClient, container: Container, site: Site, ready: Who,  # noqa: F811
    make_user: MakeUser,
) -> None:
    ids, foreign = await build(client, container, site, ready, make_user)
    plan = (await client.get("/api/v1/plans/2026001", headers=ready["chief"])).json()
    payloads = bodies(ids, site.visit["team"], plan)
    routes = owned_routes(app)
    leaks, unexercised, probes = [], [], 0

    for method, template in routes:
        path = re.sub(r"\{([^}]+)\}", lambda m: ids[m.group(1)], template)
        for name, headers in foreign.items():
            request: dict[str, Any] = {"headers": {**headers, "Idempotency-Key": uuid.uuid4().hex}}
            if method == "DELETE":
                request["params"] = {"reason": "不再需要"}
            if method in ("POST", "PUT", "PATCH"):
                if template.endswith("/photos"):
                    request["files"] = {"file": ("x.jpg", JPEG, "image/jpeg")}
                else:
                    request["json"] = payloads.get((method, template), {})
            response = await client.request(method, path, **request)
            probes += 1
            shared = (method, template) in SHARED or (name, method, template) in SHARED_WITH
            if response.status_code in (403, 404):
                continue
            if response.status_code == 422 and not shared:
                unexercised.append(f"{name} {method} {template}: 422 {response.text[:160]}")
            elif response.is_success and shared:
                if template == "/api/v1/draws/{draw_id}":
                    draw = response.json()
                    if draw["bundle"] is not None or draw.get("teams"):
                        leaks.append(f"{name} {method} {template}: sees the selection before the reveal")
            elif response.status_code < 500 and not response.is_success and shared:
                continue
            else:
                leaks.append(f"{name} {method} {template}: {response.status_code} {response.text[:160]}")

    print(f"\n{len(routes)} id-bearing routes × {len(foreign)} foreign callers = {probes} probes; "
          f"{len(leaks)} leaks, {len(unexercised)} refused by validation first; "
          f"{len(SHARED)} routes shared by design")
    assert probes == len(routes) * len(foreign)
    assert len(routes) >= 50
    assert not leaks, "\n".join(leaks)
    assert not unexercised, "\n".join(unexercised)
