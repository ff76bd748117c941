"""Retention of the audit trail: records older than the retention (at least 186 days) are purged, but only up to a
signed checkpoint, and only after the chain up to it has been verified. The purge leaves a signed anchor (the last
purged record's number and hash) that verification starts from instead of the genesis, and is itself audited."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.audit.model import Anchor, AuditEvent, ChainVerifier
from app.domain.audit.service import signed
from app.domain.errors import Conflict, InvalidInput
from app.domain.onsite.checkin import keyring
from app.domain.ports import SignatureSuite, UnitOfWork

#: Never shorter (the database refuses shorter too).
MIN_RETENTION_DAYS = 186


@dataclass(frozen=True, slots=True)
class PurgeReport:
    purged: int
    cutoff: datetime
    #: The anchor left by this purge (None: nothing was due).
    anchor: Anchor | None
    #: Why nothing was purged.
    reason: str | None = None


async def purge_expired(uow: UnitOfWork, suite: SignatureSuite, *, retention_days: int, by: str) -> PurgeReport:
    """Remove the records older than ``retention_days`` up to the newest signed checkpoint that covers only such
    records; refuse when the chain up to there does not verify (a purge must never destroy evidence)."""
    if retention_days < MIN_RETENTION_DAYS:
        raise InvalidInput(f"审计记录保存期限不得少于 {MIN_RETENTION_DAYS} 天", f"retention below {MIN_RETENTION_DAYS} days",
                           code="audit.retention_too_short", details={"field": "retention_days"})
    async with uow:
        cutoff = uow.now - timedelta(days=retention_days)
        anchor = await uow.audit_anchors.latest()
        start = anchor.seq if anchor else 0
        young = await uow.audit.first_since(cutoff)
        signer, known = await keyring(uow, suite)
        if anchor is not None and not signed(anchor, known):
            raise Conflict(f"第 {anchor.seq} 条记录处的清理锚点未经本系统签名，拒绝清理",
                           "the newest purge anchor is not signed by this system; nothing purged",
                           code="audit.purge_refused", details={"anchor_seq": anchor.seq})
        # Every record up to the boundary is older than the cutoff (``at`` is not strictly increasing with ``seq``).
        checkpoints = [c for c in await uow.audit_checkpoints.since(start + 1)
                       if (young is None or c.seq < young) and signed(c, known)]
        if not checkpoints:
            return PurgeReport(0, cutoff, None, "没有早于保存期限、已签名的检查点可作为清理边界")
        boundary = max(checkpoints, key=lambda c: c.seq)
        chain = ChainVerifier(anchor)
        async for batch in uow.audit.batches():
            if not chain.feed(r for r in batch if r.seq <= boundary.seq) or batch[-1].seq >= boundary.seq:
                break
        report = chain.report()
        if not report.ok or chain.head_seq != boundary.seq or report.head_hash != boundary.head_hash:
            raise Conflict(f"审计链校验未通过（第 {report.broken_seq or chain.head_seq + 1} 条记录），拒绝清理",
                           "the audit chain does not verify up to the checkpoint; nothing purged",
                           code="audit.purge_refused", details={"broken_seq": report.broken_seq,
                                                                "checkpoint_seq": boundary.seq})
        unsigned = Anchor(boundary.seq, boundary.head_hash, uow.now, cutoff, boundary.seq - start, signer.kid,
                          signer.algorithm, "")
        signature = base64.urlsafe_b64encode(signer.sign(unsigned.statement())).decode().rstrip("=")
        made = Anchor(unsigned.seq, unsigned.hash, unsigned.at, unsigned.cutoff, unsigned.purged, unsigned.kid,
                      unsigned.algorithm, signature)
        await uow.audit_anchors.add(made)
        purged = await uow.audit.purge(made.seq, retention_days)
        if purged != made.purged:
            raise Conflict("清理的记录数与校验的不符，已撤销清理", "purged count differs from the verified segment",
                           code="audit.purge_refused", details={"expected": made.purged, "purged": purged})
        uow.audit.record(AuditEvent("audit.purge", "audit_anchor", str(made.seq), None, {
            "seq": made.seq, "hash": made.hash, "purged": purged, "first_purged_seq": start + 1,
            "retention_days": retention_days, "cutoff": cutoff.isoformat(), "kid": made.kid, "by": by}))
        await uow.commit()
    return PurgeReport(purged, cutoff, made)
