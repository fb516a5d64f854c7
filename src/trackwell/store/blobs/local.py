"""Content-addressed blobs in a local directory: ``<root>/ab/cd/<sha256>``.

Writes stream into a temporary file under ``<root>/tmp`` (same file system, so the final link is
atomic) while hashing (:class:`LocalBlobWriter`: the server writes request bodies into it as they
arrive, with no spooled copy), are fsynced, verified against the expected digest, and only then
published under their digest by a hard link, whose folder is fsynced before the write is
answered. Readers therefore never see a partial blob, a crash never leaves a digest's name on
bytes that are not on disk nor loses a name already answered, and concurrent writers of the same
content are safe: both produce identical bytes and only the first publication counts as
``created``. Two levels of
two-hex-digit shards keep directories small (65,536 leaves) with millions of blobs.

Digests are validated (exactly 64 hex digits) before they touch a path, so a caller-supplied
"digest" such as ``../../etc/passwd`` can never escape the root. Upload sessions (parts) live in
``<root>/tmp/uploads/`` (:mod:`trackwell.store.blobs.local_uploads`).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

from trackwell.schema.errors import NotFound
from trackwell.store.base import BlobInfo, BlobWriteResult
from trackwell.store.base.blobs import valid_digest
from trackwell.store.blobs.common import COPY_CHUNK, digest_mismatch
from trackwell.store.blobs.local_uploads import LocalUploads

_T = TypeVar("_T")


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
        writer = self.open_writer(expected_sha256)
        with writer:
            if isinstance(data, bytes | bytearray | memoryview):
                writer.write(data)
            else:
                while chunk := data.read(COPY_CHUNK):
                    writer.write(chunk)
            return writer.commit()

    def open_writer(self, expected_sha256: str | None = None) -> LocalBlobWriter:
        """A blob written piece by piece (``write``... ``commit``); leaving its ``with`` block
        without ``commit`` discards it."""
        return LocalBlobWriter(self, expected_sha256)

    def publish(self, tmp: Path, digest: str) -> bool:
        """Give a finished, durable temporary file (under ``<root>/tmp``) its digest's name; False
        when the content was already there."""
        changed: dict[Path, None] = {}
        created = self._name(tmp, digest, changed)
        # Answered only once the name is durable too: a crash right after the answer must not lose
        # a blob an artifact already points at. (Concurrent fsyncs share one ext4 journal commit; a
        # shared flusher measured no faster.)
        for folder in changed:
            fsync_directory(folder)
        return created

    def commit_group(self, writers: Sequence[LocalBlobWriter]) -> list[BlobWriteResult]:
        """Make sealed blobs durable and named together (group commit): every file's bytes synced,
        then every name linked, then each folder that changed synced, then answered. Nothing of
        the group is answered before all of it is durable; a failure answers none of it (blobs
        already named stay: they are whole and verified).

        The fsyncs of a pass run at once on ``SYNC_THREADS`` threads: the first commits the
        journal for all of them, and the device cache flushes that each fsync still asks for are
        merged by the kernel instead of waiting one after another (~1-2 ms each on a VM disk)."""
        try:
            _each(LocalBlobWriter.sync, writers)  # writeback started at each seal: mostly on disk now
            changed: dict[Path, None] = {}
            results = [w.name_in(self, changed) for w in writers]
            _each(fsync_directory, list(changed))
        finally:
            for writer in writers:
                writer.close()
        return results

    def _name(self, tmp: Path, digest: str, changed: dict[Path, None]) -> bool:
        """Link ``tmp`` under its digest; adds the folders whose entries changed to ``changed``
        (an ordered set: a shard, then its parents)."""
        final = self.path_for(digest)
        changed[final.parent] = None
        try:
            return _link(tmp, final)
        except FileNotFoundError:
            # The shard folder is new: made only now, so an existing one costs no mkdir per blob;
            # the folders holding the new shards' names are made durable with the link.
            final.parent.mkdir(parents=True, exist_ok=True)
            changed.update(dict.fromkeys((final.parent.parent, self.root)))
            return _link(tmp, final)

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


def _link(tmp: Path, final: Path) -> bool:
    try:
        # link() fails when the name exists, which tells us the content is already stored.
        os.link(tmp, final)
        return True
    except FileExistsError:
        return False
    except FileNotFoundError:
        raise
    except OSError:
        # File systems without hard links: an atomic replace of identical content is harmless.
        existed = final.exists()
        os.replace(tmp, final)
        return not existed


SYNC_THREADS = 8
_sync_pool: ThreadPoolExecutor | None = None
_sync_pool_lock = threading.Lock()


def _each(fn: Callable[[_T], object], items: Sequence[_T]) -> None:
    """``fn`` on every item, on the shared sync threads when there are several (errors raised)."""
    global _sync_pool
    if len(items) <= 1:
        for item in items:
            fn(item)
        return
    with _sync_pool_lock:
        if _sync_pool is None:
            _sync_pool = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="trackwell-fsync")
        pool = _sync_pool
    for _ in pool.map(fn, items):
        pass


def fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_file_range() -> Any:
    """libc's ``sync_file_range`` (Linux), which Python does not wrap; None elsewhere."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_SYNC_FILE_RANGE = _sync_file_range() if sys.platform.startswith("linux") else None
_SYNC_FILE_RANGE_WRITE = 2


def start_writeback(fd: int) -> None:
    """Start writing ``fd``'s dirty pages to disk without waiting (``SYNC_FILE_RANGE_WRITE``), so
    that the fsync of a group commit later finds most of its bytes already on disk: the disk
    works while the next blobs arrive. It promises nothing by itself; only fsync does."""
    if _SYNC_FILE_RANGE is not None:
        _SYNC_FILE_RANGE(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


def write_all(fd: int, data: bytes | bytearray | memoryview, offset: int | None = None) -> None:
    """All of ``data`` to ``fd`` (at ``offset`` with pwrite), however many calls it takes."""
    view = memoryview(data).cast("B")
    while view:
        done = os.write(fd, view) if offset is None else os.pwrite(fd, view, offset)
        view = view[done:]
        if offset is not None:
            offset += done


class LocalBlobWriter:
    """One blob streamed into ``<root>/tmp`` while hashing; ``commit`` makes it durable (fsync),
    verifies the digest and publishes it. Use it as a context manager: leaving the block without
    ``commit`` (an error, a client that went away) removes the temporary file."""

    def __init__(self, store: LocalBlobStore, expected_sha256: str | None) -> None:
        self._store = store
        self._expected = expected_sha256.lower() if expected_sha256 is not None else None
        fd, name = tempfile.mkstemp(dir=store._tmp, prefix="put-")
        self._fd: int | None = fd
        self._tmp = Path(name)
        self._hasher = hashlib.sha256()
        self._digest: str | None = None  # set by seal()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._fd is None or self._digest is not None:
            raise ValueError("this blob writer is already closed or sealed")
        self._hasher.update(data)
        write_all(self._fd, data)
        self.size += len(data)

    def commit(self) -> BlobWriteResult:
        if self._fd is None:
            raise ValueError("this blob writer is already closed")
        try:
            digest = self._verified()
            # Durable before it has a name: a crash must never leave a digest naming bytes that
            # are not on disk.
            os.fsync(self._fd)
            created = self._store.publish(self._tmp, digest)
        finally:
            self.close()
        return BlobWriteResult(BlobInfo(sha256=digest, size=self.size), created=created)

    def seal(self) -> str:
        """The blob is whole: check its digest (``InvalidArgument`` on a mismatch) and start
        writing it to disk in the background; :meth:`LocalBlobStore.commit_group` finishes it."""
        digest = self._verified()
        self._digest = digest
        if self._fd is not None:
            start_writeback(self._fd)
        return digest

    def sync(self) -> None:
        if self._fd is None or self._digest is None:
            raise ValueError("only a sealed, open blob writer can be synced")
        os.fsync(self._fd)

    def name_in(self, store: LocalBlobStore, changed: dict[Path, None]) -> BlobWriteResult:
        """Link the synced file under its digest (the caller syncs the ``changed`` folders)."""
        assert self._digest is not None
        created = store._name(self._tmp, self._digest, changed)
        return BlobWriteResult(BlobInfo(sha256=self._digest, size=self.size), created=created)

    def _verified(self) -> str:
        if self._fd is None:
            raise ValueError("this blob writer is already closed")
        digest = self._hasher.hexdigest()
        if self._expected is not None and digest != self._expected:
            raise digest_mismatch(self._expected, digest, self.size)
        return digest

    def close(self) -> None:
        """Discard what was not committed (idempotent); the published name keeps its own link."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> LocalBlobWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
