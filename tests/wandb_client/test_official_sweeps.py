"""``wandb.sweep`` + ``wandb.agent`` (function) and the ``wandb agent`` CLI of the official client
drive Trackwell's sweep controller: every grid point runs once, across several agents, and each run
carries its parameters and its sweep."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import client_env, official_python, ok, run_official

FUNCTION_AGENT = """
import wandb
cfg = {"method": "grid", "metric": {"name": "loss", "goal": "minimize"},
       "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}, "opt": {"value": "adam"}}}
sweep_id = wandb.sweep(cfg, project="sweeps")
print("SWEEP=" + sweep_id)
def train():
    run = wandb.init()
    for s in range(3):
        wandb.log({"loss": run.config.lr * (3 - s)})
    run.finish()
wandb.agent(sweep_id, function=train, count=3, project="sweeps")
"""

TRAIN = """
import wandb
run = wandb.init()
wandb.log({"loss": run.config["lr"] * 10, "bs": run.config["bs"]})
run.finish()
"""

CREATE = """
import wandb
cfg = {"program": "train.py", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
       "parameters": {"lr": {"values": [0.1, 0.01]}, "bs": {"values": [16, 32]}}}
print("SWEEP=" + wandb.sweep(cfg, project="cli-sweeps"))
"""


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)


def _sweep_id(stdout: str) -> str:
    return stdout.split("SWEEP=", 1)[1].split()[0]


def test_a_function_agent_runs_every_grid_point_once(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = ok(run_official(live_server, tmp_path, FUNCTION_AGENT))
    sweep = api.sweep(f"sweeps/{_sweep_id(proc.stdout)}")
    runs = list(sweep.runs)
    assert sorted(r.config["lr"] for r in runs) == [0.001, 0.01, 0.1]
    assert all(r.config["opt"] == "adam" and r.state == "finished" for r in runs)
    assert sorted(r.summary["loss"] for r in runs) == pytest.approx([0.001, 0.01, 0.1])


def test_two_cli_agents_share_a_grid_without_repeating_a_point(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    (tmp_path / "train.py").write_text(TRAIN)
    sweep_id = _sweep_id(ok(run_official(live_server, tmp_path, CREATE)).stdout)
    env = client_env(live_server, tmp_path)
    agents = [
        subprocess.Popen(
            [official_python(), "-m", "wandb", "agent", "--count", "2", "-p", "cli-sweeps", sweep_id],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [agent.communicate(timeout=240)[0] for agent in agents]
    assert all(agent.returncode == 0 for agent in agents), outputs
    sweep = api.sweep(f"cli-sweeps/{sweep_id}")
    points = sorted((r.config["lr"], r.config["bs"]) for r in sweep.runs)
    assert points == [(0.01, 16), (0.01, 32), (0.1, 16), (0.1, 32)]
    assert all(r.state == "finished" for r in sweep.runs)
