"""The uploader with two record batches in flight, against a real server that dies while they are:
whatever was applied before the kill is not applied again, the rest is resent, and every row ends
up on the server exactly once, in order, from a training process (finish) and from ``trackwell sync``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.sync import sync_run_dirs
from trackwell.sdk.uploader import PIPELINE

ROWS = 150_000

TRAIN = r"""
import sys
import trackwell
run = trackwell.init(project="pipe", dir=sys.argv[1])
print("RUN", run.id, run.entity, flush=True)
for i in range(int(sys.argv[2])):
    run.log({"loss": 1.0 / (i + 1), "acc": 0.5, "epoch": i // 1000})
print("LOOPDONE", flush=True)
run.finish()
print("DONE", flush=True)
"""


def _steps(client: ApiClient, entity: str, project: str, run_id: str) -> list[int]:
    steps: list[int] = []
    min_step = None
    while True:
        page = client.history_rows(entity, project, run_id, ["loss"], min_step=min_step, limit=10_000)
        steps += [row["_step"] for row in page.rows]
        if page.next_min_step is None:
            return steps
        min_step = page.next_min_step


def _env(live_server: LiveServer, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(
        TRACKWELL_BASE_URL=live_server.url,
        TRACKWELL_API_KEY=live_server.api_key,
        TRACKWELL_CONFIG_DIR=str(tmp_path / "config"),
        TRACKWELL_SILENT="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def test_the_uploader_keeps_two_batches_in_flight() -> None:
    assert PIPELINE == 2  # what the tests below exercise


def test_server_killed_during_finish_loses_and_duplicates_nothing(
    live_server: LiveServer, tmp_path: Path
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", TRAIN, str(tmp_path), str(ROWS)],
        env=_env(live_server, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    run_line = proc.stdout.readline().split()
    assert run_line[0] == "RUN", proc.stderr.read() if proc.stderr else ""
    _, run_id, entity = run_line
    assert proc.stdout.readline().strip() == "LOOPDONE"
    time.sleep(0.05)  # finish() has started: the processor is writing, batches are in flight
    live_server.kill()
    assert proc.poll() is None, "finish() ended before the server was killed: nothing was tested"
    time.sleep(1.0)
    live_server.restart()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "DONE" in out, err
    with ApiClient(live_server.url, live_server.api_key) as client:
        run = client.get_run(entity, "pipe", run_id)
        assert run.state == "finished" and run.history_count == ROWS
        assert _steps(client, entity, "pipe", run_id) == list(range(ROWS))


def test_sync_with_the_server_killed_midway_delivers_everything_once(
    live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    rows = 2 * ROWS
    run = trackwell.init(project="pipe-sync", mode="offline", dir=tmp_path)
    for i in range(rows):
        run.log({"loss": 1.0 / (i + 1), "acc": 0.5, "epoch": i // 1000})
    run.finish()
    run_dir = Path(run.sync_dir)

    def factory() -> ApiClient:
        return ApiClient(live_server.url, live_server.api_key, timeout=30)

    results: list[Any] = []
    syncing = threading.Thread(target=lambda: results.extend(sync_run_dirs([run_dir], factory)))
    syncing.start()
    time.sleep(0.3)  # some batches applied, two in flight
    assert syncing.is_alive(), "the sync ended before the server was killed: nothing was tested"
    live_server.kill()
    time.sleep(1.0)
    live_server.restart()
    syncing.join(120)
    (result,) = results
    assert result.synced, result.error
    assert "upload attempt 1 failed" in caplog.text
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        out = client.get_run(entity, "pipe-sync", run.id)
        assert out.history_count == rows and out.state == "finished"
        assert _steps(client, entity, "pipe-sync", run.id) == list(range(rows))
