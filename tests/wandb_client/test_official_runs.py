"""The official wandb client logs runs to Trackwell unchanged, and they look like SDK-logged runs.

Each test runs real ``wandb`` 0.31 (``.venv-wandb``) against a live server on loopback, then reads
what Trackwell stored through its own query API, and where it matters compares it with the same
script run through the Trackwell SDK (``import wandb`` aliased).
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import client_env, official_python, ok, run_official, run_trackwell

PLAIN = """
import wandb
config = {{"lr": 0.01, "opt": {{"name": "adam", "betas": [0.9, 0.99]}}}}
run = wandb.init(project="parity", name="{name}", config=config,
                 tags=["t1", "t2"], notes="hello notes", group="g1", job_type="train")
run.define_metric("loss", summary="min")
run.define_metric("val/*", step_metric="epoch")
for step in range(25):
    weird = float("nan") if step == 3 else step
    wandb.log({{"loss": 1.0 / (step + 1), "acc": step / 25, "nest": {{"x": step}}, "weird": weird}})
    if step % 5 == 0:
        wandb.log({{"val/loss": 2.0 / (step + 1), "epoch": step // 5}}, commit=False)
print("hello stdout")
import sys
print("to stderr", file=sys.stderr)
run.summary["final"] = 42
run.config.update({{"late": True}})
run.finish()
"""


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)


def _entity(live_server: LiveServer) -> str:
    answer = httpx.post(
        live_server.url + "/graphql",
        json={"query": "query Viewer { viewer { entity } }"},
        auth=("api", live_server.api_key),
    )
    return str(answer.json()["data"]["viewer"]["entity"])


def _rows(run: Any) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k not in ("_timestamp", "_runtime")} for row in run.scan_history()
    ]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_a_plain_run_matches_the_same_script_logged_with_the_trackwell_sdk(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    official_dir, sdk_dir = tmp_path / "official", tmp_path / "sdk"
    official_dir.mkdir()
    sdk_dir.mkdir()
    proc = ok(run_official(live_server, official_dir, PLAIN.format(name="official")))
    assert "View run at" in proc.stderr + proc.stdout
    ok(run_trackwell(live_server, sdk_dir, PLAIN.format(name="sdk")))
    runs = {r.name: r for r in api.runs(f"{_entity(live_server)}/parity")}
    official, sdk = runs["official"], runs["sdk"]

    assert (official.state, official.tags, official.notes, official.group, official.job_type) == (
        "finished",
        ["t1", "t2"],
        "hello notes",
        "g1",
        "train",
    )
    assert (
        dict(official.config)
        == dict(sdk.config)
        == {
            "lr": 0.01,
            "opt": {"name": "adam", "betas": [0.9, 0.99]},
            "late": True,
        }
    )
    skip = ("_timestamp", "_runtime", "_wandb")
    official_summary = {k: v for k, v in dict(official.summary).items() if k not in skip}
    sdk_summary = {k: v for k, v in dict(sdk.summary).items() if k not in skip}
    assert _same(official_summary, sdk_summary), (official_summary, sdk_summary)
    assert official_summary["loss"] == {"min": pytest.approx(1 / 25)}
    assert official_summary["final"] == 42

    official_rows, sdk_rows = _rows(official), _rows(sdk)
    assert len(official_rows) == len(sdk_rows) == 25
    for mine, theirs in zip(official_rows, sdk_rows, strict=True):
        assert _same(mine, theirs), (mine, theirs)
    assert math.isnan(official_rows[3]["weird"])
    # commit=False joins the next step's row, as in wandb
    assert official_rows[6]["val/loss"] == pytest.approx(2.0 / 6) and official_rows[6]["epoch"] == 1


def test_console_output_metadata_and_files_arrive(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    ok(run_official(live_server, tmp_path, PLAIN.format(name="files")))
    run = next(r for r in api.runs(f"{_entity(live_server)}/parity") if r.name == "files")
    headers = {"Authorization": f"Bearer {live_server.api_key}"}
    with httpx.Client(base_url=live_server.url, headers=headers) as http:
        _check_files(http, run)


def _check_files(http: httpx.Client, run: Any) -> None:
    stored = http.get(f"/api/v1/runs/{run.entity}/parity/{run.id}").json()
    assert "3." in stored["metadata"]["python"]  # wandb's own form: "CPython 3.11.7"
    assert stored["metadata"]["program"].endswith("official_script.py")
    assert "email" not in stored["metadata"] and "writerId" not in stored["metadata"]
    output = http.get(f"/api/v1/runs/{run.entity}/parity/{run.id}/output").json()["lines"]
    texts = {(line["stream"], line["text"]) for line in output}
    assert ("stdout", "hello stdout") in texts and ("stderr", "to stderr") in texts
    files = {f["path"] for f in http.get(f"/api/v1/runs/{run.entity}/parity/{run.id}/files").json()["files"]}
    assert {"wandb-metadata.json", "config.yaml", "output.log", "wandb-summary.json"} <= files
    metrics = {m["name"]: m for m in stored["metric_definitions"]}
    assert metrics["loss"]["summary"] == ["min"]
    assert metrics["val/*"]["step_metric"] == "epoch"


def test_resume_continues_the_history_and_merges_the_config(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    script = """
import wandb, sys
run = wandb.init(project="resume", id="resumeme1", resume="allow", config={{"{key}": {value}}})
for i in range(5):
    wandb.log({{"x": i + {base}}})
run.finish()
"""
    ok(run_official(live_server, tmp_path, script.format(key="a", value=1, base=0)))
    ok(run_official(live_server, tmp_path, script.format(key="b", value=2, base=100)))
    run = api.run(f"{_entity(live_server)}/resume/resumeme1")
    rows = [(row["_step"], row["x"]) for row in run.scan_history()]
    assert rows == [(i, i) for i in range(5)] + [(5 + i, 100 + i) for i in range(5)]
    assert dict(run.config) == {"a": 1, "b": 2}
    assert run.state == "finished"


def test_a_failing_script_ends_the_run_failed_with_its_exit_code(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    # wandb hooks sys.exit() and sys.excepthook (a bare `raise SystemExit(3)` passes neither and
    # the client itself reports exit code 0: the client's behaviour is the spec).
    script = """
import sys, wandb
run = wandb.init(project="fails", name="{name}")
wandb.log({{"x": 1}})
{ending}
"""
    proc = run_official(live_server, tmp_path, script.format(name="exits", ending="sys.exit(3)"))
    assert proc.returncode == 3
    raises = script.format(name="raises", ending="raise ValueError('boom')")
    proc = run_official(live_server, tmp_path, raises)
    assert proc.returncode == 1
    runs = {r.name: r for r in api.runs(f"{_entity(live_server)}/fails")}
    assert (runs["exits"].state, runs["raises"].state) == ("failed", "failed")


def test_a_wrong_key_fails_at_init_with_the_servers_message(live_server: LiveServer, tmp_path: Path) -> None:
    script = """
import wandb
wandb.init(project="nope")
"""
    proc = run_official(live_server, tmp_path, script, api_key="tw-" + "x" * 40, timeout=120)
    assert proc.returncode != 0
    assert "not valid on this server" in proc.stdout + proc.stderr


def test_an_offline_run_synced_later_with_wandb_sync(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    script = """
import wandb
run = wandb.init(project="offline", name="later", mode="offline", config={"lr": 0.5})
for i in range(10):
    wandb.log({"x": i * i})
run.finish()
print("DIR=" + run.dir)
"""
    proc = ok(run_official(live_server, tmp_path, script))
    run_dir = Path(proc.stdout.split("DIR=", 1)[1].split()[0]).parent
    assert not list(api.runs(f"{_entity(live_server)}/offline")), "nothing reaches the server offline"
    synced = subprocess.run(
        [official_python(), "-m", "wandb", "sync", str(run_dir)],
        cwd=tmp_path,
        env=client_env(live_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert synced.returncode == 0, synced.stdout[-2000:] + synced.stderr[-3000:]
    run = next(iter(api.runs(f"{_entity(live_server)}/offline")))
    assert (run.name, run.state, dict(run.config)) == ("later", "finished", {"lr": 0.5})
    assert [row["x"] for row in run.scan_history(keys=["x"])] == [i * i for i in range(10)]


def test_run_alert_reaches_the_run(live_server: LiveServer, tmp_path: Path) -> None:
    script = """
import wandb
run = wandb.init(project="alerts", name="alerting")
run.alert(title="Loss diverged", text="loss is NaN at step 3", level=wandb.AlertLevel.WARN, wait_duration=120)
run.finish()
print("RUN=" + run.id)
"""
    proc = ok(run_official(live_server, tmp_path, script))
    run_id = proc.stdout.split("RUN=", 1)[1].split()[0]
    headers = {"Authorization": f"Bearer {live_server.api_key}"}
    with httpx.Client(base_url=live_server.url, headers=headers) as http:
        alerts = http.get(f"/api/v1/runs/{_entity(live_server)}/alerts/{run_id}/alerts").json()["alerts"]
    assert [(a["title"], a["text"], a["level"]) for a in alerts] == [
        ("Loss diverged", "loss is NaN at step 3", "WARN")
    ]


def test_history_is_on_the_server_while_the_run_is_still_going(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Live: each logged row can be read from Trackwell before the official client finishes (the
    client sends every WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL seconds; 15 by default)."""
    script = """
import json, os, time, urllib.request, wandb
run = wandb.init(project="live", name="live")
url = os.environ["WANDB_BASE_URL"] + f"/api/v1/runs/{run.entity}/live/{run.id}"
request = urllib.request.Request(url, headers={"Authorization": "Bearer " + os.environ["WANDB_API_KEY"]})
for i in range(3):
    wandb.log({"x": i})
    deadline = time.time() + 60
    while json.load(urllib.request.urlopen(request))["history_count"] <= i:
        assert time.time() < deadline, f"row {i} never reached the server while the run was going"
        time.sleep(0.1)
    assert json.load(urllib.request.urlopen(request))["state"] == "running"
run.finish()
print("LIVE OK")
"""
    proc = ok(run_official(live_server, tmp_path, script, WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL="1"))
    assert "LIVE OK" in proc.stdout
