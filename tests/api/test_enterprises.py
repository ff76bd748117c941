"""检查对象名录库 over HTTP: create, read, change with history, removal and restore, filters, paging, masking."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from app.domain.directories.uscc import ALPHABET, check_character, complete_uscc
from app.settings import Settings
from tests.support import MakeUser, assert_problem, make_uscc

URL = "/api/v1/enterprises"


def enterprise(n: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uscc": make_uscc(n),
        "name": f"秦皇岛市海港区宏达机械制造有限公司{n}",
        "county_code": "130302",
        "industry_code": "GM-JX",
        "credit_class": "B",
        "safety_risk_level": "general",
        "address": "秦皇岛市海港区河北大街中段100号",
        "longitude": 119.6,
        "latitude": 39.93,
        "tags": ["重大危险源"],
        "legal_person": "张三",
        "contact_name": "李四",
        "contact_phone": "13812345678",
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def list_usccs(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await client.get(URL, params={"limit": 500, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [e["uscc"] for e in response.json()["items"]]


async def history(client: httpx.AsyncClient, headers: dict[str, str], uscc: str) -> list[dict[str, Any]]:
    response = await client.get(f"{URL}/{uscc}/history", headers=headers)
    assert response.status_code == 200, response.text
    versions: list[dict[str, Any]] = response.json()
    return versions


# --- create and read -------------------------------------------------------------------------------------------


async def test_create_enterprise_echoes_fields_with_county_and_industry_names(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    body = enterprise(1)
    created = await create(client, supervisor, body)
    for field in ("uscc", "name", "county_code", "industry_code", "credit_class", "safety_risk_level", "address",
                  "longitude", "latitude", "tags", "legal_person", "contact_name", "contact_phone"):
        assert created[field] == body[field], field
    assert created["county_name"] == "海港区"
    assert created["industry_name"] == "机械"
    assert created["status"] == "active"
    assert created["status_label"] == "存续"
    assert created["version"] == 1
    assert created["updated_at"] is not None


async def test_get_enterprise_by_uscc_returns_the_stored_record(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(2, county_code="130303", industry_code="WH-SC"))
    response = await client.get(f"{URL}/{created['uscc']}", headers=supervisor)
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["uscc"] == created["uscc"]
    assert got["county_name"] == "山海关区"
    assert got["industry_name"] == "危险化学品生产"
    assert got["tags"] == ["重大危险源"]


async def test_create_accepts_lowercase_uscc_and_stores_it_uppercase(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    uscc = complete_uscc("91130302MA0ABCDEF")
    created = await create(client, supervisor, enterprise(3, uscc=uscc.lower()))
    assert created["uscc"] == uscc


async def test_get_unknown_enterprise_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(f"{URL}/{make_uscc(999)}", headers=supervisor)
    assert_problem(response, 404, "enterprise.not_found")


async def test_get_with_malformed_uscc_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(f"{URL}/NOT-A-USCC", headers=supervisor)
    assert_problem(response, 422, "uscc.length")


async def test_directory_requires_login(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert_problem(response, 401, "auth.unauthenticated")


# --- validation ----------------------------------------------------------------------------------------------


async def test_wrong_uscc_checksum_names_the_expected_check_character(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    first17 = "91130302MA07L6KX3"
    right = check_character(first17)
    wrong = next(ch for ch in ALPHABET if ch != right)
    response = await client.post(URL, json=enterprise(4, uscc=first17 + wrong), headers=supervisor)
    body = assert_problem(response, 422, "uscc.checksum")
    assert f"应为“{right}”" in body["detail"]
    assert body["errors"][0]["field"] == "uscc"


async def test_uscc_of_wrong_length_or_characters_is_rejected(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    cases = {
        "91130302MA07L6KX3": "uscc.length",
        "91130302MA07L6KX3EE": "uscc.length",
        "91130302MA07L6KXIE": "uscc.character",  # I is not in the alphabet
        "91130302MA07L6KX-E": "uscc.character",
    }
    for uscc, code in cases.items():
        response = await client.post(URL, json=enterprise(5, uscc=uscc), headers=supervisor)
        assert_problem(response, 422, code)
    assert (await client.get(URL, headers=supervisor)).json()["items"] == []


async def test_unknown_county_code_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=enterprise(6, county_code="130101"), headers=supervisor)
    body = assert_problem(response, 422, "county.unknown")
    assert "130101" in body["detail"]


async def test_unknown_industry_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=enterprise(7, industry_code="XYZ"), headers=supervisor)
    assert_problem(response, 422, "industry.unknown")


async def test_invalid_contact_phone_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=enterprise(8, contact_phone="12345"), headers=supervisor)
    assert_problem(response, 422, "phone.invalid")


async def test_duplicate_uscc_is_409(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await create(client, supervisor, enterprise(9))
    response = await client.post(URL, json=enterprise(9, name="另一家公司"), headers=supervisor)
    assert_problem(response, 409, "enterprise.duplicate")


async def test_unknown_field_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(URL, json=enterprise(10, nickname="宏达"), headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert any(e["code"] == "validation.extra_forbidden" and e["field"].endswith("nickname") for e in body["errors"])


async def test_server_owned_fields_cannot_be_set(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    for field in ("version", "updated_at", "deleted_at"):
        response = await client.post(URL, json=enterprise(11, **{field: 7}), headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert [(e["field"], e["code"]) for e in body["errors"]] == [(f"body.{field}", "validation.extra_forbidden")]


async def test_patch_cannot_set_version(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, enterprise(12))
    response = await client.patch(f"{URL}/{created['uscc']}", json={"version": 99}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["code"] == "validation.extra_forbidden"


async def test_patch_cannot_null_a_required_field(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, enterprise(13))
    for field in ("name", "county_code", "industry_code", "status"):
        response = await client.patch(f"{URL}/{created['uscc']}", json={field: None}, headers=supervisor)
        body = assert_problem(response, 422, "request.validation_failed")
        assert body["errors"][0]["field"] == f"body.{field}"
    still = (await client.get(f"{URL}/{created['uscc']}", headers=supervisor)).json()
    assert still == created


async def test_patch_can_clear_an_optional_field(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, enterprise(14))
    response = await client.patch(f"{URL}/{created['uscc']}", json={"credit_class": None, "tags": None},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["credit_class"] is None
    assert response.json()["tags"] == []


# --- change history ------------------------------------------------------------------------------------------


async def test_patch_creates_a_version_with_old_and_new_values(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(20))
    uscc = created["uscc"]
    response = await client.patch(f"{URL}/{uscc}", json={"credit_class": "D", "tags": ["重大危险源", "有限空间"]},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["version"] == 2
    assert updated["credit_class"] == "D"
    assert updated["name"] == created["name"]

    versions = await history(client, supervisor, uscc)
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["action"] for v in versions] == ["create", "update"]
    assert versions[0]["changes"] == {}
    assert versions[1]["changes"] == {"credit_class": ["B", "D"], "tags": [["重大危险源"], ["重大危险源", "有限空间"]]}
    assert versions[1]["snapshot"]["credit_class"] == "D"
    assert versions[1]["changed_by"].startswith("supervisor-")
    # The tag index follows the change.
    assert await list_usccs(client, supervisor, tag="有限空间") == [uscc]


async def test_patch_that_changes_nothing_creates_no_version(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    body = enterprise(21)
    created = await create(client, supervisor, body)
    uscc = created["uscc"]
    response = await client.patch(f"{URL}/{uscc}", json={"name": body["name"], "credit_class": "B"},
                                  headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 1
    assert len(await history(client, supervisor, uscc)) == 1


async def test_patch_with_an_invalid_value_changes_nothing(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(22))
    response = await client.patch(f"{URL}/{created['uscc']}", json={"county_code": "999999"}, headers=supervisor)
    assert_problem(response, 422, "county.unknown")
    assert len(await history(client, supervisor, created["uscc"])) == 1


async def test_patch_unknown_enterprise_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.patch(f"{URL}/{make_uscc(998)}", json={"name": "x公司"}, headers=supervisor)
    assert_problem(response, 404, "enterprise.not_found")


async def test_delete_removes_enterprise_but_keeps_history(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(23))
    uscc = created["uscc"]
    response = await client.delete(f"{URL}/{uscc}", params={"reason": "企业已迁出本市"}, headers=supervisor)
    assert response.status_code == 204, response.text
    assert response.content == b""

    assert_problem(await client.get(f"{URL}/{uscc}", headers=supervisor), 404, "enterprise.not_found")
    assert uscc not in await list_usccs(client, supervisor)
    versions = await history(client, supervisor, uscc)
    assert [v["action"] for v in versions] == ["create", "delete"]
    assert versions[-1]["changes"] == {"_reason": [None, "企业已迁出本市"]}
    # A second removal finds nothing to remove.
    again = await client.delete(f"{URL}/{uscc}", params={"reason": "重复操作"}, headers=supervisor)
    assert_problem(again, 404, "enterprise.not_found")


async def test_delete_requires_a_reason(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    created = await create(client, supervisor, enterprise(24))
    response = await client.delete(f"{URL}/{created['uscc']}", headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "query.reason"
    assert (await client.get(f"{URL}/{created['uscc']}", headers=supervisor)).status_code == 200


async def test_recreating_a_deleted_enterprise_restores_it_and_continues_history(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(25))
    uscc = created["uscc"]
    await client.patch(f"{URL}/{uscc}", json={"credit_class": "C"}, headers=supervisor)
    response = await client.delete(f"{URL}/{uscc}", params={"reason": "注销"}, headers=supervisor)
    assert response.status_code == 204

    restored = await create(client, supervisor, enterprise(25, name="秦皇岛市宏达机械（重组）有限公司", tags=[]))
    assert restored["version"] == 4
    assert restored["name"] == "秦皇岛市宏达机械（重组）有限公司"
    got = (await client.get(f"{URL}/{uscc}", headers=supervisor)).json()
    assert got["version"] == 4
    versions = await history(client, supervisor, uscc)
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    assert [v["action"] for v in versions] == ["create", "update", "delete", "restore"]
    assert versions[-1]["changes"]["name"] == [created["name"], "秦皇岛市宏达机械（重组）有限公司"]
    assert versions[-1]["changes"]["credit_class"] == ["C", "B"]
    assert uscc in await list_usccs(client, supervisor)
    assert await list_usccs(client, supervisor, tag="重大危险源") == []


async def test_history_of_unknown_enterprise_is_404(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(f"{URL}/{make_uscc(997)}/history", headers=supervisor)
    assert_problem(response, 404, "enterprise.not_found")


# --- list filters --------------------------------------------------------------------------------------------


@pytest.fixture
async def population(client: httpx.AsyncClient, supervisor: dict[str, str]) -> dict[str, str]:
    """Eight enterprises covering the filter dimensions; returns a name → USCC map."""
    rows = {
        "jx": enterprise(101, name="甲机械厂", industry_code="GM-JX", county_code="130302", credit_class="A"),
        "yj": enterprise(102, name="乙冶金公司", industry_code="GM-YJ", county_code="130303", credit_class="B"),
        "gm": enterprise(103, name="丙工贸公司", industry_code="GM", county_code="130304", credit_class=None,
                         tags=[]),
        "fm": enterprise(104, name="丁矿业公司", industry_code="FM", county_code="130321", credit_class="C",
                         tags=["尾矿库"]),
        "wh": enterprise(105, name="戊化工公司", industry_code="WH-SC", county_code="130371", credit_class="D",
                         tags=["重大危险源", "涉氨"]),
        "wj": enterprise(106, name="己化工经营部", industry_code="WH-JY", county_code="130302", credit_class=None,
                         status="suspended", tags=[]),
        "mk": enterprise(107, name="庚煤矿", industry_code="MK", county_code="130324", credit_class="A",
                         status="deregistered", tags=[]),
        "pct": enterprise(108, name="辛100%_达标公司", industry_code="GM-SM", county_code="130302",
                          credit_class="B", tags=[]),
    }
    return {key: (await create(client, supervisor, body))["uscc"] for key, body in rows.items()}


async def test_list_without_filters_returns_everything_in_creation_order(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    assert await list_usccs(client, supervisor) == list(population.values())


async def test_list_filters_by_exact_industry(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    assert await list_usccs(client, supervisor, industry="GM-JX") == [population["jx"]]
    found = await list_usccs(client, supervisor, industry=["WH-SC", "WH-JY"])
    assert found == [population["wh"], population["wj"]]


async def test_list_industry_gm_matches_all_gm_sub_industries(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    found = await list_usccs(client, supervisor, industry="GM")
    assert found == [population["jx"], population["yj"], population["gm"], population["pct"]]


async def test_list_filters_by_county(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    found = await list_usccs(client, supervisor, county="130302")
    assert found == [population["jx"], population["wj"], population["pct"]]
    found = await list_usccs(client, supervisor, county=["130303", "130324"])
    assert found == [population["yj"], population["mk"]]


async def test_list_filters_by_credit_class_with_u_for_ungraded(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    assert await list_usccs(client, supervisor, credit_class="A") == [population["jx"], population["mk"]]
    assert await list_usccs(client, supervisor, credit_class="U") == [population["gm"], population["wj"]]
    found = await list_usccs(client, supervisor, credit_class=["D", "U"])
    assert found == [population["gm"], population["wh"], population["wj"]]


async def test_list_filters_by_status(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    assert await list_usccs(client, supervisor, status="suspended") == [population["wj"]]
    found = await list_usccs(client, supervisor, status=["suspended", "deregistered"])
    assert found == [population["wj"], population["mk"]]


async def test_list_rejects_an_unknown_status(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.get(URL, params={"status": "bankrupt"}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["code"] == "validation.enum"


async def test_list_filters_by_tag(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    found = await list_usccs(client, supervisor, tag="重大危险源")
    assert found == [population["jx"], population["yj"], population["wh"]]
    assert await list_usccs(client, supervisor, tag="尾矿库") == [population["fm"]]
    assert await list_usccs(client, supervisor, tag="不存在的标签") == []


async def test_list_filters_by_name_substring(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    assert await list_usccs(client, supervisor, q="化工") == [population["wh"], population["wj"]]
    # LIKE wildcards in the query are taken literally.
    assert await list_usccs(client, supervisor, q="100%_") == [population["pct"]]
    assert await list_usccs(client, supervisor, q="%") == [population["pct"]]


async def test_list_combines_filters(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    found = await list_usccs(client, supervisor, industry="GM", county="130302", credit_class="B")
    assert found == [population["pct"]]


async def test_list_filters_by_updated_since(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    old = await create(client, supervisor, enterprise(110))
    new = await create(client, supervisor, enterprise(111))
    assert await list_usccs(client, supervisor, updated_since=new["updated_at"]) == [new["uscc"]]
    changed = (await client.patch(f"{URL}/{old['uscc']}", json={"credit_class": "C"}, headers=supervisor)).json()
    found = await list_usccs(client, supervisor, updated_since=changed["updated_at"])
    assert found == [old["uscc"]]
    assert await list_usccs(client, supervisor, updated_since="2000-01-01T00:00:00+08:00") == [old["uscc"], new["uscc"]]


async def test_updated_since_without_a_time_zone_is_422(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    response = await client.get(URL, params={"updated_since": "2026-01-01T00:00:00"}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "query.updated_since"


async def test_list_counts_total_only_when_asked(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    plain = (await client.get(URL, params={"industry": "GM", "limit": 2}, headers=supervisor)).json()
    assert plain["total"] is None
    counted = (await client.get(URL, params={"industry": "GM", "limit": 2, "with_total": "true"},
                                headers=supervisor)).json()
    assert counted["total"] == 4
    assert len(counted["items"]) == 2
    assert counted["next_cursor"] is not None


async def test_list_excludes_deleted_enterprises(
    client: httpx.AsyncClient, supervisor: dict[str, str], population: dict[str, str]
) -> None:
    await client.delete(f"{URL}/{population['fm']}", params={"reason": "关闭"}, headers=supervisor)
    response = await client.get(URL, params={"with_total": "true"}, headers=supervisor)
    assert response.json()["total"] == len(population) - 1
    assert population["fm"] not in [e["uscc"] for e in response.json()["items"]]


# --- keyset pagination ---------------------------------------------------------------------------------------


async def test_walking_all_pages_yields_every_enterprise_once(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    expected = [(await create(client, supervisor, enterprise(200 + i)))["uscc"] for i in range(11)]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(URL, params=params, headers=supervisor)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        assert len(page["items"]) <= 4
        seen += [e["uscc"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == expected  # no duplicates, no gaps, stable order


async def test_pagination_with_an_exact_multiple_of_the_page_size_ends_cleanly(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    for i in range(4):
        await create(client, supervisor, enterprise(220 + i))
    first = (await client.get(URL, params={"limit": 2}, headers=supervisor)).json()
    second = (await client.get(URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=supervisor)).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None


async def test_pagination_keeps_filters_across_pages(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    wanted = []
    for i in range(6):
        body = enterprise(240 + i, county_code="130306" if i % 2 else "130322")
        created = await create(client, supervisor, body)
        if i % 2:
            wanted.append(created["uscc"])
    first = (await client.get(URL, params={"county": "130306", "limit": 2}, headers=supervisor)).json()
    second = (await client.get(URL, params={"county": "130306", "limit": 2, "cursor": first["next_cursor"]},
                               headers=supervisor)).json()
    assert [e["uscc"] for e in first["items"] + second["items"]] == wanted
    assert second["next_cursor"] is None


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def test_bad_cursor_is_rejected(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    cursors = [
        "not-a-cursor!",
        cursor_of("i:QHD-001"),  # another list's cursor
        cursor_of("e:"),
        cursor_of("e:abc"),  # tampered keys
        cursor_of("e:-1"),
        cursor_of("e:" + "9" * 40),
    ]
    for cursor in cursors:
        response = await client.get(URL, params={"cursor": cursor}, headers=supervisor)
        assert_problem(response, 422, "paging.cursor_invalid")


async def test_limit_above_the_cap_is_refused_with_the_cap_named(
    client: httpx.AsyncClient, supervisor: dict[str, str], settings: Settings
) -> None:
    for i in range(5):
        await create(client, supervisor, enterprise(260 + i))
    settings.limits.max_page_size = 3  # routes read the live settings of the container
    body = assert_problem(await client.get(URL, params={"limit": 10_000}, headers=supervisor), 422,
                          "paging.limit_too_large")
    assert "每页最多 3 条" in body["detail"]
    page = (await client.get(URL, params={"limit": 3}, headers=supervisor)).json()
    assert len(page["items"]) == 3
    assert page["next_cursor"] is not None


async def test_default_page_size_applies_without_limit(
    client: httpx.AsyncClient, supervisor: dict[str, str], settings: Settings
) -> None:
    for i in range(3):
        await create(client, supervisor, enterprise(270 + i))
    settings.limits.default_page_size = 2
    page = (await client.get(URL, headers=supervisor)).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is not None


async def test_limit_must_be_positive(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.get(URL, params={"limit": 0}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "query.limit"


# --- personal data and permissions ---------------------------------------------------------------------------


async def test_partner_sees_contact_phone_masked(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    created = await create(client, supervisor, enterprise(300, contact_phone="13812345678"))
    uscc = created["uscc"]
    await client.patch(f"{URL}/{uscc}", json={"contact_phone": "13987654321"}, headers=supervisor)
    partner = await make_user("partner", "SW")

    got = (await client.get(f"{URL}/{uscc}", headers=partner)).json()
    assert got["contact_phone"] == "139****4321"
    listed = (await client.get(URL, headers=partner)).json()["items"]
    assert listed[0]["contact_phone"] == "139****4321"
    versions = await history(client, partner, uscc)
    assert versions[0]["snapshot"]["contact_phone"] == "138****5678"
    assert versions[1]["changes"]["contact_phone"] == ["138****5678", "139****4321"]


async def test_department_user_sees_contact_phone_in_full(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    created = await create(client, supervisor, enterprise(301, contact_phone="13812345678"))
    department = await make_user("department", "ZF1")
    got = (await client.get(f"{URL}/{created['uscc']}", headers=department)).json()
    assert got["contact_phone"] == "13812345678"
    versions = await history(client, department, created["uscc"])
    assert versions[0]["snapshot"]["contact_phone"] == "13812345678"


async def test_department_user_can_create_enterprises(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    department = await make_user("department", "GMK")
    created = await create(client, department, enterprise(302))
    assert created["version"] == 1


async def test_read_only_roles_cannot_create_change_or_delete(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    created = await create(client, supervisor, enterprise(303))
    for role, department in (("partner", "SW"), ("inspector", "ZF1")):
        headers = await make_user(role, department)
        assert_problem(await client.post(URL, json=enterprise(304), headers=headers), 403, "auth.forbidden")
        response = await client.patch(f"{URL}/{created['uscc']}", json={"name": "改名公司"}, headers=headers)
        assert_problem(response, 403, "auth.forbidden")
        response = await client.delete(f"{URL}/{created['uscc']}", params={"reason": "试图删除"}, headers=headers)
        assert_problem(response, 403, "auth.forbidden")
        assert (await client.get(f"{URL}/{created['uscc']}", headers=headers)).json()["version"] == 1


async def test_auditor_cannot_read_the_directory(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    auditor = await make_user("auditor", "ZJK")
    assert_problem(await client.get(URL, headers=auditor), 403, "auth.forbidden")


async def test_lowercase_uscc_in_the_path_finds_the_enterprise(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    created = await create(client, supervisor, enterprise(901))
    lower = created["uscc"].lower()
    assert (await client.get(f"{URL}/{lower}", headers=supervisor)).status_code == 200
    patched = await client.patch(f"{URL}/{lower}", json={"name": "改名后的企业有限公司"}, headers=supervisor)
    assert patched.status_code == 200
    assert len(await history(client, supervisor, lower)) == 2
