"""The command-line agent's process control against a real server, with real trial processes: a
stop from the controller (a cancelled sweep) reaches the program as SIGTERM, a program that ignores
it is killed after the grace period, failing programs end the agent (W&B's flapping and initial
failure limits), and Ctrl-C / SIGTERM on the agent shut its trials down in W&B's tiers."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.fixtures.live_server import LiveServer
from tests.integration.test_sweep_cli import (
    agent_output,
    cli_env,
    create_sweep,
    run_cli,
    start_agent,
    sweep_runs,
    wait_for,
    write_sweep,
)

# A long trial: joins the sweep, says it is ready, and notes each SIGTERM it gets (with the time).
# EXIT_ON_TERM decides whether it then ends (a well-behaved program) or ignores it.
LONG_TRIAL = """
import os, signal, sys, time
import trackwell
run = trackwell.init()
def on_term(signum, frame):
    with open("sigterm-" + run.id, "a") as out:
        out.write(f"{time.time()}\\n")
    if EXIT_ON_TERM:
        run.finish(exit_code=143)
        sys.exit(143)
signal.signal(signal.SIGTERM, on_term)
open("ready-" + run.id, "w").write(str(os.getpid()))
for _ in range(6000):
    time.sleep(0.05)
"""
CONFIG = {"program": "long.py", "method": "random", "parameters": {"x": {"values": [1, 2, 3]}}}


def _long_trial(exit_on_term: bool) -> str:
    return f"EXIT_ON_TERM = {exit_on_term}\n" + LONG_TRIAL


def _ready(folder: Path) -> Path:
    # The trial opens its ready-<run id> file, then writes its pid: wait for the pid, not the name
    # (on a loaded machine the empty file can be seen between the two).
    def written() -> Path | None:
        return next((p for p in folder.glob("ready-*") if p.read_text().strip()), None)

    found: Path = wait_for(written, what="the trial to start")
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _finish(agent: subprocess.Popen[str], timeout: float = 90) -> int:
    try:
        return agent.wait(timeout)
    except subprocess.TimeoutExpired:
        agent.kill()
        raise


def test_a_stop_reaches_the_program_as_sigterm(server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(server, tmp_path)
    sweep_path = create_sweep(write_sweep(tmp_path, CONFIG, _long_trial(True)), env, "-p", "sig-stop")
    agent = start_agent(sweep_path, cwd=tmp_path, env=env)
    try:
        ready = _ready(tmp_path)
        run_id = ready.name.removeprefix("ready-")
        assert run_cli("sweep", "--cancel", sweep_path, cwd=tmp_path, env=env).returncode == 0
        wait_for(lambda: (tmp_path / f"sigterm-{run_id}").exists(), what="SIGTERM in the trial")
        assert _finish(agent) == 0  # cancelled and nothing running: the controller says exit
    finally:
        agent.kill()
    out = agent_output(tmp_path)
    assert f"stopping run {run_id}" in out and "after SIGTERM: SIGKILL" not in out
    assert f"run {run_id} stopped" in out
    assert len((tmp_path / f"sigterm-{run_id}").read_text().splitlines()) == 1
    assert [r["run_id"] for r in sweep_runs(server, sweep_path)] == [run_id]


def test_a_program_ignoring_sigterm_is_killed_after_the_grace_period(
    server: LiveServer, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path, WANDB_AGENT_KILL_DELAY="1.5")
    sweep_path = create_sweep(write_sweep(tmp_path, CONFIG, _long_trial(False)), env, "-p", "sig-kill")
    agent = start_agent(sweep_path, cwd=tmp_path, env=env)
    try:
        ready = _ready(tmp_path)
        run_id, pid = ready.name.removeprefix("ready-"), int(ready.read_text())
        assert run_cli("sweep", "--cancel", sweep_path, cwd=tmp_path, env=env).returncode == 0
        sigterm = tmp_path / f"sigterm-{run_id}"
        wait_for(sigterm.exists, what="SIGTERM in the trial")
        term_at = float(sigterm.read_text().split()[0])
        wait_for(lambda: not _alive(pid), what="SIGKILL")
        killed_after = time.time() - term_at
        assert _finish(agent) == 0
    finally:
        agent.kill()
    assert 1.4 <= killed_after < 30, killed_after
    out = agent_output(tmp_path)
    assert f"run {run_id} still runs 1.5 s after SIGTERM: SIGKILL" in out
    assert "killed by SIGKILL" in out


FAILING = "import sys\nsys.exit(3)\n"


def test_flapping_trials_stop_the_agent(server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(server, tmp_path)
    config = CONFIG | {"program": "fail.py"}
    sweep_path = create_sweep(write_sweep(tmp_path, config, FAILING), env, "-p", "sig-flap")
    done = run_cli("agent", sweep_path, cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.count("failed (exit code 3)") == 3
    assert "Detected 3 failed runs in the first 60 seconds" in done.stderr
    assert "WANDB_AGENT_DISABLE_FLAPPING=true" in done.stderr
    assert len(sweep_runs(server, sweep_path)) == 3  # each was leased and reported


def test_without_flapping_the_initial_failure_limit_stops_the_agent(
    server: LiveServer, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path, WANDB_AGENT_DISABLE_FLAPPING="true", WANDB_AGENT_MAX_INITIAL_FAILURES="4")
    config = CONFIG | {"program": "fail.py"}
    sweep_path = create_sweep(write_sweep(tmp_path, config, FAILING), env, "-p", "sig-failing")
    done = run_cli("agent", sweep_path, cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.count("failed (exit code 3)") == 4
    assert "Detected 4 failed runs and only 0 finished" in done.stderr
    assert "WANDB_AGENT_MAX_INITIAL_FAILURES" in done.stderr and "first 60 seconds" not in done.stderr


def test_ctrl_c_waits_then_terminates_the_trial(server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(server, tmp_path)
    sweep_path = create_sweep(write_sweep(tmp_path, CONFIG, _long_trial(True)), env, "-p", "sig-ctrl-c")
    agent = start_agent(sweep_path, cwd=tmp_path, env=env)
    try:
        ready = _ready(tmp_path)
        run_id, pid = ready.name.removeprefix("ready-"), int(ready.read_text())
        agent.send_signal(signal.SIGINT)
        wait_for(lambda: "waiting for the running trial(s) to end" in agent_output(tmp_path), what="tier 1")
        time.sleep(1.0)
        assert _alive(pid) and not (tmp_path / f"sigterm-{run_id}").exists()  # the first Ctrl-C waits
        agent.send_signal(signal.SIGINT)
        wait_for(lambda: (tmp_path / f"sigterm-{run_id}").exists(), what="SIGTERM after the second Ctrl-C")
        assert _finish(agent) == 130
    finally:
        agent.kill()
    out = agent_output(tmp_path)
    assert f"terminating run(s) {run_id}" in out and "Traceback" not in out
    assert len(sweep_runs(server, sweep_path)) == 1  # no trial was started after the first Ctrl-C


def test_a_third_ctrl_c_kills_at_once(server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(server, tmp_path)  # the default 30 s grace: only the third Ctrl-C ends it sooner
    sweep_path = create_sweep(write_sweep(tmp_path, CONFIG, _long_trial(False)), env, "-p", "sig-ctrl-c3")
    agent = start_agent(sweep_path, cwd=tmp_path, env=env)
    try:
        ready = _ready(tmp_path)
        run_id, pid = ready.name.removeprefix("ready-"), int(ready.read_text())
        agent.send_signal(signal.SIGINT)
        wait_for(lambda: "waiting for the running trial(s)" in agent_output(tmp_path), what="tier 1")
        agent.send_signal(signal.SIGINT)
        wait_for(lambda: (tmp_path / f"sigterm-{run_id}").exists(), what="SIGTERM (ignored by the trial)")
        assert _alive(pid)
        agent.send_signal(signal.SIGINT)
        wait_for(lambda: not _alive(pid), timeout=10, what="SIGKILL on the third Ctrl-C")
        assert _finish(agent) == 130
    finally:
        agent.kill()
    assert f"killing run(s) {run_id} (SIGKILL)" in agent_output(tmp_path)


@pytest.mark.parametrize("kill_delay", ["1"])
def test_sigterm_to_the_agent_terminates_then_kills_its_trial(
    server: LiveServer, tmp_path: Path, kill_delay: str
) -> None:
    env = cli_env(server, tmp_path, WANDB_AGENT_KILL_DELAY=kill_delay)
    sweep_path = create_sweep(write_sweep(tmp_path, CONFIG, _long_trial(False)), env, "-p", "sig-term")
    agent = start_agent(sweep_path, cwd=tmp_path, env=env)
    try:
        ready = _ready(tmp_path)
        run_id, pid = ready.name.removeprefix("ready-"), int(ready.read_text())
        agent.send_signal(signal.SIGTERM)
        wait_for(lambda: (tmp_path / f"sigterm-{run_id}").exists(), what="SIGTERM passed on")
        assert _finish(agent) == 130
    finally:
        agent.kill()
    assert not _alive(pid)
    assert "SIGKILL" in agent_output(tmp_path)
