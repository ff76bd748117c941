"""案卷归档: one bundle per task (zip) with everything that shows how the task was done – the plan as published, the
draw bundles, the visits and their changes, check-ins, findings, photos, documents, results, publicity and the
audit records about them – plus a manifest of SHA-256 hashes. After archiving, the task's records are read-only.
Anyone holding a bundle can check it against its manifest (and against the hash recorded when it was made)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.domain.audit.model import AuditEvent, canonical_json
from app.domain.auth.model import Permission, Principal
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.followup.model import ArchivedTask
from app.domain.onsite.model import ResultStatus
from app.domain.plans.service import find_task
from app.domain.plans.snapshots import plan_snapshot
from app.domain.ports import FileStore, UnitOfWork
from app.domain.scheduling.model import Visit, VisitStatus

CST = timezone(timedelta(hours=8))
MANIFEST = "manifest.json"
OPEN_VISITS = (VisitStatus.PLANNED, VisitStatus.UNPLACED, VisitStatus.IN_PROGRESS)


def task_archived(plan_no: str, task_no: str) -> Conflict:
    return Conflict(f"任务 {plan_no}/{task_no} 已归档，案卷只读", "the task is archived and read-only",
                    code="task.archived", details={"plan_no": plan_no, "task_no": task_no})


async def ensure_open(uow: UnitOfWork, tasks: Iterable[tuple[str, str]]) -> None:
    """Refuses any change to records of an archived task (inside the caller's transaction)."""
    archived = await uow.followup.archived(sorted(set(tasks)))
    if archived:
        raise task_archived(*sorted(archived)[0])


async def ensure_visit_open(uow: UnitOfWork, visit: Visit) -> None:
    await ensure_open(uow, [(s.plan_no, s.task_no) for s in visit.sources])


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


@dataclass(frozen=True, slots=True)
class ArchiveBundle:
    archive: ArchivedTask
    content: bytes


async def archive_task(uow: UnitOfWork, principal: Principal, files: FileStore, plan_no: str,
                       task_no: str) -> ArchivedTask:
    """Build and keep the task's archive; refused while a visit is still open or a result unpublished."""
    principal.require(Permission.RESULTS_REVIEW)
    async with uow:
        plan = await uow.plans.get(plan_no)
        if plan is None:
            raise NotFound(f"抽查计划“{plan_no}”不存在", f"plan '{plan_no}' not found", code="plan.not_found")
        task = find_task(plan, task_no)
        principal.require_department(task.lead_department)
        if await uow.followup.archive(plan_no, task_no) is not None:
            raise task_archived(plan_no, task_no)
        draws = await uow.draws.for_task(plan_no, task_no)
        visits: dict[int, Visit] = {}
        for draw in draws:
            for visit in await uow.visits.find(draw_id=draw.draw_id):
                visits[visit.id or 0] = visit
        still_open = sorted(v.id or 0 for v in visits.values() if v.status in OPEN_VISITS)
        results = [r for v in visits.values() for r in await uow.onsite.results_of(v.id or 0)
                   if (r.plan_no, r.task_no) == (plan_no, task_no)]
        unpublished = sorted(r.id or 0 for r in results if r.status is not ResultStatus.PUBLISHED)
        if still_open or unpublished:
            raise Conflict("任务尚未办结：仍有未完成的检查或未公示的结果", "the task still has open visits or results",
                           code="archive.incomplete", details={"open_visits": still_open[:50],
                                                               "unpublished_results": unpublished[:50]})
        entries: dict[str, bytes] = {"plan.json": _json(plan_snapshot(plan)),
                                     "task.json": _json({"plan_no": plan_no, "task_no": task_no, "name": task.name})}
        for draw in draws:
            bundle = await uow.draws.bundle(draw.draw_id)
            entries[f"draws/{draw.draw_id}.json"] = bundle if bundle is not None else _json(asdict(draw))
        visit_ids = sorted(visits)
        check_ins = await uow.onsite.check_ins(visit_ids)
        visit_records, finding_records = [], []
        documents = []
        for visit_id in visit_ids:
            visit = visits[visit_id]
            visit_records.append({**asdict(visit), "changes": [asdict(c) for c in await uow.visits.changes(visit_id)]})
            for finding in await uow.onsite.findings(visit_id):
                finding_records.append(asdict(finding))
                for hazard in finding.hazards:
                    for photo in hazard.photos:
                        entries[f"photos/{photo.sha256}"] = files.get(photo.sha256)
            documents += await uow.followup.documents("visit", [str(visit_id)])
        entries["visits.json"] = _json(visit_records)
        entries["check_ins.json"] = _json([asdict(c) for c in check_ins.values()])
        entries["findings.json"] = _json(finding_records)
        entries["results.json"] = _json([asdict(r) for r in results])
        entries["publicity.json"] = _json([{"result_id": r.id, "uscc": r.uscc, "published_at": r.published_at,
                                            "published_by": r.published_by} for r in results])
        orders = [o for o in await uow.followup.orders() if o.visit_id in visits]
        transfers = [t for t in await uow.followup.transfers() if t.result_id in {r.id for r in results}]
        entries["rectifications.json"] = _json([asdict(o) for o in orders])
        entries["transfers.json"] = _json([asdict(t) for t in transfers])
        documents += await uow.followup.documents("rectification_order", [str(o.id) for o in orders])
        documents += await uow.followup.documents("case_transfer", [str(t.id) for t in transfers])
        for document in documents:
            entries[f"documents/{document.id}-{document.kind.value}.pdf"] = files.get(document.sha256)
        entries["documents.json"] = _json([asdict(d) for d in documents])
        related = {("draw", d.draw_id) for d in draws} | {("visit", str(i)) for i in visit_ids} \
            | {("inspection_result", str(r.id)) for r in results} \
            | {("rectification_order", str(o.id)) for o in orders} | {("case_transfer", str(t.id)) for t in transfers}
        excerpt = []
        async for batch in uow.audit.batches():
            excerpt += [asdict(r) for r in batch if (r.object_type, r.object_id) in related]
        entries["audit.json"] = _json(excerpt)
        manifest = {"plan_no": plan_no, "task_no": task_no, "archived_by": principal.username,
                    "archived_at": uow.now.isoformat(),
                    "files": [{"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                              for path, data in sorted(entries.items())]}
        manifest_bytes = canonical_json(manifest)
        content = _zip({**entries, MANIFEST: manifest_bytes}, uow.now)
        digest = files.put(content)
        archive = ArchivedTask(plan_no, task_no, digest, len(content), hashlib.sha256(manifest_bytes).hexdigest(),
                               len(entries), principal.username, uow.now)
        if not await uow.followup.add_archive(archive):
            raise task_archived(plan_no, task_no)
        uow.audit.record(AuditEvent("task.archive", "task", f"{plan_no}/{task_no}", None, {
            "sha256": digest, "manifest_sha256": archive.manifest_sha256, "files": len(entries), "size": len(content)}))
        await uow.commit()
    return archive


def _zip(entries: dict[str, bytes], at: datetime) -> bytes:
    stamp = at.astimezone(CST).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(entries):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[path])
    return buffer.getvalue()


async def download(uow: UnitOfWork, principal: Principal, files: FileStore, plan_no: str,
                   task_no: str) -> ArchiveBundle:
    principal.require(Permission.RESULTS_REVIEW)
    async with uow:
        archive = await uow.followup.archive(plan_no, task_no)
        if archive is None:
            raise NotFound("该任务尚未归档", "the task is not archived", code="archive.not_found")
        plan = await uow.plans.get(plan_no)
        if plan is not None:
            principal.require_department(find_task(plan, task_no).lead_department)
    return ArchiveBundle(archive, files.get(archive.sha256))


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    files: int
    manifest_sha256: str | None
    #: The archive this manifest was recorded for, when the service made it.
    recorded: ArchivedTask | None
    problems: list[str]


def check_bundle(content: bytes) -> tuple[str | None, list[str], int]:
    """Each file against the manifest (pure): (manifest hash, problems, files checked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        manifest_bytes = archive.read(MANIFEST)
        manifest = json.loads(manifest_bytes)
        listed = {f["path"]: f for f in manifest["files"]}
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InvalidInput("不是有效的案卷包（zip 或清单损坏）", "not a valid archive bundle",
                           code="archive.malformed", details={"field": "file"}) from exc
    problems = []
    for path, entry in sorted(listed.items()):
        if path not in names:
            problems.append(f"缺少文件：{path}")
            continue
        if hashlib.sha256(archive.read(path)).hexdigest() != entry.get("sha256"):
            problems.append(f"文件内容与清单不符：{path}")
    problems += [f"清单以外的文件：{name}" for name in sorted(names - set(listed) - {MANIFEST})]
    return hashlib.sha256(manifest_bytes).hexdigest(), problems, len(listed)


async def verify(uow: UnitOfWork, content: bytes) -> Verification:
    manifest_hash, problems, count = check_bundle(content)
    async with uow:
        recorded = await uow.followup.archive_by_manifest(manifest_hash) if manifest_hash else None
    if recorded is None:
        problems.append("清单的哈希值与本系统归档记录不符（清单可能被改动，或非本系统生成）")
    return Verification(not problems, count, manifest_hash, recorded, problems)
