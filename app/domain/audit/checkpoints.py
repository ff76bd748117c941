"""Signed checkpoints of the audit chain. Each states the head (sequence number and hash) at a moment, signed
with the service's signing key; exported (daily) outside the database. Checking a checkpoint later against the
chain detects a rewrite even by someone who can recompute every hash: the record at the checkpoint's sequence
number no longer carries the signed hash."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from app.domain.audit.model import GENESIS_HASH, AuditEvent, ChainVerifier, Checkpoint
from app.domain.audit.service import signed
from app.domain.auth.model import Permission, Principal
from app.domain.onsite.checkin import keyring, verifiers
from app.domain.ports import SignatureSuite, UnitOfWork


async def make_checkpoint(uow: UnitOfWork, suite: SignatureSuite, by: str) -> Checkpoint:
    """Sign the chain's current head (inside a write unit of work, committed)."""
    async with uow:
        anchor = await uow.audit_anchors.latest()
        seq, head = (anchor.seq, anchor.hash) if anchor else (0, GENESIS_HASH)
        async for batch in uow.audit.batches():
            seq, head = batch[-1].seq, batch[-1].hash
        signer, _ = await keyring(uow, suite)
        checkpoint = Checkpoint(seq, head, uow.now, signer.kid, signer.algorithm, "")
        signature = base64.urlsafe_b64encode(signer.sign(checkpoint.statement())).decode().rstrip("=")
        checkpoint = Checkpoint(seq, head, uow.now, signer.kid, signer.algorithm, signature)
        await uow.audit_checkpoints.add(checkpoint)
        uow.audit.record(AuditEvent("audit.checkpoint", "audit_checkpoint", str(seq), None,
                                    {"seq": seq, "head_hash": head, "kid": signer.kid, "by": by}))
        await uow.commit()
    return checkpoint


@dataclass(frozen=True, slots=True)
class CheckpointReport:
    ok: bool
    seq: int
    problems: list[str]


async def verify_checkpoint(uow: UnitOfWork, principal: Principal, suite: SignatureSuite,
                            data: dict[str, Any]) -> CheckpointReport:
    """The checkpoint's signature, then the chain up to its sequence number and the hash it signed."""
    principal.require(Permission.AUDIT_READ)
    checkpoint = Checkpoint.parse(data)
    problems: list[str] = []
    async with uow:
        known = await verifiers(uow, suite)
        if not signed(checkpoint, known):
            verifier = known.get(checkpoint.kid)
            problems.append(f"签名密钥 {checkpoint.kid}（{checkpoint.algorithm}）不是本系统的有效密钥"
                            if verifier is None or verifier.algorithm != checkpoint.algorithm
                            else "检查点签名无效（检查点被改动或伪造）")
        anchor = await uow.audit_anchors.latest()
        if anchor is not None and not signed(anchor, known):
            problems.append(f"第 {anchor.seq} 条记录处的清理锚点签名无效")
        chain = ChainVerifier(anchor)
        found: str | None = GENESIS_HASH if checkpoint.seq == 0 else None
        if anchor is not None and checkpoint.seq <= anchor.seq:
            if checkpoint.seq == anchor.seq:
                found = anchor.hash
            else:
                problems.append(f"第 {checkpoint.seq} 条记录已按保存期限清理（清理锚点为第 {anchor.seq} 条），"
                                "该检查点只能与其后的检查点一并核验")
                return CheckpointReport(False, checkpoint.seq, problems)
        async for batch in uow.audit.batches():
            head = [r for r in batch if r.seq <= checkpoint.seq]
            if not chain.feed(head):
                break
            for record in head:
                if record.seq == checkpoint.seq:
                    found = record.hash
            if len(head) < len(batch):
                break
    report = chain.report()
    if not report.ok:
        problems.append(f"审计链在第 {report.broken_seq} 条记录处断裂（{report.problem}）")
    elif found is None:
        problems.append(f"审计链中已没有第 {checkpoint.seq} 条记录（记录被删除或截断）")
    elif found != checkpoint.head_hash:
        problems.append(f"第 {checkpoint.seq} 条记录的哈希与检查点不符：审计链在检查点之后被整体改写")
    return CheckpointReport(not problems, checkpoint.seq, problems)


def dumps(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint.as_json(), ensure_ascii=False, indent=2)


async def latest(uow: UnitOfWork, principal: Principal, limit: int = 30) -> list[Checkpoint]:
    principal.require(Permission.AUDIT_READ)
    async with uow:
        return await uow.audit_checkpoints.latest(limit)
