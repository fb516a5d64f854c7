"""Where API keys live: ``<config dir>/credentials.json`` (per server URL) and ``~/.netrc``.

Why a file of our own: keys must survive between processes (``trackwell login`` once, train many
times) without sitting in shell history or the settings file. The file is written atomically with
mode 0600 in a 0700 folder, so a crash never leaves half a file and other users never read it.
``~/.netrc`` is read (never written) so machines already logged in with ``wandb login --host`` work.

Format: ``{"hosts": {"<base url>": {"api_key": "...", "username": "..."}}}``.

Imports: standard library only.
"""

from __future__ import annotations

import json
import netrc
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from trackwell.schema.errors import InvalidArgument

FILE_NAME = "credentials.json"


def host_key(base_url: str) -> str:
    """Normalize a URL for use as a dictionary key: scheme://host[:port], lower case, no slash."""
    parts = urlsplit(base_url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


class CredentialStore:
    """API keys per server, in ``<config_dir>/credentials.json``."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / FILE_NAME

    def __repr__(self) -> str:
        return f"CredentialStore({str(self.path)!r})"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {"hosts": {}}
        except (OSError, ValueError) as exc:
            raise InvalidArgument(
                f"cannot read {self.path}: {type(exc).__name__}",
                hint="delete the file and run `trackwell login` again",
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("hosts"), dict):
            return {"hosts": {}}
        return data

    def get(self, base_url: str) -> str | None:
        entry = self._load()["hosts"].get(host_key(base_url))
        key = entry.get("api_key") if isinstance(entry, dict) else None
        return key if isinstance(key, str) and key else None

    def hosts(self) -> list[str]:
        return sorted(self._load()["hosts"])

    def set(self, base_url: str, api_key: str, *, username: str | None = None) -> None:
        data = self._load()
        data["hosts"][host_key(base_url)] = {"api_key": api_key, "username": username}
        self._write(data)

    def delete(self, base_url: str) -> bool:
        data = self._load()
        removed = data["hosts"].pop(host_key(base_url), None) is not None
        if removed:
            self._write(data)
        return removed

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file 0600 from the start: the key is never readable by others,
        # not even between create and chmod.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".credentials-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(data, f, indent=2, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def netrc_key(base_url: str, netrc_path: Path) -> str | None:
    """The password of the ``machine <host[:port]>`` entry in a netrc file, as wandb writes it."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        return None
    try:
        entries = netrc.netrc(str(netrc_path))
    except (OSError, netrc.NetrcParseError):
        return None
    candidates = [parts.netloc, parts.hostname]
    for machine in candidates:
        auth = entries.authenticators(machine)
        if auth and auth[2]:
            return auth[2]
    return None
