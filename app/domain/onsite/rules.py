"""Rules between result types and findings, and the checks on uploaded photos (pure)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.domain.errors import InvalidInput, PayloadTooLarge
from app.domain.onsite.model import NOT_INSPECTED, PROBLEMS, Finding, FindingOutcome, ResultType

#: Photo types accepted, by their magic bytes (the declared type must agree).
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC"}


def _invalid(zh: str, en: str, code: str, **details: object) -> InvalidInput:
    return InvalidInput(zh, en, code=code, details={"field": "types", **details})


def check_result_types(types: Sequence[ResultType], findings: Sequence[Finding], items: Collection[str]) -> None:
    """未发现问题 stands alone; a result saying the inspection could not take place (无法联系, 已关闭, 注销…)
    carries no inspection finding; problems need a non-compliant finding, 未发现问题 none; an inspected
    result needs a finding for every item of the task."""
    chosen = set(types)
    if not chosen:
        raise _invalid("请至少选择一项检查结果", "choose at least one result type", "result.types_empty")
    if len(chosen) != len(types):
        raise _invalid("检查结果重复", "a result type is repeated", "result.types_repeated")
    if ResultType.NO_PROBLEM in chosen and len(chosen) > 1:
        raise _invalid("“未发现问题”不能与其他检查结果同时选择", "未发现问题 excludes every other type",
                       "result.no_problem_exclusive")
    if chosen & NOT_INSPECTED and chosen & (PROBLEMS | {ResultType.NO_PROBLEM}):
        raise _invalid("未能实施检查的情形（无法联系、停业、注销、不配合等）不能与检查发现同时选择",
                       "a result saying the inspection could not take place excludes inspection findings",
                       "result.not_inspected_exclusive")
    if chosen & NOT_INSPECTED:
        return
    relevant = [f for f in findings if f.item_code in items]
    problems = [f.item_code for f in relevant if f.outcome is FindingOutcome.NON_COMPLIANT or f.hazards]
    if ResultType.NO_PROBLEM in chosen and problems:
        raise _invalid("检查发现不符合项或隐患，不能选择“未发现问题”", "findings show problems",
                       "result.contradicts_findings", items=problems)
    if chosen & PROBLEMS and not problems:
        raise _invalid("没有不符合项或隐患记录，不能选择“发现问题”", "no finding shows a problem",
                       "result.problem_without_finding")
    missing = sorted(set(items) - {f.item_code for f in relevant})
    if missing:
        raise _invalid(f"还有 {len(missing)} 项抽查事项未录入检查情况", "some items have no finding",
                       "result.findings_incomplete", items=missing)


def sniff_photo(content: bytes) -> str | None:
    """The image type the bytes really are (by magic numbers), or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if len(content) >= 12 and content[4:8] == b"ftyp" and content[8:12] in (b"heic", b"heix", b"mif1", b"heim"):
        return "image/heic"
    return None


def check_photo(content: bytes, declared: str | None, max_bytes: int) -> str:
    """The photo's type; refuses empty, oversized, non-image and disguised uploads (declared type ≠ content)."""
    if not content:
        raise InvalidInput("照片为空", "empty upload", code="photo.empty", details={"field": "file"})
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"照片超过 {max_bytes // (1024 * 1024)} MB 上限", "photo too large", code="photo.too_large",
                           details={"field": "file", "max_bytes": max_bytes})
    actual = sniff_photo(content)
    if actual is None:
        raise InvalidInput("只接受 JPEG、PNG、WebP、HEIC 格式的照片", "not an accepted image type",
                           code="photo.type_not_allowed", details={"field": "file"})
    if (declared or "").split(";")[0].strip().lower() != actual:
        raise InvalidInput("文件声明的类型与实际内容不符", "the declared type differs from the content",
                           code="photo.type_mismatch", details={"field": "file", "declared": declared, "actual": actual})
    return actual
