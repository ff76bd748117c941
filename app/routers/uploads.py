"""Uploaded tables: size limit and the import report shared by the directory imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, File, Query, UploadFile

from app.deps import ContainerDep
from app.domain.directories.importing import ImportMode, ImportReport
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


@dataclass
class ImportRequest:
    """What a directory import receives: the file's bytes (within the upload limit) and its options."""

    content: bytes
    filename: str
    mode: ImportMode
    dry_run: bool
    max_rows: int


async def import_request(
    container: ContainerDep,
    file: Annotated[UploadFile, File(description="CSV（UTF-8 或 GB18030）或 XLSX，首行为表头")],
    mode: Annotated[ImportMode, Query(description="all_or_nothing：有错误行则全部不导入；valid_only：只导入正确的行")]
    = ImportMode.ALL_OR_NOTHING,
    dry_run: Annotated[bool, Query(description="只校验、不写入")] = False,
) -> ImportRequest:
    limits = container.settings.limits
    content = await read_upload(file, limits.max_upload_bytes)
    return ImportRequest(content, file.filename or "upload", mode, dry_run, limits.max_import_rows)


ImportUpload = Annotated[ImportRequest, Depends(import_request)]
