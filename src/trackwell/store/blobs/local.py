"""Content-addressed blobs in a local directory: ``<root>/ab/cd/<sha256>``.

Writes stream into a temporary file under ``<root>/tmp`` (same file system, so the final rename is
atomic) while hashing, are flushed to disk, and are then published under their digest. Readers
therefore never see a partial blob, and concurrent writers of the same content are safe: both
produce identical bytes and only the first publication counts as ``created``. Two levels of
two-hex-digit shards keep directories small (65,536 leaves) with millions of blobs.

Digests are validated (exactly 64 hex digits) before they touch a path, so a caller-supplied
"digest" such as ``../../etc/passwd`` can never escape the root. Upload sessions (parts) live in
``<root>/tmp/uploads/`` (:mod:`trackwell.store.blobs.local_uploads`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from trackwell.schema.errors import NotFound
from trackwell.store.base import BlobInfo, BlobWriteResult
from trackwell.store.base.blobs import valid_digest
from trackwell.store.blobs.common import COPY_CHUNK, digest_mismatch
from trackwell.store.blobs.local_uploads import LocalUploads


class LocalBlobStore(LocalUploads):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        super().__init__(self._tmp / "uploads")

    def path_for(self, sha256: str) -> Path:
        digest = valid_digest(sha256)
        if digest is None:
            raise NotFound(f"no blob {sha256!r}", hint="a blob is named by 64 hex digits of its sha256")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes | IO[bytes], expected_sha256: str | None = None) -> BlobWriteResult:
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        tmp = Path(tmp_name)
        try:
            with open(fd, "wb") as out:
                digest, size = _copy_hashing(data, out)
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise digest_mismatch(expected_sha256, digest, size)
            created = self.publish(tmp, digest)
        finally:
            tmp.unlink(missing_ok=True)
        return BlobWriteResult(BlobInfo(sha256=digest, size=size), created=created)

    def publish(self, tmp: Path, digest: str) -> bool:
        """Move a finished temporary file (under ``<root>/tmp``) to its digest's name; False when
        the content was already there."""
        final = self.path_for(digest)
        final.parent.mkdir(parents=True, exist_ok=True)
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
        digest = valid_digest(sha256)
        return digest is not None and self.path_for(digest).is_file()

    def stat(self, sha256: str) -> BlobInfo:
        path = self.path_for(sha256)
        try:
            return BlobInfo(sha256=path.name, size=path.stat().st_size)
        except FileNotFoundError:
            raise NotFound(f"no blob {sha256}", hint="upload the file first") from None

    def missing(self, digests: Sequence[str]) -> list[str]:
        return [d for d in digests if not self.exists(d)]

    def download_url(self, sha256: str, expires_in: int) -> str | None:
        return None  # served by the server itself (GET /api/v1/blobs/{sha256})

    def iter_chunks(self, sha256: str, chunk_size: int = COPY_CHUNK) -> Iterator[bytes]:
        # Open eagerly so an unknown digest raises here, not at the first next().
        handle = self.open(sha256)
        return self._chunks(handle, chunk_size)

    @staticmethod
    def _chunks(handle: IO[bytes], chunk_size: int) -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(chunk_size):
                yield chunk


def _copy_hashing(data: bytes | IO[bytes], out: IO[bytes]) -> tuple[str, int]:
    """Write ``data`` to ``out`` (flushed and fsynced) while hashing: (sha256, size)."""
    hasher = hashlib.sha256()
    size = 0
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
