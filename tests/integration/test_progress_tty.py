"""Progress lines for long work (``sdk.progress``), seen the way a user sees them: on a
pseudo-terminal they show, in a pipe they do not, and ``--quiet``/``TRACKWELL_SILENT`` silence them.
Covers ``trackwell export``, ``trackwell sync`` and a ``finish()`` that waits on a slow server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.slow_proxy import ThreadingServer, make_handler

from tests.fixtures.pty_run import run_in_pty
from tests.integration.test_api_client import seed_run
from trackwell.sdk.api_client import ApiClient

OFFLINE_RUN = """
import trackwell as wandb
run = wandb.init(project="progress-sync", mode="offline", settings=wandb.Settings(console="off"))
for i in range(20_000):
    wandb.log({"x": i * 0.5, "y": i})
wandb.finish()
"""

SLOW_FINISH = """
import trackwell as wandb
run = wandb.init(project="progress-finish", settings=wandb.Settings(console="off", disable_stats=True))
for i in range(150_000):
    wandb.log({"a": i * 0.5, "b": i, "c": 1.0 / (i + 1), "d": f"s{i % 97}", "e": -i * 0.25})
wandb.finish()
"""


def _env(home: Path, url: str, key: str, **extra: str) -> dict[str, str]:
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "WANDB_BASE_URL": url,
        "WANDB_API_KEY": key,
        "TERM": "xterm",
        **extra,
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "trackwell", *args]


@pytest.fixture
def exportable(live_server: Any) -> Any:
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer_entity()
        for i in range(3):
            seed_run(client, entity, "progress-export", f"r{i}", rows=[{"x": float(s)} for s in range(50)])
    return live_server


def test_export_shows_progress_on_a_terminal_only(exportable: Any, tmp_path: Path) -> None:
    env = _env(tmp_path, exportable.url, exportable.api_key)
    code, shown = run_in_pty(_cli("export", "progress-export", "--out", str(tmp_path / "a")), env, tmp_path)
    assert code == 0, shown
    assert "\rtrackwell: exporting  3/3 runs" in shown.replace("\x1b[2K", "")
    code, quiet = run_in_pty(
        _cli("export", "progress-export", "--out", str(tmp_path / "b"), "--quiet"), env, tmp_path
    )
    assert code == 0 and "exporting" not in quiet and "exported 3 run(s)" in quiet
    silent_env = {**env, "TRACKWELL_SILENT": "true"}
    code, silent = run_in_pty(
        _cli("export", "progress-export", "--out", str(tmp_path / "c")), silent_env, tmp_path
    )
    assert code == 0 and "exporting" not in silent
    piped = subprocess.run(
        _cli("export", "progress-export", "--out", str(tmp_path / "d")),
        env=env,
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0 and piped.stderr == "" and "\r" not in piped.stdout


def test_sync_shows_runs_bytes_rate_and_time_left(live_server: Any, tmp_path: Path) -> None:
    env = _env(tmp_path, live_server.url, live_server.api_key)
    for _ in range(3):
        made = subprocess.run(
            [sys.executable, "-c", OFFLINE_RUN], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
    piped = subprocess.run(
        _cli("sync", "--all"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0, piped.stdout + piped.stderr
    assert "syncing" not in piped.stdout + piped.stderr and "3 of 3 run dir(s) synced" in piped.stdout
    # The same runs again, on a terminal: their saved progress is reset so there is something to send.
    for progress in (tmp_path / "trackwell").glob("offline-run-*/run-*.twlog.sync"):
        progress.unlink()
    code, shown = run_in_pty(_cli("sync", "--all", "--parallel", "1"), env, tmp_path)
    assert code == 0, shown
    drawn = re.findall(r"trackwell: syncing  [^\r\n\x1b]*", shown)
    assert drawn and drawn[-1].startswith("trackwell: syncing  3/3 runs"), shown
    total = re.search(r"(\S+ \S+)/(\S+ \S+)  ", drawn[-1])
    assert total and total.group(1) == total.group(2), drawn[-1]  # every byte counted
    assert "/s  " in drawn[-1] and " left" in drawn[-1]


@pytest.fixture
def slow_url(live_server: Any) -> Iterator[str]:
    host, port = live_server.url.rsplit("//", 1)[1].rsplit(":", 1)
    proxy = ThreadingServer(("127.0.0.1", 0), make_handler(host, int(port), 0.8))
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}"
    finally:
        proxy.shutdown()
        proxy.server_close()


@pytest.mark.slow
def test_a_long_finish_shows_what_is_left_to_send(live_server: Any, slow_url: str, tmp_path: Path) -> None:
    env = _env(tmp_path, slow_url, live_server.api_key, TRACKWELL_DIR=str(tmp_path / "runs"))
    code, shown = run_in_pty([sys.executable, "-c", SLOW_FINISH], env, tmp_path, timeout=90)
    assert code == 0, shown
    drawn = re.findall(r"trackwell: sending  [^\r\n\x1b]*", shown)
    assert drawn, shown
    assert " left" in drawn[0] and "/s" in drawn[0]
    assert "synced" in shown
    piped = subprocess.run(
        [sys.executable, "-c", SLOW_FINISH], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90
    )
    assert piped.returncode == 0, piped.stderr
    assert "sending" not in piped.stderr and "\r" not in piped.stderr
