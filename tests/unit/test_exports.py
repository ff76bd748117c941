"""月报表 and 季度总结 as files: the XLSX opens with its sheets, headers and numbers; the CSV is UTF-8 with BOM and
stable keys; the PDFs carry their Chinese text as text.

The PDFs need WeasyPrint with Pango and a Noto CJK font (Debian fonts-noto-cjk): without them those tests skip, or
fail when CI=true (as tests/unit/test_documents.py)."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime
from typing import Any, NoReturn

import pytest
from openpyxl import load_workbook

from app.adapters import exports
from app.adapters.documents import DocumentsUnavailable
from app.deps import report_export
from app.domain.errors import InvalidInput
from app.domain.reports.model import QuarterlySummary, SummaryStatus
from app.domain.reports.monthly import Breakdown, Figure, MonthlyReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report() -> MonthlyReport:
    return MonthlyReport(
        2026, 11, "ZF1", "秦皇岛市应急管理综合行政执法支队一大队", date(2026, 11, 1), date(2026, 11, 30),
        datetime(2026, 12, 1, 1, 30, tzinfo=UTC),
        (Figure("tasks_launched", "启动抽查（执行抽取）次数", 2, ("draw:2026001-001号-D1", "draw:2026001-002号-D1")),
         Figure("enterprises_drawn", "抽中企业数", 3,
                ("enterprise:91130302MA0ABCDE1X", "enterprise:91130302MA0ABCDE2X", "enterprise:91130302MA0ABCDE3X")),
         Figure("hazards_major", "发现重大事故隐患（项）", 0)),
        (Breakdown("drawn_by_industry", "抽中企业（按行业）", (("GM", "工贸", 2), ("FM", "非煤矿山", 1))),
         Breakdown("drawn_by_county", "抽中企业（按县区）", (("130302", "海港区", 3),)),
         Breakdown("drawn_by_class", "抽中企业（按信用风险分类）", (("C", "C 类（较高风险）", 2), ("A", "A 类（低风险）", 1)))),
    )


def summary(*, submitted: bool = True) -> QuarterlySummary:
    return QuarterlySummary(
        7, 2026, 4, "ZF1", SummaryStatus.SUBMITTED if submitted else SummaryStatus.DRAFT,
        {"progress": "2026 年第 4 季度，启动随机抽查 2 次，抽中企业 3 家。", "inspections": "发现一般隐患 4 项。",
         "joint": "开展联合抽查 1 次。", "disclosure": "公示检查结果 1 条。", "problems": "部分企业整改进度偏慢。",
         "next_steps": "加强复查，按期公示。\n开展业务培训。"},
        {"tasks_launched": {"label": "启动抽查（执行抽取）次数", "value": 2, "records": ["draw:1", "draw:2"]},
         "hazards_general": {"label": "发现一般隐患（项）", "value": 4, "records": []}},
        "zf1", submitted_by="zf1" if submitted else None,
        submitted_at=datetime(2026, 12, 3, 2, 15, tzinfo=UTC) if submitted else None)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the PDF reports must be tested)")
    pytest.skip(reason)


def _pdf(render: Any, *args: Any) -> str:
    """The PDF's text (whitespace squeezed out)."""
    try:
        pdf: bytes = render(*args)
    except DocumentsUnavailable as exc:
        _unavailable(exc.message_en)
    assert pdf.startswith(b"%PDF-")
    try:
        from pypdf import PdfReader
    except ImportError:
        _unavailable("pypdf is not installed to read the PDF")
    return _squeeze("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_monthly_xlsx_has_a_sheet_per_section_with_titles_headers_and_numbers() -> None:
    wb = load_workbook(io.BytesIO(exports.monthly_xlsx(report())))
    assert wb.sheetnames == ["概况", "抽中-按行业", "抽中-按县区", "抽中-按信用风险分类", "明细"]
    assert wb.properties.title == "秦皇岛市应急管理局 月报表 2026年11月 · 秦皇岛市应急管理综合行政执法支队一大队"
    assert wb.properties.creator == "秦皇岛市应急管理局随机抽查服务"
    overview = wb["概况"]
    assert overview["A1"].value == wb.properties.title
    assert overview["A1"].font.bold
    assert overview["A3"].value == "生成时间：2026年12月1日9时30分"  # Beijing time
    assert [overview["A4"].value, overview["B4"].value] == ["指标", "数值"]
    assert overview["A4"].font.bold
    assert overview["A4"].fill.fgColor.rgb.endswith("DDEBF7")
    assert overview.freeze_panes == "A5"
    assert overview["A5"].value == "启动抽查（执行抽取）次数"
    assert overview["B5"].value == 2
    assert isinstance(overview["B5"].value, int)
    assert overview.column_dimensions["A"].width == 48
    industry = wb["抽中-按行业"]
    assert [c.value for c in industry[2]] == ["代码", "名称", "企业数"]
    assert [c.value for c in industry[3]] == ["GM", "工贸", 2]
    assert industry.freeze_panes == "A3"
    assert [c.value for c in wb["抽中-按信用风险分类"][4]] == ["A", "A 类（低风险）", 1]
    detail = wb["明细"]
    assert [c.value for c in detail[2]] == ["指标", "记录"]
    assert [tuple(c.value for c in row) for row in detail.iter_rows(min_row=3)] == [
        ("启动抽查（执行抽取）次数", "draw:2026001-001号-D1"), ("启动抽查（执行抽取）次数", "draw:2026001-002号-D1"),
        *(("抽中企业数", r) for r in report().figure("enterprises_drawn").records)]


def test_monthly_csv_is_utf8_with_bom_and_stable_keys() -> None:
    content = exports.monthly_csv(report())
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["部分", "键", "名称", "数值"]
    assert ["概况", "tasks_launched", "启动抽查（执行抽取）次数", "2"] in rows
    assert ["概况", "hazards_major", "发现重大事故隐患（项）", "0"] in rows
    assert ["抽中企业（按信用风险分类）", "drawn_by_class:C", "C 类（较高风险）", "2"] in rows
    assert len(rows) == 1 + 3 + 2 + 1 + 2
    assert b"\r\n" in content


def test_quarterly_xlsx_has_the_six_sections_and_the_figures() -> None:
    wb = load_workbook(io.BytesIO(exports.quarterly_xlsx(summary(), "执法一大队")))
    assert wb.sheetnames == ["季度总结", "数字"]
    sheet = wb["季度总结"]
    assert sheet["A1"].value == wb.properties.title == "执法一大队 2026 年第 4 季度工作总结"
    assert sheet["A2"].value == "状态：已报送执法监督科"
    assert sheet["A3"].value == "报送时间：2026年12月3日10时15分"
    assert [c.value for c in sheet[4]] == ["部分", "内容"]
    sections = [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=5)]
    assert [h for h, _ in sections] == ["一、工作进展", "二、抽查情况", "三、联合检查", "四、信息公开", "五、存在问题",
                                        "六、下一步计划"]
    assert sections[5][1] == "加强复查，按期公示。\n开展业务培训。"
    figures = wb["数字"]
    assert [c.value for c in figures[2]] == ["键", "指标", "数值"]
    assert [c.value for c in figures[3]] == ["tasks_launched", "启动抽查（执行抽取）次数", 2]


def test_report_export_picks_the_format_and_refuses_unknown_ones() -> None:
    content, media_type, ext = report_export("monthly", "xlsx", report())
    assert (media_type, ext) == (XLSX, "xlsx")
    assert content.startswith(b"PK")
    assert report_export("monthly", "csv", report())[1:] == ("text/csv; charset=utf-8", "csv")
    with pytest.raises(InvalidInput) as refused:
        report_export("quarterly", "csv", summary(), "执法一大队")
    assert refused.value.code == "report.format_invalid"
    with pytest.raises(InvalidInput):
        report_export("weekly", "xlsx", report())


def test_monthly_pdf_has_the_title_unit_and_figures_as_text() -> None:
    text = _pdf(exports.monthly_pdf, report())
    assert _squeeze("秦皇岛市应急管理局 月报表 2026年11月") in text
    assert "秦皇岛市应急管理综合行政执法支队一大队" in text
    assert "启动抽查（执行抽取）次数" in text
    assert "抽中企业（按信用风险分类）" in text
    assert "非煤矿山" in text
    assert "2026年12月1日9时30分" in text


def test_quarterly_pdf_has_the_sections_in_order_and_the_status() -> None:
    text = _pdf(exports.quarterly_pdf, summary(), "执法一大队")
    assert "执法一大队2026年第4季度工作总结" in text
    positions = [text.index(h) for h in ("一、工作进展", "二、抽查情况", "三、联合检查", "四、信息公开", "五、存在问题",
                                         "六、下一步计划")]
    assert positions == sorted(positions)
    assert "部分企业整改进度偏慢" in text
    assert "已报送" in text
    assert "2026年12月3日10时15分" in text
    draft = _pdf(exports.quarterly_pdf, summary(submitted=False), "执法一大队")
    assert "状态：草稿" in draft
    assert "报送时间：—" in draft
