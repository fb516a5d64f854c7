"""``trackwell sweep`` and ``trackwell agent`` as a user runs them: subprocesses of the real command
against a real server on loopback, found the zero-setup way (its data dir), with real trial
subprocesses. What the commands did is read back over the HTTP API.

The helpers here are shared with test_sweep_cli_signals.py and the handbook's e2e test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.live_server import LiveServer

TIMEOUT = 120


def cli_env(server: LiveServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Nothing configured but the local server's data dir (a developer's own WANDB_*/TRACKWELL_*
    settings removed), so the commands and the trials find the server as a user's would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(
        TRACKWELL_DATA_DIR=str(server.data_dir),
        TRACKWELL_CONFIG_DIR=str(tmp_path / "config"),
        HOME=str(tmp_path / "home"),
        PYTHONUNBUFFERED="1",
        TRACKWELL_SILENT="true",
    )
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path, env: dict[str, str], timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trackwell", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_agent(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``trackwell agent ...`` in the background; its output goes to ``cwd/agent.out``."""
    with (cwd / "agent.out").open("w") as out:  # the agent has its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "trackwell", "agent", *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def agent_output(cwd: Path) -> str:
    return (cwd / "agent.out").read_text(errors="replace")


def write_sweep(
    folder: Path, config: dict[str, Any], program: str | None = None, name: str = "sweep.yaml"
) -> Path:
    """The sweep config as YAML (and the trial program beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    if program is not None:
        (folder / str(config["program"])).write_text(textwrap.dedent(program))
    path = folder / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def create_sweep(config_path: Path, env: dict[str, str], *extra: str) -> str:
    """``trackwell sweep CONFIG``; returns the ``entity/project/id`` it printed on stdout."""
    done = run_cli("sweep", config_path.name, *extra, cwd=config_path.parent, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def get_sweep(server: LiveServer, path: str) -> dict[str, Any]:
    with server.client() as http:
        answer = http.get(f"/api/v1/sweeps/{path}")
    answer.raise_for_status()
    return dict(answer.json())


def sweep_runs(server: LiveServer, path: str) -> list[dict[str, Any]]:
    with server.client() as http:
        answer = http.get(f"/api/v1/sweeps/{path}/runs")
    answer.raise_for_status()
    return list(answer.json()["runs"])


def get_run(server: LiveServer, path: str, run_id: str) -> dict[str, Any]:
    entity, project, _ = path.split("/")
    with server.client() as http:
        answer = http.get(f"/api/v1/runs/{entity}/{project}/{run_id}")
    answer.raise_for_status()
    return dict(answer.json())


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# A trial program that records what it was started with (argv, the sweep variables, its config).
RECORDER = """
import json, os, sys
import trackwell
with trackwell.init() as run:
    run.log({"loss": 1.0})
    record = {
        "argv": sys.argv[1:],
        "env": {k: v for k, v in os.environ.items() if k.startswith(("WANDB_", "TRACKWELL_", "SWEEPTEST_"))},
        "config": dict(run.config),
        "run_id": run.id,
        "cwd": os.getcwd(),
    }
with open(f"record-{record['run_id']}.json", "w") as out:
    json.dump(record, out)
"""


@pytest.fixture
def env(server: LiveServer, tmp_path: Path) -> dict[str, str]:
    return cli_env(server, tmp_path)


def test_sweep_prints_the_id_and_the_agent_command(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    config = {"program": "train.py", "method": "grid", "parameters": {"x": {"values": [1, 2]}}}
    path = write_sweep(tmp_path, config)
    done = run_cli("sweep", path.name, "--project", "cli-create", "--name", "first", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    sweep_path = done.stdout.strip()
    entity, project, sweep_id = sweep_path.split("/")
    assert project == "cli-create" and len(sweep_id) == 8
    assert f"Created sweep with ID: {sweep_id}" in done.stderr
    assert f"Run sweep agent with: trackwell agent {sweep_path}" in done.stderr
    assert f"/{entity}/cli-create/sweeps/{sweep_id}" in done.stderr  # the sweep page
    sweep = get_sweep(server, sweep_path)
    assert sweep["state"] == "running" and sweep["name"] == "first"
    assert sweep["config"]["parameters"] == {"x": {"values": [1, 2]}}


def test_project_and_entity_of_the_config_are_used_and_the_flag_wins(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    config = {"project": "from-config", "method": "random", "parameters": {"x": {"values": [1]}}}
    path = write_sweep(tmp_path, config)
    assert create_sweep(path, env).split("/")[1] == "from-config"
    assert create_sweep(path, env, "-p", "from-flag").split("/")[1] == "from-flag"
    with_env = env | {"WANDB_PROJECT": "from-env"}
    assert create_sweep(path, with_env).split("/")[1] == "from-env"  # W&B: the environment, then the key


def test_config_problems_are_listed_with_exit_code_1_and_no_traceback(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    bad = {
        "method": "bayes",
        "metric": {"name": "loss", "goal": "minimise"},
        "parameters": {"lr": {"min": 0.1, "max": 0.01}},
    }
    path = write_sweep(tmp_path, bad)
    done = run_cli("sweep", path.name, "-p", "cli-bad", cwd=tmp_path, env=env)
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "nothing was created" in done.stderr
    assert "metric.goal" in done.stderr and "parameters.lr" in done.stderr  # every problem, by path
    with server.client() as http:
        entity = http.get("/api/v1/viewer").json()["entity"]
        listed = http.get(f"/api/v1/sweeps/{entity}/cli-bad")
    assert listed.status_code == 404 or listed.json()["sweeps"] == []  # nothing was created


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("method: [grid\n", "is not valid YAML (line"),
        ("", "is empty"),
        ("- method: grid\n", "holds a list, not a mapping"),
    ],
)
def test_unreadable_configs_fail_in_one_clear_line(
    server: LiveServer, tmp_path: Path, env: dict[str, str], text: str, message: str
) -> None:
    (tmp_path / "s.yaml").write_text(text)
    done = run_cli("sweep", "s.yaml", cwd=tmp_path, env=env)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    missing = run_cli("sweep", "nope.yaml", cwd=tmp_path, env=env)
    assert missing.returncode == 1 and "cannot read sweep config nope.yaml" in missing.stderr


def test_pause_resume_stop_cancel_from_the_command_line(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    path = write_sweep(tmp_path, {"method": "random", "parameters": {"x": {"values": [1, 2]}}})
    sweep_path = create_sweep(path, env, "-p", "cli-states")
    sweep_id = sweep_path.split("/")[2]
    for flag, state, target in (
        ("--pause", "paused", sweep_path),
        ("--resume", "running", sweep_path),
        ("--pause", "paused", f"cli-states/{sweep_id}"),  # project/id
    ):
        done = run_cli("sweep", flag, target, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        assert f"(state: {state})" in done.stderr
        assert get_sweep(server, sweep_path)["state"] == state
    done = run_cli("sweep", sweep_id, "--resume", "-p", "cli-states", cwd=tmp_path, env=env)  # id + --project
    assert done.returncode == 0 and get_sweep(server, sweep_path)["state"] == "running"
    assert run_cli("sweep", "--stop", sweep_path, cwd=tmp_path, env=env).returncode == 0
    assert get_sweep(server, sweep_path)["state"] == "finished"
    other = create_sweep(path, env, "-p", "cli-states")
    assert run_cli("sweep", "--cancel", other, cwd=tmp_path, env=env).returncode == 0
    assert get_sweep(server, other)["state"] == "cancelled"
    unknown = run_cli("sweep", "--pause", "cli-states/zzzzzzzz", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and "no sweep" in unknown.stderr and "Traceback" not in unknown.stderr


def test_update_gives_a_live_sweep_a_new_config(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    path = write_sweep(tmp_path, {"method": "random", "parameters": {"x": {"values": [1, 2]}}})
    sweep_path = create_sweep(path, env, "-p", "cli-update")
    write_sweep(tmp_path, {"method": "random", "parameters": {"x": {"values": [3, 4, 5]}}}, name="v2.yaml")
    done = run_cli("sweep", "--update", sweep_path, "v2.yaml", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert get_sweep(server, sweep_path)["config"]["parameters"]["x"]["values"] == [3, 4, 5]


def test_agent_runs_count_trials_with_every_macro_and_the_sweep_variables(
    server: LiveServer, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path, SWEEPTEST_TAG="tagged", TRACKWELL_PROJECT="not-the-sweeps")
    config = {
        "program": "record.py",
        "method": "grid",
        "parameters": {"n": {"values": [1, 2, 3]}, "flag": {"value": True}, "name": {"value": "a b"}},
        "command": [
            "${env}",
            "${interpreter}",
            "${program}",
            "--tag=${envvar:SWEEPTEST_TAG}",
            "${args_no_boolean_flags}",
            "${args_json_file}",
            "${args_no_equals}",
            "${args_json}",
        ],
    }
    path = write_sweep(tmp_path, config, RECORDER)
    sweep_path = create_sweep(path, env, "-p", "cli-macros")
    done = run_cli("agent", sweep_path, "--count", "2", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    records = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("record-*.json"))]
    assert len(records) == 2
    runs = {r["run_id"]: r for r in sweep_runs(server, sweep_path)}
    assert set(runs) == {r["run_id"] for r in records}
    sweep_id = sweep_path.split("/")[2]
    for record in records:
        run_id, n = record["run_id"], record["config"]["n"]
        assert record["config"] == {"n": n, "flag": True, "name": "a b"}  # types kept: n is an int
        assert isinstance(n, int) and runs[run_id]["params"]["n"] == n
        json_file = tmp_path / "trackwell" / f"sweep-{sweep_id}" / f"config-{run_id}.json"
        values = {"n": n, "flag": True, "name": "a b"}
        argv = record["argv"]
        assert argv[0] == "--tag=tagged"  # ${envvar:NAME} inside a token
        assert sorted(argv[1:4]) == sorted([f"--n={n}", "--flag", "--name=a b"])  # no boolean flags
        assert argv[4] == str(json_file) and json.loads(json_file.read_text()) == values
        pairs = list(zip(argv[5:11:2], argv[6:11:2], strict=True))  # ${args_no_equals}: two tokens each
        assert sorted(pairs) == sorted([("--n", str(n)), ("--flag", "True"), ("--name", "a b")])
        assert json.loads(argv[11]) == values and len(argv) == 12  # ${args_json}: one token
        environ = record["env"]
        assert environ["WANDB_SWEEP_ID"] == sweep_id and environ["WANDB_RUN_ID"] == run_id
        assert environ["WANDB_PROJECT"] == "cli-macros" == environ["TRACKWELL_PROJECT"]
        param_file = Path(environ["WANDB_SWEEP_PARAM_PATH"])
        assert param_file == tmp_path / "trackwell" / f"sweep-{sweep_id}" / f"config-{run_id}.yaml"
        assert yaml.safe_load(param_file.read_text())["n"] == {"value": n}
        assert record["cwd"] == str(tmp_path)  # trials run in the agent's folder
        run = get_run(server, sweep_path, run_id)
        assert run["sweep_id"] == sweep_id and run["state"] == "finished"
    assert "2 run(s) done (--count 2)" in done.stderr


def test_agent_refuses_a_program_it_cannot_find_before_leasing_a_trial(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    path = write_sweep(
        tmp_path, {"program": "elsewhere.py", "method": "random", "parameters": {"x": {"value": 1}}}
    )
    sweep_path = create_sweep(path, env, "-p", "cli-missing")
    done = run_cli("agent", sweep_path, cwd=tmp_path, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "'elsewhere.py' is not in" in done.stderr
    assert sweep_runs(server, sweep_path) == []  # nothing was leased


def test_agent_for_a_sweep_that_does_not_exist(
    server: LiveServer, tmp_path: Path, env: dict[str, str]
) -> None:
    done = run_cli("agent", "cli-none/zzzzzzzz", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "no sweep" in done.stderr and "Traceback" not in done.stderr


def test_agent_exits_when_a_grid_is_done(server: LiveServer, tmp_path: Path, env: dict[str, str]) -> None:
    config = {"program": "ok.py", "method": "grid", "parameters": {"x": {"values": [1, 2]}}}
    trial = (
        "import sys, trackwell\ntrackwell.init().finish()\n"
        "print('out of the trial')\nprint('trial-stderr-line', file=sys.stderr)\n"
    )
    sweep_path = create_sweep(write_sweep(tmp_path, config, trial), env, "-p", "cli-grid")
    done = run_cli("agent", sweep_path, cwd=tmp_path, env=env)  # no --count: until the sweep says exit
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.count("out of the trial") == 2 and done.stderr.count("trial-stderr-line") == 2
    )  # passed through
    assert sorted(r["params"]["x"] for r in sweep_runs(server, sweep_path)) == [1, 2]
    assert get_sweep(server, sweep_path)["state"] == "finished"


def test_parallel_agents_share_a_grid_without_duplicates(server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(server, tmp_path)
    config = {"program": "ok.py", "method": "grid", "parameters": {"x": {"values": [1, 2, 3, 4, 5, 6]}}}
    path = write_sweep(tmp_path, config, "import trackwell\ntrackwell.init().finish()\n")
    sweep_path = create_sweep(path, env, "-p", "cli-parallel")
    folders = [tmp_path / f"agent{i}" for i in range(3)]
    agents = []
    for folder in folders:
        folder.mkdir()
        (folder / "ok.py").write_text((tmp_path / "ok.py").read_text())
        agents.append(start_agent(sweep_path, cwd=folder, env=env))
    try:
        codes = [agent.wait(TIMEOUT) for agent in agents]
    finally:
        for agent in agents:
            agent.kill()
    assert codes == [0, 0, 0], [agent_output(f) for f in folders]
    trials = sweep_runs(server, sweep_path)
    assert sorted(t["params"]["x"] for t in trials) == [1, 2, 3, 4, 5, 6]  # each once, none twice
    assert all(t["state"] == "finished" for t in trials)
    started = [agent_output(f).count("starting run") for f in folders]
    assert sum(started) == 6
