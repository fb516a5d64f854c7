"""Several in-process agents, each in its own process, on one sweep at once: they share the work
with distinct runs (a grid is run exactly once, every point), and each agent's ``count`` is exact."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.fixtures.live_server import LiveServer
from trackwell.sdk.settings import Settings
from trackwell.sweeps.client import SweepClient

AGENT_SCRIPT = """
import json, sys, time
import trackwell

path, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def train():
    with trackwell.init() as run:
        time.sleep(0.05)  # long enough that the other agent gets trials too
        trackwell.log({"loss": float(run.config.a)})
        with open(out, "a") as f:
            f.write(json.dumps({"run": run.id, "a": run.config.a, "b": run.config.b}) + "\\n")

trackwell.agent(path, function=train, count=count or None)
"""


def _start_agents(server: LiveServer, tmp_path: Path, path: str, counts: list[int]) -> list[Path]:
    script = tmp_path / "agent.py"
    script.write_text(AGENT_SCRIPT)
    env = server.sdk_env(tmp_path / "config")
    outs = [tmp_path / f"agent-{i}.jsonl" for i in range(len(counts))]
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), path, str(count), str(out)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for count, out in zip(counts, outs, strict=True)
    ]
    for proc in procs:
        output, _ = proc.communicate(timeout=240)
        assert proc.returncode == 0, output[-3000:]
    return outs


def _trials(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def _client(server: LiveServer) -> SweepClient:
    return SweepClient.from_settings(Settings(base_url=server.url, api_key=server.api_key))


def _create(server: LiveServer, project: str, config: dict[str, Any]) -> str:
    client = _client(server)
    try:
        return str(client.create_sweep("root", project, config)["id"])
    finally:
        client.close()


def test_three_agent_processes_share_a_grid_and_run_each_point_once(
    server: LiveServer, tmp_path: Path
) -> None:
    grid = {
        "method": "grid",
        "metric": {"name": "loss"},
        "parameters": {"a": {"values": [1, 2, 3, 4, 5, 6]}, "b": {"values": ["x", "y", "z"]}},
    }
    sweep_id = _create(server, "agents-grid", grid)
    outs = _start_agents(server, tmp_path, f"root/agents-grid/{sweep_id}", [0, 0, 0])
    per_agent = [_trials(out) for out in outs]
    trials = [t for agent in per_agent for t in agent]
    assert len(trials) == 18
    assert len({t["run"] for t in trials}) == 18, "two agents got the same run"
    points = Counter((t["a"], t["b"]) for t in trials)
    assert sorted(points) == [(a, b) for a in range(1, 7) for b in "xyz"] and set(points.values()) == {1}
    assert sum(1 for agent in per_agent if agent) >= 2, "the work was not shared"


def test_each_agents_count_is_exact(server: LiveServer, tmp_path: Path) -> None:
    config = {"method": "random", "parameters": {"a": {"min": 1, "max": 100}, "b": {"values": ["x", "y"]}}}
    sweep_id = _create(server, "agents-count", config)
    outs = _start_agents(server, tmp_path, f"root/agents-count/{sweep_id}", [3, 4])
    assert [len(_trials(out)) for out in outs] == [3, 4]
    client = _client(server)
    try:
        runs = client.sweep_runs("root", "agents-count", sweep_id)
    finally:
        client.close()
    assert len(runs) == 7 and {r["state"] for r in runs} == {"finished"}
