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

Hashing streams the file through a bounded buffer (``hashlib.file_digest``: 256 KiB, releasing
the GIL, so the parallel hashing of ``add_dir`` uses several cores); memory does not grow with
the file. If the database cannot be opened (read-only home, full disk), hashing still works,
uncached.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from trackwell.artifacts.storage_paths import cache_dir

# An mtime this close to (or after) the start of hashing may hide a second write in the same
# file-system tick: kernel timestamps are coarse (a jiffy, <= 10 ms), and a file system that keeps
# whole seconds only (FAT, some network mounts; seen as an mtime with no nanoseconds) ticks per 2 s.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000
_PRUNE_AFTER_S = 90 * 86400

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
        if row is None or tuple(row[:3]) != _signature(st):
            return None
        margin = RACY_COARSE_NS if st.st_mtime_ns % 1_000_000_000 == 0 else RACY_NS
        if st.st_mtime_ns > row[4] - margin:
            return None  # racy: modified too close to (or after) the hashing began
        return str(row[3])

    def store(self, real: str, st: os.stat_result, digest: str, hashed_at_ns: int) -> None:
        conn = self._conn()
        if conn is None:
            return
        try:
            conn.execute(
                "INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?)",
                (real, *_signature(st), digest, hashed_at_ns),
            )
            if random.random() < 0.001:  # now and then, forget files not hashed for months
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
        for _ in range(3):
            started = time.time_ns()
            digest = hash_stream(real)
            after = os.stat(real)
            if _signature(after) == _signature(st):
                if cached:
                    self.store(real, st, digest, started)
                return digest, st
            st = after  # it changed while being read: read it again
        raise OSError(f"{str(path)!r} kept changing while it was hashed; add it once it is written")

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
