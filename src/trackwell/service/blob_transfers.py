"""Blob transfers: which digests are missing, one-request and resumable uploads, download URLs.

The bytes of run files and artifacts are one content-addressed store (``store/base/blobs.py``); this
service is the HTTP-facing policy over it (docs/artifacts.md, "HTTP API"):

* every digest is checked (64 hex digits) before the store sees it, and answered in lower case;
* a session's part size is the server's choice: ``part_size`` (64 MiB by default), raised for very
  large blobs so that no upload has more than 10,000 parts (S3's limit), never below 5 MiB (S3's
  least part but the last);
* starting a session for a digest and size that already has an unfinished one answers that one
  with the parts it holds, so an interrupted upload sends only what is missing; sessions left
  unfinished for ``session_ttl`` (7 days) are removed, checked when sessions start;
* a retried ``complete`` of a session that already finished answers the stored blob.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import IO

from trackwell.schema.artifacts import (
    BlobDigests,
    BlobOut,
    BlobUrls,
    UploadComplete,
    UploadPart,
    UploadSession,
)
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base import BlobInfo, BlobStore
from trackwell.store.base.blobs import PartInfo, UploadState, valid_digest

MIB = 1 << 20
DEFAULT_PART_SIZE = 64 * MIB
MIN_PART_SIZE = 5 * MIB
MAX_PARTS = 10_000
SESSION_TTL = 7 * 24 * 3600.0
EXPIRE_EVERY = 600.0  # seconds between sweeps for abandoned sessions
DEFAULT_URL_EXPIRY = 6 * 3600  # presigned URLs: long enough for one big part on a slow link


def check_digest(value: object, field: str = "sha256") -> str:
    digest = valid_digest(value)
    if digest is None:
        raise InvalidArgument(
            f"{str(value)[:100]!r} is not a SHA-256 digest",
            field=field,
            hint="name a blob by the 64 hex digits of its bytes' SHA-256",
        )
    return digest


def blob_path(sha256: str) -> str:
    return f"/api/v1/blobs/{sha256}"


def choose_part_size(size: int, preferred: int) -> int:
    """``preferred``, or larger (whole MiB) when the blob would otherwise need over 10,000 parts."""
    needed = -(-size // MAX_PARTS)
    part = max(preferred, MIN_PART_SIZE, needed)
    return -(-part // MIB) * MIB


class BlobTransferService:
    def __init__(
        self,
        blobs: BlobStore,
        *,
        part_size: int = DEFAULT_PART_SIZE,
        url_expiry: int = DEFAULT_URL_EXPIRY,
        max_blob_bytes: int = 5 << 40,
        session_ttl: float = SESSION_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._blobs = blobs
        self._part_size = part_size
        self._url_expiry = url_expiry
        self._max_blob_bytes = max_blob_bytes
        self._session_ttl = session_ttl
        self._clock = clock
        self._last_sweep = float("-inf")

    # -- which blobs, where to read them -------------------------------------------------------------

    def missing(self, request: BlobDigests) -> BlobDigests:
        digests = self._digests(request)
        return BlobDigests(sha256=self._blobs.missing(digests))

    def urls(self, request: BlobDigests) -> BlobUrls:
        digests = self._digests(request)
        absent = self._blobs.missing(digests)
        if absent:
            shown = ", ".join(absent[:10]) + (f" and {len(absent) - 10} more" if len(absent) > 10 else "")
            raise NotFound(
                f"no blob {shown}", field="sha256", hint="upload them first (POST /api/v1/blobs/missing)"
            )
        return BlobUrls(urls={d: self.download_url(d) or blob_path(d) for d in digests})

    def download_url(self, sha256: str) -> str | None:
        """A presigned URL to send the client to (S3), or None: this server serves the bytes."""
        return self._blobs.download_url(check_digest(sha256), self._url_expiry)

    def describe(self, sha256: str) -> BlobInfo:
        return self._blobs.stat(check_digest(sha256))

    def stream(self, info: BlobInfo, byte_range: tuple[int, int] | None = None) -> Iterator[bytes]:
        """The bytes of a blob :meth:`describe` found: all, or ``first..last`` (inclusive)."""
        if byte_range is None:
            return self._blobs.iter_chunks(info.sha256)
        first, last = byte_range
        return _byte_slice(self._blobs.open(info.sha256), first, last)

    # -- uploads -------------------------------------------------------------------------------------

    def put(self, sha256: str, body: bytes | IO[bytes]) -> BlobOut:
        """One request: stored only when the bytes' SHA-256 is ``sha256``."""
        digest = check_digest(sha256)
        info = self._blobs.put(body, expected_sha256=digest).info
        return BlobOut(sha256=info.sha256, size=info.size)

    def start_upload(self, sha256: str, size: int) -> UploadSession:
        digest = check_digest(sha256)
        if not 0 <= size <= self._max_blob_bytes:
            raise InvalidArgument(
                f"an upload of {size} bytes is outside 0..{self._max_blob_bytes}",
                field="size",
                hint="send the blob's exact size in bytes",
            )
        now = self._clock()
        if now - self._last_sweep >= EXPIRE_EVERY:
            self._last_sweep = now
            self._blobs.expire_uploads(now - self._session_ttl)
        state = self._blobs.find_upload(digest, size)
        if state is None:
            state = self._blobs.create_upload(digest, size, choose_part_size(size, self._part_size), now)
        return self._session(state)

    def part_size(self, upload_id: str, number: int) -> int:
        """The exact size part ``number`` of this session must have (checks the number)."""
        state = self._blobs.get_upload(upload_id)
        count = state.part_count
        if not 1 <= number <= count:
            raise InvalidArgument(
                f"upload {upload_id} has parts 1..{count}, not {number}",
                field="n",
                hint=f"parts are numbered from 1; this one is split in {state.part_size}-byte parts",
            )
        return state.expected_size(number)

    def put_part(self, upload_id: str, number: int, body: IO[bytes]) -> UploadPart:
        expected = self.part_size(upload_id, number)
        part = self._blobs.put_part(upload_id, number, body, expected)
        return UploadPart(number=part.number, size=part.size, etag=part.etag)

    def complete(self, upload_id: str, request: UploadComplete) -> BlobOut:
        parts = [PartInfo(number=p.number, size=p.size, etag=p.etag) for p in request.parts]
        try:
            result = self._blobs.complete_upload(upload_id, parts)
        except NotFound:
            # A retried complete whose first try finished: the id names the digest, which is stored.
            digest = upload_id.partition("-")[0]
            if valid_digest(digest) is None or not self._blobs.exists(digest):
                raise
            return BlobOut(sha256=digest, size=self._blobs.stat(digest).size)
        return BlobOut(sha256=result.info.sha256, size=result.info.size)

    def abort(self, upload_id: str) -> None:
        self._blobs.abort_upload(upload_id)

    # -- helpers -------------------------------------------------------------------------------------

    def _session(self, state: UploadState) -> UploadSession:
        done = [UploadPart(number=p.number, size=p.size, etag=p.etag) for p in state.good_parts()]
        todo = state.missing_parts()
        return UploadSession(
            upload_id=state.upload_id,
            sha256=state.sha256,
            size=state.size,
            part_size=state.part_size,
            parts_done=done,
            part_urls=self._blobs.part_urls(state, todo, self._url_expiry),
            expires_at=state.created_at + self._session_ttl,
        )

    @staticmethod
    def _digests(request: BlobDigests) -> list[str]:
        return [check_digest(d, field=f"sha256[{i}]") for i, d in enumerate(request.sha256)]


def _byte_slice(handle: IO[bytes], first: int, last: int, chunk: int = MIB) -> Iterator[bytes]:
    with handle:
        handle.seek(first)
        left = last - first + 1
        while left > 0 and (data := handle.read(min(chunk, left))):
            left -= len(data)
            yield data
