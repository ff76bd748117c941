"""扫码入企 over HTTP: signed codes both ways, check-in rules and abuse, findings with photos, results reviewed and
published by others, the enterprise's page and rating, and the public disclosure."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from app.deps import Container
from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_schedule import scheduled
from tests.support import FixedClock, MakeUser, assert_problem

Who = dict[str, dict[str, str]]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Site:
    """A scheduled visit on its day, with the team leader's phone and the enterprise's recorded position."""

    def __init__(self, draw: dict[str, Any], visit: dict[str, Any], phone: dict[str, str],
                 enterprise: dict[str, Any]) -> None:
        self.draw, self.visit, self.phone, self.enterprise = draw, visit, phone, enterprise

    @property
    def url(self) -> str:
        return f"/api/v1/visits/{self.visit['id']}"

    def position(self, **changes: Any) -> dict[str, Any]:
        return {"longitude": self.enterprise["longitude"], "latitude": self.enterprise["latitude"], **changes}


@pytest.fixture
async def site(client: httpx.AsyncClient, container: Container, make_user: MakeUser,
               ready: Who) -> Site:  # noqa: F811
    draw, result = await scheduled(client, ready)
    enterprises = {v["uscc"]: (await client.get(f"/api/v1/enterprises/{v['uscc']}", headers=ready["chief"])).json()
                   for v in result["visits"]}
    visit = next(v for v in result["visits"] if enterprises[v["uscc"]].get("longitude") is not None)
    container.clock = FixedClock(datetime.fromisoformat(f"{visit['day']}T02:00:00+00:00"))  # type: ignore[assignment]
    phone = await make_user("inspector", "ZF1", person_id=visit["team"][0])
    return Site(draw, visit, phone, enterprises[visit["uscc"]])


async def enterprise_code(client: httpx.AsyncClient, site: Site, who: dict[str, str]) -> str:
    response = await client.get(f"/api/v1/enterprises/{site.visit['uscc']}/code", headers=who)
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


async def check_in(client: httpx.AsyncClient, site: Site, code: str, *, key: str | None = None,
                   who: dict[str, str] | None = None, **body: Any) -> httpx.Response:
    payload = {"code": code, "position": site.position(), **body}
    return await client.post(f"{site.url}/check-in", json=payload, headers={
        **(who or site.phone), "Idempotency-Key": key or uuid.uuid4().hex})


async def test_a_whole_visit_from_check_in_to_public_disclosure(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    assert code.startswith("QHD1.E.")
    png = await client.get(f"/api/v1/enterprises/{site.visit['uscc']}/code", params={"format": "png"},
                           headers=ready["zf1"])
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")

    first = await check_in(client, site, code, key="checkin-0001")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["method"] == "enterprise_code"
    assert body["position_verified"] is True
    assert (body["distance_m"], body["longitude"], body["latitude"]) == (None, None, None)  # 执法监督科 only
    located = (await client.get(f"{site.url}/check-in", headers=ready["chief"])).json()
    assert located["distance_m"] < 1
    assert (located["longitude"], located["latitude"]) == (site.enterprise["longitude"], site.enterprise["latitude"])
    assert_problem(await client.get(f"{site.url}/check-in", headers=ready["zf1"]), 403, "auth.forbidden")
    assert body["late"] is False
    again = await check_in(client, site, code, key="checkin-0001")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert_problem(await check_in(client, site, code), 409, "checkin.state_invalid")

    for item in site.visit["items"]:
        recorded = await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone)
        assert recorded.status_code == 200, recorded.text
    entered = await client.post(f"{site.url}/results", headers=site.phone,
                                json={"draw_id": site.draw["draw_id"], "types": ["no_problem"], "summary": "现场检查未发现问题"})
    assert entered.status_code == 201, entered.text
    result = entered.json()
    assert result["status"] == "entered"
    out = await client.post(f"{site.url}/check-out", headers=site.phone)
    assert out.json()["checked_out_at"]

    assert_problem(await client.post(f"/api/v1/results/{result['id']}/publish", headers=ready["zf1"]), 409,
                   "result.not_reviewed")
    reviewed = await client.post(f"/api/v1/results/{result['id']}/review", json={"approve": True}, headers=ready["zf1"])
    assert reviewed.json()["status"] == "reviewed"
    published = await client.post(f"/api/v1/results/{result['id']}/publish", headers=ready["zf1"])
    assert published.json()["status"] == "published", published.text

    public = (await client.get("/api/v1/public/results", params={"uscc": site.visit["uscc"]})).json()
    assert [r["id"] for r in public["items"]] == [result["id"]]
    assert public["items"][0]["type_labels"] == ["未发现问题"]
    assert "entered_by" not in public["items"][0]
    page = await client.get("/public/results", params={"q": site.visit["enterprise_name"][:4]})
    assert page.status_code == 200
    assert site.visit["enterprise_name"] in page.text
    assert site.phone["Authorization"] not in page.text
    outbox = (await client.get("/api/v1/outbox", headers=ready["chief"])).json()
    assert any(m["kind"] == "results" for m in outbox["items"])

    deadline = (await client.get("/api/v1/deadlines", params={"due_within": 60, "include_done": True},
                                 headers=ready["zf1"])).json()
    done = next(d for d in deadline if d["subject"] == f"visit:{site.visit['id']}")
    assert done["state"] == "done"


async def test_forged_foreign_revoked_and_expired_codes_are_refused_and_audited(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    head, signature = code.rsplit(".", 1)
    flipped = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert_problem(await check_in(client, site, flipped), 422, "code.forged")
    kid_swapped = code.replace(code.split(".")[3], "nokey", 1)
    assert_problem(await check_in(client, site, kid_swapped), 422, "code.unknown_key")
    alg_swapped = ".".join([*code.split(".")[:4], "SM2-SM3", code.split(".")[5]])
    assert_problem(await check_in(client, site, alg_swapped), 422, "code.algorithm_mismatch")
    other = next(v for v in (await client.get("/api/v1/visits", headers=ready["zf1"])).json()["items"]
                 if v["uscc"] != site.visit["uscc"])
    foreign = await enterprise_code(client, Site(site.draw, other, site.phone, site.enterprise), ready["zf1"])
    assert_problem(await check_in(client, site, foreign), 409, "code.foreign")
    rotated = await client.post(f"/api/v1/enterprises/{site.visit['uscc']}/code/rotate", json={"reason": "旧码被翻拍"},
                                headers=ready["zf1"])
    assert rotated.json()["generation"] == 2
    assert_problem(await check_in(client, site, code), 409, "code.revoked")

    visit_code = (await client.get(f"{site.url}/code", headers=site.phone)).json()
    container.clock = FixedClock(container.clock.now() + timedelta(minutes=6))  # type: ignore[attr-defined]
    assert_problem(await check_in(client, site, visit_code["code"]), 422, "code.expired")

    auditor = await make_user("auditor", "ZJK")
    trail = (await client.get("/api/v1/audit/records", params={"action": "checkin.refused", "limit": 50},
                              headers=auditor)).json()
    assert {e["after"]["code"] for e in trail["items"]} >= {"code.forged", "code.unknown_key", "code.algorithm_mismatch",
                                                            "code.foreign", "code.revoked", "code.expired"}


async def test_a_visit_code_works_once_even_twenty_times_at_once(
    client: httpx.AsyncClient, site: Site
) -> None:
    visit_code = (await client.get(f"{site.url}/code", headers=site.phone)).json()["code"]
    assert visit_code.startswith("QHD1.V.")
    answers = await asyncio.gather(*(check_in(client, site, visit_code) for _ in range(20)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1, [a.text for a in answers if a.status_code != 409][:3]
    assert all(a.json()["code"] in ("code.replayed", "checkin.state_invalid", "checkin.already")
               for a in answers if a.status_code != 201)


async def test_twenty_identical_retries_make_one_check_in(client: httpx.AsyncClient, site: Site, ready: Who) -> None:  # noqa: F811
    code = await enterprise_code(client, site, ready["zf1"])
    answers = await asyncio.gather(*(check_in(client, site, code, key="same-key-000001") for _ in range(20)))
    assert {a.status_code for a in answers} <= {200, 201}
    assert [a.status_code for a in answers].count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1
    assert_problem(await check_in(client, site, code, key="same-key-000001", off_schedule_reason="不同的请求"), 422,
                   "idempotency.key_reused")


async def test_only_the_team_with_valid_certificates_on_its_day_and_at_the_gate_checks_in(
    client: httpx.AsyncClient, container: Container, make_user: MakeUser, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    stranger = await make_user("inspector", "ZF1", person_id=next(
        p for v in (await client.get("/api/v1/visits", headers=ready["zf1"])).json()["items"] for p in v["team"]
        if p not in site.visit["team"]))
    assert_problem(await check_in(client, site, code, who=stranger), 403, "visit.not_on_team")
    assert_problem(await check_in(client, site, code, position=site.position(latitude=site.enterprise["latitude"] + 0.05)),
                   409, "checkin.too_far")
    assert_problem(await check_in(client, site, code, position=None), 422, "checkin.position_required")
    gcj = await check_in(client, site, code, position=site.position(crs="gcj02"))
    assert gcj.status_code in (201, 409)  # a GCJ-02 reading of the same spot is ~500 m off once converted
    if gcj.status_code == 409:
        assert gcj.json()["code"] == "checkin.too_far"

    container.clock = FixedClock(datetime.fromisoformat(f"{site.visit['day']}T02:00:00+00:00")  # type: ignore[assignment]
                                 + timedelta(days=1 if datetime.fromisoformat(site.visit["day"]).weekday() < 4 else 3))
    assert_problem(await check_in(client, site, code), 409, "checkin.not_scheduled_day")
    moved = await check_in(client, site, code, off_schedule_reason="原定日期企业停电，改日检查")
    assert moved.status_code == 201, moved.text
    assert moved.json()["off_schedule_reason"] == "原定日期企业停电，改日检查"


async def test_an_expired_certificate_cannot_check_in(
    client: httpx.AsyncClient, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    leader = site.visit["team"][0]
    changed = await client.patch(f"/api/v1/inspectors/{leader}", headers=ready["chief"],
                                 json={"cert_expiry": "2026-01-31"})
    assert changed.status_code == 200, changed.text
    assert_problem(await check_in(client, site, code), 403, "checkin.certificate_invalid")


async def test_late_registration_within_ten_days_with_a_reason(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    code = await enterprise_code(client, site, ready["zf1"])
    on_site = container.clock.now()  # type: ignore[attr-defined]
    container.clock = FixedClock(on_site + timedelta(days=2))  # type: ignore[assignment]
    assert_problem(await check_in(client, site, code, occurred_at=on_site.isoformat(), position=None), 422,
                   "checkin.late_reason_missing")
    late = await check_in(client, site, code, occurred_at=on_site.isoformat(), position=None,
                          late_reason="现场无网络信号")
    assert late.status_code == 201, late.text
    assert late.json()["late"] is True
    container.clock = FixedClock(on_site + timedelta(days=11))  # type: ignore[assignment]
    other = await check_in(client, site, code, occurred_at=on_site.isoformat(), late_reason="补录")
    assert other.status_code in (409, 422)


async def test_photos_are_checked_and_served_to_the_team_and_its_unit_only(
    client: httpx.AsyncClient, make_user: MakeUser, site: Site, ready: Who  # noqa: F811
) -> None:
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    url = f"{site.url}/photos"
    uploaded = await client.post(url, files={"file": ("hazard.jpg", JPEG, "image/jpeg")}, headers=site.phone)
    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()
    assert len(photo["sha256"]) == 64
    assert_problem(await client.post(url, files={"file": ("x.jpg", PNG, "image/jpeg")}, headers=site.phone), 422,
                   "photo.type_mismatch")
    assert_problem(await client.post(url, files={"file": ("x.jpg", b"<script>alert(1)</script>", "image/jpeg")},
                                     headers=site.phone), 422, "photo.type_not_allowed")
    assert_problem(await client.post(url, files={"file": ("x.jpg", JPEG + b"\x00" * (11 * 1024 * 1024), "image/jpeg")},
                                     headers=site.phone), 413, "photo.too_large")
    auditor = await make_user("auditor", "ZJK")
    refused = (await client.get("/api/v1/audit/records", params={"action": "photo.upload.refused"},
                                headers=auditor)).json()["items"]
    assert sorted(e["after"]["code"] for e in refused) == ["photo.too_large", "photo.type_mismatch",
                                                           "photo.type_not_allowed"]

    item = site.visit["items"][0]
    finding = await client.put(f"{site.url}/findings/{item}", headers=site.phone, json={
        "outcome": "non_compliant", "note": "消防通道堵塞",
        "hazards": [{"level": "general", "description": "二号车间消防通道堆放物料", "location": "二号车间",
                     "legal_basis": "《中华人民共和国消防法》第二十八条", "photo_ids": [photo["id"]]}]})
    assert finding.status_code == 200, finding.text
    assert finding.json()["hazards"][0]["photos"][0]["sha256"] == photo["sha256"]
    served = await client.get(f"/api/v1/photos/{photo['id']}", headers=ready["zf1"])
    assert served.content == JPEG
    assert_problem(await client.get(f"/api/v1/photos/{photo['id']}", headers=ready["zf3"]), 403, "visit.foreign_unit")
    assert_problem(await client.get(f"/api/v1/photos/{photo['id']}"), 401, "auth.unauthenticated")

    assert_problem(await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["no_problem"]}), 422, "result.contradicts_findings")
    assert_problem(await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["no_problem", "closed"]}), 422, "result.no_problem_exclusive")
    assert_problem(await client.post(f"{site.url}/results", headers=site.phone, json={
        "draw_id": site.draw["draw_id"], "types": ["problem_pending"]}), 422, "result.findings_incomplete")


async def test_results_are_reviewed_and_published_by_someone_else(
    client: httpx.AsyncClient, make_user: MakeUser, site: Site, ready: Who  # noqa: F811
) -> None:
    member = site.visit["team"][1]
    own = await make_user("department", "ZF1", person_id=member)  # a unit officer who inspected this one
    officer = await make_user("department", "ZF1")
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    entered = (await client.post(f"{site.url}/results", headers=own, json={
        "draw_id": site.draw["draw_id"], "types": ["unreachable"], "summary": "登记住所无法联系"})).json()
    assert entered["entered_by"] == member
    assert_problem(await client.post(f"/api/v1/results/{entered['id']}/review", json={"approve": True}, headers=own),
                   403, "result.own")
    assert_problem(await client.post(f"/api/v1/results/{entered['id']}/review", json={"approve": True},
                                     headers=site.phone), 403, "auth.forbidden")
    assert_problem(await client.post(f"/api/v1/results/{entered['id']}/review", json={"approve": False},
                                     headers=officer), 422, "result.reason_missing")
    returned = await client.post(f"/api/v1/results/{entered['id']}/review", headers=officer,
                                 json={"approve": False, "reason": "请补充联系情况说明"})
    assert returned.json()["status"] == "returned"
    again = await client.post(f"{site.url}/results", headers=own, json={
        "draw_id": site.draw["draw_id"], "types": ["unreachable"], "summary": "三次上门均无人，电话停机"})
    assert again.json()["status"] == "entered"
    assert_problem(await client.post(f"/api/v1/results/{entered['id']}/review", json={"approve": True},
                                     headers=ready["zf3"]), 403, "auth.foreign_department")
    listed = (await client.get("/api/v1/results", params={"status": "entered"}, headers=officer)).json()
    assert [r["id"] for r in listed["items"]] == [entered["id"]]
    assert (await client.get("/api/v1/public/results", params={"uscc": site.visit["uscc"]})).json()["items"] == []
    await client.post(f"/api/v1/results/{entered['id']}/review", json={"approve": True}, headers=officer)
    assert_problem(await client.post(f"/api/v1/results/{entered['id']}/publish", headers=own), 403, "result.own")
    auditor = await make_user("auditor", "ZJK")
    refused = (await client.get("/api/v1/audit/records", params={"action": "result.publish.refused"},
                                headers=auditor)).json()["items"]
    assert [e["after"]["code"] for e in refused] == ["result.own"]


async def test_the_enterprise_scans_the_visit_code_and_rates_once(
    client: httpx.AsyncClient, container: Container, site: Site, ready: Who  # noqa: F811
) -> None:
    visit_code = (await client.get(f"{site.url}/code", headers=site.phone)).json()
    page = await client.get(f"/q/{visit_code['code']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert site.visit["enterprise_name"] in page.text
    assert "五个严禁" in page.text
    assert "组长" in page.text
    certs = [(await client.get(f"/api/v1/inspectors/{p}", headers=ready["chief"])).json()["cert_no"]
             for p in site.visit["team"]]
    assert all(cert not in page.text for cert in certs)
    assert all(f"{cert[:4]}" in page.text for cert in certs)
    assert "评价本次检查" not in page.text

    assert (await check_in(client, site, visit_code["code"])).status_code == 201
    await client.post(f"{site.url}/check-out", headers=site.phone)
    container.clock = FixedClock(container.clock.now() + timedelta(hours=2))  # type: ignore[attr-defined]
    page = await client.get(f"/q/{visit_code['code']}")
    assert "评价本次检查" in page.text
    rated = await client.post(f"/q/{visit_code['code']}/rating", data={"score": "5", "comment": "检查规范"})
    assert rated.status_code == 200
    assert "感谢" in rated.text
    twice = await client.post(f"/q/{visit_code['code']}/rating", data={"score": "1"})
    assert twice.status_code == 409
    forged = await client.get(f"/q/{visit_code['code'][:-3]}AAA")
    assert forged.status_code == 422
    assert "无法通过核验" in forged.text

    enterprise = await client.get(f"/q/{await enterprise_code(client, site, ready['zf1'])}")
    assert "有效" in enterprise.text


async def test_off_site_items_need_no_check_in_but_on_site_ones_do(
    client: httpx.AsyncClient, site: Site
) -> None:
    item = site.visit["items"][0]
    assert_problem(await client.put(f"{site.url}/findings/{item}", json={"outcome": "compliant"}, headers=site.phone),
                   409, "finding.not_checked_in")
    assert_problem(await client.put(f"{site.url}/findings/NOPE-1", json={"outcome": "compliant"}, headers=site.phone),
                   422, "finding.item_not_in_visit")
    assert_problem(await client.post(f"{site.url}/check-in", json={"code": "QHD1.E.x.y.z.w"},
                                     headers={**site.phone}), 422, "request.validation_failed")
