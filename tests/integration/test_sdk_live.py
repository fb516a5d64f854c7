"""The SDK against a real ``trackwell server`` process: what a user's run leaves on the server.

In-process runs cover the API surface (resume, define_metric, wrong key, offline + sync); training
subprocesses cover what only a separate process shows: the server killed and restarted mid-run,
the training process SIGKILLed, and handbook example 15 ending failed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
import trackwell.errors
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.runlog import history_rows, iter_records
from trackwell.sdk.sync import find_run_dirs, sync_run_dirs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def env(tmp_path: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    yield point_sdk_at(live_server, tmp_path, monkeypatch)
    trackwell.finish()


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[ApiClient]:
    with ApiClient(live_server.url, live_server.api_key) as c:
        yield c


def history(client: ApiClient, run: Any, project: str | None = None) -> list[dict[str, Any]]:
    project = project or run.project
    rows: list[dict[str, Any]] = []
    min_step = None
    while True:
        page = client.history_rows(run.entity, project, run.id, min_step=min_step, limit=1000)
        rows += page.rows
        if page.next_min_step is None:
            return rows
        min_step = page.next_min_step


def test_online_run_reaches_the_server(env: dict[str, str], client: ApiClient, tmp_path: Path) -> None:
    run = trackwell.init(project="p", dir=tmp_path, config={"lr": 0.1}, tags=["a", "b"], group="g")
    trackwell.define_metric("val/loss", summary="min")
    for i in range(50):
        trackwell.log({"val/loss": 1 / (i + 1), "nested": {"x": i}})
    trackwell.log({"late": 1}, step=100)
    run.summary["best"] = 42
    run.notes = "some notes"
    trackwell.finish()
    out = client.get_run(run.entity, "p", run.id)
    assert out.state == "finished" and out.config == {"lr": 0.1} and out.tags == ["a", "b"]
    assert out.group == "g" and out.notes == "some notes"
    assert out.summary["val/loss"] == {"min": 1 / 50} and out.summary["best"] == 42
    rows = history(client, run)
    assert [r["_step"] for r in rows] == [*range(50), 100]
    assert rows[3]["nested"] == {"x": 3}  # re-nested, as it was logged


def test_resume_allow_continues_steps_and_history(
    env: dict[str, str], client: ApiClient, tmp_path: Path
) -> None:
    first = trackwell.init(project="p", id="resumable1", dir=tmp_path, config={"a": 1})
    for i in range(3):
        first.log({"x": i})
    first.finish()
    second = trackwell.init(project="p", id="resumable1", resume="allow", dir=tmp_path, config={"b": 2})
    assert second.resumed and second.starting_step == 3
    second.log({"x": 3})
    second.finish()
    assert [r["_step"] for r in history(client, second)] == [0, 1, 2, 3]
    assert client.get_run(second.entity, "p", "resumable1").config == {"a": 1, "b": 2}


def test_resume_must_for_a_missing_run_fails_with_wandbs_message(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(trackwell.UsageError, match=r"Run \(nosuchrun\) does not exist"):
        trackwell.init(project="p", id="nosuchrun", resume="must", dir=tmp_path)


def test_wrong_key_fails_fast_without_showing_it(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "tw-" + "z" * 40
    monkeypatch.setenv("TRACKWELL_API_KEY", wrong)
    # wandb's class for it, a CommError, so code catching either works
    with pytest.raises(trackwell.errors.AuthenticationError) as info:
        trackwell.init(project="p", dir=tmp_path)
    assert isinstance(info.value, trackwell.CommError)
    assert wrong not in str(info.value) and "key" in str(info.value).lower()
    assert trackwell.run is None


def test_offline_then_sync_twice_adds_nothing(env: dict[str, str], client: ApiClient, tmp_path: Path) -> None:
    run = trackwell.init(project="off", mode="offline", dir=tmp_path, config={"k": "v"})
    for i in range(120):
        run.log({"i": i})
    run.finish()
    root = tmp_path / "trackwell"
    assert list(find_run_dirs(root)) == [Path(run.sync_dir)]

    def factory() -> ApiClient:
        return ApiClient(env["TRACKWELL_BASE_URL"], env["TRACKWELL_API_KEY"])

    for _ in range(2):
        (result,) = sync_run_dirs([Path(run.sync_dir)], factory)
        assert result.synced and result.error is None
        out = client.get_run(run.entity or client.viewer().entity, "off", run.id)
        assert out.history_count == 120 and out.state == "finished" and out.config == {"k": "v"}
    assert list(find_run_dirs(root)) == []


TRAIN = r"""
import sys, time
import trackwell
run = trackwell.init(project="sub", dir=sys.argv[1])
print("RUN", run.id, run.entity, flush=True)
for i in range(int(sys.argv[2])):
    run.log({"i": i})
    if i % 10 == 0:
        print("LOGGED", i, flush=True)
    time.sleep(float(sys.argv[3]))
run.finish()
print("DONE", flush=True)
"""


def _train(tmp_path: Path, env: dict[str, str], rows: int, pause: float) -> subprocess.Popen[str]:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    child_env.update(env, TRACKWELL_SILENT="false", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", TRAIN, str(tmp_path), str(rows), str(pause)],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(proc: subprocess.Popen[str], prefix: str) -> list[str]:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(prefix):
            return line.split()
    raise AssertionError(f"no {prefix} line; stderr: {proc.stderr.read() if proc.stderr else ''}")


def test_server_killed_and_restarted_mid_run_loses_nothing(
    env: dict[str, str], live_server: LiveServer, client: ApiClient, tmp_path: Path
) -> None:
    proc = _train(tmp_path, env, rows=300, pause=0.01)
    _, run_id, entity = _first_line(proc, "RUN")
    time.sleep(0.8)
    live_server.kill()
    time.sleep(1.5)
    live_server.restart()
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err
    with ApiClient(live_server.url, live_server.api_key) as fresh:
        run = fresh.get_run(entity, "sub", run_id)
    assert run.state == "finished" and run.history_count == 300


@pytest.mark.slow
def test_sigkilled_training_loses_at_most_a_second_and_sync_delivers_the_log(
    env: dict[str, str], live_server: LiveServer, tmp_path: Path
) -> None:
    proc = _train(tmp_path, env, rows=100_000, pause=0.005)
    _, run_id, entity = _first_line(proc, "RUN")
    time.sleep(2.0)
    assert proc.stdout is not None
    logged = 0
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    for line in out.splitlines():
        if line.startswith("LOGGED"):
            logged = int(line.split()[1])
    (run_dir,) = [p for p in (tmp_path / "trackwell").iterdir() if p.name.endswith(run_id)]
    (log_path,) = run_dir.glob("run-*.twlog")
    in_log = list(history_rows(iter_records(log_path)))
    # 5 ms per row: one second is ~200 rows (a loaded machine logs fewer); the log must hold the rest.
    assert len(in_log) >= logged - 200
    assert [r["step"] for r in in_log] == list(range(len(in_log)))

    def factory() -> ApiClient:
        return ApiClient(live_server.url, live_server.api_key)

    (result,) = sync_run_dirs([run_dir], factory)
    assert result.synced, result.error
    with ApiClient(live_server.url, live_server.api_key) as c:
        assert c.get_run(entity, "sub", run_id).history_count == len(in_log)


def _example(name: str, live_server: LiveServer, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    child_env.update(
        TRACKWELL_DATA_DIR=str(live_server.data_dir),
        TRACKWELL_CONFIG_DIR=str(tmp_path / "cfg"),
        HOME=str(tmp_path / "home"),
    )
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=tmp_path,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_example_15_ends_failed_with_its_message(
    live_server: LiveServer, client: ApiClient, tmp_path: Path
) -> None:
    proc = _example("15_orphaned_run.py", live_server, tmp_path)
    assert proc.returncode != 0 and "simulated failure" in proc.stderr
    (run,) = client.query_runs(client.viewer().entity, "pitfalls-demo").runs
    assert run.state == "failed" and run.error is not None and "simulated failure" in run.error.message
    rows = history(client, run, "pitfalls-demo")
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows] == [
        {"status": "started"},
        {"error_message": "simulated failure"},
    ]


def test_example_13_define_metric_summaries(
    live_server: LiveServer, client: ApiClient, tmp_path: Path
) -> None:
    proc = _example("13_grouping_define_metric.py", live_server, tmp_path)
    assert proc.returncode == 0, proc.stderr
    (run,) = client.query_runs(client.viewer().entity, "ranking-system").runs
    assert run.state == "finished"
    assert run.summary["val/accuracy"] == {"max": 0.86} and run.summary["val/loss"] == {"min": 0.42}
    assert run.summary["epoch"] == 1


def test_example_02_without_finish_ends_finished_at_exit(
    live_server: LiveServer, client: ApiClient, tmp_path: Path
) -> None:
    proc = _example("02_init_config.py", live_server, tmp_path)
    assert proc.returncode == 0, proc.stderr
    (run,) = client.query_runs(client.viewer().entity, "my-project").runs
    assert run.state == "finished" and run.config["batch_size"] == 64
    assert f"Tracking run: {run.display_name}" in proc.stdout


def test_an_online_run_never_imports_pydantic(env: dict[str, str], client: ApiClient, tmp_path: Path) -> None:
    # init() has a 50 ms budget, less than importing pydantic: the SDK's write path (start, records,
    # files, console, system metrics, finish) speaks plain dataclasses (sdk/wire.py).
    (tmp_path / "weights.txt").write_text("w")
    script = (
        "import sys, trackwell\n"
        f"run = trackwell.init(project='light', dir={str(tmp_path)!r}, config={{'lr': 0.1}})\n"
        "print('hello')\n"
        "for i in range(20):\n"
        "    run.log({'loss': 1 / (i + 1)})\n"
        f"run.save({str(tmp_path / 'weights.txt')!r}, base_path={str(tmp_path)!r})\n"
        "run.notes = 'n'\n"
        "run.finish()\n"
        "print('RUN', run.entity, run.id, 'PYDANTIC', 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert out.returncode == 0, out.stderr
    _, entity, run_id, _, loaded = out.stdout.strip().splitlines()[-1].split()
    assert loaded == "False"
    got = client.get_run(entity, "light", run_id)
    assert got.state == "finished" and got.history_count == 20 and got.notes == "n"
    assert "weights.txt" in {f.path for f in client.list_files(entity, "light", run_id).files}
