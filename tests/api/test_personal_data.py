"""个人信息保护 (PIPL): phones, ID numbers and 执法证号 in full only for 执法监督科, the owning unit and the person; masked
for every other role (partners, integration keys, administrators, 审计/纪检) and on every public output; check-in
positions for 执法监督科 only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.domain.auth.privacy import mask_cert, mask_id_number, mask_phone, mask_snapshot
from tests.api.test_inspectors import inspector
from tests.support import MakeUser, make_uscc

PHONE, CERT = "13912345678", "冀应急执字QHD-ZF1-0901"
MASKED_PHONE, MASKED_CERT = "139****5678", mask_cert(CERT)


def test_the_masked_forms() -> None:
    assert mask_phone(PHONE) == MASKED_PHONE
    assert mask_cert(CERT) == "冀应急执***********01"
    assert mask_id_number("130302199001011234") == "130302********1234"
    assert mask_snapshot({"name": "张三", "phone": PHONE, "cert_no": CERT, "nested": [{"contactPhone": PHONE}],
                          "changes": {"phone": [PHONE, "13800001111"]}, "distance_m": 12.5,
                          "longitude": 119.6}) == {
        "name": "张三", "phone": MASKED_PHONE, "cert_no": MASKED_CERT, "nested": [{"contactPhone": MASKED_PHONE}],
        "changes": {"phone": [MASKED_PHONE, "138****1111"]}, "distance_m": None,
        "longitude": 119.6}  # an enterprise's location is not personal data; a check-in's distance is


@pytest.fixture
async def callers(client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, dict[str, str]]:
    """A ZF1 inspector record with phone and certificate, and one caller of every role that reads it."""
    who = {"supervisor": await make_user("supervisor", "ZJK"), "zf1": await make_user("department", "ZF1"),
           "zf3": await make_user("department", "ZF3"), "partner": await make_user("partner", "SW"),
           "admin": await make_user("admin", "BGS"), "security": await make_user("security", "BGS"),
           "other_inspector": await make_user("inspector", "ZF1")}
    created = await client.post("/api/v1/inspectors", headers=who["supervisor"],
                                json=inspector("QHD-ZF1-0901", phone=PHONE, cert_no=CERT, cert_expiry="2026-12-01"))
    assert created.status_code == 201, created.text
    who["self"] = await make_user("inspector", "ZF1", person_id="QHD-ZF1-0901")
    integration = await make_user("integration", "BGS")
    owner = (await client.get("/api/v1/auth/me", headers=integration)).json()["user_id"]
    key = await client.post("/api/v1/api-keys", headers=who["security"], json={
        "name": "对接", "user_id": owner, "scopes": ["directory:read"]})
    who["integration"] = {"X-API-Key": key.json()["key"]}
    return who


FULL = {"supervisor", "zf1", "self"}
MASKED = {"zf3", "partner", "admin", "integration", "other_inspector"}


async def test_an_inspectors_phone_and_certificate_are_full_only_for_the_owning_unit_and_the_person(
    client: httpx.AsyncClient, callers: dict[str, dict[str, str]]
) -> None:
    seen: dict[str, tuple[Any, Any]] = {}
    for name in FULL | MASKED:
        one = (await client.get("/api/v1/inspectors/QHD-ZF1-0901", headers=callers[name])).json()
        listed = (await client.get("/api/v1/inspectors", params={"q": "QHD-ZF1-0901"}, headers=callers[name])).json()
        expiring = (await client.get("/api/v1/inspectors/certificates/expiring", params={"within_days": 3650},
                                     headers=callers[name])).json()
        [item] = [i for i in listed["items"] if i["person_id"] == "QHD-ZF1-0901"]
        [soon] = [i for i in expiring if i["person_id"] == "QHD-ZF1-0901"]
        assert (item["phone"], item["cert_no"]) == (one["phone"], one["cert_no"]), name
        assert soon["cert_no"] == one["cert_no"], name
        seen[name] = (one["phone"], one["cert_no"])

    assert {n for n, v in seen.items() if v == (PHONE, CERT)} == FULL
    assert {n for n, v in seen.items() if v == (MASKED_PHONE, MASKED_CERT)} == MASKED


async def test_enterprise_contacts_are_masked_for_partners_keys_and_administrators(
    client: httpx.AsyncClient, callers: dict[str, dict[str, str]]
) -> None:
    body = {"uscc": make_uscc(901), "name": "某公司", "county_code": "130302", "industry_code": "GM-JX",
            "contact_name": "李四", "contact_phone": PHONE}
    assert (await client.post("/api/v1/enterprises", json=body, headers=callers["supervisor"])).status_code == 201

    for name in ("supervisor", "zf1", "zf3", "partner", "admin", "integration"):
        got = (await client.get(f"/api/v1/enterprises/{body['uscc']}", headers=callers[name])).json()
        history = (await client.get(f"/api/v1/enterprises/{body['uscc']}/history", headers=callers[name])).json()
        expected = PHONE if name in {"supervisor", "zf1", "zf3"} else MASKED_PHONE  # units inspect any enterprise
        assert got["contact_phone"] == expected, name
        assert history[0]["snapshot"]["contact_phone"] == expected, name


async def test_the_audit_trail_and_the_security_log_show_personal_data_masked(
    client: httpx.AsyncClient, make_user: MakeUser, callers: dict[str, dict[str, str]]
) -> None:
    auditor = await make_user("auditor", "ZJK")

    records = (await client.get("/api/v1/audit/records", params={"action": "inspector.create"},
                                headers=auditor)).json()["items"]

    text = str(records)
    assert records
    assert PHONE not in text
    assert CERT not in text
    assert MASKED_PHONE in text
    events = (await client.get("/api/v1/security/events", headers=callers["security"])).json()["items"]
    assert PHONE not in str(events)


async def test_public_outputs_carry_no_phone_or_certificate(
    client: httpx.AsyncClient, callers: dict[str, dict[str, str]]
) -> None:
    for path in ("/api/v1/public/plans?year=2026", "/api/v1/public/results", "/public/results",
                 "/api/v1/public/check-items/2026"):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert PHONE not in response.text
        assert CERT not in response.text
