"""Versioned artifacts: a dataset folder and a model checkpoint logged by a training run, with metadata."""

from __future__ import annotations

from pathlib import Path

import trackwell as wandb

# Stand-ins for the handbook's data/raw folder and checkpoints/model.pt.
Path("data/raw").mkdir(parents=True, exist_ok=True)
for i in range(3):
    Path(f"data/raw/part-{i}.csv").write_text("".join(f"{i},{j},{(i * j) % 7}\n" for j in range(1000)))
Path("checkpoints").mkdir(exist_ok=True)
Path("checkpoints/model.pt").write_bytes(bytes(range(256)) * 4096)

run = wandb.init(project="artifact-demo", job_type="train")
try:
    dataset_artifact = wandb.Artifact(name="raw-data", type="dataset")
    dataset_artifact.add_dir("data/raw")
    run.log_artifact(dataset_artifact)

    model_artifact = wandb.Artifact(name="fraud-model", type="model")
    model_artifact.add_file("checkpoints/model.pt")
    model_artifact.metadata = {
        "framework": "pytorch",
        "stage": "candidate",
    }
    run.log_artifact(model_artifact)
finally:
    wandb.finish()
