"""Seeds the report panels e2e test (reportpanels.e2e.ts) with the real SDK: project
``reportpanels``, five training runs (three with ``optimizer=adam``, two with ``sgd``) logging
``loss`` over 8 steps and a final ``acc``, and the lineage of a model: a ``prepare`` run logs the
dataset ``rp-data``, a ``train`` run uses it and logs the model ``rp-model``, an ``evaluate`` run
uses the model.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/reportpanels_seed.py`` against a running local server.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import trackwell as wandb

PROJECT = "reportpanels"
RUNS = (
    ("adam-1", "adam", 0.01),
    ("adam-2", "adam", 0.003),
    ("adam-3", "adam", 0.001),
    ("sgd-1", "sgd", 0.1),
    ("sgd-2", "sgd", 0.03),
)
STEPS = 8


def training_runs() -> None:
    for i, (name, optimizer, lr) in enumerate(RUNS):
        run = wandb.init(
            project=PROJECT,
            name=name,
            job_type="sweep",
            config={"optimizer": optimizer, "lr": lr, "batch_size": 32 * (1 + i % 2)},
        )
        for step in range(STEPS):
            run.log({"loss": (1.5 if optimizer == "sgd" else 1.0) / (step + 1) + 0.02 * i}, step=step)
        run.summary["acc"] = 0.6 + 0.07 * i
        run.finish()


def lineage() -> None:
    work = Path(tempfile.mkdtemp())
    (work / "data.csv").write_text("x,y\n1,2\n")
    (work / "model.bin").write_bytes(b"weights" * 10)
    run = wandb.init(project=PROJECT, name="prepare", job_type="upload")
    data = wandb.Artifact("rp-data", type="dataset")
    data.add_file(str(work / "data.csv"))
    run.log_artifact(data)
    run.finish()
    run = wandb.init(project=PROJECT, name="train", job_type="train")
    run.use_artifact("rp-data:latest")
    model = wandb.Artifact("rp-model", type="model")
    model.add_file(str(work / "model.bin"))
    run.log_artifact(model)
    run.finish()
    run = wandb.init(project=PROJECT, name="evaluate", job_type="eval")
    run.use_artifact("rp-model:latest")
    run.finish()


if __name__ == "__main__":
    training_runs()
    lineage()
