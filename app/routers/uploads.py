"""Uploaded tables: size limit and the import report shared by the directory imports."""

from __future__ import annotations

from fastapi import UploadFile

from app.domain.directories.importing import ImportReport
from app.domain.errors import PayloadTooLarge
from app.routers.schemas.directories import ImportReportOut, RowErrorOut


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The file's bytes, refusing anything over ``limit`` without reading further."""
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"文件超过 {limit // (1024 * 1024)} MB 上限", f"file exceeds {limit} bytes",
                              details={"max_bytes": limit})
    return content


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        filename=report.filename, sha256=report.sha256, mode=report.mode.value, dry_run=report.dry_run,
        applied=report.applied, total=report.total, created=report.created, updated=report.updated,
        unchanged=report.unchanged, rejected=report.rejected,
        errors=[RowErrorOut(row=r.row, key=r.key, errors=[p.as_dict() for p in r.errors]) for r in report.errors],
    )
