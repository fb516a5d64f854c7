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
* a retried ``complete`` of a session that already finished answers the stored blob;
* request bodies are written as they arrive (:meth:`BlobTransferService.receive_blob`,
  :meth:`~BlobTransferService.receive_part`): straight into the local store's files, or into a
  bounded spool for a store that needs the whole body (S3); downloads read a first chunk together
  with the lookup (:meth:`~BlobTransferService.open_read`), so a small blob is one hand-off to a
  worker thread.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from trackwell.schema.artifacts import (
    BlobDigests,
    BlobOut,
    BlobUrls,
    UploadComplete,
    UploadPart,
    UploadSession,
)
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.service.blob_batches import READ_BUDGET, BlobBatchRead, BlobBatchWrite
from trackwell.store.base import BlobInfo, BlobStore
from trackwell.store.base.blobs import BlobWriteResult, PartInfo, UploadState, valid_digest
from trackwell.store.blobs.common import BlobSink, WritesInPlace

MIB = 1 << 20
DEFAULT_PART_SIZE = 64 * MIB
MIN_PART_SIZE = 5 * MIB
MAX_PARTS = 10_000
SESSION_TTL = 7 * 24 * 3600.0
EXPIRE_EVERY = 600.0  # seconds between sweeps for abandoned sessions
DEFAULT_URL_EXPIRY = 6 * 3600  # presigned URLs: long enough for one big part on a slow link
SPOOL_IN_MEMORY = 8 * MIB  # a body for a store that needs it whole: in memory up to this, then a file


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

    def open_batch(self, request: BlobDigests, first: int = READ_BUDGET) -> tuple[BlobBatchRead, memoryview]:
        """``POST /blobs/read``: every digest looked up (404 naming the absent ones), and the first
        ``first`` bytes of the framed answer read in the same worker call (``blob_batches``)."""
        batch = BlobBatchRead.open(self._blobs, self._digests(request))
        try:
            return batch, batch.read(first)
        except BaseException:
            batch.close()
            raise

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

    # -- bodies written as they arrive, reads with the lookup ------------------------------------------

    def receive_blob(self, sha256: str) -> Receiving:
        """A one-request upload fed batch by batch (``write``), stored by ``finish`` only when its
        SHA-256 is ``sha256``. Nothing touches the disk before the first batch."""
        digest = check_digest(sha256)
        blobs = self._blobs
        if isinstance(blobs, WritesInPlace):
            return Receiving(lambda: blobs.open_writer(digest), _blob_out)
        return Receiving(lambda: _Spool(lambda body: blobs.put(body, expected_sha256=digest)), _blob_out)

    def receive_batch(self) -> BlobBatchWrite:
        """``POST /blobs/write``: many blobs in one framed body, each checked against its digest,
        made durable in groups, answered together (``blob_batches``)."""
        return BlobBatchWrite(self._blobs, self._max_blob_bytes)

    def receive_part(self, upload_id: str, number: int) -> tuple[Receiving, int]:
        """Part ``number`` fed batch by batch, and the exact size it must have (checked first)."""
        expected = self.part_size(upload_id, number)
        blobs = self._blobs
        if isinstance(blobs, WritesInPlace):
            opener: Callable[[], BlobSink] = lambda: blobs.open_part_writer(upload_id, number, expected)  # noqa: E731
        else:
            opener = lambda: _Spool(lambda body: blobs.put_part(upload_id, number, body, expected))  # noqa: E731
        return Receiving(opener, _part_out), expected

    def open_read(self, info: BlobInfo, byte_range: tuple[int, int] | None, first: int = MIB) -> BlobRead:
        """The blob's bytes (all, or ``first..last`` inclusive), the first ``first`` of them read
        already: a blob that small needs no second trip to the disk."""
        start, last = byte_range if byte_range is not None else (0, info.size - 1)
        handle = self._blobs.open(info.sha256)
        try:
            if start:
                handle.seek(start)
            reader = BlobRead(handle, last - start + 1)
            reader.first = reader.read(first)
        except BaseException:
            handle.close()
            raise
        return reader

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


def _blob_out(result: BlobWriteResult) -> BlobOut:
    return BlobOut(sha256=result.info.sha256, size=result.info.size)


def _part_out(part: PartInfo) -> UploadPart:
    return UploadPart(number=part.number, size=part.size, etag=part.etag)


class Receiving:
    """A request body on its way into the store. The server calls ``write`` with batches of the
    body (in a worker thread) and ``finish`` with the last one; ``close`` discards an unfinished
    upload (a refused or vanished client)."""

    def __init__(self, opener: Callable[[], BlobSink], answer: Callable[[Any], Any]) -> None:
        self._opener = opener
        self._answer = answer
        self._sink: BlobSink | None = None

    @property
    def started(self) -> bool:
        """Whether there is something to discard (False again once finished or closed)."""
        return self._sink is not None

    def write(self, pieces: list[bytes]) -> None:
        if self._sink is None:
            self._sink = self._opener()
        for piece in pieces:
            self._sink.write(piece)

    def finish(self, pieces: list[bytes]) -> Any:
        """Write the last pieces and store the whole: the service's answer (``BlobOut``,
        ``UploadPart``)."""
        self.write(pieces)
        assert self._sink is not None
        try:
            return self._answer(self._sink.commit())
        finally:
            self.close()  # committed: closing only releases the file handle

    def close(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.close()


class _Spool:
    """For a store that needs the whole body (S3 sends it with its checksum): in memory while
    small, a temporary file beyond, handed over on commit."""

    def __init__(self, store: Callable[[IO[bytes]], Any]) -> None:
        self._store = store
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (close())
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._file.write(data)
        self.size += len(data)

    def commit(self) -> Any:
        self._file.seek(0)
        return self._store(self._file)

    def close(self) -> None:
        self._file.close()


class BlobRead:
    """An open blob being served: ``first`` (read with the lookup), then ``read`` until ``left``
    is 0; ``close`` when done (or when the client went away)."""

    def __init__(self, handle: IO[bytes], length: int) -> None:
        self._handle = handle
        self.length = length
        self.left = length
        self.first = b""

    def read(self, size: int) -> bytes:
        data = self._handle.read(min(size, self.left)) if self.left > 0 else b""
        self.left -= len(data)
        if self.left > 0 and not data:
            raise OSError("the blob ended before its recorded size")
        return data

    def close(self) -> None:
        self._handle.close()


def _byte_slice(handle: IO[bytes], first: int, last: int, chunk: int = MIB) -> Iterator[bytes]:
    with handle:
        handle.seek(first)
        left = last - first + 1
        while left > 0 and (data := handle.read(min(chunk, left))):
            left -= len(data)
            yield data
