"""Stored signing keys as signers and verifiers (the ``SignatureSuite`` port)."""

from __future__ import annotations

import functools

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
        return _verifier(key.kid, key.algorithm, bytes(key.public_key))


@functools.lru_cache(maxsize=256)
def _verifier(kid: str, algorithm: str, public_raw: bytes) -> Verifier:
    """Loading a public key costs as much as a verification: each stored key is loaded once. Keyed by the key's
    bytes too, so a key id can never stand for other key material; a revoked key is not read, so never asked."""
    return verifier_for(kid, algorithm, public_raw)
