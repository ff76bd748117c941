"""Reading and verifying the audit trail (auditor only).

The links alone find a changed, removed or reordered record. The signed statements find what the links cannot:
a chain shorter than a signed checkpoint (its tail cut off), a record that no longer carries the hash a checkpoint
signed (a rewrite that recomputed every hash), and an anchor (left by a purge) that is not signed by this system.
"""

from __future__ import annotations

import base64

from app.domain.audit.model import Anchor, ChainReport, ChainVerifier, Checkpoint
from app.domain.auth.model import Permission, Principal
from app.domain.onsite.checkin import verifiers
from app.domain.onsite.codes import Verifier
from app.domain.ports import SignatureSuite, UnitOfWork


def signed(item: Checkpoint | Anchor, known: dict[str, Verifier]) -> bool:
    """Whether a checkpoint or anchor carries a valid signature of one of this system's keys (not revoked)."""
    verifier = known.get(item.kid)
    if verifier is None or verifier.algorithm != item.algorithm:
        return False
    try:
        signature = base64.urlsafe_b64decode(item.signature + "=" * (-len(item.signature) % 4))
    except ValueError:
        return False
    return verifier.verify(item.statement(), signature)


async def verify_chain(uow: UnitOfWork, principal: Principal, suite: SignatureSuite) -> ChainReport:
    """Recompute every link from the newest signed anchor (or the genesis), streaming the trail in batches, and
    compare the chain with every signed checkpoint after the anchor; stops at the first problem."""
    principal.require(Permission.AUDIT_READ)
    async with uow:
        known = await verifiers(uow, suite)
        report = await _verify(uow, known)
        if not report.ok and report.problem == "gap" and report.checked == 0:
            # A purge that committed between reading the anchor and reading the first records looks like a gap at
            # the start: read again from its anchor.
            anchor = await uow.audit_anchors.latest()
            if (anchor.seq if anchor else None) != report.anchor_seq:
                report = await _verify(uow, known)
    return report


async def _verify(uow: UnitOfWork, known: dict[str, Verifier]) -> ChainReport:
    anchor = await uow.audit_anchors.latest()
    chain = ChainVerifier(anchor)
    if anchor is not None and not signed(anchor, known):
        chain.fail(anchor.seq, "anchor", "本系统签名的清理锚点", "签名无效的清理锚点")
        return chain.report()
    floor = anchor.seq if anchor else 1
    checkpoints = [c for c in await uow.audit_checkpoints.since(floor) if signed(c, known)]
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    if anchor is not None:
        for checkpoint in by_seq.pop(anchor.seq, []):
            if checkpoint.head_hash != anchor.hash:
                chain.fail(anchor.seq, "anchor", checkpoint.head_hash, anchor.hash)
                return chain.report()
    newest = max((c.seq for c in checkpoints), default=None)
    async for batch in uow.audit.batches():
        for record in batch:
            if not chain.feed((record,)):
                return chain.report(newest)
            for checkpoint in by_seq.get(record.seq, ()):
                if checkpoint.head_hash != record.hash:
                    chain.fail(record.seq, "checkpoint", checkpoint.head_hash, record.hash)
                    return chain.report(newest)
    if newest is not None and chain.head_seq < newest:
        chain.fail(chain.head_seq + 1, "truncated", f"seq {newest}", f"seq {chain.head_seq}")
    return chain.report(newest)
