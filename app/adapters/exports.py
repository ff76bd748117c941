"""月报表 and 季度总结 as files: XLSX (openpyxl), CSV (UTF-8 with BOM, for Excel and integration scripts) and PDF
(Jinja2 templates in ``app/templates/reports/`` rendered by WeasyPrint on A4 with the Noto CJK fonts, as the
enforcement documents are – see ``app.adapters.documents``; without WeasyPrint or the font, the PDFs fail with the
same ``DocumentsUnavailable``, i.e. 503)."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.adapters.documents import _Engine, cn_datetime, environment
from app.domain.reports.model import SECTIONS, QuarterlySummary
from app.domain.reports.monthly import MonthlyReport

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "reports"
BUREAU = "秦皇岛市应急管理局"
CREATOR = "秦皇岛市应急管理局随机抽查服务"
CST = timezone(timedelta(hours=8))
#: The sheet of each breakdown (a sheet name has at most 31 characters).
BREAKDOWN_SHEETS = {"drawn_by_industry": "抽中-按行业", "drawn_by_county": "抽中-按县区", "drawn_by_class": "抽中-按信用风险分类",
                    "visited_by_industry": "检查-按行业", "visited_by_county": "检查-按县区",
                    "visited_by_class": "检查-按信用风险分类"}
NUMERALS = "一二三四五六七八九十"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_TITLE_FONT = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _local(moment: datetime | None) -> datetime | None:
    """Beijing time (naive datetimes are taken as Beijing time already)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(CST)


def monthly_title(report: MonthlyReport) -> str:
    return f"{BUREAU} 月报表 {report.year}年{report.month}月 · {report.department_name}"


def quarterly_title(summary: QuarterlySummary, unit_name: str) -> str:
    return f"{unit_name} {summary.year} 年第 {summary.quarter} 季度工作总结"


def section_headings() -> list[tuple[str, str]]:
    """(key, "一、工作进展") for the six sections, in order."""
    return [(key, f"{NUMERALS[i]}、{title}") for i, (key, title) in enumerate(SECTIONS.items())]


# --- XLSX ---------------------------------------------------------------------------------------------------------


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "Sheet"


def _table(ws: Worksheet, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
           widths: Sequence[float], *, notes: Sequence[str] = (), wrap: Sequence[int] = ()) -> None:
    """A title row, optional note rows, a bold filled header row (frozen) and the rows; numbers stay numbers."""
    ws.append([title])
    ws.cell(row=1, column=1).font = _TITLE_FONT
    for note in notes:
        ws.append([note])
    header_row = ws.max_row + 1
    ws.append(list(headers))
    for column in range(1, len(headers) + 1):
        cell = ws.cell(row=header_row, column=column)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append(list(row))
    for column in wrap:
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.alignment = _WRAP
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.properties.title = title
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    return wb


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def monthly_xlsx(report: MonthlyReport) -> bytes:
    """Sheets 概况 (figures), one per breakdown (drawn and inspected enterprises by industry, county and credit
    class) and 明细 (every figure's records)."""
    title = monthly_title(report)
    wb = _workbook(title)
    wb.properties.subject = f"{report.year}年{report.month}月"
    period = f"统计期间：{report.period_start.isoformat()} 至 {report.period_end.isoformat()}"
    generated = f"生成时间：{cn_datetime(_local(report.generated_at))}"
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    _table(ws, title, ("指标", "数值"), ((f.label, f.value) for f in report.figures), (48, 12),
           notes=(period, generated))
    for breakdown in report.breakdowns:
        ws = wb.create_sheet(_sheet_name(BREAKDOWN_SHEETS.get(breakdown.key, breakdown.label)))
        _table(ws, f"{title} · {breakdown.label}", ("代码", "名称", "企业数"), breakdown.rows, (14, 36, 12))
    ws = wb.create_sheet("明细")
    _table(ws, f"{title} · 明细", ("指标", "记录"),
           ((f.label, record) for f in report.figures for record in f.records), (48, 44))
    return _save(wb)


def quarterly_xlsx(summary: QuarterlySummary, unit_name: str) -> bytes:
    """Sheets 季度总结 (the six sections) and 数字 (the quarter's figures)."""
    title = quarterly_title(summary, unit_name)
    wb = _workbook(title)
    wb.properties.subject = f"{summary.year}年第{summary.quarter}季度"
    status = f"状态：{summary.status.label}"
    submitted = f"报送时间：{cn_datetime(_local(summary.submitted_at)) if summary.submitted_at else '—'}"
    ws = wb.active
    assert ws is not None
    ws.title = "季度总结"
    _table(ws, title, ("部分", "内容"), ((heading, summary.sections.get(key, ""))
                                      for key, heading in section_headings()), (18, 100),
           notes=(status, submitted), wrap=(1, 2))
    ws = wb.create_sheet("数字")
    _table(ws, f"{title} · 数字", ("键", "指标", "数值"), _quarter_figures(summary.figures), (28, 48, 12))
    return _save(wb)


def _quarter_figures(figures: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    return [(key, str(entry.get("label", key)), int(entry.get("value", 0))) for key, entry in figures.items()]


# --- CSV ----------------------------------------------------------------------------------------------------------


def monthly_csv(report: MonthlyReport) -> bytes:
    """``部分,键,名称,数值``: one line per figure (部分 概况, 键 the figure's key) and per breakdown row (部分 the
    breakdown's label, 键 ``<breakdown key>:<code>``, e.g. ``drawn_by_class:A``). UTF-8 with BOM, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("部分", "键", "名称", "数值"))
    writer.writerows(("概况", f.key, f.label, f.value) for f in report.figures)
    writer.writerows((b.label, f"{b.key}:{code}", label, n) for b in report.breakdowns for code, label, n in b.rows)
    return out.getvalue().encode("utf-8-sig")


# --- PDF ----------------------------------------------------------------------------------------------------------


class ReportRenderer:
    """The report templates and, from the first PDF on, one WeasyPrint engine (fonts looked up once); only ``data:``
    URLs may be fetched, and the templates use none."""

    def __init__(self, templates: Path = TEMPLATES) -> None:
        self._env = environment(templates)
        self._env.globals["bureau"] = BUREAU
        self._base_url = templates.as_uri() + "/"
        self._engine: _Engine | None = None
        self._lock = threading.Lock()

    def html(self, template: str, context: Mapping[str, Any]) -> str:
        return self._env.get_template(template).render(context)

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        html = self.html(template, context)
        with self._lock:
            if self._engine is None:
                self._engine = _Engine()  # DocumentsUnavailable without WeasyPrint, Pango or the font
            engine = self._engine
            document = engine.html(string=html, base_url=self._base_url, url_fetcher=engine.fetcher)
            pdf: bytes = document.write_pdf(font_config=engine.fonts)
        return pdf


_renderer: ReportRenderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> ReportRenderer:
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = ReportRenderer()
        return _renderer


def monthly_context(report: MonthlyReport) -> dict[str, Any]:
    return {"title": monthly_title(report), "report": report, "unit_name": report.department_name,
            "period": f"{report.year}年{report.month}月（{report.period_start.isoformat()} 至 "
                      f"{report.period_end.isoformat()}）",
            "generated_at": cn_datetime(_local(report.generated_at))}


def monthly_pdf(report: MonthlyReport) -> bytes:
    return renderer().render("monthly.html", monthly_context(report))


def quarterly_context(summary: QuarterlySummary, unit_name: str) -> dict[str, Any]:
    return {"title": quarterly_title(summary, unit_name), "unit_name": unit_name, "summary": summary,
            "sections": [(heading, summary.sections.get(key, "")) for key, heading in section_headings()],
            "status": summary.status.label,
            "submitted_at": cn_datetime(_local(summary.submitted_at)) if summary.submitted_at else None,
            "figures": _quarter_figures(summary.figures)}


def quarterly_pdf(summary: QuarterlySummary, unit_name: str) -> bytes:
    return renderer().render("quarterly.html", quarterly_context(summary, unit_name))
