"""The enforcement documents (执法文书) as PDF: each kind renders with the context the follow-up service passes, and
its Chinese text is in the PDF as text (extracted with pypdf, else poppler's pdftotext).

Needs WeasyPrint with Pango and a Noto CJK font (Debian fonts-noto-cjk): without them the tests skip, or fail when
CI=true."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, NoReturn

import jinja2
import pytest

from app.adapters.documents import (
    TEMPLATES,
    DocumentsUnavailable,
    WeasyPrintRenderer,
    cn_date,
    cn_datetime,
    cn_time_same_day,
)
from app.domain.followup.model import DocumentKind, document_number

CST = timezone(timedelta(hours=8))
ISSUED_ON = date(2026, 11, 3)
DEADLINE = date(2026, 11, 20)

ENTERPRISE = {"name": "秦皇岛港润金属制品有限公司", "uscc": "91130302MA0ABCDE1X",
              "address": "河北省秦皇岛市海港区东港路188号", "legal_person": "王建国"}
TEAM = [{"name": "李明", "cert_no": "13030021001", "leader": True},
        {"name": "赵华", "cert_no": "13030021017", "leader": False}]
ORDER_ITEMS = [
    {"item_name": "安全生产教育培训", "problem": "未对新上岗的3名从业人员进行安全生产教育和培训",
     "legal_basis": "《中华人民共和国安全生产法》第二十八条第一款", "major": False},
    {"item_name": "粉尘防爆", "problem": "抛光工序除尘系统未按规定设置锁气卸灰装置",
     "legal_basis": "《工贸企业粉尘防爆安全规定》第十三条", "major": True},
]


def _common(kind: DocumentKind, sequence: int) -> dict[str, Any]:
    """What ``issue_document`` adds to every context."""
    return {"number": document_number("ZF1", 2026, sequence), "title": kind.label, "bureau": "秦皇岛市应急管理局",
            "unit_name": "秦皇岛市应急管理综合行政执法支队一大队", "issued_on": ISSUED_ON, "enterprise": dict(ENTERPRISE)}


def _visit_context(kind: DocumentKind, sequence: int) -> dict[str, Any]:
    """``issue_visit_document``: the visit's day, team, items and tasks."""
    return {**_common(kind, sequence), "visit_day": date(2026, 11, 10), "team": TEAM,
            "items": [{"code": "GM-001", "name": "安全生产教育培训",
                       "legal_basis": "《中华人民共和国安全生产法》第二十八条"},
                      {"code": "GM-014", "name": "粉尘防爆", "legal_basis": "《工贸企业粉尘防爆安全规定》"}],
            "tasks": [{"plan_no": "QHD-2026-004", "task_no": "T03"}]}


def notice() -> dict[str, Any]:
    return _visit_context(DocumentKind.NOTICE, 1)


def inspection_record() -> dict[str, Any]:
    return {**_visit_context(DocumentKind.INSPECTION_RECORD, 2),
            "checked_in_at": datetime(2026, 11, 10, 9, 5, tzinfo=CST),
            "checked_out_at": datetime(2026, 11, 10, 11, 40, tzinfo=CST), "late": True,
            "late_reason": "途中交通管制", "findings": [
                {"item_name": "安全生产教育培训", "outcome_label": "不符合", "note": "抽查5名从业人员培训档案",
                 "hazards": [{"level_label": "一般事故隐患", "description": "3名新上岗从业人员无岗前培训记录",
                              "location": "抛光车间", "legal_basis": "《中华人民共和国安全生产法》第二十八条第一款"}]},
                {"item_name": "粉尘防爆", "outcome_label": "不符合", "note": None,
                 "hazards": [{"level_label": "重大事故隐患", "description": "除尘系统未设置锁气卸灰装置",
                              "location": "抛光车间除尘器", "legal_basis": "《工贸企业粉尘防爆安全规定》第十三条"}]}]}


def rectification_order() -> dict[str, Any]:
    """``issue_order``."""
    return {**_common(DocumentKind.RECTIFICATION_ORDER, 3), "items": ORDER_ITEMS, "deadline": DEADLINE,
            "deadline_basis": "13 个工作日", "check_date": date(2026, 11, 10)}


def reinspection_opinion() -> dict[str, Any]:
    """``reinspect``."""
    return {**_common(DocumentKind.REINSPECTION_OPINION, 4), "order_number": document_number("ZF1", 2026, 3),
            "issued_on_order": ISSUED_ON, "deadline": DEADLINE,
            "items": [{k: i[k] for k in ("problem", "legal_basis", "major")} for i in ORDER_ITEMS],
            "reinspectors": [{"name": "李明", "cert_no": "13030021001"}, {"name": "孙丽", "cert_no": "13030021023"}],
            "reinspected_on": date(2026, 11, 24), "rectified": False,
            "opinion": "第1项已整改；第2项除尘系统锁气卸灰装置仍未安装，重大事故隐患未消除。"}


def case_transfer() -> dict[str, Any]:
    """``transfer_case``."""
    return {**_common(DocumentKind.CASE_TRANSFER, 5), "receiver": "秦皇岛市应急管理局法规科",
            "kind_label": "移送立案查处（本局）", "reason": "重大事故隐患经复查未整改，涉嫌违反《中华人民共和国安全生产法》第一百零二条",
            "result_types": ["发现问题待整改", "不配合检查"], "check_date": date(2026, 11, 10),
            "summary": "企业抛光车间除尘系统未设置锁气卸灰装置，经责令限期整改后复查仍未整改。"}


CONTEXTS: dict[DocumentKind, Callable[[], dict[str, Any]]] = {
    DocumentKind.NOTICE: notice, DocumentKind.INSPECTION_RECORD: inspection_record,
    DocumentKind.RECTIFICATION_ORDER: rectification_order, DocumentKind.REINSPECTION_OPINION: reinspection_opinion,
    DocumentKind.CASE_TRANSFER: case_transfer}

#: Besides number, title and enterprise: a legal basis and the date that matters, and what the kind must state.
EXPECTED: dict[DocumentKind, list[str]] = {
    DocumentKind.NOTICE: ["《工贸企业粉尘防爆安全规定》", "2026年11月10日", "13030021001", "第六十六条"],
    DocumentKind.INSPECTION_RECORD: ["《工贸企业粉尘防爆安全规定》第十三条", "2026年11月10日9时05分至11时40分",
                                     "李明", "13030021001", "13030021017", "被检查单位负责人（签字）：",
                                     "途中交通管制"],
    DocumentKind.RECTIFICATION_ORDER: ["《工贸企业粉尘防爆安全规定》第十三条", "于2026年11月20日前整改完毕",
                                       "13 个工作日", "书面报告", "六十日内", "秦皇岛市人民政府", "六个月内",
                                       "被检查单位负责人（签字）：", "（印章）", "2026年11月3日"],
    DocumentKind.REINSPECTION_OPINION: ["《中华人民共和国安全生产法》第二十八条第一款", "2026年11月20日",
                                        "秦应急执一〔2026〕第 3 号", "2026年11月24日", "13030021023",
                                        "未按要求完成整改"],
    DocumentKind.CASE_TRANSFER: ["秦皇岛市应急管理局法规科：", "第一百零二条", "2026年11月10日", "不配合检查",
                                 "案件移送书回执", "接收人（签字）"],
}


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the PDF documents must be tested)")
    pytest.skip(reason)


def _squeeze(text: str) -> str:
    """Text without whitespace: extraction breaks lines where the layout wrapped them."""
    return "".join(text.split())


def _pdf_text(pdf: bytes) -> tuple[str, int]:
    """The text of the PDF and its number of pages."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            _unavailable("neither pypdf nor pdftotext (poppler-utils) is installed to read the PDF")
        pages = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True,  # noqa: S603
                               timeout=30).stdout.decode()
        return pages, pages.count("\f") or 1
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _font_names(pdf: bytes) -> set[str]:
    try:
        from pypdf import PdfReader
    except ImportError:
        pdffonts = shutil.which("pdffonts")
        if pdffonts is None:
            return set()
        out = subprocess.run([pdffonts, "-"], input=pdf, capture_output=True, check=True, timeout=30).stdout.decode()  # noqa: S603
        return {line.split()[0] for line in out.splitlines()[2:] if line.strip()}
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        names |= {str(font.get_object().get("/BaseFont")) for font in fonts.values()}
    return names


def _is_noto_cjk(font_name: str, styles: tuple[str, ...] = ("Serif", "Sans")) -> bool:
    """"/BYMOGM+Noto-Serif-CJK-SC-Bold" (a subset): WeasyPrint writes the family with hyphens."""
    squeezed = font_name.replace("-", "").replace(" ", "")
    return any(f"Noto{style}CJK" in squeezed for style in styles)


@pytest.fixture(scope="module")
def renderer() -> WeasyPrintRenderer:
    made = WeasyPrintRenderer()
    try:
        made.check()
    except DocumentsUnavailable as exc:
        _unavailable(str(exc))
    probe = made.render(DocumentKind.NOTICE, notice())
    if not any(_is_noto_cjk(name) for name in _font_names(probe)):
        _unavailable(f"the PDF does not embed a Noto CJK font (apt-get install fonts-noto-cjk): {_font_names(probe)}")
    return made


@pytest.fixture(scope="module")
def pdfs(renderer: WeasyPrintRenderer) -> dict[DocumentKind, bytes]:
    return {kind: renderer.render(kind, make()) for kind, make in CONTEXTS.items()}


def test_every_kind_has_a_template() -> None:
    assert set(CONTEXTS) == set(DocumentKind)
    assert all((TEMPLATES / f"{kind.value}.html").is_file() for kind in DocumentKind)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_document_text(pdfs: dict[DocumentKind, bytes], kind: DocumentKind) -> None:
    pdf = pdfs[kind]
    assert pdf.startswith(b"%PDF-")
    text, pages = _pdf_text(pdf)
    flat = _squeeze(text)
    context = CONTEXTS[kind]()
    for expected in [context["number"], "秦皇岛市应急管理局", kind.label, ENTERPRISE["name"], *EXPECTED[kind]]:
        assert _squeeze(expected) in flat, f"{kind.value}: {expected!r} not in the PDF text:\n{text}"
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in flat, f"{kind.value}: no page line for page {page}"


def test_fonts_are_embedded_cjk(pdfs: dict[DocumentKind, bytes]) -> None:
    names = _font_names(pdfs[DocumentKind.RECTIFICATION_ORDER])
    assert any(_is_noto_cjk(name, ("Serif",)) for name in names), names


def test_user_text_is_escaped() -> None:
    context = rectification_order()
    context["enterprise"]["name"] = "<b>某</b>公司"
    html = WeasyPrintRenderer().html(DocumentKind.RECTIFICATION_ORDER, context)
    assert "&lt;b&gt;某&lt;/b&gt;公司" in html
    assert "<b>某</b>" not in html


def test_a_missing_key_is_an_error_not_a_blank() -> None:
    context = rectification_order()
    del context["deadline"]
    with pytest.raises(jinja2.UndefinedError):
        WeasyPrintRenderer().html(DocumentKind.RECTIFICATION_ORDER, context)


def test_render_is_fast_and_stable_after_warm_up(renderer: WeasyPrintRenderer, pdfs: dict[DocumentKind, bytes]) -> None:
    started = time.perf_counter()
    again = renderer.render(DocumentKind.RECTIFICATION_ORDER, rectification_order())
    elapsed = time.perf_counter() - started
    assert elapsed < 1.5, f"rendering took {elapsed:.2f} s"
    assert _pdf_text(again) == _pdf_text(pdfs[DocumentKind.RECTIFICATION_ORDER])


def test_chinese_dates() -> None:
    assert cn_date(date(2026, 11, 3)) == "2026年11月3日"
    assert cn_date(datetime(2026, 1, 9, 23, 0, tzinfo=CST)) == "2026年1月9日"
    assert cn_date(None) == "____年__月__日"
    start = datetime(2026, 11, 10, 9, 5, tzinfo=CST)
    assert cn_datetime(start) == "2026年11月10日9时05分"
    assert cn_time_same_day(start + timedelta(hours=2), start) == "11时05分"
    assert cn_time_same_day(start + timedelta(days=1), start) == "2026年11月11日9时05分"
