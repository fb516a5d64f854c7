"""Many blobs in one request: the framed streams of ``POST /blobs/read`` (download) and
``POST /blobs/write`` (upload) (docs/artifacts.md).

Why: a request costs the server ~1-3 ms of Python (routing, dependencies, the response's
messages) whatever its size, which bounded a cold download of 1,000 x 1 MiB files at ~160 MB/s
and one of 10,000 x 1 KiB files at ~800 files/s. One request for many blobs pays that once.

The frame, repeated for each blob in the order asked (each digest once)::

    <64 hex digits of its SHA-256> <size in decimal>\\n<size bytes>

The answer's ``Content-Length`` is exact (every blob is looked up before the first byte goes
out; one that is absent is a 404 naming it), so the client reads it with ``readinto`` and no
chunked decoding. The bytes are read from the store ``READ_BUDGET`` at a time (one worker-thread
hand-off each, several small blobs or a slice of a large one), so memory per request stays
bounded whatever the batch holds. The client hashes each blob as it arrives and refuses a
mismatch: the frame carries no checksum of its own, the digest is one.

Uploads (:class:`BlobBatchWrite`) use the same frame. The body is parsed as it arrives; each blob
is written straight to its temporary file while hashed, and checked when its last byte is in (a
mismatch refuses the request, 400 naming the digest). Durability is a group commit
(:class:`~trackwell.store.blobs.common.CommitsInGroups`): a blob's writeback starts when it is
sealed, and every ``GROUP_FILES`` blobs (or ``GROUP_BYTES``), and at the end, the group is
fsynced, named, and its folders synced, before the request is answered. The answer lists every
digest stored; nothing is acknowledged before it is durable.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import IO, Any

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base import BlobInfo, BlobStore
from trackwell.store.base.blobs import BlobWriteResult, valid_digest
from trackwell.store.blobs.common import CommitsInGroups

MEDIA_TYPE = "application/vnd.trackwell.blobs"  # the SDK checks it (artifacts/client.py)
READ_BUDGET = 4 << 20  # bytes read per worker call (and held per slow client)
MAX_BLOBS = 10_000  # per upload request (as BlobDigests answers them)
GROUP_FILES = 128  # sealed blobs (open files) per group commit
GROUP_BYTES = 128 << 20  # bytes per group commit
_MAX_HEADER = 100
SPOOL_IN_MEMORY = 8 << 20


def frame_header(sha256: str, size: int) -> bytes:
    return b"%s %d\n" % (sha256.encode("ascii"), size)


class BlobBatchRead:
    """The framed bytes of ``infos``: ``length`` in all; ``read(budget)`` until ``left`` is 0;
    ``close`` when done or when the client went away."""

    def __init__(self, blobs: BlobStore, infos: Sequence[BlobInfo]) -> None:
        self._blobs = blobs
        self._infos = list(infos)
        self._next = 0  # index of the next blob to open
        self._handle: IO[bytes] | None = None
        self._handle_left = 0
        self.length = sum(len(frame_header(i.sha256, i.size)) + i.size for i in self._infos)
        self.left = self.length

    @classmethod
    def open(cls, blobs: BlobStore, digests: Sequence[str]) -> BlobBatchRead:
        """Look every digest up (404 naming the absent ones) before anything is sent."""
        infos: list[BlobInfo] = []
        absent: list[str] = []
        for digest in dict.fromkeys(digests):
            try:
                infos.append(blobs.stat(digest))
            except NotFound:
                absent.append(digest)
        if absent:
            shown = ", ".join(absent[:10]) + (f" and {len(absent) - 10} more" if len(absent) > 10 else "")
            raise NotFound(
                f"no blob {shown}", field="sha256", hint="upload them first (POST /api/v1/blobs/missing)"
            )
        return cls(blobs, infos)

    def read(self, budget: int = READ_BUDGET) -> memoryview:
        """Up to ``budget`` bytes of the stream (at least one whole frame header), never empty
        while ``left``."""
        want = min(budget, self.left)
        buf = bytearray(want + 100)  # room for one header past the budget
        view = memoryview(buf)
        filled = 0
        while filled < want:
            if self._handle is None:
                if self._next >= len(self._infos):
                    break
                info = self._infos[self._next]
                self._next += 1
                header = frame_header(info.sha256, info.size)
                view[filled : filled + len(header)] = header
                filled += len(header)
                self._handle = self._blobs.open(info.sha256)
                self._handle_left = info.size
            while self._handle_left > 0 and filled < want:
                got = self._handle.readinto(view[filled : filled + min(self._handle_left, want - filled)])  # type: ignore[attr-defined]
                if not got:
                    raise OSError("a blob ended before its recorded size")
                filled += got
                self._handle_left -= got
            if self._handle_left == 0:
                self._handle.close()
                self._handle = None
        self.left -= filled
        return view[:filled]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class BlobBatchWrite:
    """``POST /blobs/write``: a framed body fed piece by piece (``write``), its blobs stored and
    listed by ``finish``; ``close`` discards what was not committed."""

    def __init__(self, blobs: BlobStore, max_blob_bytes: int) -> None:
        self._blobs = blobs
        self._max_blob_bytes = max_blob_bytes
        self._grouped = isinstance(blobs, CommitsInGroups)
        self._head = bytearray()  # an unfinished frame header
        self._sink: Any = None  # the blob being received
        self._digest = ""
        self._left = 0
        self._sealed: list[Any] = []  # verified, waiting for the group commit
        self._sealed_bytes = 0
        self._count = 0
        self.stored: list[BlobWriteResult] = []

    @property
    def started(self) -> bool:
        return self._sink is not None or bool(self._sealed)

    def write(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            view = memoryview(piece)
            while view:
                view = self._feed(view)

    def finish(self, pieces: list[bytes]) -> list[str]:
        """The last pieces; every blob durable and named: the digests stored, in order."""
        self.write(pieces)
        if self._sink is not None or self._head:
            raise InvalidArgument(
                f"the body ended inside the frame of blob {self._digest or '(a header)'}",
                field="body",
                hint="each blob is '<sha256> <size>\\n' and then exactly <size> bytes",
            )
        self._commit()
        return [r.info.sha256 for r in self.stored]

    def close(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.close()
        sealed, self._sealed = self._sealed, []
        for writer in sealed:
            writer.close()

    def _feed(self, view: memoryview) -> memoryview:
        if self._sink is None:
            return self._feed_header(view)
        take = min(self._left, len(view))
        self._sink.write(view[:take])
        self._left -= take
        if self._left == 0:
            self._seal()
        return view[take:]

    def _feed_header(self, view: memoryview) -> memoryview:
        room = _MAX_HEADER - len(self._head)
        chunk = bytes(view[:room])
        end = chunk.find(b"\n")
        if end < 0:
            if len(chunk) >= room:
                raise self._bad_header(bytes(self._head) + chunk)
            self._head += chunk
            return view[len(chunk) :]
        line = bytes(self._head) + chunk[:end]
        self._head.clear()
        name, _, size_text = line.decode("ascii", "replace").partition(" ")
        digest = valid_digest(name)
        if digest is None or not size_text.isdigit():
            raise self._bad_header(line)
        size = int(size_text)
        if size > self._max_blob_bytes:
            raise InvalidArgument(
                f"blob {digest} is {size} bytes, over the {self._max_blob_bytes} one request takes",
                field="body",
                hint="send big blobs in parts (POST /api/v1/blobs/{sha256}/uploads)",
            )
        self._count += 1
        if self._count > MAX_BLOBS:
            raise InvalidArgument(
                f"one request takes at most {MAX_BLOBS} blobs", field="body", hint="send the rest in another"
            )
        self._digest, self._left = digest, size
        self._sink = self._blobs.open_writer(digest) if self._grouped else _Spool()  # type: ignore[attr-defined]
        if size == 0:
            self._seal()
        return view[end + 1 :]

    def _seal(self) -> None:
        sink, self._sink = self._sink, None
        if not self._grouped:
            with sink:
                self.stored.append(sink.store(self._blobs, self._digest))
            return
        try:
            sink.seal()  # InvalidArgument naming both digests when the bytes are not the digest's
        except BaseException:
            sink.close()
            raise
        self._sealed.append(sink)
        self._sealed_bytes += sink.size
        if len(self._sealed) >= GROUP_FILES or self._sealed_bytes >= GROUP_BYTES:
            self._commit()

    def _commit(self) -> None:
        sealed, self._sealed, self._sealed_bytes = self._sealed, [], 0
        if sealed:
            self.stored += self._blobs.commit_group(sealed)  # type: ignore[attr-defined]

    @staticmethod
    def _bad_header(line: bytes) -> InvalidArgument:
        return InvalidArgument(
            f"a blob frame starts with {line[:80]!r}, not '<sha256> <size>'",
            field="body",
            hint="each blob is '<64 hex digits> <size in decimal>\\n' and then exactly <size> bytes",
        )


class _Spool:
    """One blob for a store that needs it whole (S3): in memory while small, then a file."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (close())
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._file.write(data)
        self.size += len(data)

    def store(self, blobs: BlobStore, digest: str) -> BlobWriteResult:
        self._file.seek(0)
        return blobs.put(self._file, expected_sha256=digest)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
