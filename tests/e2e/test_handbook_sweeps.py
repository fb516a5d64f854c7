"""The handbook's in-process sweeps, run unchanged as users run them: ``python 06_sweep_bayes.py``
(bayes, 12 trials) and ``python 07_sweep_random.py`` (random, 10 trials), each a subprocess with
nothing configured but the local data directory of a real server (``sweep()`` and ``init()`` find
it the zero-setup way). Read back through the public ``Api``: one sweep in ``sweep-demo`` with
exactly ``count`` finished runs, each holding the proposed values with their types and what the
training function logged from them; the sweep's best run is the best one.

Run for the product's copies in ``examples/`` and, when ``../shared`` exists, the handbook's own
(read-only there; the script runs from the test's folder, where its run dirs land).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "examples", ROOT.parent / "shared" / "handbook" / "examples"]


def _run(server: LiveServer, tmp_path: Path, script: Path) -> str:
    if not script.is_file():
        pytest.skip(f"{script} is not here (no ../shared checkout)")
    proc = subprocess.run(
        [sys.executable, script.as_posix()],
        cwd=tmp_path,
        env=_env(server, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def _only_sweep(server: LiveServer) -> tuple[Any, Any]:
    api: Any = trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)
    sweeps = api.project("sweep-demo").sweeps()
    assert len(sweeps) == 1, [s.id for s in sweeps]
    return api, sweeps[0]


def _accuracy(config: dict[str, Any]) -> float:
    """06's training function, as it computes its accuracy from the proposed values."""
    lr_term = -((math.log10(config["learning_rate"]) + 3.0) ** 2) * 0.05
    accuracy = 0.9 + lr_term - 0.1 * abs(config["dropout"] - 0.2)
    accuracy += 0.02 if config["optimizer"] == "adamw" else 0.0
    return float(accuracy - 0.01 * abs(math.log2(config["batch_size"]) - 6))


@pytest.mark.parametrize("source", SOURCES, ids=["examples", "handbook"])
def test_06_bayes_sweep_runs_12_trials_of_the_proposed_values(
    live_server: LiveServer, tmp_path: Path, source: Path
) -> None:
    out = _run(live_server, tmp_path, source / "06_sweep_bayes.py")
    api, sweep = _only_sweep(live_server)
    assert f"Created sweep with ID: {sweep.id}" in out
    assert (sweep.method, sweep.state, sweep.config["metric"]) == (
        "bayes",
        "RUNNING",
        {"name": "val/accuracy", "goal": "maximize"},
    )
    runs = list(sweep.runs)
    assert len(runs) == 12 and {r.state for r in runs} == {"finished"}
    assert len(api.runs("sweep-demo")) == 12, "every run of the project is a trial of the sweep"
    for run in runs:
        config = run.config
        assert type(config["learning_rate"]) is float and 1e-5 <= config["learning_rate"] <= 1e-2
        assert type(config["dropout"]) is float and 0.1 <= config["dropout"] <= 0.5
        assert type(config["batch_size"]) is int and config["batch_size"] in (32, 64, 128)
        assert config["optimizer"] in ("adamw", "sgd")
        logged = [row["val/accuracy"] for row in run.scan_history(keys=["val/accuracy"])]
        expected = _accuracy(config)
        assert logged == pytest.approx([expected * (0.8 + 0.1 * epoch) for epoch in range(3)])
        assert run.sweep_name == sweep.id
    best = sweep.best_run()
    assert best is not None
    assert best.summary["val/accuracy"] == max(r.summary["val/accuracy"] for r in runs)


@pytest.mark.parametrize("source", SOURCES, ids=["examples", "handbook"])
def test_07_random_sweep_runs_10_trials_in_the_sweeps_project(
    live_server: LiveServer, tmp_path: Path, source: Path
) -> None:
    _run(live_server, tmp_path, source / "07_sweep_random.py")
    api, sweep = _only_sweep(live_server)
    assert (sweep.method, sweep.expected_run_count) == ("random", None)
    runs = list(sweep.runs)
    assert len(runs) == 10 and {r.state for r in runs} == {"finished"}
    for run in runs:
        lr, batch = run.config["learning_rate"], run.config["batch_size"]
        assert lr in (1e-4, 5e-4, 1e-3) and type(lr) is float
        assert batch in (32, 64) and type(batch) is int
        # The function logs the config it read back: the proposed values reached wandb.config.
        assert (run.summary["learning_rate"], run.summary["batch_size"]) == (lr, batch)
        assert 0.70 <= run.summary["val/accuracy"] <= 0.90
        assert run.sweep.id == sweep.id
    trials = sweep.trials()
    assert sorted(t["run_id"] for t in trials) == sorted(r.id for r in runs)
    best = sweep.best_run()
    assert best is not None and best.id == trials[0]["run_id"]
    assert best.summary["val/accuracy"] == max(r.summary["val/accuracy"] for r in runs)
    assert len(api.runs("sweep-demo", filters={"sweep": sweep.id})) == 10
