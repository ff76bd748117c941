"""Enforcement documents (执法文书) as PDF: Jinja2 templates (``app/templates/documents/<kind>.html``, autoescaped)
rendered by WeasyPrint on A4 with the Noto CJK fonts (Debian ``fonts-noto-cjk``), so the Chinese text is embedded as
text. Implements the domain's ``DocumentRenderer`` port.

WeasyPrint needs Pango (Debian ``libpango-1.0-0``, ``libpangoft2-1.0-0``, ``libharfbuzz-subset0``); it is loaded with
the first document, so the service starts without it and only issuing a document fails."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from app.domain.errors import ServiceUnavailable
from app.domain.followup.model import DocumentKind

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "documents"
#: The first family present on the machine is used; the CSS names them in this order.
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
#: Where an administrative reconsideration of the bureau's decisions is applied for: since the 2023 revision of the
#: 行政复议法, the people's government at the same level.
RECONSIDERATION_BODY = "秦皇岛市人民政府"


def cn_date(value: date | datetime | None) -> str:
    """2026年11月3日 (no leading zeros); an empty date leaves the blanks of a form: ``____年__月__日``."""
    if value is None:
        return "____年__月__日"
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_time(value: datetime | time) -> str:
    """9时05分."""
    return f"{value.hour}时{value.minute:02d}分"


def cn_datetime(value: datetime | None) -> str:
    """2026年11月3日9时05分."""
    if value is None:
        return cn_date(None) + "__时__分"
    return cn_date(value) + cn_time(value)


def cn_time_same_day(value: datetime | None, start: datetime | None) -> str:
    """The end of a period: only the time when it ends on the day it started."""
    if value is not None and start is not None and value.date() == start.date():
        return cn_time(value)
    return cn_datetime(value)


def blank_dash(value: Any) -> Any:
    """An empty value prints as "—" rather than nothing (or "None")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Markup("—")
    return value


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.update(cn_date=cn_date, cn_time=cn_time, cn_datetime=cn_datetime,
                       cn_time_same_day=cn_time_same_day, blank_dash=blank_dash)
    return env


class DocumentsUnavailable(ServiceUnavailable):
    """WeasyPrint, its system libraries or the CJK font is missing: no document can be issued on this machine."""

    code = "document.renderer_unavailable"

    def __init__(self, detail: str) -> None:
        super().__init__("文书生成组件未安装（WeasyPrint、Pango 或中文字体），暂不能生成文书，请联系系统管理员",
                         f"documents unavailable: {detail}")


def _font_families(family: str) -> list[str] | None:
    """The families fontconfig would use for ``family`` ([] when it has no font at all; None when it cannot be
    asked). Uses WeasyPrint's own binding of fontconfig, which is not public API: if it changes, nothing is checked."""
    try:
        from weasyprint.text.ffi import ffi, fontconfig
    except (ImportError, AttributeError):  # pragma: no cover - a WeasyPrint without the binding
        return None
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            return []
        found, value = [], ffi.new("FcChar8 **")
        try:
            while fontconfig.FcPatternGetString(match, b"family", len(found), value) == fontconfig.FcResultMatch:
                found.append(ffi.string(value[0]).decode())
        finally:
            fontconfig.FcPatternDestroy(match)
        return found
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


class _Engine:
    """WeasyPrint, loaded once per renderer."""

    def __init__(self) -> None:
        try:
            import weasyprint  # loads Pango: OSError when the system libraries are missing
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher
        except (ImportError, OSError) as exc:
            raise DocumentsUnavailable(
                f"WeasyPrint cannot be loaded ({exc}): pip install weasyprint; apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0 libharfbuzz-subset0") from exc
        for family in FONT_FAMILIES:
            found = _font_families(family)
            if found is None or family in found:
                break
        else:  # without it the Chinese text would print as boxes (and with no font at all Pango crashes)
            raise DocumentsUnavailable(f"none of the fonts {', '.join(FONT_FAMILIES)} is installed: "
                                       "apt-get install fonts-noto-cjk")
        self.html = weasyprint.HTML
        self.fonts = FontConfiguration()
        self.fetcher = URLFetcher(allowed_protocols=("data",))


class WeasyPrintRenderer:
    """``DocumentRenderer``: one Jinja environment and, from the first document on, one WeasyPrint
    ``FontConfiguration`` per instance (the fonts are looked up once, so a document renders in a fraction of a
    second after the first). Making one never fails; a machine without WeasyPrint or the font fails to render with
    ``DocumentsUnavailable`` (``check()`` tells in advance). External resources are never fetched: the templates
    are self-contained and only ``data:`` URLs are allowed."""

    def __init__(self, templates: Path = TEMPLATES, *, reconsideration_body: str = RECONSIDERATION_BODY) -> None:
        self._env = environment(templates)
        self._env.globals["reconsideration_body"] = reconsideration_body
        self._base_url = templates.as_uri() + "/"
        self._engine: _Engine | None = None
        self._lock = threading.Lock()  # one FontConfiguration, one render at a time

    def check(self) -> None:
        """Load WeasyPrint and make sure the font is there; raises ``DocumentsUnavailable`` otherwise."""
        with self._lock:
            self._load()

    def _load(self) -> _Engine:
        if self._engine is None:
            self._engine = _Engine()
        return self._engine

    def html(self, kind: DocumentKind, context: Mapping[str, Any]) -> str:
        """The document as HTML, before layout (to preview it in a browser)."""
        return self._env.get_template(f"{DocumentKind(kind).value}.html").render(context)

    def render(self, kind: DocumentKind, context: Mapping[str, Any]) -> bytes:
        html = self.html(kind, context)
        with self._lock:
            engine = self._load()
            document = engine.html(string=html, base_url=self._base_url, url_fetcher=engine.fetcher)
            pdf: bytes = document.write_pdf(font_config=engine.fonts)
        return pdf
