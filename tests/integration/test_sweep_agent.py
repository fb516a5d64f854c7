"""``trackwell.sweep()`` + ``trackwell.agent(function=)`` against a real server on loopback: the
trials' runs join the sweep with typed configs, in the sweep's project; the agent works from any
thread; failing trials are recorded and the agent goes on, until W&B's failure limits end it; a
trial that never calls init() is reported finished; a cancel stops the running trial; ``count`` is
exact and a finished grid ends the agent; the Api reads it all back with wandb's names."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.schema.errors import SweepConfigInvalid
from trackwell.sweeps.client import SweepClient

HEARTBEAT_S = 0.3  # the server's heartbeat period for these agents: stops arrive fast


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("sweep-agent") / "data"
    live = LiveServer(data, ["--sweep-heartbeat-seconds", str(HEARTBEAT_S)]).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def sdk(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LiveServer:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)  # run dirs and parameter files land in the test's folder
    return server


def _api(server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


RANDOM = {
    "method": "random",
    "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {
        "learning_rate": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
        "batch_size": {"values": [16, 32, 64]},
        "layers": {"min": 1, "max": 4},
        "optimizer": {"parameters": {"name": {"values": ["adam", "sgd"]}, "momentum": {"value": 0.9}}},
    },
}


def test_a_random_sweep_runs_count_trials_with_typed_configs_in_the_sweeps_project(sdk: LiveServer) -> None:
    sweep_id = trackwell.sweep(RANDOM, project="sweeps-typed")
    seen: list[dict[str, Any]] = []

    def train() -> None:
        # Another project and id here are ignored (W&B puts a trial in its sweep's project).
        with trackwell.init(
            project="somewhere-else", id="not-this", config={"epochs": 2, "layers": 99}
        ) as run:
            config = trackwell.config
            seen.append(
                {
                    "id": run.id,
                    "project": run.project,
                    "sweep_id": run.sweep_id,
                    "sweep_url": run.sweep_url,
                    "config": dict(config),
                }
            )
            config.update({"learning_rate": 123.0})  # locked: ignored
            loss = config.learning_rate * config.layers + config.batch_size / 1000
            for step in range(3):
                trackwell.log({"loss": loss + 1.0 / (step + 1)})

    trackwell.agent(sweep_id, function=train, count=5)

    assert len(seen) == 5 and len({s["id"] for s in seen}) == 5
    for trial in seen:
        config = trial["config"]
        assert trial["project"] == "sweeps-typed" and trial["sweep_id"] == sweep_id
        assert trial["id"] != "not-this"
        assert trial["sweep_url"] == f"{sdk.url}/root/sweeps-typed/sweeps/{sweep_id}"
        assert type(config["batch_size"]) is int and config["batch_size"] in (16, 32, 64)
        assert type(config["layers"]) is int and 1 <= config["layers"] <= 4, "the sweep's value wins"
        assert type(config["learning_rate"]) is float and 1e-4 <= config["learning_rate"] <= 1e-1
        assert config["optimizer"]["momentum"] == 0.9 and config["optimizer"]["name"] in ("adam", "sgd")
        assert config["epochs"] == 2

    api = _api(sdk)
    sweep = api.sweep(f"root/sweeps-typed/{sweep_id}")
    assert (sweep.id, sweep.state, sweep.method, sweep.expected_run_count) == (
        sweep_id,
        "RUNNING",
        "random",
        None,
    )
    assert sweep.config["parameters"]["batch_size"] == {"values": [16, 32, 64]}
    assert sweep.url == f"{sdk.url}/root/sweeps-typed/sweeps/{sweep_id}"
    runs = list(sweep.runs)
    assert sorted(r.id for r in runs) == sorted(s["id"] for s in seen)
    by_id = {s["id"]: s for s in seen}
    for run in runs:
        assert run.state == "finished" and run.sweep_name == sweep_id
        assert run.config["learning_rate"] == by_id[run.id]["config"]["learning_rate"], "the lock held"
        assert run.sweep is not None and run.sweep.id == sweep_id
    best = sweep.best_run()
    assert best is not None and best.summary["loss"] == min(r.summary["loss"] for r in runs)
    worst = sweep.best_run(order="-loss")
    assert worst is not None and worst.summary["loss"] == max(r.summary["loss"] for r in runs)
    assert [s.id for s in api.project("sweeps-typed").sweeps()] == [sweep_id]
    assert len(api.runs("sweeps-typed", filters={"sweep": sweep_id})) == 5
    assert len(api.runs("somewhere-else")) == 0


def test_agent_from_another_thread_and_a_grid_that_ends_the_agent(sdk: LiveServer) -> None:
    grid = {"method": "grid", "parameters": {"a": {"values": [1, 2, 3]}, "b": {"values": ["x", "y"]}}}
    sweep_id = trackwell.sweep(grid, project="sweeps-thread")
    seen: list[tuple[int, str, str]] = []
    errors: list[BaseException] = []

    def train() -> None:
        with trackwell.init() as run:
            seen.append((run.config.a, run.config.b, threading.current_thread().name))

    def worker() -> None:
        try:
            trackwell.agent(f"sweeps-thread/{sweep_id}", function=train)  # no count: until done
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker, name="notebook-like")
    thread.start()
    thread.join(120)
    assert not thread.is_alive() and not errors
    assert sorted((a, b) for a, b, _ in seen) == [(a, b) for a in (1, 2, 3) for b in ("x", "y")]
    assert {name for _, _, name in seen} == {"notebook-like"}, "trials run in the agent's calling thread"
    sweep = _api(sdk).sweep(f"sweeps-thread/{sweep_id}")
    assert (sweep.state, sweep.expected_run_count, len(sweep.runs)) == ("FINISHED", 6, 6)


def test_a_failing_trial_is_recorded_and_the_agent_goes_on(sdk: LiveServer) -> None:
    sweep_id = trackwell.sweep(
        {"method": "random", "parameters": {"x": {"values": [1, 2]}}}, project="sweeps-fail"
    )
    calls: list[int] = []

    def train() -> None:
        calls.append(1)
        if len(calls) == 2:
            trackwell.init()
            trackwell.log({"before": 1})
            raise ValueError("diverged at step 3")  # no `with`: the agent finishes the run
        if len(calls) == 3:
            return  # never calls init(): reported finished, nothing recorded
        with trackwell.init():
            trackwell.log({"ok": 1})

    trackwell.agent(sweep_id, function=train, count=4)
    assert len(calls) == 4
    runs = {r.id: r for r in _api(sdk).runs("sweeps-fail")}
    states = sorted(r.state for r in runs.values())
    assert states == ["failed", "finished", "finished"]
    failed = next(r for r in runs.values() if r.state == "failed")
    assert failed.summary["before"] == 1
    error = failed.error
    assert error is not None and error["type"] == "ValueError"
    assert "diverged at step 3" in (error["traceback"] or "")
    assert trackwell.run is None, "no trial's run is left active"


def test_repeated_failures_end_the_agent(sdk: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep_id = trackwell.sweep(config, project="sweeps-flapping")
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        with trackwell.init():
            raise RuntimeError("broken script")

    trackwell.agent(sweep_id, function=broken)  # no count: only the failure rule ends it
    assert len(calls) == 3, "3 failures in the first minute end the agent (W&B's flapping rule)"

    monkeypatch.setenv("WANDB_AGENT_DISABLE_FLAPPING", "true")
    calls.clear()
    trackwell.agent(sweep_id, function=broken, max_consecutive_failed_runs=2)
    assert len(calls) == 2
    calls.clear()
    trackwell.agent(sweep_id, function=broken)
    assert len(calls) == 5, "WANDB_AGENT_MAX_INITIAL_FAILURES (5) failures and none finished"
    states = {r.state for r in _api(sdk).runs("sweeps-flapping")}
    assert states == {"failed"}


def test_a_cancel_stops_the_running_trial_and_ends_the_agent(sdk: LiveServer) -> None:
    config = {"method": "random", "metric": {"name": "loss"}, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep_id = trackwell.sweep(config, project="sweeps-stop")
    steps: list[int] = []
    cleanup: list[str] = []

    def long_training() -> None:
        with trackwell.init():
            try:
                for step in range(100_000):
                    try:
                        trackwell.log({"loss": 1.0 / (step + 1)})
                        steps.append(step)
                        time.sleep(0.01)
                    except Exception:  # training code that swallows errors cannot swallow a stop
                        pass
            finally:
                cleanup.append("done")

    def cancel_soon() -> None:
        deadline = time.monotonic() + 60
        while len(steps) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        client = SweepClient.from_settings()
        client.update_sweep("root", "sweeps-stop", sweep_id, state="cancelled")
        client.close()

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    started = time.monotonic()
    trackwell.agent(sweep_id, function=long_training)  # ends: the trial is stopped, then exit
    canceller.join()
    assert time.monotonic() - started < 60 and cleanup == ["done"] and len(steps) < 100_000
    (run,) = list(_api(sdk).runs("sweeps-stop"))
    assert run.state == "stopped"
    assert _api(sdk).sweep(f"sweeps-stop/{sweep_id}").state == "CANCELED"


def test_an_invalid_config_lists_every_problem_and_creates_nothing(sdk: LiveServer) -> None:
    bad = {
        "method": "bayes",
        "metric": {"name": "loss", "goal": "minimise"},
        "parameters": {"lr": {"min": 0.1, "max": 0.01}},
    }
    with pytest.raises(SweepConfigInvalid) as caught:
        trackwell.sweep(bad, project="sweeps-invalid")
    problems = caught.value.problems
    assert len(problems) >= 2
    assert any("goal" in p for p in problems) and any("parameters.lr" in p for p in problems)
    assert _api(sdk).project("sweeps-invalid").sweeps() == []


def test_sweep_takes_a_callable_and_prints_wandbs_lines(
    sdk: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRACKWELL_SILENT", "false")
    monkeypatch.setenv("WANDB_PROJECT", "sweeps-callable")
    sweep_id = trackwell.sweep(lambda: {"method": "random", "parameters": {"x": {"values": [1]}}})
    err = capsys.readouterr().err
    assert f"Created sweep with ID: {sweep_id}" in err
    assert f"View sweep at: {sdk.url}/root/sweeps-callable/sweeps/{sweep_id}" in err
    assert f"Run sweep agent with: trackwell agent root/sweeps-callable/{sweep_id}" in err
    ran: list[int] = []
    trackwell.agent(sweep_id, function=lambda: ran.append(1), count=2)  # bare id: found again
    assert ran == [1, 1]


def test_agent_without_a_function_runs_the_sweeps_program(sdk: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "trial.py").write_text(
        "import trackwell\n"
        "with trackwell.init(config={'epochs': 1}) as run:\n"
        "    trackwell.log({'loss': run.config.x * 2})\n"
    )
    config = {"method": "grid", "program": "trial.py", "parameters": {"x": {"values": [1, 2, 3]}}}
    sweep_id = trackwell.sweep(config, project="sweeps-program")
    trackwell.agent(sweep_id, count=2)  # W&B's wandb.agent without function: the CLI agent's loop
    runs = list(_api(sdk).runs("sweeps-program"))
    assert sorted(r.config["x"] for r in runs) == [1, 2] and {r.state for r in runs} == {"finished"}
    assert sorted(r.summary["loss"] for r in runs) == [2, 4] and {r.sweep_name for r in runs} == {sweep_id}


def test_ctrl_c_in_a_trial_ends_its_run_killed_and_then_the_agent(sdk: LiveServer) -> None:
    sweep_id = trackwell.sweep(
        {"method": "random", "parameters": {"x": {"values": [1]}}}, project="sweeps-ctrlc"
    )

    def train() -> None:
        trackwell.init()  # no `with`: the agent ends the run
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        trackwell.agent(sweep_id, function=train, count=3)
    (run,) = list(_api(sdk).runs("sweeps-ctrlc"))
    assert run.state == "killed" and trackwell.run is None


def test_the_agent_rides_out_a_server_restart(
    live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_sdk_at(live_server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    sweep_id = trackwell.sweep(
        {"method": "random", "parameters": {"x": {"min": 0, "max": 9}}}, project="restart"
    )
    calls: list[int] = []

    def train() -> None:
        calls.append(1)
        with trackwell.init() as run:
            if len(calls) == 2:  # the server goes away mid-trial and is back 2 s later
                live_server.stop()
                threading.Timer(2.0, live_server.start).start()
            trackwell.log({"x": run.config.x})

    trackwell.agent(sweep_id, function=train, count=4)
    runs = list(_api(live_server).runs("restart", filters={"sweep": sweep_id}))
    assert len(runs) == 4 and {r.state for r in runs} == {"finished"}
    assert sorted(r.summary["x"] for r in runs) == sorted(r.config["x"] for r in runs)


def test_hyperband_stops_a_bad_in_process_trial(sdk: LiveServer) -> None:
    config = {
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 3},
        "parameters": {"quality": {"values": ["good", "bad"]}},
    }
    sweep_id = trackwell.sweep(config, project="sweeps-hyperband")
    logged: dict[str, int] = {}

    def train() -> None:
        with trackwell.init() as run:
            quality = run.config.quality
            for step in range(3000):  # the bad trial runs for 30 s unless it is stopped
                trackwell.log({"loss": 0.1 if quality == "good" else 10.0})
                logged[quality] = step + 1
                if quality == "bad":
                    time.sleep(0.01)

    trackwell.agent(sweep_id, function=train)
    assert logged["good"] == 3000 and logged["bad"] < 3000
    runs = {r.config["quality"]: r for r in _api(sdk).runs("sweeps-hyperband")}
    assert runs["good"].state == "finished" and runs["bad"].state == "stopped"
    assert "hyperband" in str(runs["bad"].summary.get("_sweep_stop_reason", "")).lower()


def test_prior_runs_count_as_the_sweeps_first_trials(sdk: LiveServer) -> None:
    prior = []
    for x in (1, 2):
        with trackwell.init(project="sweeps-prior", config={"x": x}) as run:
            trackwell.log({"loss": float(x)})
            prior.append(run.id)
    config = {"method": "grid", "metric": {"name": "loss"}, "parameters": {"x": {"values": [1, 2, 3]}}}
    sweep_id = trackwell.sweep(config, project="sweeps-prior", prior_runs=prior)
    ran: list[int] = []

    def train() -> None:
        with trackwell.init() as run:
            ran.append(run.config.x)
            trackwell.log({"loss": float(run.config.x)})

    trackwell.agent(sweep_id, function=train)
    assert ran == [3], "the grid's points the prior runs covered are not run again"
    sweep = _api(sdk).sweep(f"sweeps-prior/{sweep_id}")
    assert sweep.state == "FINISHED" and sweep.run_count == 3
    assert sweep.best_run() is not None and sweep.best_run().id == prior[0]


def test_where_a_sweep_goes_argument_then_environment_then_config(
    sdk: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {"method": "random", "project": "from-config", "parameters": {"x": {"values": [1]}}}
    client = SweepClient.from_settings()
    try:
        monkeypatch.setenv("WANDB_PROJECT", "from-env")
        assert client.get_sweep("root", "from-env", trackwell.sweep(config))["project"] == "from-env"
        assert client.get_sweep("root", "from-arg", trackwell.sweep(config, project="from-arg"))
        monkeypatch.delenv("WANDB_PROJECT")
        assert client.get_sweep("root", "from-config", trackwell.sweep(config))["project"] == "from-config"
    finally:
        client.close()


def test_a_short_bad_trial_is_stopped_with_the_servers_default_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default 5 s heartbeat, an agent running a trial of a hyperband sweep is asked to beat
    every second: a bad trial of a few seconds is stopped while it runs, not judged after its end."""
    live = LiveServer(tmp_path / "data").start()  # the server's default heartbeat period
    try:
        point_sdk_at(live, tmp_path, monkeypatch)
        monkeypatch.chdir(tmp_path)
        config = {
            "method": "grid",
            "metric": {"name": "loss", "goal": "minimize"},
            "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 3},
            "parameters": {"quality": {"values": ["good", "bad"]}},
        }
        sweep_id = trackwell.sweep(config, project="sweeps-short-trials")
        logged: dict[str, int] = {}

        def train() -> None:
            with trackwell.init() as run:
                quality = run.config.quality
                for step in range(400):  # ~4 s for the bad one: shorter than one 5 s heartbeat
                    trackwell.log({"loss": 0.1 if quality == "good" else 10.0})
                    logged[quality] = step + 1
                    if quality == "bad":
                        time.sleep(0.01)

        trackwell.agent(sweep_id, function=train)
        runs = {r.config["quality"]: r for r in _api(live).runs("sweeps-short-trials")}
        assert logged["bad"] < 400 and runs["bad"].state == "stopped", (logged, runs["bad"].state)
    finally:
        live.stop()
