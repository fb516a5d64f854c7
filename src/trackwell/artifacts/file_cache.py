"""The machine's content-addressed cache of artifact files, bounded in size.

Layout: ``<cache dir>/obj/sha256/<first 2 hex>/<other 62 hex>`` (``storage_paths.cache_dir()``),
plus ``tmp/`` for files being written and two small bookkeeping files (``.lock``, ``.size``).
A file gets in only through :meth:`FileCache.writer` (hashed while written; a wrong SHA-256 stores
nothing) or :meth:`FileCache.add_file` (after an upload), and is published by an atomic rename,
so a reader never sees half a file and several processes can share one cache.

**Size bound.** The cache keeps a running total of its bytes (each process adds its new files
up in memory and commits them in batches: ``cache_size.SizeTally``). When a write takes it over the
limit (``TRACKWELL_CACHE_MAX_SIZE``, default 20 GiB) it evicts the least recently used files
(by access time, which :meth:`get` and :meth:`place` set) down to 80% of the limit, sparing what
was used in the last ``GRACE_S`` seconds (a download in progress). ``cleanup(max_size)``
(``trackwell artifact cache cleanup``) evicts down to exactly ``max_size``.

**Downloaded files never corrupt the cache.** :meth:`place` puts a cached file into a download
folder by, in order: a reflink (copy-on-write clone: btrfs, XFS, APFS...) when the file system
has it; a hard link when the process is not root, the cache file being read-only (0444), so an
edit fails instead of changing the cache (editors that save by rename are unaffected); otherwise
a copy (root ignores file modes, so root gets copies; ``TRACKWELL_CACHE_PLACE=link`` asks for
links anyway, ``copy`` for copies always). As a second guard, each cache file carries a tag in the
sub-second part of its mtime, derived from its digest: a write through any link resets the mtime,
:meth:`get` sees the tag gone and drops the entry instead of serving it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from trackwell.artifacts.cache_size import SizeTally
from trackwell.artifacts.fs_copy import copy_new, reflink
from trackwell.artifacts.hash_cache import hash_stream
from trackwell.artifacts.storage_paths import cache_dir, cache_max_size, is_staged
from trackwell.schema.errors import InvalidArgument

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process lock, one process at a time
    fcntl = None  # type: ignore[assignment]

GRACE_S = 60.0
EVICT_TO = 0.8
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RESCAN_S = 3600.0


class ChecksumMismatchError(ValueError):
    """The bytes written to the cache do not have the SHA-256 they were announced with."""


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidArgument(
            f"{str(sha256)[:80]!r} is not a SHA-256 digest",
            field="sha256",
            hint="give 64 lowercase hex characters",
        )
    return sha256


def _tag_ns(sha256: str) -> int:
    """The sub-second part of a cache file's mtime: microsecond-granular, never 0."""
    return (int(sha256[:8], 16) % 999_999 + 1) * 1000


class _Writer:
    """What :meth:`FileCache.writer` yields: ``write(bytes)``, hashing on the way."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._hasher = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._hasher.update(data)
        n = self._fh.write(data)
        self.size += n
        return n

    def hexdigest(self) -> str:
        return self._hasher.hexdigest()


class FileCache:
    """A content-addressed file cache rooted at ``root``, limited to ``max_size`` bytes."""

    def __init__(self, root: Path, max_size: int | None = None, grace_s: float = GRACE_S) -> None:
        self.root = Path(root)
        self.max_size = cache_max_size() if max_size is None else max_size
        self.grace_s = grace_s
        self._obj = self.root / "obj" / "sha256"
        self._tmp = self.root / "tmp"
        self._tags = not (self.root / ".no-mtime-tag").exists()
        self._tags_checked = False  # sub-second mtimes are checked at the first publish only
        self._tally = SizeTally(self.max_size, self._commit_size)
        self._dir_devs: dict[str, int] = {}  # download folder -> its device (for the reflink memo)

    @classmethod
    def default(cls) -> FileCache:
        """The cache the environment names (``TRACKWELL_CACHE_DIR``, ``TRACKWELL_CACHE_MAX_SIZE``)."""
        return cls(cache_dir())

    def path_for(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self._obj / sha256[:2] / sha256[2:]

    # --- reading ------------------------------------------------------------------------------
    def get(self, sha256: str, size: int | None = None) -> Path | None:
        """The cached file with this digest (and size, when given), or None; marks it used."""
        path = self.path_for(sha256)
        try:
            st = path.stat()
        except OSError:
            return None
        if (size is not None and st.st_size != size) or (
            self._tags and st.st_mtime_ns % 1_000_000_000 != _tag_ns(sha256)
        ):
            self._drop(path)  # written through a link, or truncated: never serve it
            return None
        self._touch(path, st)
        return path

    def verify(self, sha256: str) -> bool:
        """Re-hash the cached file; a corrupt one is removed. False when absent or corrupt."""
        path = self.path_for(sha256)
        try:
            ok = hash_stream(path) == sha256
        except OSError:
            return False
        if not ok:
            self._drop(path)
        return ok

    def place(self, sha256: str, dest: Path) -> None:
        """Put the cached file at ``dest`` (replacing what is there): reflink, hard link or copy.

        Raises FileNotFoundError when the file is not (or no longer) cached.
        """
        src = self.path_for(sha256)
        st = os.stat(src)  # FileNotFoundError: not cached (or evicted since a get())
        dest = Path(dest)
        parent = str(dest.parent)
        dest_dev = self._dir_devs.get(parent)
        if dest_dev is None:  # a folder not seen yet (seen ones are not made again: a system call)
            os.makedirs(parent, exist_ok=True)
            dest_dev = self._dir_devs.setdefault(parent, os.stat(parent).st_dev)
        if not os.path.lexists(dest):  # a new file (the usual download): made in place, no rename
            try:
                self._put(src, str(dest), st, dest_dev)
                self._touch(src, st)
                return
            except FileExistsError:
                pass  # made meanwhile: replaced below
            except FileNotFoundError:
                if os.path.isdir(parent):
                    raise  # the cached file went (evicted by another process)
                os.makedirs(parent, exist_ok=True)  # the folder was removed since: made again
        tmp = os.path.join(parent, f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            self._put(src, tmp, st, dest_dev)
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._touch(src, st)

    def _put(self, src: Path, new: str, st: os.stat_result, dest_dev: int) -> None:
        """Make the new file ``new`` from ``src`` (raising FileExistsError when it exists); a failed
        copy leaves nothing behind (``copy_new``)."""
        if not self._link_or_clone(src, new, st.st_dev, dest_dev):
            copy_new(src, new, st.st_size)  # a new file: writable, umask mode

    def _link_or_clone(self, src: Path, tmp: str, src_dev: int, dest_dev: int) -> bool:
        """Reflink or hard-link ``src`` to ``tmp``; False when it must be copied. A file system that
        refused a clone once is not asked again (``fs_copy`` remembers it by device)."""
        mode = os.environ.get("TRACKWELL_CACHE_PLACE", "auto").lower()
        if mode == "copy":
            return False
        if mode != "link" and reflink(src, tmp, src_dev=src_dev, dest_dev=dest_dev):
            return True
        if mode == "link" or (hasattr(os, "geteuid") and os.geteuid() != 0):
            try:
                os.link(src, tmp)
                return True
            except FileNotFoundError:
                raise
            except OSError:
                return False  # another file system, or too many links: copy
        return False

    # --- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self, sha256: str) -> Iterator[_Writer]:
        """``with cache.writer(sha) as f: f.write(chunk)``: stored on exit if the bytes hash to ``sha``.

        A mismatch raises :class:`ChecksumMismatchError` and stores nothing; an exception inside
        the block stores nothing either.
        """
        final = self.path_for(sha256)
        tmp = self._tmp / f"{sha256[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}.part"
        try:
            with self._open_tmp(tmp) as fh:
                w = _Writer(fh)
                yield w
            if w.hexdigest() != sha256:
                raise ChecksumMismatchError(
                    f"the {w.size:,} bytes received hash to {w.hexdigest()}, not {sha256}; nothing was "
                    "cached (a transfer error or a changed file: fetch it again)"
                )
            self._publish(tmp, final, sha256, w.size)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def add_file(self, src: Path, sha256: str, link_ok: bool = True) -> Path:
        """Cache a local file known to hold ``sha256`` (after its upload); returns the cache path.

        ``link_ok`` lets it hard-link ``src`` into the cache (it becomes read-only), which is done for
        SDK owns: staged copies. A user's file is always copied (hashed on the way), so linking
        never changes its mode or mtime.
        """
        existing = self.get(sha256)
        if existing is not None:
            return existing
        final = self.path_for(sha256)
        if link_ok and is_staged(src):
            self._tmp.mkdir(parents=True, exist_ok=True)
            tmp = self._tmp / f"{sha256[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}.link"
            try:
                os.link(src, tmp)
                self._publish(tmp, final, sha256, tmp.stat().st_size)
                return final
            except OSError:
                pass  # another file system: copy below
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        with self.writer(sha256) as w, open(src, "rb") as fh:
            while chunk := fh.read(4 * 2**20):
                w.write(chunk)
        return final

    def _open_tmp(self, tmp: Path) -> IO[bytes]:
        try:
            return open(tmp, "xb")  # the caller's with block closes it
        except FileNotFoundError:  # the first write here (or the folder was removed): make it
            self._tmp.mkdir(parents=True, exist_ok=True)
            return open(tmp, "xb")

    def _publish(self, tmp: Path, final: Path, sha256: str, size: int) -> None:
        os.chmod(tmp, 0o444)
        if self._tags:
            mtime = time.time_ns() // 1_000_000_000 * 1_000_000_000 + _tag_ns(sha256)
            os.utime(tmp, ns=(time.time_ns(), mtime))
            if not self._tags_checked:
                self._tags_checked = True
                if os.stat(tmp).st_mtime_ns != mtime:  # a file system without sub-second times
                    self._tags = False
                    with contextlib.suppress(OSError):
                        (self.root / ".no-mtime-tag").touch()
        if os.path.exists(final):
            return  # another process published it first: keep that inode (it may be linked)
        try:
            os.replace(tmp, final)
        except FileNotFoundError:  # the first file under this prefix
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        self._account(size)

    # --- size bound ---------------------------------------------------------------------------
    def size(self) -> int:
        """Bytes the cache holds (a walk of the folder)."""
        return sum(size for _, size, _ in self._entries())

    def cleanup(self, max_size: int) -> int:
        """Evict least recently used files until the cache holds at most ``max_size`` bytes.

        Also removes abandoned temporary files (over a day old). Returns the bytes freed.
        """
        self._tally.flush()
        with self._locked():
            freed, _ = self._evict(max_size, grace_s=0.0)
        return freed

    def flush(self) -> None:
        """Commit the sizes of the files this process added to the shared total now (evicting if
        that takes it over the limit); otherwise done within a second, and at exit."""
        self._tally.flush()

    def _entries(self) -> Iterator[tuple[float, int, Path]]:
        """(last use, size, path) of every cached file."""
        if not self._obj.is_dir():
            return
        for prefix in os.scandir(self._obj):
            if not prefix.is_dir():
                continue
            for item in os.scandir(prefix.path):
                with contextlib.suppress(OSError):
                    st = item.stat()
                    yield st.st_atime, st.st_size, Path(item.path)

    def _evict(self, target: int, grace_s: float) -> tuple[int, int]:
        """Remove least recently used files down to ``target`` bytes: (bytes freed, bytes left)."""
        entries = sorted(self._entries(), key=lambda e: e[0])
        total = sum(size for _, size, _ in entries)
        freed = 0
        recent = time.time() - grace_s
        for used, size, path in entries:
            if total - freed <= target:
                break
            if grace_s and used >= recent:
                continue
            if self._drop(path):
                freed += size
        left = total - freed
        freed += self._clean_tmp()
        self._write_total(left, time.time())
        return freed, left

    def _clean_tmp(self) -> int:
        freed = 0
        if self._tmp.is_dir():
            stale = time.time() - 86400
            for item in os.scandir(self._tmp):
                with contextlib.suppress(OSError):
                    st = item.stat()
                    if st.st_mtime < stale:
                        os.unlink(item.path)
                        freed += st.st_size
        return freed

    def _account(self, added: int) -> None:
        """Count a new file's bytes (committed in batches: ``cache_size``)."""
        self._tally.add(added)

    def _commit_size(self, added: int) -> int:
        """Add ``added`` to the shared total, evicting when it passes the limit; the total after."""
        with self._locked():
            state = self._read_total()
            if state is None or time.time() - state[1] > _RESCAN_S:
                total, counted_at = self.size(), time.time()  # first use, or a total that may drift
            else:
                total, counted_at = state[0] + added, state[1]
            if total > self.max_size:
                return self._evict(int(self.max_size * EVICT_TO), grace_s=self.grace_s)[1]
            self._write_total(total, counted_at)
            return total

    def _read_total(self) -> tuple[int, float] | None:
        try:
            data: Any = json.loads((self.root / ".size").read_text())
            return int(data["bytes"]), float(data["counted_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_total(self, total: int, counted_at: float) -> None:
        """Save the running total and when it was last counted by a walk (a walk resets drift)."""
        tmp = self.root / f".size.{os.getpid()}.tmp"
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps({"bytes": max(total, 0), "counted_at": counted_at}))
            os.replace(tmp, self.root / ".size")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as fh:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _touch(path: Path, st: os.stat_result) -> None:
        """Mark used (access time now), keeping the mtime and its tag."""
        with contextlib.suppress(OSError):
            os.utime(path, ns=(time.time_ns(), st.st_mtime_ns))

    @staticmethod
    def _drop(path: Path) -> bool:
        try:
            os.unlink(path)
            return True
        except OSError:
            return False
