"""The artifact-bloat pitfall avoided: publish a dataset once, reference it from training runs; logging
the same content again makes no new version and uploads nothing.
"""

from __future__ import annotations

from pathlib import Path

import trackwell as wandb

# Stand-in for the handbook's data/customer_churn folder.
Path("data/customer_churn").mkdir(parents=True, exist_ok=True)
Path("data/customer_churn/churn.csv").write_text("".join(f"{i},{i % 2},{i * 0.5}\n" for i in range(20000)))


def log_dataset_once() -> None:
    with wandb.init(project="artifact-governance", job_type="data-publish") as run:
        artifact = wandb.Artifact(name="customer-churn-dataset", type="dataset")
        artifact.add_dir("data/customer_churn")
        run.log_artifact(artifact)


def reference_existing_dataset() -> None:
    with wandb.init(project="artifact-governance", job_type="train") as run:
        artifact = run.use_artifact("customer-churn-dataset:latest")
        dataset_dir = artifact.download()
        print(dataset_dir)


if __name__ == "__main__":
    log_dataset_once()
    reference_existing_dataset()
