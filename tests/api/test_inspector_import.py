"""Bulk import of the inspector directory: per-row validation, modes, idempotence, unit scoping."""

from __future__ import annotations

import csv
import io

import httpx

from app.domain.auth.model import Role
from tests.support import MakeUser

URL = "/api/v1/inspectors/import"
HEADER = ["人员编号", "姓名", "所属单位", "执法证号", "执法证有效期", "状态", "专业领域", "联系电话"]


def csv_file(*rows: list[str]) -> dict[str, tuple[str, bytes, str]]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return {"file": ("inspectors.csv", out.getvalue().encode("utf-8"), "text/csv")}


def person(n: int, unit: str = "执法一大队", expiry: str = "2028-06-30", status: str = "在岗") -> list[str]:
    return [f"QHD-T-{n:04d}", f"测试{n}", unit, f"冀应急执字13039{n:05d}", expiry, status, "FM、WH-SC", "13800138000"]


async def test_inspector_import_creates_rows_and_is_idempotent(client: httpx.AsyncClient, supervisor: dict[str, str]) -> None:
    files = csv_file(person(1), person(2, unit="ZF2"))
    first = await client.post(URL, files=files, headers=supervisor)
    assert first.status_code == 200, first.text
    assert first.json() | {"errors": []} == first.json()
    assert (first.json()["created"], first.json()["applied"]) == (2, True)

    again = await client.post(URL, files=files, headers=supervisor)
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 2)

    shown = await client.get("/api/v1/inspectors/QHD-T-0002", headers=supervisor)
    assert shown.json()["department_code"] == "ZF2"
    assert shown.json()["specialties"] == ["FM", "WH-SC"]


async def test_inspector_import_reports_bad_rows_and_writes_nothing_by_default(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    files = csv_file(person(1), person(2, unit="不存在的单位"), person(3, expiry="明年"), person(4, status="休假"))
    response = await client.post(URL, files=files, headers=supervisor)
    body = response.json()
    assert response.status_code == 200
    assert (body["applied"], body["rejected"]) == (False, 3)
    assert [(e["row"], e["key"], e["errors"][0]["code"]) for e in body["errors"]] == [
        (3, "QHD-T-0002", "department.unknown"),
        (4, "QHD-T-0003", "cert_expiry.invalid"),
        (5, "QHD-T-0004", "status.invalid"),
    ]
    missing = await client.get("/api/v1/inspectors/QHD-T-0001", headers=supervisor)
    assert missing.status_code == 404

    valid_only = await client.post(URL, params={"mode": "valid_only"}, files=files, headers=supervisor)
    assert (valid_only.json()["created"], valid_only.json()["applied"]) == (1, True)


async def test_inspector_import_rejects_certificate_numbers_repeated_in_the_file(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    twin = person(2)
    twin[3] = person(1)[3]
    body = (await client.post(URL, files=csv_file(person(1), twin), headers=supervisor)).json()
    assert body["errors"][0]["row"] == 3
    assert "第 2 行" in body["errors"][0]["errors"][0]["message"]


async def test_a_unit_imports_only_its_own_inspectors(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    zf1 = await make_user(Role.DEPARTMENT, "ZF1")
    body = (await client.post(URL, files=csv_file(person(1), person(2, unit="ZF3")), headers=zf1)).json()
    assert [(e["row"], e["errors"][0]["code"]) for e in body["errors"]] == [(3, "auth.foreign_department")]


async def test_inspector_import_updates_a_changed_row_and_audits_it(
    client: httpx.AsyncClient, supervisor: dict[str, str], make_user: MakeUser
) -> None:
    await client.post(URL, files=csv_file(person(1)), headers=supervisor)
    changed = await client.post(URL, files=csv_file(person(1, expiry="2030-12-31")), headers=supervisor)
    assert (changed.json()["updated"], changed.json()["unchanged"]) == (1, 0)
    auditor = await make_user(Role.AUDITOR, "ZJK")
    records = await client.get("/api/v1/audit/records", params={"object_id": "QHD-T-0001"}, headers=auditor)
    latest = records.json()["items"][0]
    assert latest["action"] == "inspector.import"
    assert (latest["before"]["cert_expiry"], latest["after"]["cert_expiry"]) == ("2028-06-30", "2030-12-31")
