"""月报表 and 季度总结 downloaded as Excel, CSV and PDF."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import httpx
from openpyxl import load_workbook

from tests.api.test_draws import ready  # noqa: F401 - the fixture is used by name
from tests.api.test_onsite import Site, check_in, enterprise_code, site  # noqa: F401
from tests.support import assert_problem

Who = dict[str, dict[str, str]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_the_monthly_report_and_the_quarterly_summary_download_as_excel_csv_and_pdf(
    client: httpx.AsyncClient, site: Site, ready: Who  # noqa: F811
) -> None:
    await check_in(client, site, await enterprise_code(client, site, ready["zf1"]))
    url, params = "/api/v1/reports/monthly", {"year": 2026, "month": 11, "department": "ZF1"}

    xlsx = await client.get(url, params={**params, "format": "xlsx"}, headers=ready["zf1"])
    assert xlsx.status_code == 200, xlsx.text
    assert xlsx.headers["content-type"] == XLSX
    assert xlsx.headers["content-disposition"] == f"attachment; filename*=UTF-8''{quote('月报表-2026-11-ZF1.xlsx')}"
    overview = load_workbook(io.BytesIO(xlsx.content))["概况"]
    values = {row[0]: row[1] for row in overview.iter_rows(values_only=True) if len(row) > 1}
    assert values["启动抽查（执行抽取）次数"] == 1
    assert values["实施检查企业数（扫码签到）"] == 1

    text = await client.get(url, params={**params, "format": "csv"}, headers=ready["zf1"])
    assert text.status_code == 200, text.text
    assert text.headers["content-type"] == "text/csv; charset=utf-8"
    assert text.content.startswith(b"\xef\xbb\xbf")
    assert ["概况", "tasks_launched", "启动抽查（执行抽取）次数", "1"] in list(
        csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))

    pdf = await client.get(url, params={**params, "format": "pdf"}, headers=ready["zf1"])
    if pdf.status_code == 503:  # no WeasyPrint or CJK font on this machine (tests/unit/test_exports.py tells)
        assert_problem(pdf, 503, "document.renderer_unavailable")
    else:
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")

    assert_problem(await client.get(url, params={**params, "format": "doc"}, headers=ready["zf1"]), 422,
                   "request.validation_failed")
    assert (await client.get(url, params=params, headers=ready["zf1"])).headers["content-type"] == "application/json"

    drafted = await client.post("/api/v1/reports/quarterly", json={"year": 2026, "quarter": 4, "department_code": "ZF1"},
                                headers=ready["zf1"])
    assert drafted.status_code == 201, drafted.text
    export = f"/api/v1/reports/quarterly/{drafted.json()['id']}/export"
    summary = await client.get(export, params={"format": "xlsx"}, headers=ready["zf1"])
    assert summary.status_code == 200, summary.text
    assert summary.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(summary.content))["季度总结"]
    assert str(sheet["A1"].value).endswith("2026 年第 4 季度工作总结")
    assert sheet["A2"].value == "状态：草稿"
    assert_problem(await client.get(export, params={"format": "csv"}, headers=ready["zf1"]), 422, "request.validation_failed")
    assert_problem(await client.get("/api/v1/reports/quarterly/999999/export", headers=ready["zf1"]), 404,
                   "summary.not_found")
