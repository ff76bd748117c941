"""Signatures of the codes for 扫码入企 (``app.domain.onsite.codes``): Ed25519 now; another algorithm (SM2 with SM3)
plugs in as one more entry of ``VERIFIERS``. Keys are made and signatures written with `cryptography`; signatures
are verified with libsodium (PyNaCl), the same algorithm at half the cost: every check-in verifies one."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from app.domain.errors import InvalidInput
from app.domain.onsite.codes import Verifier, is_key_id

ED25519 = "Ed25519"
ED25519_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64


class SigningKeyInvalid(InvalidInput):
    code = "signing.key_invalid"
    message_zh = "签名密钥不合规"
    message_en = "The signing key is not valid"


class AlgorithmUnsupported(InvalidInput):
    code = "signing.algorithm_unsupported"
    message_zh = "不支持的签名算法"
    message_en = "Unsupported signature algorithm"


def _check_kid(kid: str) -> str:
    if not is_key_id(kid):
        raise SigningKeyInvalid("密钥编号只能由 1～32 位字母、数字、下划线和连字符组成",
                                "a key id is 1 to 32 of A-Z a-z 0-9 _ -", details={"kid": str(kid)[:40]})
    return kid


def _raw_key(raw: bytes, what_zh: str, what_en: str) -> bytes:
    if not isinstance(raw, bytes | bytearray) or len(raw) != ED25519_KEY_BYTES:
        raise SigningKeyInvalid(f"Ed25519 {what_zh}应为 {ED25519_KEY_BYTES} 字节",
                                f"an Ed25519 {what_en} key is {ED25519_KEY_BYTES} bytes")
    return bytes(raw)


class Ed25519Verifier:
    algorithm = ED25519

    def __init__(self, kid: str, public_raw: bytes) -> None:
        self.kid = _check_kid(kid)
        self.public_raw = _raw_key(public_raw, "公钥", "public")
        self._key = VerifyKey(self.public_raw)

    @classmethod
    def from_raw(cls, kid: str, public_raw: bytes) -> Ed25519Verifier:
        return cls(kid, public_raw)

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != ED25519_SIGNATURE_BYTES:
            return False
        try:
            self._key.verify(message, signature)
        except BadSignatureError:  # libsodium also refuses non-canonical signatures and small-order keys
            return False
        return True


class Ed25519Signer:
    algorithm = ED25519

    def __init__(self, kid: str, private_key: Ed25519PrivateKey) -> None:
        self.kid = _check_kid(kid)
        self.private_key = private_key

    @classmethod
    def from_raw(cls, kid: str, private_raw: bytes) -> Ed25519Signer:
        return cls(kid, Ed25519PrivateKey.from_private_bytes(_raw_key(private_raw, "私钥", "private")))

    @property
    def private_raw(self) -> bytes:
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.kid, self.public_raw)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def generate_ed25519(kid: str) -> tuple[Ed25519Signer, bytes, bytes]:
    """A new key pair: the signer, the raw 32-byte private key (keep secret) and the raw 32-byte public key."""
    signer = Ed25519Signer(kid, Ed25519PrivateKey.generate())
    return signer, signer.private_raw, signer.public_raw


#: Algorithm id → constructor of a verifier from (kid, raw public key).
VERIFIERS: dict[str, Callable[[str, bytes], Verifier]] = {ED25519: Ed25519Verifier.from_raw}


def verifier_for(kid: str, algorithm: str, public_raw: bytes) -> Verifier:
    """The verifier of a stored public key; raises AlgorithmUnsupported for an algorithm without an implementation."""
    make = VERIFIERS.get(algorithm)
    if make is None:
        raise AlgorithmUnsupported(f"不支持的签名算法“{str(algorithm)[:40]}”（支持：{'、'.join(VERIFIERS)}）",
                                   f"unsupported signature algorithm {str(algorithm)[:40]!r}",
                                   details={"algorithm": str(algorithm)[:40], "supported": sorted(VERIFIERS)})
    return make(kid, public_raw)
