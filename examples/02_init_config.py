"""Start a run with a config, group, job type and tags, and read config values back as attributes."""

from __future__ import annotations

import trackwell as wandb

run = wandb.init(
    project="my-project",
    job_type="train",
    group="resnet50-baselines",
    tags=["baseline", "image-classification"],
    config={
        "learning_rate": 1e-3,
        "batch_size": 64,
        "epochs": 10,
        "optimizer": "adamw",
        "model_name": "resnet50",
        "dataset_name": "imagenette",
    },
)

# Access config values the same way everywhere in your training code.
learning_rate: float = wandb.config.learning_rate
batch_size: int = wandb.config.batch_size
print(f"Tracking run: {run.name}")
