"""``trackwell sync`` and ``trackwell status`` with a real offline run and a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from trackwell.sdk.api_client import ApiClient

OFFLINE_RUN = """
import trackwell as wandb
run = wandb.init(project="sync-proj", mode="offline", config={"lr": 0.5})
for i in range(5):
    wandb.log({"x": i})
wandb.finish()
print(run.id)
"""


def run_python(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"HOME": str(cwd), "PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [sys.executable, *args], env=environ, cwd=cwd, capture_output=True, text=True, timeout=90
    )


def test_offline_run_is_uploaded_by_sync_all(live_server: Any, tmp_path: Path) -> None:
    made = run_python(["-c", OFFLINE_RUN], tmp_path)
    assert made.returncode == 0, made.stderr
    run_id = made.stdout.strip().splitlines()[-1]
    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}

    before = run_python(["-m", "trackwell", "status"], tmp_path, **env)
    assert before.returncode == 0, before.stderr
    assert "unsynced:   1 run(s)" in before.stdout

    synced = run_python(["-m", "trackwell", "sync", "--all"], tmp_path, **env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "1 of 1 run dir(s) synced" in synced.stdout

    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        out = client.get_run(entity, "sync-proj", run_id)
        assert out.state == "finished"
        assert out.last_step == 4
    after = run_python(["-m", "trackwell", "status"], tmp_path, **env)
    assert "unsynced:   0 run(s)" in after.stdout
    nothing = run_python(["-m", "trackwell", "sync", "--all"], tmp_path, **env)
    assert nothing.returncode == 0 and "nothing to sync" in nothing.stdout
    # Syncing a dir again by path is harmless (the server skips what it has).
    run_dir = next((tmp_path / "trackwell").glob("offline-run-*"))
    again = run_python(["-m", "trackwell", "sync", str(run_dir)], tmp_path, **env)
    assert again.returncode == 0, again.stdout + again.stderr
    with ApiClient(live_server.url, live_server.api_key) as client:
        assert client.get_run(entity, "sync-proj", run_id).history_count == 5


def test_sync_of_a_missing_dir_is_a_clear_error(tmp_path: Path) -> None:
    done = run_python(["-m", "trackwell", "sync", str(tmp_path / "nope")], tmp_path)
    assert done.returncode == 1
    assert "is not a run dir" in done.stderr and "Traceback" not in done.stderr


SAVES_A_FILE_FIRST = """
import pathlib, trackwell
run = trackwell.init(project="sync-files", mode="offline", settings=trackwell.Settings(console="off"))
pathlib.Path("weights.bin").write_bytes(bytes(range(256)))
run.save("weights.bin", policy="now")  # a file record before any history: uploaded before the run exists
run.log({"loss": 0.5})
run.finish()
print(run.id)
"""


def test_offline_run_whose_first_record_is_a_file_syncs(live_server: Any, tmp_path: Path) -> None:
    made = run_python(["-c", SAVES_A_FILE_FIRST], tmp_path)
    assert made.returncode == 0, made.stderr
    run_id = made.stdout.strip().splitlines()[-1]
    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}
    synced = run_python(["-m", "trackwell", "sync", "--all"], tmp_path, **env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        assert client.read_file(entity, "sync-files", run_id, "weights.bin") == bytes(range(256))
        assert client.get_run(entity, "sync-files", run_id).history_count == 1
