"""Reading and verifying the audit trail (auditor only)."""

from __future__ import annotations

from app.domain.audit.model import ChainReport, ChainVerifier
from app.domain.auth.model import Permission, Principal
from app.domain.ports import UnitOfWork


async def verify_chain(uow: UnitOfWork, principal: Principal) -> ChainReport:
    """Recompute every link, streaming the trail in batches; stops at the first broken one."""
    principal.require(Permission.AUDIT_READ)
    verifier = ChainVerifier()
    async with uow:
        async for batch in uow.audit.batches():
            if not verifier.feed(batch):
                break
    return verifier.report()
