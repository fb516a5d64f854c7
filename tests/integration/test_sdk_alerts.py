"""``run.alert()`` / ``trackwell.alert()`` against a real server: stored, rate-limited per title as
wandb does (by the SDK's clock, also across a resume and for a run synced later), readable at
``GET .../alerts``; an offline run's alerts arrive with ``trackwell sync``. Also ``run.status()``
and ``run.log_code()`` against the server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at


@pytest.fixture
def env(tmp_path: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    yield point_sdk_at(live_server, tmp_path, monkeypatch)
    trackwell.finish()


def alerts(server: LiveServer, path: str) -> list[dict[str, Any]]:
    with server.client() as client:
        answer = client.get(f"/api/v1/runs/{path}/alerts")
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["alerts"]
    return found


def test_alerts_are_stored_with_level_and_repeats_within_wait_duration_are_counted_not_stored(
    env: dict[str, str], live_server: LiveServer, tmp_path: Path
) -> None:
    run = trackwell.init(project="alerts", dir=tmp_path)
    before = time.time()
    run.alert("Low accuracy", "accuracy 0.21 at step 3 is below 0.3", level=trackwell.AlertLevel.WARN)
    for _ in range(3):  # default wait_duration: one minute, so these are repeats
        run.alert("Low accuracy", "again")
    trackwell.alert(title="Diverged", text="loss is NaN", level="ERROR", wait_duration=timedelta(seconds=300))
    run.alert("Tick", "first", wait_duration=0.05)
    time.sleep(0.2)
    run.alert("Tick", "after the wait", wait_duration=0.05)  # the wait is over: a new alert
    run.finish()

    stored = alerts(live_server, run.path)
    assert [(a["title"], a["text"], a["level"], a["suppressed"]) for a in stored] == [
        ("Low accuracy", "accuracy 0.21 at step 3 is below 0.3", "WARN", 3),
        ("Diverged", "loss is NaN", "ERROR", 0),
        ("Tick", "first", "INFO", 0),
        ("Tick", "after the wait", "INFO", 0),
    ]
    assert stored[0]["wait_duration"] == 60.0 and stored[1]["wait_duration"] == 300.0
    assert before <= stored[0]["created_at"] <= stored[-1]["created_at"] <= time.time()


def test_the_rate_limit_holds_across_a_resume_of_the_run(
    env: dict[str, str], live_server: LiveServer, tmp_path: Path
) -> None:
    first = trackwell.init(project="alerts", id="resumed-alerts", dir=tmp_path)
    first.alert("Checkpoint stale", "no checkpoint for 2 h", wait_duration=3600)
    first.finish()
    again = trackwell.init(project="alerts", id="resumed-alerts", resume="allow", dir=tmp_path)
    again.alert("Checkpoint stale", "still none", wait_duration=3600)
    again.alert("Other", "a different title is not limited", wait_duration=3600)
    again.finish()
    stored = alerts(live_server, again.path)
    assert [(a["title"], a["suppressed"]) for a in stored] == [("Checkpoint stale", 1), ("Other", 0)]


def test_bad_arguments_fail_as_in_wandb(env: dict[str, str], tmp_path: Path) -> None:
    run = trackwell.init(project="alerts", mode="offline", dir=tmp_path)
    with pytest.raises(ValueError, match="level must be one of 'INFO', 'WARN', or 'ERROR'"):
        run.alert("t", "x", level="CRITICAL")
    with pytest.raises(TypeError, match="wait_duration must be an int, float, or datetime.timedelta"):
        run.alert("t", "x", wait_duration="5m")
    run.finish()
    with pytest.raises(trackwell.UsageError, match="is finished"):
        run.alert("t", "x")
    with pytest.raises(trackwell.Error, match="init"):
        trackwell.alert("t", "x")


OFFLINE_RUN = """
import sys
import trackwell as wandb
run = wandb.init(project="alerts-offline", mode="offline", settings=wandb.Settings(console="off"))
wandb.alert(title="Offline alert", text="raised with no server", level=wandb.AlertLevel.ERROR)
wandb.alert(title="Offline alert", text="a repeat", level=wandb.AlertLevel.ERROR)
wandb.finish()
print(run.path)
"""


def run_python(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"HOME": str(cwd), "PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [sys.executable, *args], env=environ, cwd=cwd, capture_output=True, text=True, timeout=90
    )


def test_an_offline_runs_alerts_arrive_with_trackwell_sync_once(
    live_server: LiveServer, tmp_path: Path
) -> None:
    made = run_python(["-c", OFFLINE_RUN], tmp_path)
    assert made.returncode == 0, made.stderr
    run_id = made.stdout.strip().splitlines()[-1].rsplit("/", 1)[-1]
    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}
    for _ in range(2):  # the second sync of the same dir adds nothing
        synced = run_python(
            ["-m", "trackwell", "sync", str(next((tmp_path / "trackwell").glob("offline-run-*")))],
            tmp_path,
            **env,
        )
        assert synced.returncode == 0, synced.stdout + synced.stderr
        with live_server.client() as client:
            entity = client.get("/api/v1/viewer").json()["entity"]
        stored = alerts(live_server, f"{entity}/alerts-offline/{run_id}")
        assert [(a["title"], a["text"], a["level"], a["suppressed"]) for a in stored] == [
            ("Offline alert", "raised with no server", "ERROR", 1)
        ]


def test_status_reports_what_the_server_acknowledged_and_log_code_reaches_it(
    env: dict[str, str], live_server: LiveServer, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print('hi')\n")
    run = trackwell.init(project="alerts", dir=tmp_path / "runs")
    for i in range(10):
        run.log({"x": i})
    run.log_code(tmp_path / "src")
    deadline = time.monotonic() + 30
    status = run.status()
    while status.sync_items_pending and time.monotonic() < deadline:
        time.sleep(0.1)
        status = run.status()
    assert status.sync_items_total >= 2 and status.sync_items_pending == 0
    assert status.sync_time is not None and abs(status.sync_time.timestamp() - time.time()) < 60
    run.finish()
    with live_server.client() as client:
        files = client.get(f"/api/v1/runs/{run.path}/files").json()["files"]
        assert "code/train.py" in [f["path"] for f in files]
        assert client.get(f"/api/v1/runs/{run.path}/files/code/train.py").content == b"print('hi')\n"
