"""Many blobs in one request: the framed stream of ``POST /blobs/read`` (docs/artifacts.md).

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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from trackwell.schema.errors import NotFound
from trackwell.store.base import BlobInfo, BlobStore

MEDIA_TYPE = "application/vnd.trackwell.blobs"  # the SDK checks it (artifacts/client.py)
READ_BUDGET = 4 << 20  # bytes read per worker call (and held per slow client)
MAX_BATCH_BYTES = 1 << 40  # no limit worth enforcing: the answer streams


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
