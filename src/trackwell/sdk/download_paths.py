"""Where a downloaded file may land: inside the folder the caller chose, nowhere else.

Why: file names come from the server (``run.files()``, a table's media paths, ``restore``, an
artifact's manifest), and a client must not trust a server it merely reads from (a hostile or
compromised one, or a proxy in between). A name like ``../../.bashrc`` or ``/etc/cron.d/x`` joined
to ``root`` would write outside it. Every client download goes through :func:`download_target` (or
:class:`DownloadFolder` for many names into one folder), which applies the same name rule as the
server's uploads (``schema.file_paths``) and then checks the resolved path, which also catches a
symlink inside ``root`` that points out of it.

Here in ``sdk/`` (moved from ``apis/downloads.py``, which re-exports it) because both the public
``Api`` and ``trackwell.artifacts`` download, and ``artifacts`` must not import ``apis``.

Imports: standard library and ``trackwell.schema``.
"""

from __future__ import annotations

import os
from pathlib import Path

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.file_paths import unsafe_reason


class UnsafeDownloadError(InvalidArgument):
    """A file name that would be written outside the download folder; nothing was written."""

    code = "unsafe_download_path"


class DownloadFolder:
    """Many downloads into one ``root``: the root is resolved once and each parent folder once, so
    checking 10,000 names costs a few stat calls each, not a full path resolution."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._resolved_root = self.root.resolve()
        self._parents: dict[str, str | None] = {}  # parent folder name -> why unsafe, or None

    def target(self, name: str) -> Path:
        """``root/name``, after checking that it stays inside ``root``.

        Raises:
            UnsafeDownloadError: ``name`` is absolute, has ``..``/``.``/empty segments, a drive
                letter, a backslash or NUL, or resolves (through a symlink) outside ``root``.
        """
        why = unsafe_reason(name)
        if why is None:
            target = self.root / name
            parent = name.rpartition("/")[0]
            if parent not in self._parents:
                self._parents[parent] = self._outside(self.root / parent, is_file=False) if parent else None
            why = self._parents[parent]
            if why is None and os.path.islink(target):  # an existing link as the file itself
                why = self._outside(target, is_file=True)
            if why is None:
                return target
        raise UnsafeDownloadError(
            f"refusing to download the file {str(name)[:200]!r} into {str(self.root)!r}: {why}",
            field="name",
            hint="the server sent a file name that leaves the download folder; nothing was written. "
            "Check which server you read from",
        )

    def _outside(self, path: Path, *, is_file: bool) -> str | None:
        resolved = path.resolve()
        if (is_file and resolved == self._resolved_root) or not resolved.is_relative_to(self._resolved_root):
            return f"it resolves to {str(resolved)[:200]!r}, outside the folder (through a symlink)"
        return None


def download_target(root: str | Path, name: str) -> Path:
    """``root/name``, after checking that it stays inside ``root`` (see :meth:`DownloadFolder.target`)."""
    return DownloadFolder(root).target(name)
