"""QR code images of signed codes (to print at an enterprise's gate, to show on an inspector's phone) with `segno`:
error correction level M (about 15 % of the symbol may be damaged), the standard quiet zone of 4 modules."""

from __future__ import annotations

import io

import segno

from app.domain.errors import InvalidInput

ERROR_CORRECTION = "m"
BORDER = 4
MAX_SCALE = 40


class QrTooLong(InvalidInput):
    code = "qr.too_long"
    message_zh = "内容过长，无法生成二维码"
    message_en = "The text does not fit in a QR code"


def _make(text: str, scale: int) -> segno.QRCode:
    if type(scale) is not int or not 1 <= scale <= MAX_SCALE:
        raise InvalidInput(f"二维码缩放倍数应为 1～{MAX_SCALE}", f"the QR scale must be 1 to {MAX_SCALE}",
                           code="qr.scale_out_of_range", details={"scale": repr(scale)[:40]})
    try:
        return segno.make(text, error=ERROR_CORRECTION, micro=False, boost_error=False)
    except segno.DataOverflowError as exc:
        raise QrTooLong(details={"length": len(text)}) from exc


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A PNG image; each module ``scale`` pixels wide."""
    out = io.BytesIO()
    _make(text, scale).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()


def qr_svg(text: str, *, scale: int = 4, title: str | None = None) -> bytes:
    """An SVG image (UTF-8, with XML declaration); ``title`` becomes its ``<title>`` (escaped by segno)."""
    out = io.BytesIO()
    _make(text, scale).save(out, kind="svg", scale=scale, border=BORDER, title=title, encoding="utf-8")
    return out.getvalue()
