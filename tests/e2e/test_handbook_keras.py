"""The handbook's Keras example (``12_keras.py``: Keras 3 on torch, ``WandbCallback()`` with its
defaults, 5 epochs with a validation split), run unchanged as a user runs it: a subprocess in an
empty folder with nothing configured but a real server's data directory. Read back through the
public ``Api``: one run in ``keras-project`` with the rows, config, summary and best model that
wandb's legacy callback records for the same script.

Run for the product's copy in ``examples/`` and, when ``../shared`` exists, the handbook's own.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "examples", ROOT.parent / "shared" / "handbook" / "examples"]
KERAS_KEYS = {"loss", "accuracy", "val_loss", "val_accuracy"}


@pytest.mark.parametrize("source", SOURCES, ids=["examples", "handbook"])
def test_12_keras_logs_five_epochs_the_best_val_loss_and_the_best_model(
    live_server: LiveServer, tmp_path: Path, source: Path
) -> None:
    script = source / "12_keras.py"
    if not script.is_file():
        pytest.skip(f"{script} is not here (no ../shared checkout)")
    proc = subprocess.run(
        [sys.executable, script.as_posix()],
        cwd=tmp_path,
        env=_env(live_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"12_keras.py failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"

    api = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    runs = list(api.runs("keras-project"))
    assert len(runs) == 1 and runs[0].state == "finished"
    run = runs[0]
    assert run.config == {"epochs": 5}

    rows = list(run.scan_history())
    assert [r["_step"] for r in rows] == [0, 1, 2, 3, 4]
    assert [r["epoch"] for r in rows] == [0, 1, 2, 3, 4]
    assert [{k for k in r if not k.startswith("_")} for r in rows] == [KERAS_KEYS | {"epoch"}] * 5
    for row in rows:
        assert all(math.isfinite(row[k]) for k in KERAS_KEYS)
        assert 0.0 <= row["accuracy"] <= 1.0 and 0.0 <= row["val_accuracy"] <= 1.0

    val_loss = [r["val_loss"] for r in rows]
    best_epoch = min(range(5), key=lambda e: (val_loss[e], e))
    assert run.summary["best_val_loss"] == pytest.approx(min(val_loss))
    assert run.summary["best_epoch"] == best_epoch
    assert run.summary["val_loss"] == pytest.approx(val_loss[-1])

    # save_model=True (the default): the best model in the run's files and as wandb's artifact.
    assert "model-best.keras" in {f.name for f in run.files()}
    best = api.artifact(f"keras-project/model-{run.name}:latest")
    assert best.type == "model" and f"epoch_{best_epoch}" in best.aliases
    assert [a.name for a in run.logged_artifacts()][-1] == best.name
