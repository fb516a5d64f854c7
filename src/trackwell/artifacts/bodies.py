"""Request bodies streamed from files: one file range (a blob, a part) or many files framed for
``POST /blobs/write``. Read 1 MiB at a time, so no upload ever holds a whole file in memory;
both rewind (``seek(0)``) for the transport's retry on a stale keep-alive connection and report
what they send through ``on_read`` (progress bars count bytes on the wire)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_SEND_CHUNK = 1 << 20  # http.client reads 8 KiB at a time from a body unless given more


class FileRange:
    """``length`` bytes of ``path`` from ``offset``, as a request body read in 1 MiB chunks.

    ``on_read(n)`` is told of every chunk sent (progress bars count bytes on the wire). ``tell``
    and ``seek`` let the transport rewind it when it retries a stale keep-alive connection; the
    rewind is reported as a negative count so that counters stay honest.
    """

    def __init__(
        self, path: str | Path, offset: int, length: int, on_read: Callable[[int], None] | None = None
    ) -> None:
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by close() / the caller
        self._start = offset
        self._end = offset + length
        self._file.seek(offset)
        self._pos = offset
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        left = self._end - self._pos
        if left <= 0:
            return b""
        data = self._file.read(min(left, max(size, _SEND_CHUNK)))
        self._pos += len(data)
        if self._on_read is not None and data:
            self._on_read(len(data))
        return data

    def tell(self) -> int:
        return self._pos - self._start

    def seek(self, where: int, whence: int = 0) -> int:
        if whence != 0:
            raise ValueError("FileRange seeks from its start only")
        target = self._start + where
        if self._on_read is not None and target < self._pos:
            self._on_read(target - self._pos)
        self._file.seek(target)
        self._pos = target
        return where

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> FileRange:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FramedFiles:
    """The body of ``POST /blobs/write``: for each ``(sha256, path, size)``, the frame header
    ``<sha256> <size>\\n`` then the file's bytes, read 1 MiB at a time (memory stays small).
    ``on_read(n)`` counts the files' bytes sent (not the frame headers); ``seek(0)`` rewinds it
    (a stale connection's retry). A file shorter than its size (changed since it was hashed) is
    an ``OSError`` naming it."""

    def __init__(
        self, items: list[tuple[str, str, int]], on_read: Callable[[int], None] | None = None
    ) -> None:
        self.items = items
        self.length = sum(len(b"%s %d\n" % (d.encode(), n)) + n for d, _, n in items)
        self._on_read = on_read
        self._index = 0
        self._file: BinaryIO | None = None
        self._left = 0
        self._sent = 0  # bytes of the body read so far (tell)
        self._data_sent = 0  # of which the files' own bytes (on_read)

    def read(self, size: int = -1) -> bytes:
        while self._file is None or self._left == 0:
            if self._file is not None:
                self._file.close()
                self._file = None
            if self._index >= len(self.items):
                return b""
            digest, path, length = self.items[self._index]
            self._index += 1
            self._file = open(path, "rb")  # noqa: SIM115 - closed when read to its size, or by close()
            self._left = length
            header = b"%s %d\n" % (digest.encode(), length)
            self._sent += len(header)  # not reported: on_read counts the files' bytes (progress)
            return header
        data = self._file.read(min(self._left, max(size, _SEND_CHUNK)))
        if not data:
            raise OSError(
                f"{self.items[self._index - 1][1]} is shorter than when it was added (changed since?)"
            )
        self._left -= len(data)
        return self._count(data)

    def _count(self, data: bytes) -> bytes:
        self._sent += len(data)
        self._data_sent += len(data)
        if self._on_read is not None:
            self._on_read(len(data))
        return data

    def tell(self) -> int:
        return self._sent

    def seek(self, where: int, whence: int = 0) -> int:
        if where != 0 or whence != 0:
            raise ValueError("a framed body rewinds to its start only")
        self.close()
        if self._on_read is not None and self._data_sent:
            self._on_read(-self._data_sent)
        self._index = self._sent = self._data_sent = self._left = 0
        return 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
