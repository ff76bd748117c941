"""Stored signing keys as signers and verifiers (the ``SignatureSuite`` port)."""

from __future__ import annotations

from app.adapters.signing import ED25519, Ed25519Signer, generate_ed25519, verifier_for
from app.domain.errors import Conflict
from app.domain.onsite.codes import Signer, Verifier
from app.domain.onsite.model import SigningKey


class KeySuite:
    """New keys are Ed25519; stored keys of any registered algorithm verify."""

    def generate(self, kid: str) -> SigningKey:
        _signer, private_raw, public_raw = generate_ed25519(kid)
        return SigningKey(kid, ED25519, public_raw, private_raw)

    def signer(self, key: SigningKey) -> Signer:
        if key.algorithm != ED25519:
            raise Conflict(f"签名密钥 {key.kid} 的算法 {key.algorithm} 不能用于签发", "cannot sign with this algorithm",
                           code="code.signer_invalid")
        return Ed25519Signer.from_raw(key.kid, key.private_key)

    def verifier(self, key: SigningKey) -> Verifier:
        return verifier_for(key.kid, key.algorithm, key.public_key)
