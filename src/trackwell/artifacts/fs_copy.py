"""Copying files the cheapest safe way: a copy-on-write clone (reflink) where the file system has
one (btrfs, XFS with reflink, APFS, ...), else the kernel's own copy (``copy_file_range``, which
btrfs/XFS/NFS also turn into a clone or a server-side copy; a 4 MiB loop where it is missing):
never a big file read into Python memory.

A failed clone costs four system calls (open, create, ioctl, unlink); paid per file that made a
download of 10,000 small files 4.5 s slower as root on ext4. So a file system that said "cannot
clone" is remembered for the life of the process, by device id (:func:`reflink`'s ``src_dev``):
the next files go straight to a copy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import threading
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int)
SMALL_COPY = 64 * 1024  # bytes; up to this a copy is one read and one write (fewest system calls);
# above it the kernel copies (a 1 MiB file: ~1.5 ms against 2-7 ms through Python memory, measured)

# What a file system without clones answers (ext4: EOPNOTSUPP; some: EINVAL, ENOTTY, ENOSYS).
_NO_CLONE_ERRNOS = {errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.ENOTTY, errno.ENOSYS}
_no_clone_devs: set[int] = set()  # source devices whose file system cannot clone
_no_clone_pairs: set[tuple[int, int]] = set()  # (source, destination) devices: two file systems
_memo_lock = threading.Lock()
_use_copy_file_range = hasattr(os, "copy_file_range")
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def reflink_known_unsupported(src_dev: int | None, dest_dev: int | None = None) -> bool:
    """Whether a clone from a file on ``src_dev`` (to ``dest_dev``) already failed in this process."""
    if src_dev is None:
        return False
    return src_dev in _no_clone_devs or (dest_dev is not None and (src_dev, dest_dev) in _no_clone_pairs)


def reflink(
    src: str | Path, dest: str | Path, *, src_dev: int | None = None, dest_dev: int | None = None
) -> bool:
    """Clone ``src`` to ``dest`` (which must not exist); False where the file system cannot.

    ``src_dev`` (``st_dev`` of ``src``, when the caller has it) lets a file system known to refuse
    clones be answered without a system call; a refusal is remembered by device either way.
    """
    if fcntl is None or reflink_known_unsupported(src_dev, dest_dev):
        return False
    try:
        with open(src, "rb") as fin, open(dest, "xb") as fout:
            try:
                fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
                return True
            except OSError as exc:
                _remember_refusal(exc, fin.fileno(), fout.fileno())
    except OSError:
        pass
    with contextlib.suppress(OSError):
        os.unlink(dest)
    return False


def _remember_refusal(exc: OSError, fin: int, fout: int) -> None:
    """Remember a clone refused for good (not an error of this one file, like ENOSPC)."""
    with contextlib.suppress(OSError):
        src_dev, dest_dev = os.fstat(fin).st_dev, os.fstat(fout).st_dev
        with _memo_lock:
            if exc.errno == errno.EXDEV or src_dev != dest_dev:
                _no_clone_pairs.add((src_dev, dest_dev))
            elif exc.errno in _NO_CLONE_ERRNOS:
                _no_clone_devs.add(src_dev)


def copy_new(src: str | Path, dest: str | Path, size: int | None = None) -> None:
    """Copy ``src`` into the new file ``dest`` (created; an existing one is an error).

    A small file (``size`` up to ``SMALL_COPY``) is one read and one write on raw descriptors (six
    system calls: Python's ``open`` adds an fstat and a tty check per file, which a cached
    download of 10,000 files pays 20,000 times); a big one is copied by the kernel
    (``copy_file_range``, else in 4 MiB chunks). A failed copy leaves no ``dest`` behind.
    """
    if size is not None and size <= SMALL_COPY:
        _copy_small(src, dest, size)
        return
    fout = open(dest, "xb")  # noqa: SIM115 - closed below; FileExistsError when ``dest`` exists
    try:
        with fout:
            _copy_into(src, fout, size)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(dest)  # ours (made exclusively above): no partial copy left behind
        raise


def _copy_small(src: str | Path, dest: str | Path, size: int) -> None:
    fin = os.open(src, os.O_RDONLY | _O_CLOEXEC)
    try:
        data = os.read(fin, size + 1)
        while more := os.read(fin, SMALL_COPY):
            data += more  # a short read, or a file longer than said: all of it, as a copy should
    finally:
        os.close(fin)
    fout = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fout, view) :]
    except BaseException:
        os.close(fout)
        with contextlib.suppress(OSError):
            os.unlink(dest)  # ours (made exclusively above): no partial copy left behind
        raise
    os.close(fout)


def _copy_into(src: str | Path, fout: BinaryIO, size: int | None) -> None:
    global _use_copy_file_range
    with open(src, "rb") as fin:
        if size is not None and size <= SMALL_COPY:
            fout.write(fin.read())
            return
        if _use_copy_file_range:
            try:
                while os.copy_file_range(fin.fileno(), fout.fileno(), 1 << 30):
                    pass
                return
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                    raise
                if exc.errno == errno.ENOSYS:  # an old kernel: not again
                    _use_copy_file_range = False
                fin.seek(0)
                fout.seek(0)
                fout.truncate()
        shutil.copyfileobj(fin, fout, 4 * 2**20)  # (shutil's sendfile path needs paths, not files)


def clone_or_copy(src: str | Path, dest: str | Path, *, src_dev: int | None = None) -> None:
    """A new file ``dest`` with ``src``'s bytes: a reflink if possible, else a kernel copy."""
    if not reflink(src, dest, src_dev=src_dev):
        copy_new(src, dest)
