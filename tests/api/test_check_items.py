"""抽查事项清单 and the units over HTTP: the loaded catalogue, drafting, publication, retirement,
per-department management, the public yearly list, and departments."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import httpx

from app.deps import Container
from tests.support import MakeUser, assert_problem

URL = "/api/v1/check-items"
DEPARTMENTS_URL = "/api/v1/departments"


def item(code: str = "YJ-FM-099", department: str = "FMK", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "name": "对非煤矿山企业尾矿库在线监测系统运行情况的检查",
        "category": "非煤矿山企业的安全检查",
        "dept_type": "应急管理",
        "department_code": department,
        "legal_basis": "《中华人民共和国安全生产法》第六十五条；《尾矿库安全监督管理规定》",
        "method": "online_monitoring",
        "target_type": "非煤矿山企业",
        "kind": "key",
        "frequency_cap": 2,
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def publish(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    response = await client.post(f"{URL}/{code}/publish", headers=headers)
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


def this_year(container: Container) -> int:
    return container.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).year


# --- the loaded catalogue ------------------------------------------------------------------------------------


async def test_the_41_catalogue_items_are_loaded_and_published(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.get(URL, headers=supervisor)
    assert response.status_code == 200, response.text
    items = response.json()
    assert len(items) == 41
    assert {i["status"] for i in items} == {"published"}
    assert all(i["published_at"] for i in items)
    assert [i["code"] for i in items] == sorted(i["code"] for i in items)
    first = next(i for i in items if i["code"] == "YJ-FM-001")
    assert first["department_code"] == "FMK"
    assert first["method_label"] == "现场检查"
    assert first["category"] == "非煤矿山企业的安全检查"


async def test_list_filters_items(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    by_department = (await client.get(URL, params={"department": "FMK"}, headers=supervisor)).json()
    assert [i["code"] for i in by_department] == ["YJ-FM-001", "YJ-FM-002", "YJ-FM-003", "YJ-FM-004"]
    by_type = (await client.get(URL, params={"dept_type": "教育"}, headers=supervisor)).json()
    assert len(by_type) == 6
    assert {i["department_code"] for i in by_type} == {"JY"}
    await create(client, supervisor, item())
    drafts = (await client.get(URL, params={"status": "draft"}, headers=supervisor)).json()
    assert [i["code"] for i in drafts] == ["YJ-FM-099"]
    found = (await client.get(URL, params={"q": "尾矿库在线监测"}, headers=supervisor)).json()
    assert [i["code"] for i in found] == ["YJ-FM-099"]


async def test_get_item(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(f"{URL}/YJ-FM-001", headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["kind_label"] in ("重点检查事项", "一般检查事项")


async def test_get_unknown_item_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert_problem(await client.get(f"{URL}/YJ-NONE-001", headers=supervisor), 404, "check_item.not_found")


# --- lifecycle -----------------------------------------------------------------------------------------------


async def test_create_item_is_a_draft(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    body = item()
    created = await create(client, supervisor, body)
    for field, value in body.items():
        assert created[field] == value, field
    assert created["status"] == "draft"
    assert (created["published_at"], created["retired_at"], created["retire_reason"]) == (None, None, None)
    assert created["version"] == 1
    assert (created["method_label"], created["kind_label"]) == ("网络监测", "重点检查事项")


async def test_create_cannot_set_status_or_publication(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(status="published", published_at="2026-01-01T00:00:00Z"),
                                 headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert {e["code"] for e in body["errors"]} == {"validation.extra_forbidden"}


async def test_duplicate_item_code_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(code="YJ-FM-001"), headers=supervisor)
    assert_problem(response, 409, "check_item.duplicate")


async def test_unknown_dept_type_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(dept_type="交通运输"), headers=supervisor)
    body = assert_problem(response, 422, "check_item.dept_type_unknown")
    assert "交通运输" in body["detail"]


async def test_unknown_department_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(department="NOPE"), headers=supervisor)
    assert_problem(response, 422, "department.unknown")


async def test_unknown_method_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(method="telepathy"), headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["code"] == "validation.enum"


async def test_publish_sets_status_and_time(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, item())
    published = await publish(client, supervisor, "YJ-FM-099")
    assert published["status"] == "published"
    assert published["published_at"] is not None
    assert published["version"] == 2
    again = await client.post(f"{URL}/YJ-FM-099/publish", headers=supervisor)
    assert_problem(again, 409, "check_item.not_draft")


async def test_patch_changes_a_draft_and_a_published_item(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, item())
    response = await client.patch(f"{URL}/YJ-FM-099", json={"frequency_cap": 1, "kind": "general"},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert (response.json()["frequency_cap"], response.json()["kind"], response.json()["version"]) == (1, "general", 2)
    await publish(client, supervisor, "YJ-FM-099")
    response = await client.patch(f"{URL}/YJ-FM-099", json={"legal_basis": "《中华人民共和国安全生产法》"},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert response.json()["version"] == 4


async def test_patch_that_changes_nothing_keeps_the_version(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, item())
    response = await client.patch(f"{URL}/YJ-FM-099", json={"frequency_cap": 2}, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 1


async def test_patch_cannot_null_a_required_field(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, item())
    for field in ("name", "category", "legal_basis", "method", "target_type", "kind"):
        response = await client.patch(f"{URL}/YJ-FM-099", json={field: None}, headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert body["errors"][0]["field"] == f"body.{field}"
    assert (await client.get(f"{URL}/YJ-FM-099", headers=supervisor)).json() == created


async def test_patch_can_clear_the_frequency_cap(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, item())
    response = await client.patch(f"{URL}/YJ-FM-099", json={"frequency_cap": None}, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["frequency_cap"] is None


async def test_patch_cannot_change_code_department_or_status(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await create(client, supervisor, item())
    for change in ({"code": "YJ-FM-100"}, {"department_code": "WHK"}, {"status": "published"}):
        response = await client.patch(f"{URL}/YJ-FM-099", json=change, headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert body["errors"][0]["code"] == "validation.extra_forbidden"


async def test_retire_with_reason_freezes_the_item(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, item())
    await publish(client, supervisor, "YJ-FM-099")
    response = await client.post(f"{URL}/YJ-FM-099/retire", json={"reason": "并入YJ-FM-003统一检查"},
                                 headers=supervisor)
    assert response.status_code == 200, response.text
    retired = response.json()
    assert retired["status"] == "retired"
    assert retired["retired_at"] is not None
    assert retired["retire_reason"] == "并入YJ-FM-003统一检查"
    assert retired["published_at"] is not None

    response = await client.patch(f"{URL}/YJ-FM-099", json={"name": "修改已停用的事项"}, headers=supervisor)
    assert_problem(response, 409, "check_item.retired")
    response = await client.post(f"{URL}/YJ-FM-099/retire", json={"reason": "再次停用"}, headers=supervisor)
    assert_problem(response, 409, "check_item.retired")
    assert_problem(await client.post(f"{URL}/YJ-FM-099/publish", headers=supervisor), 409, "check_item.not_draft")
    response = await client.delete(f"{URL}/YJ-FM-099", headers=supervisor)
    assert_problem(response, 409, "check_item.published_not_deletable")


async def test_retire_requires_a_reason(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(f"{URL}/YJ-FM-001/retire", json={}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "body.reason"
    response = await client.post(f"{URL}/YJ-FM-001/retire", json={"reason": "x"}, headers=supervisor)
    assert_problem(response, 422, "request.validation_failed")


async def test_delete_draft_removes_it(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, item())
    response = await client.delete(f"{URL}/YJ-FM-099", headers=supervisor)
    assert response.status_code == 204, response.text
    assert_problem(await client.get(f"{URL}/YJ-FM-099", headers=supervisor), 404, "check_item.not_found")
    # The code is free again.
    await create(client, supervisor, item())


async def test_delete_published_item_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.delete(f"{URL}/YJ-FM-001", headers=supervisor)
    assert_problem(response, 409, "check_item.published_not_deletable")
    assert (await client.get(f"{URL}/YJ-FM-001", headers=supervisor)).status_code == 200


async def test_delete_unknown_item_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    assert_problem(await client.delete(f"{URL}/YJ-NONE-001", headers=supervisor), 404, "check_item.not_found")


# --- per-department management -------------------------------------------------------------------------------


async def test_department_user_cannot_create_another_departments_item(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    zf1 = await make_user("department", "ZF1")
    response = await client.post(URL, json=item(department="FMK"), headers=zf1)
    assert_problem(response, 403, "auth.foreign_department")


async def test_department_user_manages_own_departments_items(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    fmk = await make_user("department", "FMK")
    await create(client, fmk, item(department="FMK"))
    response = await client.patch(f"{URL}/YJ-FM-099", json={"frequency_cap": 1}, headers=fmk)
    assert response.status_code == 200, response.text
    await publish(client, fmk, "YJ-FM-099")
    response = await client.post(f"{URL}/YJ-FM-099/retire", json={"reason": "检查内容调整"}, headers=fmk)
    assert response.status_code == 200, response.text


async def test_department_user_cannot_touch_another_departments_items(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    await create(client, supervisor, item(department="FMK"))
    whk = await make_user("department", "WHK")
    response = await client.patch(f"{URL}/YJ-FM-099", json={"frequency_cap": 1}, headers=whk)
    assert_problem(response, 403, "auth.foreign_department")
    assert_problem(await client.post(f"{URL}/YJ-FM-099/publish", headers=whk), 403, "auth.foreign_department")
    assert_problem(await client.delete(f"{URL}/YJ-FM-099", headers=whk), 403, "auth.foreign_department")
    response = await client.post(f"{URL}/YJ-FM-001/retire", json={"reason": "越权停用"}, headers=whk)
    assert_problem(response, 403, "auth.foreign_department")
    assert (await client.get(f"{URL}/YJ-FM-099", headers=whk)).json()["status"] == "draft"


async def test_read_only_roles_cannot_create_items(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    for role in ("inspector", "partner"):
        headers = await make_user(role, "FMK")
        assert_problem(await client.post(URL, json=item(), headers=headers), 403, "auth.forbidden")


# --- the public list -----------------------------------------------------------------------------------------


async def test_public_item_list_needs_no_login_and_excludes_drafts(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    await create(client, supervisor, item(code="YJ-FM-098"))
    await create(client, supervisor, item(code="YJ-FM-099"))
    await publish(client, supervisor, "YJ-FM-099")
    year = this_year(container)

    response = await client.get(f"/api/v1/public/check-items/{year}")
    assert response.status_code == 200, response.text
    listed = response.json()
    assert listed["year"] == year
    codes = [i["code"] for i in listed["items"]]
    assert listed["count"] == len(codes) == 42
    assert "YJ-FM-099" in codes
    assert "YJ-FM-098" not in codes
    public = next(i for i in listed["items"] if i["code"] == "YJ-FM-099")
    assert public["method_label"] == "网络监测"
    assert public["kind_label"] == "重点检查事项"
    assert public["frequency_cap"] == 2
    assert "status" not in public
    assert "retire_reason" not in public


async def test_public_item_list_keeps_items_retired_during_the_year(
    client: httpx.AsyncClient, supervisor: dict[str, str], container: Container
) -> None:
    response = await client.post(f"{URL}/YJ-FM-001/retire", json={"reason": "年中调整"}, headers=supervisor)
    assert response.status_code == 200
    listed = (await client.get(f"/api/v1/public/check-items/{this_year(container)}")).json()
    retired = next(i for i in listed["items"] if i["code"] == "YJ-FM-001")
    assert retired["retired_at"] is not None


async def test_public_item_list_of_another_year_is_empty(client: httpx.AsyncClient, container: Container) -> None:
    listed = (await client.get(f"/api/v1/public/check-items/{this_year(container) - 1}")).json()
    assert (listed["count"], listed["items"]) == (0, [])


async def test_public_item_list_rejects_an_implausible_year(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/public/check-items/1999")
    assert_problem(response, 422, "request.validation_failed")


async def test_item_management_requires_login(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(URL), 401, "auth.unauthenticated")


# --- departments ---------------------------------------------------------------------------------------------

NEW_DEPARTMENT = {"code": "JT", "name": "秦皇岛市交通运输局", "short_name": "市交通局", "kind": "partner",
                  "dept_type": "交通运输"}


async def test_departments_lists_the_18_units(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(DEPARTMENTS_URL, headers=supervisor)
    assert response.status_code == 200, response.text
    departments = response.json()
    assert len(departments) == 18
    by_code = {d["code"]: d for d in departments}
    assert {"ZF1", "ZF2", "ZF3", "FMK", "WHK", "GMK", "ZJK", "SW", "JY"} <= set(by_code)
    assert (by_code["ZF1"]["kind"], by_code["ZF1"]["kind_label"]) == ("brigade", "执法大队")
    assert by_code["SW"]["dept_type"] == "水务"
    assert all(d["active"] for d in departments)


async def test_get_department(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(f"{DEPARTMENTS_URL}/FMK", headers=supervisor)
    assert response.status_code == 200
    assert response.json()["short_name"] == "非煤科"
    assert_problem(await client.get(f"{DEPARTMENTS_URL}/NOPE", headers=supervisor), 404, "department.not_found")


async def test_supervisor_can_create_a_department(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(DEPARTMENTS_URL, json=NEW_DEPARTMENT, headers=supervisor)
    assert response.status_code == 201, response.text
    assert response.json() == {**NEW_DEPARTMENT, "kind_label": "联合部门", "active": True}
    listed = (await client.get(DEPARTMENTS_URL, headers=supervisor)).json()
    assert len(listed) == 19


async def test_duplicate_department_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(DEPARTMENTS_URL, json={**NEW_DEPARTMENT, "code": "ZF1"}, headers=supervisor)
    assert_problem(response, 409, "department.duplicate")


async def test_department_with_a_taken_name_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(DEPARTMENTS_URL, json={**NEW_DEPARTMENT, "name": "秦皇岛市水务局"},
                                 headers=supervisor)
    body = assert_problem(response, 409, "department.name_duplicate")
    assert body["field"] == "name"
    response = await client.patch(f"{DEPARTMENTS_URL}/QX", json={"name": "秦皇岛市水务局"}, headers=supervisor)
    assert_problem(response, 409, "department.name_duplicate")
    assert (await client.get(f"{DEPARTMENTS_URL}/QX", headers=supervisor)).json()["name"] == "秦皇岛市气象局"


async def test_department_code_must_be_upper_case(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(DEPARTMENTS_URL, json={**NEW_DEPARTMENT, "code": "jt"}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["code"] == "validation.string_pattern_mismatch"


async def test_department_role_cannot_create_departments(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    zf1 = await make_user("department", "ZF1")
    response = await client.post(DEPARTMENTS_URL, json=NEW_DEPARTMENT, headers=zf1)
    assert_problem(response, 403, "auth.forbidden")


async def test_supervisor_can_rename_and_deactivate_a_department(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.patch(f"{DEPARTMENTS_URL}/SW", json={"short_name": "市水务局", "active": False},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert (response.json()["short_name"], response.json()["active"]) == ("市水务局", False)


async def test_department_patch_cannot_null_a_required_field(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    for field in ("name", "short_name", "active"):
        response = await client.patch(f"{DEPARTMENTS_URL}/SW", json={field: None}, headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert body["errors"][0]["field"] == f"body.{field}"


async def test_dept_type_must_match_the_owning_department(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=item(dept_type="水务"), headers=supervisor)
    assert_problem(response, 422, "check_item.dept_type_mismatch")
