"""Uploaded files on local disk, outside the database, named by their SHA-256 (written once, atomically)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from app.domain.errors import NotFound

HEX = frozenset("0123456789abcdef")


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= HEX:
            raise NotFound("文件不存在", "file not found", code="file.not_found")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("文件不存在", "file not found", code="file.not_found") from exc
        if hashlib.sha256(content).hexdigest() != sha256:
            raise NotFound("文件内容校验失败（可能已被篡改）", "stored file fails its hash check", code="file.corrupt")
        return content
