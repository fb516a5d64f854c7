"""The ``trackwell server`` process: server.json, clean stop, restart on its port, crash marking."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fixtures.live_server import LiveServer


def test_server_json_is_written_when_ready_and_removed_on_stop(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    assert live.process is not None
    info = json.loads((live.data_dir / "server.json").read_text())
    assert info["pid"] == live.process.pid and info["url"] == live.url
    assert info["version"] and info["started_at"] <= time.time()
    assert httpx.get(f"{live.url}/healthz").status_code == 200
    assert live.stop() == 0
    assert not (live.data_dir / "server.json").exists()


def test_trackwell_server_stop_stops_the_recorded_server(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    process = live.process
    assert process is not None
    try:
        command = [sys.executable, "-m", "trackwell", "server", "stop", "--data-dir", str(live.data_dir)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Stopped the trackwell server" in result.stdout
        assert process.wait(15) == 0
        assert not (live.data_dir / "server.json").exists()
        again = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and "No trackwell server" in again.stdout
    finally:
        live.kill()


def test_killed_server_restarts_on_the_same_port_with_its_data(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    try:
        url, key = live.url, live.api_key
        with live.client() as api:
            api.put("/api/v1/runs/me/p/r1", json={"session_id": "s"}).raise_for_status()
        live.kill()
        assert (live.data_dir / "server.json").exists()  # stale, as after a crash
        live.start()
        assert (live.url, live.api_key) == (url, key)
        with live.client() as api:
            assert api.get("/api/v1/runs/me/p/r1").json()["id"] == "r1"
    finally:
        live.stop()


def test_a_second_server_on_the_same_data_dir_refuses_to_start(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    try:
        data_dir = str(live.data_dir)
        command = [sys.executable, "-m", "trackwell", "server", "--data-dir", data_dir, "--port", "0"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1 and "already running" in result.stdout
    finally:
        live.stop()


def test_silent_runs_are_marked_crashed_and_revive_on_a_heartbeat(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data", extra_args=["--heartbeat-timeout", "1"]).start()
    try:
        with live.client() as api:
            run = "/api/v1/runs/me/p/silent"
            api.put(run, json={"session_id": "s"}).raise_for_status()
            api.put("/api/v1/runs/me/p/done", json={"session_id": "s"}).raise_for_status()
            exit_record = {"kind": "exit", "seq": 0, "state": "finished", "exit_code": 0, "runtime": 1.0}
            api.post("/api/v1/runs/me/p/done/records", json={"session_id": "s", "records": [exit_record]})
            deadline = time.monotonic() + 20
            while api.get(run).json()["state"] != "crashed":
                assert time.monotonic() < deadline, "run was not marked crashed"
                time.sleep(0.2)
            assert api.get("/api/v1/runs/me/p/done").json()["state"] == "finished"
            api.post(run + "/records", json={"session_id": "s", "records": []}).raise_for_status()
            assert api.get(run).json()["state"] == "running"
    finally:
        live.stop()
