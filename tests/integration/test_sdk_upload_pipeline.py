"""The uploader with two record batches in flight, against a real server that dies while they are,
or whose answers get lost after it applied a batch: whatever was applied is not applied again, the
rest is resent, and every row ends up on the server exactly once, in order, from a training process
(``finish()``) and from ``trackwell sync``.
"""

from __future__ import annotations

import http.client
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from trackwell.sdk import uploader
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.sync import sync_run_dirs

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


@pytest.fixture
def offline_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")


def _offline_run(tmp_path: Path, project: str, rows: int) -> Any:
    run = trackwell.init(project=project, mode="offline", dir=tmp_path)
    for i in range(rows):
        run.log({"loss": 1.0 / (i + 1), "acc": 0.5, "epoch": i // 1000})
    run.finish()
    return run


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


@pytest.mark.usefixtures("offline_env")
def test_sync_with_the_server_killed_midway_delivers_everything_once(
    live_server: LiveServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = 2 * ROWS
    run = _offline_run(tmp_path, "pipe-sync", rows)
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


class _AnswerDropper:
    """A forwarding proxy that, for the 2nd and 3rd of every 5 record batches, applies the batch on
    the server and then closes the connection instead of answering (so the SDK's one quiet retry on
    a fresh connection also loses its answer, and the uploader sees the failure)."""

    def __init__(self, target_port: int) -> None:
        self.posts = 0
        self.dropped = 0
        self._lock = threading.Lock()
        dropper = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                if self.command == "POST" and self.path.endswith("/records") and dropper.drop_this():
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = forward  # noqa: N815 (the stdlib's names)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def drop_this(self) -> bool:
        with self._lock:
            self.posts += 1
            drop = self.posts % 5 in (2, 3)
            self.dropped += drop
            return drop

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dropper(live_server: LiveServer) -> Iterator[_AnswerDropper]:
    proxy = _AnswerDropper(live_server.port)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.mark.usefixtures("offline_env")
def test_lost_answers_of_batches_in_flight_duplicate_nothing(
    live_server: LiveServer,
    dropper: _AnswerDropper,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(uploader, "BATCH_BYTES", 48 << 10)  # many small batches, so many answers
    monkeypatch.setattr(uploader, "BACKOFF_MIN", 0.01)
    rows = ROWS // 4
    run = _offline_run(tmp_path, "faults", rows)

    def factory() -> ApiClient:
        return ApiClient(dropper.url, live_server.api_key, timeout=30)

    (result,) = sync_run_dirs([Path(run.sync_dir)], factory)
    assert result.synced, result.error
    assert dropper.dropped >= 4  # the answers of applied batches were lost, more than once
    assert "upload attempt 1 failed" in caplog.text  # and the uploader itself saw a batch fail
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        out = client.get_run(entity, "faults", run.id)
        assert out.history_count == rows and out.state == "finished"
        assert _steps(client, entity, "faults", run.id) == list(range(rows))
