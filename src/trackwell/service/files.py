"""Run files: client paths made safe, bytes stored by content, an index per run.

A client names a file by a relative path inside the run's ``files/`` folder. That name ends up in
URLs, in the index and, for a local blob store or an export, near the file system, so anything
that could climb out of the run (absolute paths, '..', backslashes, NUL) is refused up front.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import IO, Any
from urllib.parse import quote

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.file_paths import sanitize_path
from trackwell.schema.files import RunFile, RunFileList
from trackwell.service.runs import run_not_found
from trackwell.store.base import BlobStore, Database, FileEntry, RunKey, StoredRun


def file_url(key: RunKey, path: str) -> str:
    return f"/api/v1/runs/{key}/files/{quote(path)}"


class FileService:
    def __init__(self, db: Database, blobs: BlobStore, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock

    def upload(self, key: RunKey, path: str, data: bytes | IO[bytes]) -> RunFile:
        """Store the bytes (once per content) and point the run's ``path`` at them."""
        path = sanitize_path(path)
        with self._db.read() as conn:
            self._require(conn, key)  # refuse before storing bytes for a run that does not exist
        blob = self._blobs.put(data).info
        entry = FileEntry(path=path, sha256=blob.sha256, size=blob.size, updated_at=self._clock())
        with self._db.begin() as conn:
            stored = self._require(conn, key)
            self._db.files.put_file(conn, stored.pk, entry)
        return _run_file(key, entry)

    def list_files(self, key: RunKey) -> RunFileList:
        with self._db.read() as conn:
            stored = self._require(conn, key)
            entries = self._db.files.list_files(conn, stored.pk)
        return RunFileList(files=[_run_file(key, e) for e in entries])

    def describe(self, key: RunKey, path: str) -> RunFile:
        """The file's path, size and content hash, without opening it."""
        return _run_file(key, self._entry(key, path))

    def read(
        self, key: RunKey, path: str, byte_range: tuple[int, int] | None = None
    ) -> tuple[RunFile, Iterator[bytes]]:
        """The file's description and an iterator over its bytes (see :meth:`stream`)."""
        info = self.describe(key, path)
        return info, self.stream(info, byte_range)

    def stream(self, info: RunFile, byte_range: tuple[int, int] | None = None) -> Iterator[bytes]:
        """The bytes of a file :meth:`describe` found (streamed, never all in memory): all of them,
        or bytes ``first..last`` (inclusive) of ``byte_range``, which is how a browser seeks in
        audio and video."""
        if byte_range is None:
            return self._blobs.iter_chunks(info.sha256)
        first, last = byte_range
        if not 0 <= first <= last < info.size:
            raise InvalidArgument(
                f"bytes {first}-{last} are outside the file ({info.size} bytes)",
                field="range",
                hint=f"ask for bytes between 0 and {info.size - 1}",
            )
        return _byte_slice(self._blobs.open(info.sha256), first, last)

    def _entry(self, key: RunKey, path: str) -> FileEntry:
        path = sanitize_path(path)
        with self._db.read() as conn:
            stored = self._require(conn, key)
            entry = self._db.files.get_file(conn, stored.pk, path)
        if entry is None:
            raise NotFound(f"Run {key} has no file {path!r}", field="path")
        return entry

    def _require(self, conn: Any, key: RunKey) -> StoredRun:
        stored = self._db.runs.get_run(conn, key)
        if stored is None:
            raise run_not_found(key)
        return stored


def _run_file(key: RunKey, entry: FileEntry) -> RunFile:
    return RunFile(
        path=entry.path,
        size=entry.size,
        sha256=entry.sha256,
        updated_at=entry.updated_at,
        url=file_url(key, entry.path),
    )


def _byte_slice(handle: IO[bytes], first: int, last: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    with handle:
        handle.seek(first)
        left = last - first + 1
        while left > 0 and (data := handle.read(min(chunk, left))):
            left -= len(data)
            yield data
