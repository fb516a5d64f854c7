"""The SDK side of a sweep trial without a server: the parameter file round trip (types kept),
what init() takes from the protocol's environment (join_sweep), config locking, sweep paths, the
agent's failure policy, and stopping a trial running in another thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.config import Config
from trackwell.sdk.errors import UsageError
from trackwell.sdk.settings import Settings
from trackwell.sweeps.client import SweepPath, parse_sweep_path, sweep_url
from trackwell.sweeps.failures import FailurePolicy
from trackwell.sweeps.join import join_sweep
from trackwell.sweeps.params import param_file, read_params, write_params
from trackwell.sweeps.trial import TrialCall, TrialEnv, TrialStopped, exit_code_of

ARGS: dict[str, dict[str, Any]] = {
    "learning_rate": {"value": 1e-05},
    "batch_size": {"value": 64},
    "big": {"value": 2**70},
    "optimizer": {"value": "adamw"},
    "flag": {"value": False},
    "nothing": {"value": None},
    "looks_numeric": {"value": "1e-05"},
    "opt": {"value": {"lr": 0.1, "name": "adam", "betas": [0.9, 0.999]}},
}


def test_parameter_file_round_trip_keeps_every_type(tmp_path: Path) -> None:
    path = write_params(param_file(tmp_path, "swp12345", "run1"), ARGS)
    assert path == tmp_path / "trackwell" / "sweep-swp12345" / "config-run1.yaml"
    back = read_params(path)
    assert back == {name: spec["value"] for name, spec in ARGS.items()}
    assert type(back["batch_size"]) is int and type(back["learning_rate"]) is float
    assert type(back["big"]) is int and back["looks_numeric"] == "1e-05"
    assert back["opt"] == {"lr": 0.1, "name": "adam", "betas": [0.9, 0.999]}
    assert "value:" in path.read_text()  # W&B's wire form, as its own agent writes it
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")], "temporary file left"


def test_a_bare_mapping_is_read_too_and_bad_files_name_themselves(tmp_path: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("lr: 0.5\nlayers: 3\n")
    assert read_params(plain) == {"lr": 0.5, "layers": 3}
    with pytest.raises(UsageError, match="missing.yaml"):
        read_params(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a\n- b\n")
    with pytest.raises(UsageError, match="bad.yaml"):
        read_params(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [\n")
    with pytest.raises(UsageError, match="not valid YAML"):
        read_params(broken)


def _trial_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    path = write_params(tmp_path / "p.yaml", {"learning_rate": {"value": 0.01}, "batch_size": {"value": 32}})
    return {
        "WANDB_SWEEP_ID": "swp12345",
        "WANDB_RUN_ID": "trialrun1",
        "WANDB_SWEEP_PARAM_PATH": str(path),
        "WANDB_PROJECT": "sweep-proj",
        "WANDB_ENTITY": "team",
        **extra,
    }


def test_join_outside_a_sweep_changes_nothing() -> None:
    settings = Settings(project="p")
    assert join_sweep(settings, {"a": 1}, environ={}) == (settings, {"a": 1}, None)


def test_join_takes_the_sweeps_run_project_and_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(project="other", run_id="mine", entity="team")
    config = {"learning_rate": 0.5, "epochs": 3}
    joined, merged, trial = join_sweep(settings, config, environ=_trial_env(tmp_path))
    assert trial is not None and trial.sweep_id == "swp12345" and trial.run_id == "trialrun1"
    assert (joined.project, joined.entity, joined.run_id, joined.sweep_id) == (
        "sweep-proj",
        "team",
        "trialrun1",
        "swp12345",
    )
    # The parameters win over init(config=) for the same keys; the rest of the config stays.
    assert merged == {"learning_rate": 0.01, "epochs": 3, "batch_size": 32}
    assert config == {"learning_rate": 0.5, "epochs": 3}, "the caller's dict was changed"
    err = capsys.readouterr().err
    assert "Ignoring project 'other' when running a sweep." in err
    assert "Ignoring run_id when running a sweep." in err


def test_locked_sweep_parameters_ignore_changes_with_wandbs_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, merged, trial = join_sweep(Settings(), {}, environ=_trial_env(tmp_path))
    assert trial is not None

    class FakeRun:
        config = Config(allow_val_change=True)

    run = FakeRun()
    run.config._load(merged, emit=False)
    trial.attach(run)
    run.config.update({"learning_rate": 0.9, "epochs": 5}, allow_val_change=True)
    run.config.batch_size = 1024
    run.config["batch_size"] = 32  # the same value: nothing to warn about
    assert run.config.as_dict() == {"learning_rate": 0.01, "batch_size": 32, "epochs": 5}
    err = capsys.readouterr().err
    assert "Config item 'learning_rate' was locked by 'sweep' (ignored update)." in err
    assert err.count("was locked by 'sweep'") == 2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("abc12345", SweepPath("e0", "p0", "abc12345")),
        ("proj/abc12345", SweepPath("e0", "proj", "abc12345")),
        ("ent/proj/abc12345", SweepPath("ent", "proj", "abc12345")),
        ("/ent/proj/sweeps/abc12345/", SweepPath("ent", "proj", "abc12345")),
    ],
)
def test_sweep_paths(path: str, expected: SweepPath) -> None:
    assert parse_sweep_path(path, "e0", "p0") == expected


def test_bad_sweep_paths_and_the_page_url() -> None:
    for bad in ("", "a/b/c/d/e", "  "):
        with pytest.raises(InvalidArgument):
            parse_sweep_path(bad)
    assert sweep_url("http://h:1/", "my team", "p", "abc") == "http://h:1/my%20team/p/sweeps/abc"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_failure_policy_flapping_initial_and_consecutive() -> None:
    clock = Clock()
    flapping = FailurePolicy(clock=clock)
    assert flapping.record(1) is None and flapping.record(1) is None
    assert "3 failed runs in the first 60 seconds" in str(flapping.record(1))

    clock.now = 0.0
    slow = FailurePolicy(clock=clock)
    clock.now = 61.0  # past the first minute: only the initial-failures rule (5) applies
    assert slow.record(0) is None
    assert [slow.record(1) for _ in range(4)] == [None] * 4
    assert "5 failed runs and only 1 finished" in str(slow.record(1))

    stopped = FailurePolicy(flapping=False, clock=clock)
    assert all(stopped.record(255, stopped_by_sweep=True) is None for _ in range(10))

    consecutive = FailurePolicy(flapping=False, max_consecutive=2, clock=clock)
    assert consecutive.record(1) is None and consecutive.record(0) is None
    assert consecutive.record(1) is None
    assert "2 failed runs in a row" in str(consecutive.record(1))


def test_failure_policy_from_the_environment() -> None:
    policy = FailurePolicy.from_env(
        None, {"WANDB_AGENT_DISABLE_FLAPPING": "true", "WANDB_AGENT_MAX_INITIAL_FAILURES": "2"}
    )
    assert (policy.flapping, policy.max_initial_failures) == (False, 2)
    with pytest.raises(ValueError, match="max_consecutive_failed_runs"):
        FailurePolicy.from_env(0, {})


def test_exit_codes() -> None:
    assert [exit_code_of(e) for e in (None, ValueError("x"), SystemExit(0), SystemExit(3))] == [0, 1, 0, 3]
    assert exit_code_of(TrialStopped()) == 255 and exit_code_of(KeyboardInterrupt()) == 255


def test_trial_env_sets_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_PROJECT", "before")
    monkeypatch.delenv("WANDB_RUN_ID", raising=False)
    import os

    with TrialEnv({"WANDB_PROJECT": "during", "WANDB_RUN_ID": "r1", "UNSET": None}):
        assert (os.environ["WANDB_PROJECT"], os.environ["WANDB_RUN_ID"]) == ("during", "r1")
        assert "UNSET" not in os.environ
    assert os.environ["WANDB_PROJECT"] == "before" and "WANDB_RUN_ID" not in os.environ


def test_a_stop_raises_in_the_trials_thread_even_past_except_exception() -> None:
    started = threading.Event()
    seen: list[str] = []

    def training() -> None:
        started.set()
        try:
            while True:  # a training loop that swallows ordinary errors
                try:
                    time.sleep(0.001)
                except Exception:
                    seen.append("swallowed")
        finally:
            seen.append("cleanup")

    call = TrialCall(training)
    outcome: list[BaseException] = []

    def trial_thread() -> None:
        try:
            call()
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=trial_thread)
    thread.start()
    assert started.wait(5)
    assert call.stop("hyperband: below the 1/3 quantile at iteration 3")
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(outcome[0], TrialStopped)
    assert "hyperband" in str(outcome[0]) and seen == ["cleanup"]
    assert not call.stop("again"), "a finished trial cannot be stopped"


def test_a_stop_after_the_function_returned_is_not_raised_later() -> None:
    call = TrialCall(lambda: None)
    call()
    assert not call.stop("late")
    time.sleep(0.01)  # nothing pending: the next bytecode here must run normally


def test_best_run_orders_follow_wandbs_key_rule() -> None:
    from trackwell.apis.sweeps import format_order_key

    assert format_order_key("-val/acc") == "-summary_metrics.val/acc"
    assert format_order_key("loss") == "+summary_metrics.loss"
    assert format_order_key("+config.lr") == "+config.lr"
    assert format_order_key("-summary_metrics.loss") == "-summary_metrics.loss"
    assert format_order_key("-created_at") == "-created_at"
    with pytest.raises(InvalidArgument):
        format_order_key("-")


def test_numpy_values_in_a_sweep_config_are_sent_as_plain_json() -> None:
    import json

    import numpy as np

    from trackwell.sweeps.client import _dumps

    body = {"parameters": {"layers": {"values": np.arange(1, 4)}, "lr": {"value": np.float32(0.5)}}}
    assert json.loads(_dumps(body)) == {"parameters": {"layers": {"values": [1, 2, 3]}, "lr": {"value": 0.5}}}
    with pytest.raises(InvalidArgument, match="cannot be sent"):
        _dumps({"x": object()})
