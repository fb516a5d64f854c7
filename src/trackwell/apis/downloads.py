"""Where a downloaded run file may land: inside the folder the caller chose, nowhere else.

Why: file names come from the server (``run.files()``, a table's media paths, ``restore``), and a
client must not trust a server it merely reads from (a hostile or compromised one, or a proxy in
between). A name like ``../../.bashrc`` or ``/etc/cron.d/x`` joined to ``root`` would write outside
it. Every client download goes through :func:`download_target`, which applies the same name rule
as the server's uploads (``schema.file_paths``) and then checks the resolved path, which also
catches a symlink inside ``root`` that points out of it.

Imports: standard library and ``trackwell.schema``.
"""

from __future__ import annotations

from pathlib import Path

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.file_paths import unsafe_reason


class UnsafeDownloadError(InvalidArgument):
    """A file name that would be written outside the download folder; nothing was written."""

    code = "unsafe_download_path"


def download_target(root: str | Path, name: str) -> Path:
    """``root/name``, after checking that it stays inside ``root``.

    Raises:
        UnsafeDownloadError: ``name`` is absolute, has ``..``/``.``/empty segments, a drive letter,
            a backslash or NUL, or resolves (through a symlink) outside ``root``.
    """
    why = unsafe_reason(name)
    base = Path(root)
    if why is None:
        target = base / name
        resolved_root = base.resolve()
        resolved = target.resolve()
        if resolved == resolved_root or not resolved.is_relative_to(resolved_root):
            why = f"it resolves to {str(resolved)[:200]!r}, outside the folder (through a symlink)"
        else:
            return target
    raise UnsafeDownloadError(
        f"refusing to download the file {str(name)[:200]!r} into {str(base)!r}: {why}",
        field="name",
        hint="the server sent a file name that leaves the download folder; nothing was written. "
        "Check which server you read from",
    )
