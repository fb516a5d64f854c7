"""A grouped, tagged run whose summary keeps the best value of each metric (`define_metric(summary=...)`)."""

from __future__ import annotations

import trackwell as wandb

run = wandb.init(
    project="ranking-system",
    group="ablation-learning-rate",
    job_type="train",
    tags=["ablation", "ranking", "resnet-encoder"],
    config={
        "learning_rate": 5e-4,
        "batch_size": 128,
        "encoder": "resnet50",
    },
)
try:
    # Define how metrics should be summarized in the dashboard.
    wandb.define_metric("epoch")
    wandb.define_metric("val/accuracy", summary="max")
    wandb.define_metric("val/loss", summary="min")
    wandb.log({"epoch": 1, "val/accuracy": 0.86, "val/loss": 0.42})
finally:
    wandb.finish()
