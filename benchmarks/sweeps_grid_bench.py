"""Sweeps, a big grid with parallel agents (issue 11): W&B's grids of thousands of combinations
overshoot with parallel agents (22,500 expected, 124,070 run) or restart from the top. Here a grid
of 5,000 combinations driven by 8 agent processes must end with exactly 5,000 runs, one per point.

What it does, against a fresh local server:

1. ``trackwell.sweep`` of a 50 x 100 grid (metric ``loss``).
2. 8 processes, each ``trackwell.agent(sweep_id, function=trial)`` with no count: they run until the
   server tells them the grid is exhausted. A trial is ``trackwell.init()``, one ``run.log``,
   ``run.finish()``: nothing but overhead.
3. Checks through the sweep's runs route: 5,000 trials, 5,000 distinct points, every one finished.
4. Figures: wall time; per-trial overhead seen by an agent (its wall time / its trials: proposal,
   init, log, finish, with 8 agents and the server sharing the machine's cores); and the same for
   one agent alone on a 300-point grid (no contention between agents), split into the time spent
   in ``init()`` and ``finish()`` and the rest (the heartbeat that reports the last trial and
   leases the next proposal). Target for one trial's overhead: < 150 ms. The load average is
   given with each figure (the machine is shared).

Run: ``.venv/bin/python -m benchmarks.sweeps_grid_bench [--quick]`` (quick: a 1,000-point grid).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Result

NAME = "sweeps grid"
REPO = Path(__file__).resolve().parent.parent
AGENTS = 8


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def grid_config(a: int, b: int) -> dict[str, Any]:
    return {
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {"a": {"values": list(range(a))}, "b": {"values": list(range(b))}},
    }


# -- the agent process -------------------------------------------------------------------------------


def agent_main(spec: dict[str, Any]) -> None:
    import trackwell

    timings = {"init": 0.0, "finish": 0.0, "trials": 0}

    def trial() -> None:
        t0 = time.perf_counter()
        run = trackwell.init()
        t1 = time.perf_counter()
        run.log({"loss": float(run.config["a"] + run.config["b"])})
        t2 = time.perf_counter()
        run.finish()
        timings["init"] += t1 - t0
        timings["finish"] += time.perf_counter() - t2
        timings["trials"] += 1

    if spec.get("create"):
        sweep_id = trackwell.sweep(spec["create"], project=spec["project"])
        print("SWEEP " + sweep_id, flush=True)
        return
    t0 = time.perf_counter()
    trackwell.agent(spec["sweep"], function=trial, project=spec["project"])
    print("RESULT " + json.dumps({**timings, "wall": time.perf_counter() - t0}), flush=True)


# -- the benchmark -----------------------------------------------------------------------------------


class _Bench:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def _command(self, spec: dict[str, Any]) -> list[str]:
        return [sys.executable, "-m", "benchmarks.sweeps_grid_bench", "--agent", json.dumps(spec)]

    def create(self, config: dict[str, Any], project: str) -> str:
        proc = subprocess.run(
            self._command({"create": config, "project": project}),
            env=self.env | {"TRACKWELL_DIR": str(self.root / "create")},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for line in proc.stdout.splitlines():
            if line.startswith("SWEEP "):
                return line[6:].strip()
        raise RuntimeError(f"sweep creation failed ({proc.returncode}):\n{proc.stderr[-3000:]}")

    def agents(self, sweep_id: str, project: str, n: int) -> tuple[float, list[dict[str, Any]]]:
        t0 = time.perf_counter()
        procs = []
        for i in range(n):
            folder = self.root / f"{sweep_id}-agent{i}"
            folder.mkdir(parents=True)
            procs.append(
                subprocess.Popen(
                    self._command({"sweep": sweep_id, "project": project}),
                    env=self.env | {"TRACKWELL_DIR": str(folder)},
                    cwd=REPO,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outs = []
        for p in procs:
            stdout, stderr = p.communicate(timeout=7200)
            got = [json.loads(line[7:]) for line in stdout.splitlines() if line.startswith("RESULT ")]
            if p.returncode != 0 or not got:
                raise RuntimeError(f"an agent failed ({p.returncode}):\n{stderr[-3000:]}")
            outs.append(got[0])
        return time.perf_counter() - t0, outs


def _check(server: Any, project: str, sweep_id: str, expected: int) -> dict[str, Any]:
    with server.client() as client:
        entity = client.get("/api/v1/viewer").json()["entity"]
        base = f"/api/v1/sweeps/{entity}/{project}/{sweep_id}"
        sweep = client.get(base).json()
        runs = client.get(f"{base}/runs").json()["runs"]
    points = {json.dumps(r["params"], sort_keys=True) for r in runs}
    states: dict[str, int] = {}
    for r in runs:
        states[r["state"]] = states.get(r["state"], 0) + 1
    if len(runs) != expected or len(points) != expected or states.get("finished") != expected:
        raise RuntimeError(
            f"grid of {expected}: {len(runs)} runs, {len(points)} distinct points, states {states}"
        )
    return {"runs": len(runs), "state": sweep["state"], "run_count": sweep.get("run_count")}


def main(quick: bool = False) -> list[Result]:
    from tests.fixtures.live_server import LiveServer

    big = (20, 50) if quick else (50, 100)
    size = big[0] * big[1]
    out: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tw-sweeps-grid-") as tmp:
        root = Path(tmp)
        server = LiveServer(root / "server").start()
        try:
            bench = _Bench(root, server.sdk_env(root / "config"))
            # One agent alone: a trial's overhead without other agents on the cores.
            solo_id = bench.create(grid_config(3, 100), "grid-solo")
            solo_load = load()
            solo_wall, (solo,) = bench.agents(solo_id, "grid-solo", 1)
            _check(server, "grid-solo", solo_id, 300)
            n = solo["trials"]
            per = solo_wall / n
            init, finish = solo["init"] / n, solo["finish"] / n
            rest = per - init - finish
            out.append(
                Result(
                    NAME,
                    "one agent: whole trial overhead (proposal + init + log + finish), 300-point grid",
                    per * 1000,
                    "ms",
                    "< 150",
                    f"init {init * 1000:.0f} ms, finish {finish * 1000:.0f} ms, the rest "
                    f"(heartbeat: last trial's report + next lease, agent start) {rest * 1000:.0f} ms;"
                    f" {solo_load} at start, {load()} at end",
                )
            )
            sweep_id = bench.create(grid_config(*big), "grid-big")
            start_load = load()
            wall, agents = bench.agents(sweep_id, "grid-big", AGENTS)
            end_load = load()
            got = _check(server, "grid-big", sweep_id, size)
        finally:
            server.stop()
    counts = sorted(a["trials"] for a in agents)
    out.append(
        Result(
            NAME,
            f"{size:,}-point grid, {AGENTS} agent processes: runs at the end",
            got["runs"],
            "runs",
            f"< {size + 1}",
            f"exactly {size:,} distinct points, all finished; sweep {got['state']}; trials per agent "
            f"{counts[0]}-{counts[-1]}",
        )
    )
    out.append(
        Result(
            NAME,
            f"{size:,}-point grid, {AGENTS} agent processes: wall time",
            wall,
            "s",
            note=f"{size / wall:.0f} trials/s; {start_load} at start, {end_load} at end",
        )
    )
    per_agent = sum(a["wall"] for a in agents) / size
    out.append(
        Result(
            NAME,
            f"{size:,}-point grid, {AGENTS} agents: agent time per trial",
            per_agent * 1000,
            "ms",
            note=f"{AGENTS} agents and the server sharing {os.cpu_count()} cores: contention, not overhead",
        )
    )
    return out


if __name__ == "__main__":
    if "--agent" in sys.argv:
        agent_main(json.loads(sys.argv[sys.argv.index("--agent") + 1]))
    else:
        for r in main(quick="--quick" in sys.argv):
            print(f"{r.metric}: {r.value:.4g} {r.unit} {r.target} {r.note}")
