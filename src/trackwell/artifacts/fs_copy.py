"""Copying files the cheapest safe way: a copy-on-write clone (reflink) where the file system has
one (btrfs, XFS with reflink, APFS, ...), else the kernel's own copy (``shutil.copyfile`` uses
``sendfile``/``copy_file_range`` on Linux): never a read into Python memory."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int)


def reflink(src: str | Path, dest: str | Path) -> bool:
    """Clone ``src`` to ``dest`` (which must not exist); False where the file system cannot."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        with open(src, "rb") as fin, open(dest, "xb") as fout:
            fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
            return True
    except OSError:
        pass
    with contextlib.suppress(OSError):
        Path(dest).unlink()
    return False


def clone_or_copy(src: str | Path, dest: str | Path) -> None:
    """A new file ``dest`` with ``src``'s bytes: a reflink if possible, else a kernel copy."""
    if not reflink(src, dest):
        shutil.copyfile(src, dest)
