"""Uploading one blob: a single ``PUT`` when small, resumable parts when large.

Why parts: a 5 GB checkpoint must not be sent as one request that a dropped connection restarts
from zero, and must never be held in memory. A large blob is uploaded through a session
(``POST /blobs/{sha}/uploads``): each part is streamed from the file in 1 MiB reads
(:class:`~trackwell.artifacts.client.FileRange`), so memory stays a few MiB whatever the part
size; up to ``PARALLEL_PARTS`` parts are in flight; each request is retried with backoff on
transport errors and 5xx (:func:`~trackwell.artifacts.workers.with_retry`). Asking for the session
again answers the parts the server already has (``parts_done``), so an interrupted upload (a killed
process, a server restart, ``trackwell sync`` later) sends only the parts not done. When the server
stores blobs in S3 the session carries presigned ``part_urls``: parts then go straight to the
bucket, without our API key, and their ETags are handed to ``complete``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackwell.artifacts.client import ArtifactClient, FileRange, FramedFiles, TransportError
from trackwell.artifacts.workers import run_in_threads, with_retry
from trackwell.schema.errors import NotFound

MULTIPART_THRESHOLD = 64 << 20  # bytes; larger blobs go in parts
BATCH_BLOB_MAX = 16 << 20  # bytes; blobs up to this go many to a request (POST /blobs/write)
BATCH_BYTES = 32 << 20  # at most this much per framed request ...
BATCH_MIN_BYTES = 1 << 20  # ... and at least this much, unless there is less
BATCH_COUNT = 2_000  # blobs per framed request
PARALLEL_PARTS = 4


@dataclass
class UploadStats:
    """What uploads sent (tests and benchmarks read it; progress lines read ``bytes_sent``)."""

    bytes_sent: int = 0
    blobs: int = 0
    parts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, nbytes: int) -> None:
        with self._lock:
            self.bytes_sent += nbytes

    def count(self, *, blobs: int = 0, parts: int = 0) -> None:
        with self._lock:
            self.blobs += blobs
            self.parts += parts


def upload_blob(
    client: ArtifactClient,
    sha256: str,
    path: str | Path,
    size: int,
    *,
    stats: UploadStats | None = None,
    threshold: int | None = None,
    parallel_parts: int | None = None,
) -> None:
    """Upload ``path`` (whose SHA-256 is ``sha256``) unless the server has it; raises what
    retrying could not fix (a changed file is refused by the server's hash check)."""
    stats = stats or UploadStats()
    if size <= (MULTIPART_THRESHOLD if threshold is None else threshold):

        def put(on_read: Callable[[int], None]) -> Any:
            with FileRange(path, 0, size, on_read) as body:
                return client.put_blob(sha256, body, size)

        _attempt(put, stats, f"upload of {Path(path).name}")
        stats.count(blobs=1)
        return
    _multipart(client, sha256, Path(path), size, stats, parallel_parts or PARALLEL_PARTS)
    stats.count(blobs=1)


def batch_limit() -> int:
    """The largest blob sent in a framed batch: a blob that goes in parts never does."""
    return min(BATCH_BLOB_MAX, MULTIPART_THRESHOLD)


def upload_batch(
    client: ArtifactClient, items: list[tuple[str, str, int]], *, stats: UploadStats | None = None
) -> None:
    """Upload many small blobs ``(sha256, path, size)`` in one framed request (``POST
    /blobs/write``), retried whole; the server answers once every one of them is durable. An
    older server without the route gets one ``PUT`` each."""
    stats = stats or UploadStats()
    if not client.batch_writes_unsupported:

        def send(on_read: Callable[[int], None]) -> list[str]:
            body = FramedFiles(items, on_read)
            try:
                return client.write_blobs(body)
            finally:
                body.close()

        try:
            stored = _attempt(send, stats, f"upload of {len(items)} files")
        except NotImplementedError:
            client.batch_writes_unsupported = True
        else:
            wanted = {digest for digest, _, _ in items}
            if not wanted <= set(stored):
                raise TransportError(
                    f"the server stored {len(set(stored) & wanted)} of {len(wanted)} blobs sent"
                )
            stats.count(blobs=len(items))
            return
    for digest, path, size in items:
        upload_blob(client, digest, path, size, stats=stats)


def _attempt(send: Callable[[Callable[[int], None]], Any], stats: UploadStats, what: str) -> Any:
    """One request with a streamed body, retried; bytes of a failed try are taken back from
    ``stats`` so that counts match what the server kept."""

    def once() -> Any:
        sent = [0]

        def on_read(n: int) -> None:
            sent[0] += n
            stats.add(n)

        try:
            return send(on_read)
        except BaseException:
            stats.add(-sent[0])
            raise

    return with_retry(once, what)


def _multipart(
    client: ArtifactClient, sha256: str, path: Path, size: int, stats: UploadStats, parallel: int
) -> None:
    for attempt in (0, 1):
        session = with_retry(lambda: client.start_upload(sha256, size), f"starting the upload of {path.name}")
        try:
            parts = _send_parts(client, session, path, size, stats, parallel)
            _complete(client, str(session["upload_id"]), parts, path)
            return
        except NotFound:
            # The session expired or was cleaned up while we worked: start over once (the new
            # session may still know parts of the old one, on stores that key uploads by digest).
            if attempt:
                raise


def _complete(client: ArtifactClient, upload_id: str, parts: list[dict[str, Any]], path: Path) -> None:
    with_retry(lambda: client.complete_upload(upload_id, parts), f"completing the upload of {path.name}")


def _send_parts(
    client: ArtifactClient,
    session: dict[str, Any],
    path: Path,
    size: int,
    stats: UploadStats,
    parallel: int,
) -> list[dict[str, Any]]:
    upload_id = str(session["upload_id"])
    part_size = max(1, int(session["part_size"]))
    count = max(1, -(-size // part_size))
    done: dict[int, dict[str, Any]] = {int(p["number"]): dict(p) for p in session.get("parts_done") or []}
    urls = {int(k): str(v) for k, v in (session.get("part_urls") or {}).items()}
    lock = threading.Lock()

    def send(number: int) -> None:
        offset = (number - 1) * part_size
        length = min(part_size, size - offset)

        def put(on_read: Callable[[int], None]) -> dict[str, Any]:
            with FileRange(path, offset, length, on_read) as body:
                if number in urls:
                    etag = client.put_presigned(urls[number], body, length)
                    return {"number": number, "size": length, "etag": etag}
                answer = client.put_part(upload_id, number, body, length)
                return {"number": number, "size": length, "etag": answer.get("etag")}

        part = _attempt(put, stats, f"part {number}/{count} of {path.name}")
        stats.count(parts=1)
        with lock:
            done[number] = part

    todo = [n for n in range(1, count + 1) if n not in done]
    run_in_threads(
        send,
        todo,
        min(parallel, len(todo)),
        name="trackwell-part",
        on_thread_end=client.release_thread_connection,
    )
    return [
        {"number": n, "size": int(p.get("size", 0)), **({"etag": p["etag"]} if p.get("etag") else {})}
        for n, p in sorted(done.items())
    ]
