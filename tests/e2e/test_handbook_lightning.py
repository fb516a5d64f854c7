"""The handbook's Lightning example, run unchanged as users run it: ``python 11_lightning.py`` (a
``WandbLogger(project="lightning-project", log_model="all")`` under a ``Trainer`` for 10 epochs of
14 batches, ``log_every_n_steps=5``), a subprocess with nothing configured but the local data
directory of a real server. Read back through the public ``Api``.

Rows, as Lightning's logger connector produces them (and wandb records them, one row per
``log_metrics`` call): a training row when ``(_batches_that_stepped + 1) % 5 == 0`` over the 140
steps of the fit, so at global steps 4, 9, ..., 139 (28 rows); one validation row per epoch end
(10 rows, at the epoch's last counted step 13, 27, ..., 139); the sanity check logs nothing. The
default ``ModelCheckpoint`` (no monitor, top 1) saves once per epoch, and ``log_model="all"``
logs each save: 10 versions, the last one ``latest`` and ``best``.

Run for the product's copy in ``examples/`` and, when ``../shared`` exists, the handbook's own
(read-only there; the script runs from the test's folder, where its run and checkpoint dirs land).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e
pytest.importorskip("lightning.pytorch")  # the trackwell[lightning] extra

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "examples", ROOT.parent / "shared" / "handbook" / "examples"]
STEPS_PER_EPOCH = 14
EPOCHS = 10


@pytest.mark.parametrize("source", SOURCES, ids=["examples", "handbook"])
def test_11_lightning_logs_metrics_config_and_a_checkpoint_per_epoch(
    live_server: LiveServer, tmp_path: Path, source: Path
) -> None:
    script = source / "11_lightning.py"
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
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"

    with trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key) as api:
        runs = list(api.runs("lightning-project"))
        _check(runs, tmp_path)


def _check(runs: list[Any], tmp_path: Path) -> None:
    assert len(runs) == 1, [r.id for r in runs]
    run = runs[0]
    assert run.state == "finished"
    assert run.config == {"learning_rate": 0.05}

    rows = list(run.scan_history())
    train = [r for r in rows if "train/loss" in r]
    val = [r for r in rows if "val/loss" in r]
    assert len(rows) == 38 and len(train) == 28 and len(val) == 10
    assert {k for r in rows for k in r if not k.startswith("_")} == {
        "train/loss",
        "val/loss",
        "epoch",
        "trainer/global_step",
    }
    assert [r["trainer/global_step"] for r in train] == list(range(4, STEPS_PER_EPOCH * EPOCHS, 5))
    assert [r["epoch"] for r in train] == [s // STEPS_PER_EPOCH for s in range(4, 140, 5)]
    assert [(r["epoch"], r["trainer/global_step"]) for r in val] == [
        (e, STEPS_PER_EPOCH * (e + 1) - 1) for e in range(EPOCHS)
    ]
    # the model learns: the last validation loss is far below the first
    assert val[-1]["val/loss"] < val[0]["val/loss"] / 10
    assert run.summary["trainer/global_step"] == 139 and run.summary["epoch"] == 9

    versions = sorted(run.logged_artifacts(), key=lambda a: int(a.version[1:]))
    assert [v.name for v in versions] == [f"model-{run.id}:v{i}" for i in range(EPOCHS)]
    assert [v.metadata["original_filename"] for v in versions] == [
        f"epoch={e}-step={STEPS_PER_EPOCH * (e + 1)}.ckpt" for e in range(EPOCHS)
    ]
    assert [sorted(v.aliases) for v in versions] == [[]] * (EPOCHS - 1) + [["best", "latest"]]
    assert {v.type for v in versions} == {"model"}
    assert all(v.metadata["score"] is None for v in versions)  # no monitored metric
    assert versions[0].metadata["ModelCheckpoint"]["save_top_k"] == 1
    # Lightning's checkpoint folder: <save_dir>/<project>/<run id>/checkpoints, the last one kept
    assert [p.name for p in (tmp_path / "lightning-project" / run.id / "checkpoints").iterdir()] == [
        "epoch=9-step=140.ckpt"
    ]
