"""The auto-started local server keeps its address across restarts, so run links printed earlier
keep working: it takes the port it had last time (``<data_dir>/server-port``) while that is free.

Real server processes started by ``ensure_local_server`` (as ``init()`` does). Port 7077, the first
choice of a data dir with no remembered port, is never touched here: the remembered port is set
before the first start, and the fallback port is replaced by a port this test holds.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from trackwell.sdk import local_server
from trackwell.sdk.local_server import ensure_local_server, read_server_json, remembered_port


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hold(port: int) -> socket.socket:
    """Another program listening on ``port``."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past the stopped server's TIME_WAIT
    sock.bind(("127.0.0.1", port))
    sock.listen(1)
    return sock


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _stop(data_dir: Path) -> None:
    info = read_server_json(data_dir)
    if info is None:
        return
    os.kill(int(info["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + 20
    while (data_dir / "server.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (data_dir / "server.json").exists(), "the server did not stop"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    held = _hold(_free_port())  # the stand-in for 7077, busy: a fallback must go to "any free port"
    monkeypatch.setattr(local_server, "DEFAULT_PORT", held.getsockname()[1])
    path = tmp_path / "data"
    path.mkdir()
    try:
        yield path
    finally:
        _stop(path)
        held.close()


def test_a_restarted_local_server_takes_its_port_back(data_dir: Path) -> None:
    first_port = _free_port()
    (data_dir / "server-port").write_text(f"{first_port}\n")  # as a first start would leave it
    url, _ = ensure_local_server(data_dir, timeout=60)
    assert _port_of(url) == first_port
    _stop(data_dir)
    again, _ = ensure_local_server(data_dir, timeout=60)
    assert again == url  # the same address: earlier links keep working
    assert remembered_port(data_dir) == first_port


def test_a_busy_remembered_port_moves_the_server_and_the_new_port_is_remembered(data_dir: Path) -> None:
    first_port = _free_port()
    (data_dir / "server-port").write_text(f"{first_port}\n")
    url, _ = ensure_local_server(data_dir, timeout=60)
    assert _port_of(url) == first_port
    _stop(data_dir)
    other = _hold(first_port)  # something else took the port meanwhile
    try:
        moved, _ = ensure_local_server(data_dir, timeout=60)
        new_port = _port_of(moved)
        assert new_port not in (first_port, local_server.DEFAULT_PORT)
        assert remembered_port(data_dir) == new_port  # updated: the newest links keep working
        _stop(data_dir)
        assert ensure_local_server(data_dir, timeout=60)[0] == moved  # and it is reused next time
    finally:
        other.close()


def test_with_no_remembered_port_the_first_start_records_the_one_it_got(data_dir: Path) -> None:
    url, _ = ensure_local_server(data_dir, timeout=60)  # 7077's stand-in is busy: any free port
    assert remembered_port(data_dir) == _port_of(url)
