"""The command-line agent's trials without a server: parameter files, environment, and real
subprocesses receiving SIGTERM, then SIGKILL (their whole process group), with the agent's limits
read from W&B's variables and a program that cannot start refused before any trial is leased."""

from __future__ import annotations

import json
import os
import signal
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.sweeps.cli_agent_setup import AgentOptions, check_program
from trackwell.sweeps.cli_agent_trials import exit_code_text, start_trial, trial_env, write_param_files
from trackwell.sweeps.params import read_params

ARGS: dict[str, dict[str, Any]] = {
    "lr": {"value": 1e-05},
    "batch": {"value": 64},
    "flag": {"value": True},
    "opt": {"value": {"b": [1, 2]}},
}


def test_param_files_round_trip_with_types(tmp_path: Path) -> None:
    yaml_path, json_path = write_param_files(tmp_path, "sw1", "run1", ARGS, with_json=True)
    assert yaml_path == tmp_path / "trackwell" / "sweep-sw1" / "config-run1.yaml"
    assert read_params(yaml_path) == {"lr": 1e-05, "batch": 64, "flag": True, "opt": {"b": [1, 2]}}
    assert json_path is not None and json_path.name == "config-run1.json"
    assert json.loads(json_path.read_text()) == {"lr": 1e-05, "batch": 64, "flag": True, "opt": {"b": [1, 2]}}
    assert not list(yaml_path.parent.glob("*.partial"))
    _, no_json = write_param_files(tmp_path, "sw1", "run2", ARGS, with_json=False)
    assert no_json is None and not (yaml_path.parent / "config-run2.json").exists()


def test_trial_env_pins_both_spellings_over_the_users_shell(tmp_path: Path) -> None:
    base = {"PATH": "/bin", "TRACKWELL_PROJECT": "elsewhere", "WANDB_RUN_ID": "stale"}
    env = trial_env(
        base, sweep_id="sw", run_id="r1", param_path=tmp_path / "p.yaml", project="proj", entity="me"
    )
    for prefix in ("WANDB_", "TRACKWELL_"):
        assert env[prefix + "PROJECT"] == "proj" and env[prefix + "ENTITY"] == "me"
        assert env[prefix + "RUN_ID"] == "r1" and env[prefix + "SWEEP_ID"] == "sw"
        assert env[prefix + "SWEEP_PARAM_PATH"] == str(tmp_path / "p.yaml")
    assert env["PATH"] == "/bin" and base["TRACKWELL_PROJECT"] == "elsewhere"  # base untouched


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "child.py"
    path.write_text(textwrap.dedent(body))
    return path


def _wait(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_sigterm_reaches_the_program_and_it_exits_cleanly(tmp_path: Path) -> None:
    marker = tmp_path / "got"
    child = _script(
        tmp_path,
        f"""
        import os, signal, sys, time
        def on_term(signum, frame):
            open({str(marker)!r}, "w").write(str(signum))
            sys.exit(0)
        signal.signal(signal.SIGTERM, on_term)
        open({str(marker)!r} + ".ready", "w").write(str(os.getpgid(0)))
        while True:
            time.sleep(0.05)
        """,
    )
    ready = Path(str(marker) + ".ready")
    trial = start_trial("r1", [sys.executable, str(child)], dict(os.environ))
    try:
        # The file exists a moment before its text does: wait for the text (a loaded machine
        # showed the gap).
        _wait(lambda: ready.exists() and ready.read_text() != "")
        # its own process group, so a Ctrl-C in the terminal reaches the agent only
        assert int(ready.read_text()) == trial.pid != os.getpgid(0)
        assert trial.terminate("stopped: test") is True
        assert trial.terminate("again") is False  # once
        assert trial.popen.wait(20) == 0
        assert marker.read_text() == str(int(signal.SIGTERM))
        assert trial.stop_reason == "stopped: test"
    finally:
        if trial.popen.poll() is None:  # a failed check leaves no process behind for later tests
            trial.popen.kill()
            trial.popen.wait(20)


def test_a_program_ignoring_sigterm_is_killed_with_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    child = _script(
        tmp_path,
        f"""
        import os, signal, subprocess, sys, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{grandchild.pid}}")
        while True:
            time.sleep(0.05)
        """,
    )
    trial = start_trial("r1", [sys.executable, str(child)], dict(os.environ))
    _wait(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    grandchild = int(pids.read_text().split()[1])
    trial.terminate("stopped")
    assert trial.sigterm_at is not None
    time.sleep(0.3)
    assert trial.poll() is None  # SIGTERM ignored
    assert not trial.overdue(trial.sigterm_at + 0.1, kill_delay=1.0)
    assert trial.overdue(trial.sigterm_at + 1.0, kill_delay=1.0)
    assert trial.kill("killed") is True
    assert trial.popen.wait(20) == -signal.SIGKILL
    _wait(lambda: not _alive(grandchild))  # the group went too: nothing left behind


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (reaped by init later) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_the_program_gets_no_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    child = _script(tmp_path, f"import sys; open({str(out)!r}, 'w').write(repr(sys.stdin.read()))")
    assert start_trial("r", [sys.executable, str(child)], dict(os.environ)).popen.wait(20) == 0
    assert out.read_text() == "''"


def test_exit_code_text() -> None:
    assert exit_code_text(0) == "exit code 0"
    assert exit_code_text(3) == "exit code 3"
    assert exit_code_text(-15) == "killed by SIGTERM"


def test_options_from_wandb_variables_trackwell_spelling_wins() -> None:
    assert AgentOptions.from_env({}) == AgentOptions()
    assert AgentOptions().kill_delay == 30 and AgentOptions().max_initial_failures == 5
    opts = AgentOptions.from_env(
        {
            "WANDB_AGENT_KILL_DELAY": "5",
            "TRACKWELL_AGENT_KILL_DELAY": "0.5",
            "WANDB_AGENT_MAX_INITIAL_FAILURES": "2",
            "WANDB_AGENT_DISABLE_FLAPPING": "true",
        },
        count=4,
    )
    assert (opts.kill_delay, opts.max_initial_failures, opts.flapping, opts.count) == (0.5, 2, False, 4)
    assert AgentOptions.from_env({"WANDB_AGENT_DISABLE_FLAPPING": "false"}).flapping is True
    with pytest.raises(InvalidArgument, match="WANDB_AGENT_KILL_DELAY='soon'"):
        AgentOptions.from_env({"WANDB_AGENT_KILL_DELAY": "soon"})
    with pytest.raises(InvalidArgument, match="WANDB_AGENT_MAX_INITIAL_FAILURES"):
        AgentOptions.from_env({"WANDB_AGENT_MAX_INITIAL_FAILURES": "1.5"})


def test_program_checked_from_the_agents_folder(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    check_program(None, "train.py", tmp_path)
    check_program(None, str(tmp_path / "train.py"), Path("/"))
    check_program(["${env}", "bash", "-c", "true"], None, tmp_path)  # no ${program}: nothing needed
    check_program(["${program}", "${args}"], "sh", tmp_path)  # an executable on PATH
    with pytest.raises(InvalidArgument, match="'missing.py' is not in") as missing:
        check_program(None, "missing.py", tmp_path)
    assert "working folder" in str(missing.value)
    with pytest.raises(InvalidArgument, match="no 'program'"):
        check_program(None, None, tmp_path)
