"""``<data_dir>/server.json``: how clients find the running server, and how we tell it is alive.

Kept apart from ``process`` (which imports the whole web stack) so that ``trackwell server stop``
and other quick commands read it without paying for FastAPI and SQLAlchemy imports.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path
from typing import Any

SERVER_FILE = "server.json"


def read_server_file(data_dir: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def write_server_file(data_dir: Path, url: str, version: str) -> None:
    info = {"pid": os.getpid(), "url": url, "started_at": time.time(), "version": version}
    tmp = data_dir / f".{SERVER_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(info), encoding="utf-8")
    os.replace(tmp, data_dir / SERVER_FILE)  # readers never see a half-written file


def remove_server_file(data_dir: Path) -> None:
    # Only our own: a newer server may already have replaced the file.
    info = read_server_file(data_dir)
    if info is not None and info.get("pid") == os.getpid():
        try:
            (data_dir / SERVER_FILE).unlink()
        except FileNotFoundError:
            pass
