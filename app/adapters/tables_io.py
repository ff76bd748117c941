"""Reading uploaded tables: CSV (UTF-8, with or without BOM, or GB18030 as saved by Excel on
Chinese Windows) and XLSX (openpyxl, read-only streaming). The file's bytes decide, not its name."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from app.domain.directories.importing import Table
from app.domain.errors import InvalidInput, UnsupportedMediaType

XLSX_MAGIC = b"PK\x03\x04"


def _unsupported(filename: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(f"文件“{filename}”不是 CSV 或 XLSX 表格", f"'{filename}' is neither CSV nor XLSX",
                                code="import.unsupported_file")


class SpreadsheetReader:
    def read(self, content: bytes, filename: str) -> Table:
        if not content.strip():
            raise InvalidInput("上传的文件是空的", "the uploaded file is empty", code="import.empty_file")
        if content.startswith(XLSX_MAGIC):
            return self._xlsx(content, filename)
        if filename.lower().endswith((".xlsx", ".xls", ".xlsm")) or b"\x00" in content[:4096]:
            raise _unsupported(filename)
        return self._csv(content)

    def _csv(self, content: bytes) -> Table:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte sequence
            raise InvalidInput("无法识别文件编码，请保存为 UTF-8", "unknown encoding", code="import.encoding")
        sample = text[:4096]
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        header = next(reader, [])
        return Table(header=[h.strip() for h in header], rows=reader, text_only=True)

    def _xlsx(self, content: bytes, filename: str) -> Table:
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise _unsupported(filename) from exc
        sheet = workbook.worksheets[0]
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        return Table(header=["" if h is None else str(h).strip() for h in header], rows=_xlsx_rows(rows))


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[Any]]:
    for row in rows:
        # Whole numbers come back as floats from spreadsheet cells typed as numbers (e.g. county codes).
        yield [int(v) if isinstance(v, float) and v.is_integer() else v for v in row]
