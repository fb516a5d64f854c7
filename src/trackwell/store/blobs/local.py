"""Content-addressed blobs in a local directory: ``<root>/ab/cd/<sha256>``.

Writes stream into a temporary file under ``<root>/tmp`` (same file system, so the final rename is
atomic) while hashing, are flushed to disk, and are then published under their digest. Readers
therefore never see a partial blob, and concurrent writers of the same content are safe: both
produce identical bytes and only the first publication counts as ``created``. Two levels of
two-hex-digit shards keep directories small (65,536 leaves) with millions of blobs.

Digests are validated (exactly 64 hex digits) before they touch a path, so a caller-supplied
"digest" such as ``../../etc/passwd`` can never escape the root.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from trackwell.schema.errors import NotFound
from trackwell.store.base import BlobInfo, BlobWriteResult

_DIGEST = re.compile(r"[0-9a-f]{64}")
COPY_CHUNK = 1 << 20


def _valid_digest(sha256: str) -> str | None:
    digest = sha256.lower() if isinstance(sha256, str) else ""
    return digest if _DIGEST.fullmatch(digest) else None


class LocalBlobStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        digest = _valid_digest(sha256)
        if digest is None:
            raise NotFound(f"no blob {sha256!r}", hint="a blob is named by 64 hex digits of its sha256")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes | IO[bytes]) -> BlobWriteResult:
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        tmp = Path(tmp_name)
        try:
            digest, size = self._write(fd, data)
            final = self.path_for(digest)
            final.parent.mkdir(parents=True, exist_ok=True)
            created = self._publish(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return BlobWriteResult(BlobInfo(sha256=digest, size=size), created=created)

    @staticmethod
    def _write(fd: int, data: bytes | IO[bytes]) -> tuple[str, int]:
        hasher = hashlib.sha256()
        size = 0
        with open(fd, "wb") as out:
            if isinstance(data, bytes | bytearray | memoryview):
                chunk = bytes(data)
                hasher.update(chunk)
                out.write(chunk)
                size = len(chunk)
            else:
                while chunk := data.read(COPY_CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            out.flush()
            # A crash must never leave a blob whose name promises content it does not hold.
            os.fsync(out.fileno())
        return hasher.hexdigest(), size

    @staticmethod
    def _publish(tmp: Path, final: Path) -> bool:
        """Move ``tmp`` to ``final``; False when the content was already there."""
        try:
            # link() fails when the name exists, which tells us the content is already stored.
            os.link(tmp, final)
            return True
        except FileExistsError:
            return False
        except OSError:
            # File systems without hard links: an atomic replace of identical content is harmless.
            existed = final.exists()
            os.replace(tmp, final)
            return not existed

    def open(self, sha256: str) -> IO[bytes]:
        path = self.path_for(sha256)
        try:
            return open(path, "rb")
        except FileNotFoundError:
            raise NotFound(f"no blob {sha256}", hint="upload the file first") from None

    def exists(self, sha256: str) -> bool:
        digest = _valid_digest(sha256)
        return digest is not None and self.path_for(digest).is_file()

    def iter_chunks(self, sha256: str, chunk_size: int = COPY_CHUNK) -> Iterator[bytes]:
        # Open eagerly so an unknown digest raises here, not at the first next().
        handle = self.open(sha256)
        return self._chunks(handle, chunk_size)

    @staticmethod
    def _chunks(handle: IO[bytes], chunk_size: int) -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(chunk_size):
                yield chunk
