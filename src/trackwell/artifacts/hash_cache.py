"""SHA-256 of local files, remembered per machine so an unchanged file is never hashed twice.

Logging a 5 GB dataset again must not cost another pass over 5 GB. ``sha256_file(path)`` answers
from a small SQLite database (``<cache dir>/hashes.sqlite3``, WAL mode, so several processes read
and write it at once) when the file's identity is unchanged, and hashes it otherwise.

Identity is (real path, size, inode, mtime in ns): a rewrite changes the mtime, a replace (the way
``torch.save`` and editors write) changes the inode. One trap remains, the one git calls "racy":
a file written again within the same file-system clock tick as the hash keeps its mtime. So an
answer is remembered together with the time hashing started, and is trusted only when the file's
mtime is safely older than that (``RACY_NS``, 100 ms; 2 s on file systems that keep whole
seconds); a file modified right before or while it was hashed is hashed again next time (then
the answer sticks). A file that changes while being read (its stat differs before and after) is
read again, up to three times, then refused.

A folder (``add_dir``) is answered in bulk by :meth:`HashCache.sha256_stat_many`: one query per
500 files instead of one per file, the misses hashed on several threads and remembered in one
transaction; its caller gives each file's real path when it knows it (a walk that met no
symbolic link), saving a ``realpath`` per file. The rules are the same as for one file.

Hashing streams the file through a bounded buffer (``hashlib.file_digest``: 256 KiB, releasing
the GIL, so the parallel hashing of ``add_dir`` uses several cores); memory does not grow with
the file. If the database cannot be opened (read-only home, full disk), hashing still works,
uncached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from trackwell.artifacts.storage_paths import cache_dir

# An mtime this close to (or after) the start of hashing may hide a second write in the same
# file-system tick: kernel timestamps are coarse (a jiffy, <= 10 ms), and a file system that keeps
# whole seconds only (FAT, some network mounts; seen as an mtime with no nanoseconds) ticks per 2 s.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000
_PRUNE_AFTER_S = 90 * 86400
_LOOKUP_BATCH = 500  # paths per query (SQLite allows 999 parameters in old builds)
HASH_THREADS = 8  # hashlib releases the GIL: folders of many files hash on several cores

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hashes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    hashed_at_ns INTEGER NOT NULL
)
"""


def _signature(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_ino, st.st_mtime_ns


def hash_stream(path: str | os.PathLike[str]) -> str:
    """SHA-256 hex of a file's bytes, read in bounded chunks, no cache."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _trusted(row: Any, st: os.stat_result) -> str | None:
    """The remembered digest of ``row`` (size, inode, mtime_ns, sha256, hashed_at_ns) if it still
    describes the file ``st``, and the file was not modified within the racy margin of hashing."""
    if tuple(row[:3]) != _signature(st):
        return None
    margin = RACY_COARSE_NS if st.st_mtime_ns % 1_000_000_000 == 0 else RACY_NS
    if st.st_mtime_ns > row[4] - margin:
        return None  # racy: modified too close to (or after) the hashing began
    return str(row[3])


def _hash_checked(
    path: str | os.PathLike[str], real: str, st: os.stat_result
) -> tuple[str, os.stat_result, int]:
    """(digest, stat of the content hashed, when hashing began) of ``real``, read again (up to
    three times) when its stat changes while it is read."""
    for _ in range(3):
        started = time.time_ns()
        digest = hash_stream(real)
        after = os.stat(real)
        if _signature(after) == _signature(st):
            return digest, st, started
        st = after  # it changed while being read: read it again
    raise OSError(f"{str(path)!r} kept changing while it was hashed; add it once it is written")


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (the connection is in autocommit mode)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class HashCache:
    """The per-machine table of (path, size, inode, mtime) -> SHA-256; safe across threads and processes."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._setup_lock = threading.Lock()
        self._broken = db_path is None

    def _conn(self) -> sqlite3.Connection | None:
        if self._broken or self.db_path is None:
            return None
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._setup_lock:  # one schema set-up at a time in this process (add_dir's threads)
            try:
                self.db_path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.db_path, timeout=10, isolation_level=None, check_same_thread=False
                )
            except (sqlite3.Error, OSError):
                self._broken = True  # no usable folder: hash uncached rather than fail a log_artifact
                return None
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(_SCHEMA)
            except sqlite3.Error:
                conn.close()  # busy (another process setting up): uncached this time, try again next
                return None
        self._local.conn = conn
        return conn

    def lookup(self, real: str, st: os.stat_result) -> str | None:
        conn = self._conn()
        if conn is None:
            return None
        try:
            row: Any = conn.execute(
                "SELECT size, inode, mtime_ns, sha256, hashed_at_ns FROM hashes WHERE path = ?", (real,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else _trusted(row, st)

    def lookup_many(self, reals: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The remembered rows of these real paths (those it has), in one query per 500 paths."""
        conn = self._conn()
        found: dict[str, tuple[Any, ...]] = {}
        if conn is None:
            return found
        try:
            for start in range(0, len(reals), _LOOKUP_BATCH):
                chunk = reals[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(
                    "SELECT path, size, inode, mtime_ns, sha256, hashed_at_ns FROM hashes "
                    f"WHERE path IN ({marks})",
                    chunk,
                ):
                    found[row[0]] = tuple(row[1:])
        except sqlite3.Error:
            return {}
        return found

    def store(self, real: str, st: os.stat_result, digest: str, hashed_at_ns: int) -> None:
        self.store_many([(real, st, digest, hashed_at_ns)])

    def store_many(self, rows: Sequence[tuple[str, os.stat_result, str, int]]) -> None:
        """Remember ``(real path, stat, digest, hashing start)`` rows, in one transaction."""
        conn = self._conn()
        if conn is None or not rows:
            return
        values = [(real, *_signature(st), digest, started) for real, st, digest, started in rows]
        try:
            if len(values) == 1:
                conn.execute("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?)", values[0])
            else:
                with _transaction(conn):
                    conn.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?)", values)
            if random.random() < 0.001 * len(values):  # now and then, forget files not hashed for months
                cutoff = time.time_ns() - _PRUNE_AFTER_S * 10**9
                conn.execute("DELETE FROM hashes WHERE hashed_at_ns < ?", (cutoff,))
        except sqlite3.Error:
            pass

    def sha256_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """(SHA-256 hex, size) of the file at ``path``, from the cache when its identity is unchanged."""
        digest, st = self.sha256_stat(path)
        return digest, st.st_size

    def sha256_stat(self, path: str | os.PathLike[str], *, cached: bool = True) -> tuple[str, os.stat_result]:
        """The digest and the stat of the very content hashed (so a later change is detectable).
        ``cached=False`` neither reads nor fills the cache (files the SDK wrote itself)."""
        real = os.path.realpath(path)
        st = os.stat(real)
        hit = self.lookup(real, st) if cached else None
        if hit is not None:
            return hit, st
        digest, st, started = _hash_checked(path, real, st)
        if cached:
            self.store(real, st, digest, started)
        return digest, st

    def sha256_stat_many(
        self, files: Sequence[tuple[str, str | None]], threads: int = HASH_THREADS
    ) -> list[tuple[str, os.stat_result]]:
        """:meth:`sha256_stat` for many ``(path, real path or None)`` at once, in order: one stat
        a file, one query per 500 files, the misses hashed on ``threads`` threads and remembered
        in one transaction. A real path of None is resolved here (``realpath``)."""
        reals = [real if real is not None else os.path.realpath(path) for path, real in files]
        stats = [os.stat(real) for real in reals]
        rows = self.lookup_many(reals)
        out: list[tuple[str, os.stat_result] | None] = []
        misses: list[int] = []
        for index, (real, st) in enumerate(zip(reals, stats, strict=True)):
            row = rows.get(real)
            hit = _trusted(row, st) if row is not None else None
            out.append((hit, st) if hit is not None else None)
            if hit is None:
                misses.append(index)

        def one(index: int) -> tuple[str, os.stat_result, int]:
            return _hash_checked(files[index][0], reals[index], stats[index])

        if len(misses) > 1 and threads > 1:
            with ThreadPoolExecutor(min(threads, len(misses))) as pool:
                hashed = list(pool.map(one, misses))
        else:
            hashed = [one(index) for index in misses]
        fresh = []
        for index, (digest, st, started) in zip(misses, hashed, strict=True):
            out[index] = (digest, st)
            fresh.append((reals[index], st, digest, started))
        self.store_many(fresh)
        return [item for item in out if item is not None]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_default: HashCache | None = None
_default_lock = threading.Lock()


def default_hash_cache() -> HashCache:
    """The process's hash cache at ``<cache dir>/hashes.sqlite3`` (re-made if the folder changed)."""
    global _default
    db_path = cache_dir() / "hashes.sqlite3"
    with _default_lock:
        if _default is None or _default.db_path != db_path:
            _default = HashCache(db_path)
        return _default


def sha256_file(path: str | os.PathLike[str]) -> tuple[str, int]:
    """(SHA-256 hex, size) of a local file, through the per-machine hash cache."""
    return default_hash_cache().sha256_file(path)
