"""File bytes: a content-addressed store outside the database.

Besides ``put``/``open``, a store keeps *upload sessions*: one blob sent in numbered parts, over as
many requests (and server restarts) as it takes. A session's state lives in the store itself (local:
``<root>/tmp/uploads/<id>/``; S3: the multipart upload plus a small JSON object), so any server
process can resume it. The service (``service/blob_transfers.py``) chooses part sizes and checks
part numbers; a store checks what only it can: bytes, sizes and the final SHA-256.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Protocol

from trackwell.schema.errors import TrackwellError

_DIGEST = re.compile(r"[0-9a-f]{64}")


def valid_digest(sha256: object) -> str | None:
    """The digest in lower case when it is 64 hex digits, else None. Every key or path a store
    builds from a digest goes through this first, so no "digest" can name anything else."""
    digest = sha256.lower() if isinstance(sha256, str) else ""
    return digest if _DIGEST.fullmatch(digest) else None


class UploadBusy(TrackwellError):
    """Another request is completing this upload (verifying a big blob takes a while): retry in a
    few seconds; the retry answers the blob once it is stored. 503, so clients retry it."""

    code = "upload_in_progress"
    http_status = 503


def completion_stale_after(size: int) -> float:
    """Seconds after which a completion that has not finished is taken to have died with its
    server (and may be taken over): a minute plus the time to read the blob at 10 MB/s."""
    return 60.0 + size / 10e6


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    size: int


@dataclass(slots=True)
class BlobWriteResult:
    info: BlobInfo
    created: bool = field(default=True)


@dataclass(frozen=True, slots=True)
class PartInfo:
    """One received part of an upload session (``etag``: S3's, which its completion needs)."""

    number: int
    size: int
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class UploadState:
    """An unfinished upload session as the store keeps it; ``parts`` are those received so far."""

    upload_id: str
    sha256: str
    size: int
    part_size: int
    created_at: float
    parts: tuple[PartInfo, ...] = ()

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def expected_size(self, number: int) -> int:
        """The size part ``number`` (1-based) must have: ``part_size``, the last one the rest."""
        return min(self.part_size, self.size - (number - 1) * self.part_size)

    def good_parts(self) -> list[PartInfo]:
        """The received parts that have their expected size (S3 keeps whatever a client sent)."""
        return [
            p
            for p in self.parts
            if 1 <= p.number <= self.part_count and p.size == self.expected_size(p.number)
        ]

    def missing_parts(self) -> list[int]:
        """Part numbers not received, or received with the wrong size."""
        have = {p.number for p in self.good_parts()}
        return [n for n in range(1, self.part_count + 1) if n not in have]


class BlobStore(Protocol):
    """Content-addressed bytes: the same content is stored once, named by its sha256."""

    def put(self, data: bytes | IO[bytes], expected_sha256: str | None = None) -> BlobWriteResult:
        """Store the bytes. With ``expected_sha256``, bytes whose digest differs are discarded and
        ``InvalidArgument`` names both digests: nothing is ever stored under a wrong name."""

    def open(self, sha256: str) -> IO[bytes]:
        """A readable, seekable handle. Raise ``trackwell.schema.errors.NotFound`` when absent."""

    def exists(self, sha256: str) -> bool: ...

    def iter_chunks(self, sha256: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def stat(self, sha256: str) -> BlobInfo:
        """The blob's size; ``NotFound`` when absent."""

    def missing(self, digests: Sequence[str]) -> list[str]:
        """Those of ``digests`` (valid, lower case) the store lacks, in the given order; one call
        for a whole batch (up to 10,000)."""

    def download_url(self, sha256: str, expires_in: int) -> str | None:
        """A URL the client may GET the bytes from directly (a presigned S3 URL), or None when the
        bytes are served by this server."""

    # Upload sessions (resumable uploads in parts).

    def find_upload(self, sha256: str, size: int) -> UploadState | None:
        """The unfinished session for this digest and size, with its received parts, if any."""

    def create_upload(self, sha256: str, size: int, part_size: int, now: float) -> UploadState: ...

    def get_upload(self, upload_id: str) -> UploadState:
        """The session with its received parts; ``NotFound`` (naming the id) when unknown."""

    def part_urls(self, state: UploadState, numbers: Sequence[int], expires_in: int) -> dict[int, str] | None:
        """Presigned URLs the client PUTs parts to directly (S3), or None: parts come through
        :meth:`put_part`."""

    def put_part(self, upload_id: str, number: int, data: IO[bytes], expected_size: int) -> PartInfo:
        """Store one part (replacing an earlier copy); ``InvalidArgument`` when its size differs."""

    def complete_upload(self, upload_id: str, parts: Sequence[PartInfo]) -> BlobWriteResult:
        """Assemble the parts in order, verify the SHA-256 against the session's digest, publish the
        blob atomically and remove the session. On a mismatch the session is discarded and
        ``InvalidArgument`` names the digests (the client starts again). While another request is
        completing the same session: ``UploadBusy`` (503); a completion whose server died is taken
        over once stale (:func:`completion_stale_after`)."""

    def abort_upload(self, upload_id: str) -> None: ...

    def expire_uploads(self, started_before: float) -> int:
        """Remove sessions started before this time; how many were removed."""
