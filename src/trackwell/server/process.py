"""Running one server process in the foreground: bind, serve, announce, clean up.

The socket is bound here rather than by uvicorn so that ``--port 0`` works and the real port is
known. ``<data_dir>/server.json`` is written only once the server answers ``/healthz`` (clients
that started it wait for that file) and removed on a clean stop (SIGTERM/SIGINT). A server on
loopback also records its port in ``<data_dir>/server-port``, which stays after it stops: the SDK
starts the next server of this data dir on the same port while it is free (sdk/local_server.py).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

import trackwell
from trackwell.server.app import create_app
from trackwell.server.server_file import (
    answers,
    pid_alive,
    read_server_file,
    remove_server_file,
    write_server_file,
)
from trackwell.server.settings import ServerSettings
from trackwell.service.auth import LOCAL_KEY_FILE

log = logging.getLogger("trackwell.server")


class _Stop(BaseException):
    """Raised by our signal handler; BaseException so no ``except Exception`` swallows it."""


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # A restarted server takes its old port back even while old connections sit in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit TCP_NODELAY: without it a keep-alive client waits ~40 ms
        # (delayed ACK) for the second segment of every answer.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PORT_FILE = "server-port"  # read by trackwell.sdk.local_server (the SDK cannot import the server)


def remember_port(data_dir: Path, port: int) -> None:
    """Record the port so the next auto-started server of this data dir takes it again."""
    tmp = data_dir / f".{PORT_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(f"{port}\n", encoding="utf-8")
        os.replace(tmp, data_dir / PORT_FILE)
    except OSError:
        log.warning("could not record the port in %s", data_dir / PORT_FILE)


def url_for(host: str, port: int) -> str:
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(settings: ServerSettings, host: str, port: int, announce: Callable[[str], None]) -> int:
    """Serve until SIGTERM/SIGINT; return the process exit code."""
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    running = read_server_file(data_dir) or {}
    other = int(running.get("pid", 0))
    if other > 0 and other != os.getpid() and pid_alive(other) and answers(str(running.get("url"))):
        announce(f"A trackwell server is already running for {data_dir} at {running['url']}")
        return 1

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stop(signum)

    # Until uvicorn installs its own handlers (and after it re-raises the signal it caught),
    # a stop request unwinds through the finally below so server.json is removed.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sock = bind_socket(host, port)
    url = url_for(host, sock.getsockname()[1])
    if host in LOOPBACK_HOSTS:
        remember_port(data_dir, sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            log_level="info",
            access_log=False,
            timeout_graceful_shutdown=5,
            server_header=False,
        )
    )
    announcer = threading.Thread(
        target=_announce_when_ready, args=(server, url, data_dir, announce, settings.local), daemon=True
    )
    announcer.start()
    try:
        server.run(sockets=[sock])
    except _Stop:
        pass
    finally:
        remove_server_file(data_dir)
        sock.close()
    return 0 if server.started else 1


def _announce_when_ready(
    server: uvicorn.Server, url: str, data_dir: Path, announce: Callable[[str], None], local: bool
) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.02)
    while not answers(url, timeout=1.0):
        if server.should_exit:
            return
        time.sleep(0.05)
    write_server_file(data_dir, url, trackwell.__version__)
    announce(f"Trackwell server listening on {url} (data in {data_dir})")
    if local:
        link = _sign_in_link(url, data_dir)
        if link:
            announce(f"Open the UI, signed in (link works once, for a few minutes):\n  {link}")
        announce("A new link any time: trackwell ui")


def _sign_in_link(url: str, data_dir: Path) -> str | None:
    """A one-time sign-in link for the local user, as Jupyter prints one: the server asks itself
    with the local key, so the link is made exactly as ``trackwell ui`` makes it."""
    try:
        key = (data_dir / LOCAL_KEY_FILE).read_text().strip()
        request = urllib.request.Request(
            url + "/api/v1/session/login-link", method="POST", headers={"Authorization": f"Bearer {key}"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return str(json.loads(answer.read())["url"])
    except (OSError, ValueError, KeyError):
        return None
