"""Lost answers with two batches in flight: the server applied a batch but its answer never reached
the SDK. ``trackwell sync`` goes through a proxy that forwards record batches to a real server and
then drops some answers (connection closed, no response); the SDK retries, the server skips what it
has applied, and every row is stored exactly once, in order.
"""

from __future__ import annotations

import http.client
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from trackwell.sdk import uploader
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.sync import sync_run_dirs

ROWS = 40_000


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


def test_lost_answers_of_batches_in_flight_duplicate_nothing(
    live_server: LiveServer,
    dropper: _AnswerDropper,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    monkeypatch.setattr(uploader, "BATCH_BYTES", 48 << 10)  # many small batches, so many answers
    monkeypatch.setattr(uploader, "BACKOFF_MIN", 0.01)
    run = trackwell.init(project="faults", mode="offline", dir=tmp_path)
    for i in range(ROWS):
        run.log({"loss": 1.0 / (i + 1), "step_id": i})
    run.finish()

    def factory() -> ApiClient:
        return ApiClient(dropper.url, live_server.api_key, timeout=30)

    (result,) = sync_run_dirs([Path(run.sync_dir)], factory)
    assert result.synced, result.error
    assert dropper.dropped >= 4  # the answers of applied batches were lost, more than once
    assert "upload attempt 1 failed" in caplog.text  # and the uploader itself saw a batch fail
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        out = client.get_run(entity, "faults", run.id)
        assert out.history_count == ROWS and out.state == "finished"
        steps: list[int] = []
        min_step = None
        while True:
            page = client.history_rows(entity, "faults", run.id, ["step_id"], min_step=min_step, limit=10_000)
            steps += [row["_step"] for row in page.rows]
            assert all(row["step_id"] == row["_step"] for row in page.rows)
            if page.next_min_step is None:
                break
            min_step = page.next_min_step
    assert steps == list(range(ROWS))
