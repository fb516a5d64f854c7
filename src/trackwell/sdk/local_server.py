"""Find, or start, the local trackwell server: zero set-up for ``trackwell.init()``.

Why: with no server URL configured the SDK still has one write path, HTTP, to a server on loopback
that keeps its data in ``data_dir`` (docs/architecture.md, "Local server"). The server writes
``server.json`` when it is ready; a dead one leaves a stale file, so the URL is only trusted after
``GET /healthz`` answers. Starting happens under ``flock(server.lock)`` so that two training
processes started at once never start two servers on one database.

The port: the one the server for ``data_dir`` had last time (``<data_dir>/server-port``, written by
the server once it is bound) while it is free, else 7077 while free, else any free port; so the run
links printed by earlier runs keep working across restarts.

Imports: standard library and the SDK's HTTP client.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from trackwell.schema.errors import TrackwellError
from trackwell.sdk.api_client import ApiClient

SERVER_JSON = "server.json"
LOCK_FILE = "server.lock"
DEFAULT_PORT = 7077  # the port `trackwell server` uses by default
LOG_FILE = "server.log"
KEY_FILE = "local-api-key"
PORT_FILE = "server-port"  # the port the last server of this data dir was bound to (server/process.py)
_POLL = 0.05
_HEALTH_TIMEOUT = 2.0


class LocalServerError(TrackwellError):
    """The local server could not be found or started."""

    code = "local_server_error"


def read_server_json(data_dir: Path) -> dict[str, Any] | None:
    """The parsed ``server.json``, or None when missing or half-written."""
    try:
        info = json.loads((data_dir / SERVER_JSON).read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("url"), str) else None


def running_server_url(data_dir: Path) -> str | None:
    """The URL of the local server for ``data_dir`` when one answers ``/healthz``, else None."""
    info = read_server_json(data_dir)
    if info is None:
        return None
    url = str(info["url"])
    try:
        with ApiClient(url, None, timeout=_HEALTH_TIMEOUT) as client:
            return url if client.healthz() else None
    except TrackwellError:
        return None


def read_local_key(data_dir: Path) -> str | None:
    try:
        key = (data_dir / KEY_FILE).read_text().strip()
    except OSError:
        return None
    return key or None


def ensure_local_server(data_dir: Path, *, timeout: float = 20.0) -> tuple[str, str]:
    """Return ``(url, api_key)`` of the local server for ``data_dir``, starting it when needed.

    Fast path (a server answers): one small file read and one loopback request.

    Raises:
        LocalServerError: the server did not come up within ``timeout`` (the message points at
            ``<data_dir>/server.log``).
    """
    data_dir = Path(data_dir).expanduser().resolve()
    deadline = time.monotonic() + timeout
    url = running_server_url(data_dir)
    if url is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        with _Locked(data_dir / LOCK_FILE, deadline):
            # Another process may have started it while this one waited for the lock.
            url = running_server_url(data_dir) or _start(data_dir, deadline)
    key = _wait_for_key(data_dir, deadline)
    return url, key


class _Locked:
    """``flock`` held as a context manager, waiting until a deadline (never forever)."""

    def __init__(self, path: Path, deadline: float) -> None:
        self.path = path
        self.deadline = deadline
        self.fd = -1

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > self.deadline:
                    os.close(self.fd)
                    raise LocalServerError(
                        f"timed out waiting for {self.path} (another process is starting the server)",
                        hint="retry; if it persists, run `trackwell server` yourself",
                    ) from None
                time.sleep(_POLL)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As the server binds (SO_REUSEADDR): a port whose old connections sit in TIME_WAIT after
        # a stop is free for it, and must count as free here too.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def remembered_port(data_dir: Path) -> int | None:
    """The port the last server for ``data_dir`` was bound to, if recorded."""
    try:
        port = int((data_dir / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def choose_port(data_dir: Path) -> int:
    """The remembered port while it is free, else 7077 while free, else 0 (any free port)."""
    for candidate in (remembered_port(data_dir), DEFAULT_PORT):
        if candidate is not None and _port_free(candidate):
            return candidate
    return 0


class _ExitedAtStart(LocalServerError):
    """The server process ended before it answered (e.g. its port was taken meanwhile)."""


def _start(data_dir: Path, deadline: float) -> str:
    port = choose_port(data_dir)
    try:
        return _spawn(data_dir, port, deadline)
    except _ExitedAtStart:
        if port == 0:
            raise
        # Someone took the port between the check and the server's bind: any free port will do.
        return _spawn(data_dir, 0, deadline)


def _spawn(data_dir: Path, port: int, deadline: float) -> str:
    (data_dir / SERVER_JSON).unlink(missing_ok=True)  # stale: its server did not answer
    log_path = data_dir / LOG_FILE
    command = [sys.executable, "-m", "trackwell", "server", "--data-dir", str(data_dir), "--port", str(port)]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=data_dir,
            # Own session: Ctrl-C in the user's terminal must not kill the shared server.
            start_new_session=True,
        )
    # Reap the child if it ever exits while we live (no zombie, no ResourceWarning).
    threading.Thread(target=proc.wait, name="trackwell-local-server-reaper", daemon=True).start()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise _ExitedAtStart(
                f"the local server exited with code {proc.returncode} at start-up: {_tail(log_path)}",
                hint=f"see {log_path}",
            )
        url = running_server_url(data_dir)
        if url is not None:
            return url
        time.sleep(_POLL)
    raise LocalServerError(
        f"the local server did not answer within the time allowed: {_tail(log_path)}",
        hint=f"see {log_path}; raise TRACKWELL_INIT_TIMEOUT or start it with `trackwell server`",
    )


def _wait_for_key(data_dir: Path, deadline: float) -> str:
    while True:
        key = read_local_key(data_dir)
        if key is not None:
            return key
        if time.monotonic() > deadline:
            raise LocalServerError(
                f"the local server is running but {data_dir / KEY_FILE} is missing",
                hint="restart it: `trackwell server stop`, then run again",
            )
        time.sleep(_POLL)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(text[-lines:]) or "(empty log)"
