"""执法人员名录库 over HTTP: records, per-department management, conflicts of interest, expiring
certificates, filters and paging."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.deps import Container
from app.domain.directories.uscc import ALPHABET, check_character, complete_uscc
from tests.support import MakeUser, assert_problem

URL = "/api/v1/inspectors"
USCC = complete_uscc("91130302MA07L6KX3")


def inspector(person_id: str, department: str = "ZF1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_id": person_id,
        "name": f"执法员{person_id[-4:]}",
        "department_code": department,
        "cert_no": f"冀应急执字{person_id}",
        "cert_expiry": "2029-12-31",
        "specialties": ["FM", "GM-JX"],
        "phone": "13912345678",
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def person_ids(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await client.get(URL, params={"limit": 500, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [i["person_id"] for i in response.json()["items"]]


@pytest.fixture
async def zf1(make_user: MakeUser) -> dict[str, str]:
    return await make_user("department", "ZF1")


# --- records -------------------------------------------------------------------------------------------------


async def test_create_inspector_echoes_fields(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    body = inspector("QHD-ZF1-0001")
    created = await create(client, supervisor, body)
    for field in ("person_id", "name", "department_code", "cert_no", "cert_expiry", "specialties", "phone"):
        assert created[field] == body[field], field
    assert created["status"] == "on_duty"
    assert created["status_label"] == "在岗"
    assert created["cert_valid_today"] is True
    assert created["conflicts"] == []
    assert created["version"] == 1


async def test_get_inspector(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0002"))
    response = await client.get(f"{URL}/QHD-ZF1-0002", headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["cert_no"] == "冀应急执字QHD-ZF1-0002"


async def test_get_unknown_inspector_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert_problem(await client.get(f"{URL}/QHD-NOBODY", headers=supervisor), 404, "inspector.not_found")


async def test_create_with_conflicts_stores_them(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    conflict = {"uscc": USCC.lower(), "reason": "近亲属在该企业任职", "from_date": "2025-01-01"}
    created = await create(client, supervisor, inspector("QHD-ZF1-0003", conflicts=[conflict]))
    assert len(created["conflicts"]) == 1
    assert created["conflicts"][0]["uscc"] == USCC
    assert created["conflicts"][0]["id"] > 0
    assert created["conflicts"][0]["to_date"] is None


async def test_certificate_already_expired_is_reported_invalid_today(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    yesterday = container.clock.today() - timedelta(days=1)
    created = await create(client, supervisor, inspector("QHD-ZF1-0004", cert_expiry=yesterday.isoformat()))
    assert created["cert_valid_today"] is False


async def test_patch_inspector_changes_fields_and_version(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0005"))
    response = await client.patch(f"{URL}/QHD-ZF1-0005", json={"status": "seconded", "specialties": ["WH-SC"],
                                                              "cert_expiry": "2030-06-30"}, headers=supervisor)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["status"], updated["status_label"]) == ("seconded", "借调")
    assert updated["specialties"] == ["WH-SC"]
    assert updated["cert_expiry"] == "2030-06-30"
    assert updated["version"] == 2
    assert (await client.get(f"{URL}/QHD-ZF1-0005", headers=supervisor)).json()["version"] == 2


async def test_patch_that_changes_nothing_keeps_the_version(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0006"))
    response = await client.patch(f"{URL}/QHD-ZF1-0006", json={"status": "on_duty"}, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 1


async def test_patch_cannot_null_a_required_field(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, inspector("QHD-ZF1-0007"))
    for field in ("name", "department_code", "cert_no", "cert_expiry", "status"):
        response = await client.patch(f"{URL}/QHD-ZF1-0007", json={field: None}, headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert body["errors"][0]["field"] == f"body.{field}"
    assert (await client.get(f"{URL}/QHD-ZF1-0007", headers=supervisor)).json() == created


async def test_patch_can_clear_phone_and_specialties(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0008"))
    response = await client.patch(f"{URL}/QHD-ZF1-0008", json={"phone": None, "specialties": None},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert (response.json()["phone"], response.json()["specialties"]) == (None, [])


async def test_delete_inspector_removes_it(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0009"))
    response = await client.delete(f"{URL}/QHD-ZF1-0009", params={"reason": "调离执法岗位"}, headers=supervisor)
    assert response.status_code == 204, response.text
    assert_problem(await client.get(f"{URL}/QHD-ZF1-0009", headers=supervisor), 404, "inspector.not_found")
    assert "QHD-ZF1-0009" not in await person_ids(client, supervisor)
    again = await client.delete(f"{URL}/QHD-ZF1-0009", params={"reason": "重复操作"}, headers=supervisor)
    assert_problem(again, 404, "inspector.not_found")


async def test_delete_inspector_requires_a_reason(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0010"))
    response = await client.delete(f"{URL}/QHD-ZF1-0010", headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "query.reason"


# --- validation ----------------------------------------------------------------------------------------------


async def test_duplicate_person_id_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0011"))
    response = await client.post(URL, json=inspector("QHD-ZF1-0011", cert_no="冀应急执字其他"), headers=supervisor)
    assert_problem(response, 409, "inspector.duplicate")


async def test_deleted_person_id_cannot_be_reused(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0012"))
    await client.delete(f"{URL}/QHD-ZF1-0012", params={"reason": "退休"}, headers=supervisor)
    response = await client.post(URL, json=inspector("QHD-ZF1-0012", cert_no="冀应急执字新证"), headers=supervisor)
    assert_problem(response, 409, "inspector.duplicate")


async def test_duplicate_cert_no_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0013", cert_no="冀应急执字0013"))
    response = await client.post(URL, json=inspector("QHD-ZF1-0014", cert_no="冀应急执字0013"), headers=supervisor)
    body = assert_problem(response, 409, "inspector.cert_no_duplicate")
    assert body["field"] == "cert_no"


async def test_patch_to_another_inspectors_cert_no_is_409(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0015", cert_no="冀应急执字0015"))
    await create(client, supervisor, inspector("QHD-ZF1-0016", cert_no="冀应急执字0016"))
    response = await client.patch(f"{URL}/QHD-ZF1-0016", json={"cert_no": "冀应急执字0015"}, headers=supervisor)
    assert_problem(response, 409, "inspector.cert_no_duplicate")
    # Keeping one's own number is not a clash.
    response = await client.patch(f"{URL}/QHD-ZF1-0016", json={"cert_no": "冀应急执字0016", "name": "新名字"},
                                  headers=supervisor)
    assert response.status_code == 200, response.text


async def test_unknown_department_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=inspector("QHD-XX-0001", department="NOPE"), headers=supervisor)
    body = assert_problem(response, 422, "department.unknown")
    assert body["field"] == "department_code"
    response = await client.patch(f"{URL}/QHD-XX-0001", json={"name": "x"}, headers=supervisor)
    assert_problem(response, 404, "inspector.not_found")


async def test_unknown_specialty_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=inspector("QHD-ZF1-0017", specialties=["FM", "XYZ"]), headers=supervisor)
    assert_problem(response, 422, "industry.unknown")


async def test_malformed_person_id_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=inspector("QHD ZF1/0018"), headers=supervisor)
    assert_problem(response, 422, "person_id.invalid")


async def test_invalid_phone_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=inspector("QHD-ZF1-0019", phone="12345"), headers=supervisor)
    assert_problem(response, 422, "phone.invalid")


async def test_server_owned_fields_are_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=inspector("QHD-ZF1-0020", version=3), headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["code"] == "validation.extra_forbidden"


# --- department scoping --------------------------------------------------------------------------------------


async def test_department_user_manages_own_department_inspectors(
    client: httpx.AsyncClient, zf1: dict[str, str]
) -> None:
    created = await create(client, zf1, inspector("QHD-ZF1-0030"))
    assert created["department_code"] == "ZF1"
    response = await client.patch(f"{URL}/QHD-ZF1-0030", json={"status": "off_duty"}, headers=zf1)
    assert response.status_code == 200, response.text
    conflict = {"uscc": USCC, "reason": "曾在该企业任职", "from_date": "2024-01-01"}
    assert (await client.post(f"{URL}/QHD-ZF1-0030/conflicts", json=conflict, headers=zf1)).status_code == 201
    response = await client.delete(f"{URL}/QHD-ZF1-0030", params={"reason": "调离"}, headers=zf1)
    assert response.status_code == 204


async def test_department_user_cannot_create_another_departments_inspector(
    client: httpx.AsyncClient, supervisor: dict[str, str], zf1: dict[str, str]
) -> None:
    response = await client.post(URL, json=inspector("QHD-ZF2-0031", department="ZF2"), headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")
    assert await person_ids(client, supervisor) == []


async def test_department_user_cannot_change_another_departments_inspector(
    client: httpx.AsyncClient, supervisor: dict[str, str], zf1: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF2-0032", department="ZF2"))
    url = f"{URL}/QHD-ZF2-0032"
    assert_problem(await client.patch(url, json={"status": "off_duty"}, headers=zf1), 403, "auth.foreign_department")
    response = await client.delete(url, params={"reason": "越权删除"}, headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")
    conflict = {"uscc": USCC, "reason": "越权登记", "from_date": "2024-01-01"}
    response = await client.post(f"{url}/conflicts", json=conflict, headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")
    # Reading is not restricted to one's own unit.
    got = await client.get(url, headers=zf1)
    assert got.status_code == 200
    assert (got.json()["status"], got.json()["version"]) == ("on_duty", 1)


async def test_department_user_cannot_withdraw_another_departments_conflict(
    client: httpx.AsyncClient, supervisor: dict[str, str], zf1: dict[str, str]
) -> None:
    conflict = {"uscc": USCC, "reason": "近亲属任职", "from_date": "2024-01-01"}
    created = await create(client, supervisor, inspector("QHD-ZF2-0033", department="ZF2", conflicts=[conflict]))
    conflict_id = created["conflicts"][0]["id"]
    response = await client.delete(f"{URL}/QHD-ZF2-0033/conflicts/{conflict_id}", headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")


async def test_department_user_cannot_move_own_inspector_to_another_department(
    client: httpx.AsyncClient, zf1: dict[str, str]
) -> None:
    await create(client, zf1, inspector("QHD-ZF1-0034"))
    response = await client.patch(f"{URL}/QHD-ZF1-0034", json={"department_code": "ZF2"}, headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")


async def test_supervisor_manages_every_departments_inspectors(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    for person_id, department in (("QHD-ZF1-0035", "ZF1"), ("QHD-ZF2-0036", "ZF2"), ("QHD-FMK-0037", "FMK")):
        await create(client, supervisor, inspector(person_id, department=department))
    response = await client.patch(f"{URL}/QHD-ZF2-0036", json={"department_code": "ZF3"}, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["department_code"] == "ZF3"
    response = await client.delete(f"{URL}/QHD-FMK-0037", params={"reason": "调离"}, headers=supervisor)
    assert response.status_code == 204


async def test_read_only_roles_cannot_create_inspectors(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    for role in ("inspector", "partner"):
        headers = await make_user(role, "ZF1")
        response = await client.post(URL, json=inspector("QHD-ZF1-0038"), headers=headers)
        assert_problem(response, 403, "auth.forbidden")


async def test_partner_sees_inspector_phone_masked(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser, zf1: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0039", phone="13912345678"))
    partner = await make_user("partner", "SW")
    assert (await client.get(f"{URL}/QHD-ZF1-0039", headers=partner)).json()["phone"] == "139****5678"
    assert (await client.get(f"{URL}/QHD-ZF1-0039", headers=zf1)).json()["phone"] == "13912345678"


# --- conflicts of interest -----------------------------------------------------------------------------------


async def test_declared_conflict_shows_up_and_can_be_withdrawn(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0050"))
    body = {"uscc": USCC, "reason": "配偶在该企业任财务负责人", "from_date": "2025-03-01", "to_date": "2027-02-28"}
    response = await client.post(f"{URL}/QHD-ZF1-0050/conflicts", json=body, headers=supervisor)
    assert response.status_code == 201, response.text
    conflict = response.json()
    assert {k: conflict[k] for k in body} == body
    assert conflict["id"] > 0

    got = (await client.get(f"{URL}/QHD-ZF1-0050", headers=supervisor)).json()
    assert got["conflicts"] == [conflict]
    listed = (await client.get(URL, params={"q": "QHD-ZF1-0050"}, headers=supervisor)).json()["items"]
    assert listed[0]["conflicts"] == [conflict]

    response = await client.delete(f"{URL}/QHD-ZF1-0050/conflicts/{conflict['id']}", headers=supervisor)
    assert response.status_code == 204, response.text
    assert (await client.get(f"{URL}/QHD-ZF1-0050", headers=supervisor)).json()["conflicts"] == []
    again = await client.delete(f"{URL}/QHD-ZF1-0050/conflicts/{conflict['id']}", headers=supervisor)
    assert_problem(again, 404, "conflict.not_found")


async def test_conflict_with_bad_uscc_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0051"))
    wrong = USCC[:17] + next(ch for ch in ALPHABET if ch != check_character(USCC[:17]))
    body = {"uscc": wrong, "reason": "近亲属任职", "from_date": "2025-01-01"}
    response = await client.post(f"{URL}/QHD-ZF1-0051/conflicts", json=body, headers=supervisor)
    problem = assert_problem(response, 422, "uscc.checksum")
    assert f"应为“{USCC[17]}”" in problem["detail"]
    response = await client.post(f"{URL}/QHD-ZF1-0051/conflicts", json={**body, "uscc": "123"}, headers=supervisor)
    assert_problem(response, 422, "uscc.length")
    assert (await client.get(f"{URL}/QHD-ZF1-0051", headers=supervisor)).json()["conflicts"] == []


async def test_conflict_ending_before_it_starts_is_422(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0052"))
    body = {"uscc": USCC, "reason": "近亲属任职", "from_date": "2025-06-01", "to_date": "2025-05-31"}
    response = await client.post(f"{URL}/QHD-ZF1-0052/conflicts", json=body, headers=supervisor)
    problem = assert_problem(response, 422, "conflict.period_invalid")
    assert problem["field"] == "to_date"


async def test_conflict_of_one_day_is_accepted(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, inspector("QHD-ZF1-0053"))
    body = {"uscc": USCC, "reason": "临时借调至该企业", "from_date": "2025-06-01", "to_date": "2025-06-01"}
    response = await client.post(f"{URL}/QHD-ZF1-0053/conflicts", json=body, headers=supervisor)
    assert response.status_code == 201, response.text


async def test_create_with_invalid_conflict_is_rejected_whole(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    conflict = {"uscc": USCC, "reason": "近亲属任职", "from_date": "2025-06-01", "to_date": "2024-06-01"}
    response = await client.post(URL, json=inspector("QHD-ZF1-0054", conflicts=[conflict]), headers=supervisor)
    assert_problem(response, 422, "conflict.period_invalid")
    assert_problem(await client.get(f"{URL}/QHD-ZF1-0054", headers=supervisor), 404, "inspector.not_found")


async def test_conflict_for_unknown_inspector_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    body = {"uscc": USCC, "reason": "近亲属任职", "from_date": "2025-01-01"}
    response = await client.post(f"{URL}/QHD-NOBODY/conflicts", json=body, headers=supervisor)
    assert_problem(response, 404, "inspector.not_found")


async def test_conflict_of_another_inspector_cannot_be_withdrawn_through_this_one(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    conflict = {"uscc": USCC, "reason": "近亲属任职", "from_date": "2025-01-01"}
    owner = await create(client, supervisor, inspector("QHD-ZF1-0055", conflicts=[conflict]))
    await create(client, supervisor, inspector("QHD-ZF1-0056"))
    conflict_id = owner["conflicts"][0]["id"]
    response = await client.delete(f"{URL}/QHD-ZF1-0056/conflicts/{conflict_id}", headers=supervisor)
    assert_problem(response, 404, "conflict.not_found")
    assert len((await client.get(f"{URL}/QHD-ZF1-0055", headers=supervisor)).json()["conflicts"]) == 1


# --- expiring certificates -----------------------------------------------------------------------------------


async def test_expiring_certificates_lists_expired_and_soon_expiring_by_expiry(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    today = container.clock.today()
    expiries = {"QHD-ZF1-0060": 20, "QHD-ZF1-0061": -10, "QHD-ZF1-0062": 400, "QHD-ZF2-0063": 0,
                "QHD-ZF1-0064": 5, "QHD-ZF1-0065": 31}
    for person_id, days in expiries.items():
        department = person_id.split("-")[1]
        body = inspector(person_id, department=department, cert_expiry=(today + timedelta(days=days)).isoformat())
        await create(client, supervisor, body)

    response = await client.get(f"{URL}/certificates/expiring", params={"within_days": 30}, headers=supervisor)
    assert response.status_code == 200, response.text
    found = response.json()
    assert [(c["person_id"], c["days_left"]) for c in found] == [
        ("QHD-ZF1-0061", -10), ("QHD-ZF2-0063", 0), ("QHD-ZF1-0064", 5), ("QHD-ZF1-0060", 20)]
    first = found[0]
    assert first["cert_expiry"] == (today - timedelta(days=10)).isoformat()
    assert first["department_code"] == "ZF1"
    assert first["cert_no"] == "冀应急执字QHD-ZF1-0061"


async def test_expiring_certificates_can_leave_out_expired_ones(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    today = container.clock.today()
    for person_id, days in (("QHD-ZF1-0070", -1), ("QHD-ZF1-0071", 3), ("QHD-ZF1-0072", 90)):
        await create(client, supervisor, inspector(person_id, cert_expiry=(today + timedelta(days=days)).isoformat()))
    response = await client.get(f"{URL}/certificates/expiring",
                                params={"within_days": 7, "include_expired": "false"}, headers=supervisor)
    assert [(c["person_id"], c["days_left"]) for c in response.json()] == [("QHD-ZF1-0071", 3)]
    response = await client.get(f"{URL}/certificates/expiring", params={"within_days": 0}, headers=supervisor)
    assert [c["person_id"] for c in response.json()] == ["QHD-ZF1-0070"]


async def test_expiring_certificates_skip_deleted_inspectors(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    soon = (container.clock.today() + timedelta(days=2)).isoformat()
    await create(client, supervisor, inspector("QHD-ZF1-0073", cert_expiry=soon))
    await client.delete(f"{URL}/QHD-ZF1-0073", params={"reason": "退休"}, headers=supervisor)
    response = await client.get(f"{URL}/certificates/expiring", headers=supervisor)
    assert response.json() == []


async def test_expiring_certificates_rejects_a_negative_window(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.get(f"{URL}/certificates/expiring", params={"within_days": -1}, headers=supervisor)
    assert_problem(response, 422, "request.validation_failed")


# --- list filters and paging ---------------------------------------------------------------------------------


@pytest.fixture
async def roster(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    people = [
        inspector("QHD-FMK-0001", "FMK", name="张明", specialties=["FM"]),
        inspector("QHD-WHK-0001", "WHK", name="李华", specialties=["WH-SC", "WH-JY"], status="off_duty"),
        inspector("QHD-ZF1-0001", "ZF1", name="王明远", specialties=["GM-JX", "FM"]),
        inspector("QHD-ZF1-0002", "ZF1", name="赵强", specialties=[], status="seconded"),
        inspector("QHD-ZF2-0001", "ZF2", name="孙明", specialties=["WH-SC"], cert_no="冀应急执字A0001"),
    ]
    for body in people:
        await create(client, supervisor, body)


@pytest.mark.usefixtures("roster")
async def test_list_is_ordered_by_person_id(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert await person_ids(client, supervisor) == [
        "QHD-FMK-0001", "QHD-WHK-0001", "QHD-ZF1-0001", "QHD-ZF1-0002", "QHD-ZF2-0001"]


@pytest.mark.usefixtures("roster")
async def test_list_filters_by_department(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert await person_ids(client, supervisor, department="ZF1") == ["QHD-ZF1-0001", "QHD-ZF1-0002"]
    assert await person_ids(client, supervisor, department=["FMK", "ZF2"]) == ["QHD-FMK-0001", "QHD-ZF2-0001"]


@pytest.mark.usefixtures("roster")
async def test_list_filters_by_status(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert await person_ids(client, supervisor, status="off_duty") == ["QHD-WHK-0001"]
    assert await person_ids(client, supervisor, status=["off_duty", "seconded"]) == ["QHD-WHK-0001", "QHD-ZF1-0002"]
    response = await client.get(URL, params={"status": "sleeping"}, headers=supervisor)
    assert_problem(response, 422, "request.validation_failed")


@pytest.mark.usefixtures("roster")
async def test_list_filters_by_specialty(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert await person_ids(client, supervisor, specialty="FM") == ["QHD-FMK-0001", "QHD-ZF1-0001"]
    assert await person_ids(client, supervisor, specialty="WH-SC") == ["QHD-WHK-0001", "QHD-ZF2-0001"]
    assert await person_ids(client, supervisor, specialty="MK") == []


@pytest.mark.usefixtures("roster")
async def test_list_filters_by_name_person_id_or_cert_no(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    assert await person_ids(client, supervisor, q="明") == ["QHD-FMK-0001", "QHD-ZF1-0001", "QHD-ZF2-0001"]
    assert await person_ids(client, supervisor, q="QHD-ZF1-0002") == ["QHD-ZF1-0002"]
    assert await person_ids(client, supervisor, q="冀应急执字A0001") == ["QHD-ZF2-0001"]
    assert await person_ids(client, supervisor, q="QHD-ZF1") == []  # ids and numbers match exactly


@pytest.mark.usefixtures("roster")
async def test_list_combines_filters(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert await person_ids(client, supervisor, department="ZF1", specialty="FM", q="明") == ["QHD-ZF1-0001"]


async def test_walking_all_inspector_pages_yields_everyone_once(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    expected = [f"QHD-ZF3-{i:04d}" for i in range(8)]
    for person_id in reversed(expected):
        await create(client, supervisor, inspector(person_id, department="ZF3"))
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(URL, params=params, headers=supervisor)).json()
        pages += 1
        seen += [i["person_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == expected


async def test_paging_with_a_specialty_filter_has_no_gaps(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    wanted = []
    for i in range(9):
        person_id = f"QHD-ZF3-{i:04d}"
        specialties = ["MK"] if i % 3 == 0 else ["FM"]
        await create(client, supervisor, inspector(person_id, department="ZF3", specialties=specialties))
        if i % 3 == 0:
            wanted.append(person_id)
    first = (await client.get(URL, params={"specialty": "MK", "limit": 2}, headers=supervisor)).json()
    second = (await client.get(URL, params={"specialty": "MK", "limit": 2, "cursor": first["next_cursor"]},
                               headers=supervisor)).json()
    assert [i["person_id"] for i in first["items"] + second["items"]] == wanted
    assert second["next_cursor"] is None


async def test_bad_inspector_cursor_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    for cursor in ("###", base64.urlsafe_b64encode(b"e:12").decode().rstrip("=")):  # garbage; another list's
        response = await client.get(URL, params={"cursor": cursor}, headers=supervisor)
        assert_problem(response, 422, "paging.cursor_invalid")


async def test_inspector_list_refuses_pages_above_the_cap(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    for i in range(4):
        await create(client, supervisor, inspector(f"QHD-ZF3-{i:04d}", department="ZF3"))
    container.settings.limits.max_page_size = 2
    assert_problem(await client.get(URL, params={"limit": 3}, headers=supervisor), 422, "paging.limit_too_large")
    page = (await client.get(URL, params={"limit": 2}, headers=supervisor)).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is not None
