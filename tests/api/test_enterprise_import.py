"""Bulk import of the enterprise directory over HTTP: CSV (UTF-8, GB18030) and XLSX, validation per row,
all-or-nothing and valid-only modes, idempotent re-imports with history, file checks and permissions."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from openpyxl import Workbook

from app.deps import Container
from app.domain.directories.uscc import ALPHABET, check_character
from app.main import create_app
from app.settings import Settings
from tests.support import MakeUser, assert_problem, make_uscc

URL = "/api/v1/enterprises"
IMPORT_URL = f"{URL}/import"
HEADER = ["统一社会信用代码", "企业名称", "所属区县", "行业", "信用风险分类", "经营状态", "标签", "联系电话"]


def bad_checksum(uscc: str) -> str:
    return uscc[:17] + next(ch for ch in ALPHABET if ch != check_character(uscc[:17]))


def row(n: int, **overrides: Any) -> list[Any]:
    values: dict[str, Any] = {
        "uscc": make_uscc(n), "name": f"秦皇岛市导入测试企业{n}有限公司", "county": "海港区", "industry": "机械",
        "credit": "B", "status": "存续", "tags": "重大危险源、有限空间", "phone": "13812345678",
    }
    values.update(overrides)
    return [values[k] for k in ("uscc", "name", "county", "industry", "credit", "status", "tags", "phone")]


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, filename: str = "企业名录.csv",
    content_type: str = "text/csv", **params: Any,
) -> httpx.Response:
    return await client.post(IMPORT_URL, files={"file": (filename, content, content_type)}, params=params,
                             headers=headers)


async def imported(client: httpx.AsyncClient, headers: dict[str, str], content: bytes, **kwargs: Any) -> dict[str, Any]:
    response = await upload(client, headers, content, **kwargs)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


async def directory(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = await client.get(URL, params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return {e["uscc"]: e for e in response.json()["items"]}


async def history(client: httpx.AsyncClient, headers: dict[str, str], uscc: str) -> list[dict[str, Any]]:
    response = await client.get(f"{URL}/{uscc}/history", headers=headers)
    assert response.status_code == 200, response.text
    versions: list[dict[str, Any]] = response.json()
    return versions


# --- happy paths ---------------------------------------------------------------------------------------------


async def test_import_csv_with_chinese_headers_creates_all_rows(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    rows = [
        row(1),
        row(2, county="130303", industry="GM-YJ", credit="a", status="停业", tags="涉氨;粉尘涉爆"),
        row(3, county="北戴河新区", industry="危险化学品经营", credit="", status="", tags="", phone="0335-3012345"),
    ]
    report = await imported(client, supervisor, csv_bytes(rows))
    assert report["applied"] is True
    assert report["dry_run"] is False
    assert report["mode"] == "all_or_nothing"
    assert report["filename"] == "企业名录.csv"
    assert len(report["sha256"]) == 64
    assert (report["total"], report["created"], report["updated"], report["unchanged"], report["rejected"]) == (
        3, 3, 0, 0, 0)
    assert report["errors"] == []

    found = await directory(client, supervisor)
    first, second, third = (found[make_uscc(n)] for n in (1, 2, 3))
    assert (first["county_code"], first["industry_code"], first["credit_class"]) == ("130302", "GM-JX", "B")
    assert first["tags"] == ["重大危险源", "有限空间"]
    assert first["contact_phone"] == "13812345678"
    assert first["version"] == 1
    assert (second["county_name"], second["industry_code"], second["credit_class"]) == ("山海关区", "GM-YJ", "A")
    assert second["status"] == "suspended"
    assert second["tags"] == ["涉氨", "粉尘涉爆"]
    assert (third["county_code"], third["industry_code"]) == ("130372", "WH-JY")
    assert third["credit_class"] is None
    assert third["status"] == "active"
    assert third["tags"] == []

    versions = await history(client, supervisor, make_uscc(1))
    assert [(v["version"], v["action"]) for v in versions] == [(1, "import")]
    assert versions[0]["changed_by"].startswith("supervisor-")


async def test_imported_tags_are_searchable(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await imported(client, supervisor, csv_bytes([row(1, tags="重大危险源"), row(2, tags="有限空间")]))
    response = await client.get(URL, params={"tag": "有限空间"}, headers=supervisor)
    assert [e["uscc"] for e in response.json()["items"]] == [make_uscc(2)]


async def test_import_accepts_api_field_names_as_headers(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    header = ["uscc", "name", "county_code", "industry_code", "credit_class"]
    content = csv_bytes([[make_uscc(5), "英文表头企业", "130306", "FM", "C"]], header=header)
    report = await imported(client, supervisor, content)
    assert report["created"] == 1
    assert (await directory(client, supervisor))[make_uscc(5)]["industry_code"] == "FM"


async def test_import_xlsx_file(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    rows = [
        row(10, county=130302, phone=13812345678),  # numeric cells, as Excel stores them
        row(11, county="昌黎县", industry="GM-JC", credit="D"),
    ]
    content = xlsx_bytes(rows)
    report = await imported(client, supervisor, content, filename="企业名录.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert (report["created"], report["rejected"]) == (2, 0), report
    found = await directory(client, supervisor)
    assert found[make_uscc(10)]["county_code"] == "130302"
    assert found[make_uscc(10)]["contact_phone"] == "13812345678"
    assert found[make_uscc(11)]["county_code"] == "130322"
    assert found[make_uscc(11)]["credit_class"] == "D"


async def test_import_xlsx_reports_spreadsheet_row_numbers(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = xlsx_bytes([row(12), row(13, county="石家庄市")])
    report = await imported(client, supervisor, content, filename="企业名录.xlsx")
    assert report["applied"] is False
    assert [(e["row"], e["errors"][0]["code"]) for e in report["errors"]] == [(3, "county.unknown")]


async def test_import_gb18030_csv(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    content = csv_bytes([row(20, name="秦皇岛市山海关区长城铸造厂"), row(21, county="卢龙县")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    report = await imported(client, supervisor, content, filename="名录（Excel另存）.csv")
    assert (report["created"], report["rejected"]) == (2, 0), report
    found = await directory(client, supervisor)
    assert found[make_uscc(20)]["name"] == "秦皇岛市山海关区长城铸造厂"
    assert found[make_uscc(21)]["county_name"] == "卢龙县"


async def test_import_utf8_csv_with_bom(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    content = b"\xef\xbb\xbf" + csv_bytes([row(22)])
    report = await imported(client, supervisor, content)
    assert report["created"] == 1


async def test_import_skips_blank_lines(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    content = csv_bytes([row(23), ["", "", "", "", "", "", "", ""], row(24)])
    report = await imported(client, supervisor, content)
    assert (report["total"], report["created"]) == (2, 2)


# --- bad rows ------------------------------------------------------------------------------------------------


async def test_import_all_or_nothing_writes_nothing_when_a_row_is_bad(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    broken = bad_checksum(make_uscc(32))
    content = csv_bytes([row(30), row(31), row(32, uscc=broken), row(33)])
    report = await imported(client, supervisor, content)
    assert report["applied"] is False
    assert (report["total"], report["rejected"], report["created"]) == (4, 1, 0)
    assert len(report["errors"]) == 1
    error = report["errors"][0]
    assert error["row"] == 4  # heading is row 1, the bad row is the third data row
    assert error["key"] == broken
    assert error["errors"][0]["field"] == "uscc"
    assert error["errors"][0]["code"] == "uscc.checksum"
    assert f"应为“{check_character(broken[:17])}”" in error["errors"][0]["message"]

    assert await directory(client, supervisor) == {}


async def test_import_valid_only_imports_the_good_rows(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = csv_bytes([row(40), row(41, industry="房地产"), row(42)])
    report = await imported(client, supervisor, content, mode="valid_only")
    assert report["applied"] is True
    assert report["mode"] == "valid_only"
    assert (report["total"], report["created"], report["rejected"]) == (3, 2, 1)
    assert [(e["row"], e["errors"][0]["code"]) for e in report["errors"]] == [(3, "industry.unknown")]
    assert set(await directory(client, supervisor)) == {make_uscc(40), make_uscc(42)}


async def test_import_reports_every_problem_of_a_row(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    content = csv_bytes([row(43, county="999999", credit="E", status="倒闭", phone="110")])
    report = await imported(client, supervisor, content)
    codes = {p["code"] for p in report["errors"][0]["errors"]}
    assert codes == {"county.unknown", "credit_class.invalid", "status.invalid", "phone.invalid"}


async def test_import_reports_missing_required_values(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    content = csv_bytes([row(44, name="", industry="")])
    report = await imported(client, supervisor, content)
    assert report["errors"][0]["row"] == 2
    assert {p["code"] for p in report["errors"][0]["errors"]} == {"name.missing", "industry_code.missing"}


async def test_import_duplicate_uscc_in_file_names_the_earlier_row(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = csv_bytes([row(50), row(51), row(50, name="重复的企业")])
    report = await imported(client, supervisor, content, mode="valid_only")
    assert (report["created"], report["rejected"]) == (2, 1)
    error = report["errors"][0]
    assert (error["row"], error["key"]) == (4, make_uscc(50))
    assert error["errors"][0]["code"] == "uscc.duplicate_in_file"
    assert "第 2 行" in error["errors"][0]["message"]
    assert (await directory(client, supervisor))[make_uscc(50)]["name"] == "秦皇岛市导入测试企业50有限公司"


async def test_import_missing_required_column_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    header = [h for h in HEADER if h != "行业"]
    content = csv_bytes([[make_uscc(60), "缺列企业", "海港区", "B", "存续", "", "13812345678"]], header=header)
    body = assert_problem(await upload(client, supervisor, content), 422, "import.missing_columns")
    assert body["missing"] == ["industry_code"]
    assert "行业" in body["detail"]


# --- re-imports and history ----------------------------------------------------------------------------------


async def test_reimporting_the_same_file_changes_nothing(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = csv_bytes([row(70), row(71), row(72)])
    await imported(client, supervisor, content)
    again = await imported(client, supervisor, content)
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 3, 0)
    assert again["applied"] is False  # nothing to write
    for n in (70, 71, 72):
        assert len(await history(client, supervisor, make_uscc(n))) == 1
        assert (await directory(client, supervisor))[make_uscc(n)]["version"] == 1


async def test_reimport_with_a_changed_row_records_an_import_version(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    await imported(client, supervisor, csv_bytes([row(80), row(81)]))
    report = await imported(client, supervisor, csv_bytes([row(80), row(81, credit="D", tags="重大危险源")]))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 1)
    assert report["applied"] is True

    versions = await history(client, supervisor, make_uscc(81))
    assert [(v["version"], v["action"]) for v in versions] == [(1, "import"), (2, "import")]
    assert versions[1]["changes"] == {"credit_class": ["B", "D"], "tags": [["重大危险源", "有限空间"], ["重大危险源"]]}
    assert versions[1]["snapshot"]["credit_class"] == "D"
    entry = (await directory(client, supervisor))[make_uscc(81)]
    assert (entry["version"], entry["credit_class"], entry["tags"]) == (2, "D", ["重大危险源"])
    assert len(await history(client, supervisor, make_uscc(80))) == 1
    response = await client.get(URL, params={"tag": "有限空间"}, headers=supervisor)
    assert [e["uscc"] for e in response.json()["items"]] == [make_uscc(80)]


async def test_import_updates_an_enterprise_created_through_the_api(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    body = {"uscc": make_uscc(85), "name": "接口新增企业", "county_code": "130302", "industry_code": "GM-JX",
            "credit_class": "B", "tags": ["重大危险源", "有限空间"], "contact_phone": "13812345678"}
    assert (await client.post(URL, json=body, headers=supervisor)).status_code == 201
    report = await imported(client, supervisor, csv_bytes([row(85, name="接口新增企业（更名）")]))
    assert report["updated"] == 1
    versions = await history(client, supervisor, make_uscc(85))
    assert [v["action"] for v in versions] == ["create", "import"]
    assert versions[1]["changes"] == {"name": ["接口新增企业", "接口新增企业（更名）"]}


async def test_import_restores_a_deleted_enterprise(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await imported(client, supervisor, csv_bytes([row(90)]))
    response = await client.delete(f"{URL}/{make_uscc(90)}", params={"reason": "误删测试"}, headers=supervisor)
    assert response.status_code == 204
    report = await imported(client, supervisor, csv_bytes([row(90)]))
    assert (report["created"], report["updated"]) == (0, 1)
    got = await client.get(f"{URL}/{make_uscc(90)}", headers=supervisor)
    assert got.status_code == 200
    assert got.json()["version"] == 3
    assert got.json()["tags"] == ["重大危险源", "有限空间"]
    versions = await history(client, supervisor, make_uscc(90))
    assert [v["action"] for v in versions] == ["import", "delete", "restore"]


# --- dry run -------------------------------------------------------------------------------------------------


async def test_dry_run_reports_but_writes_nothing(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    await imported(client, supervisor, csv_bytes([row(100)]))
    content = csv_bytes([row(100, credit="C"), row(101), row(102)])
    report = await imported(client, supervisor, content, dry_run="true")
    assert report["dry_run"] is True
    assert report["applied"] is False
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 1, 0)
    found = await directory(client, supervisor)
    assert set(found) == {make_uscc(100)}
    assert found[make_uscc(100)]["credit_class"] == "B"
    assert len(await history(client, supervisor, make_uscc(100))) == 1


# --- the file itself -----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


async def test_binary_file_is_415(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await upload(client, supervisor, PNG, filename="照片.png", content_type="image/png")
    assert_problem(response, 415, "import.unsupported_file")


async def test_png_renamed_to_csv_is_415(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await upload(client, supervisor, PNG, filename="企业名录.csv")
    assert_problem(response, 415, "import.unsupported_file")


async def test_xlsx_name_with_other_bytes_is_415(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await upload(client, supervisor, csv_bytes([row(110)]), filename="企业名录.xlsx")
    assert_problem(response, 415, "import.unsupported_file")


async def test_corrupt_zip_with_xlsx_magic_is_415(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await upload(client, supervisor, b"PK\x03\x04" + b"not really a zip" * 10, filename="企业名录.xlsx")
    assert_problem(response, 415, "import.unsupported_file")


async def test_empty_file_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    for content in (b"", b"  \r\n\r\n "):
        response = await upload(client, supervisor, content)
        assert_problem(response, 422, "import.empty_file")


async def test_missing_file_part_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await client.post(IMPORT_URL, data={"mode": "valid_only"}, headers=supervisor)
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"][0]["field"] == "body.file"


async def test_unknown_mode_is_422(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    response = await upload(client, supervisor, csv_bytes([row(111)]), mode="best_effort")
    assert_problem(response, 422, "request.validation_failed")


@pytest.fixture
async def small_upload_client(settings: Settings, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 4 KiB upload limit (the route reads the container's live settings)."""
    settings.limits.max_upload_bytes = 4096
    application = create_app(settings, container=container)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


def big_csv(rows: int) -> bytes:
    return csv_bytes([row(1000 + i) for i in range(rows)])


async def test_file_over_the_upload_limit_is_413(
    small_upload_client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = big_csv(60)
    assert 4096 < len(content) < 64 * 1024  # refused by the route, not the body-size middleware
    response = await upload(small_upload_client, supervisor, content)
    body = assert_problem(response, 413, "payload.too_large")
    assert body["max_bytes"] == 4096
    assert await directory(small_upload_client, supervisor) == {}


async def test_request_body_far_over_the_limit_is_413(
    small_upload_client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = b"x" * (100 * 1024)
    response = await upload(small_upload_client, supervisor, content)
    assert_problem(response, 413, "payload.too_large")


async def test_file_within_the_upload_limit_imports(
    small_upload_client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    content = big_csv(5)
    assert len(content) < 4096
    report = await imported(small_upload_client, supervisor, content)
    assert report["created"] == 5


async def test_too_many_rows_is_422(
    client: httpx.AsyncClient, supervisor: dict[str, str], settings: Settings
) -> None:
    settings.limits.max_import_rows = 3
    response = await upload(client, supervisor, big_csv(4))
    body = assert_problem(response, 422, "import.too_many_rows")
    assert body["max_rows"] == 3


# --- permissions ---------------------------------------------------------------------------------------------


async def test_roles_without_write_permission_cannot_import(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    for role, department in (("inspector", "ZF1"), ("auditor", "ZJK"), ("partner", "SW")):
        headers = await make_user(role, department)
        response = await upload(client, headers, csv_bytes([row(120)]))
        assert_problem(response, 403, "auth.forbidden")
    assert await directory(client, supervisor) == {}


async def test_department_user_can_import(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    headers = await make_user("department", "WHK")
    report = await imported(client, headers, csv_bytes([row(121)]))
    assert report["created"] == 1


async def test_import_requires_login(client: httpx.AsyncClient) -> None:
    response = await upload(client, {}, csv_bytes([row(122)]))
    assert_problem(response, 401, "auth.unauthenticated")
