"""A run's files through the ``Api``: ``run.files()``, ``run.file(name)`` and ``File.download()``.

Every download lands inside the folder the caller chose (``apis.downloads``), whatever name the
server sends.

Imports: standard library, ``trackwell.schema`` and the SDK's HTTP client.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from trackwell.apis.downloads import download_target
from trackwell.schema.files import RunFile
from trackwell.sdk.api_client import ApiClient


class FileAlreadyExistsError(FileExistsError, ValueError):
    """Raised by ``File.download`` when the target exists; wandb raises ValueError here."""


def iso_time(ts: float | None) -> str | None:
    """wandb returns timestamps as ISO 8601 strings in UTC."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class File:
    """One run file (``run.files()``/``run.file(name)``)."""

    def __init__(self, client: ApiClient, path: tuple[str, str, str], info: RunFile) -> None:
        self._client = client
        self._path = path
        self.name = info.path
        self.size = info.size
        self.sha256 = info.sha256
        self.updated_at = iso_time(info.updated_at)
        self.url = info.url

    def __repr__(self) -> str:
        return f"<File {self.name} ({self.size} bytes)>"

    def download(self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False) -> Path:
        """Save to ``root/name`` and return that path.

        Raises:
            UnsafeDownloadError: the name would land outside ``root`` (``../x``, an absolute path,
                a symlink out of ``root``); nothing is written.
            FileAlreadyExistsError: the file exists and neither ``replace`` nor ``exist_ok`` is set.
        """
        dest = download_target(root, self.name)
        if dest.exists() and not replace:
            if exist_ok:
                return dest
            raise FileAlreadyExistsError(
                f"File already exists: {dest}; pass replace=True to overwrite or exist_ok=True to keep it"
            )
        return self._client.download_file(*self._path, self.name, dest)
