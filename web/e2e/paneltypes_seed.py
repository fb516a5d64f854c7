"""Seeds the panel types e2e test (paneltypes.e2e.ts) with the real SDK: project ``paneltypes``,
six runs whose names and config keys have capitals (``ResNet-A``, ``Optimizer.Name``), nested
config, one config key that is the same in every run (``dataset``), a long text value, a final
``val/acc`` of known values, and images under ``samples`` in the first three runs.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/paneltypes_seed.py`` against a running local server.
"""

from __future__ import annotations

import numpy as np

import trackwell as wandb

PROJECT = "paneltypes"
NAMES = ("ResNet-A", "ResNet-B", "ViT-C", "ViT-D", "MLP-E", "MLP-F")
ACC = (0.71, 0.82, 0.93, 0.64, 0.55, 0.88)  # max 0.93, mean 0.755
STEPS = 6


def main() -> None:
    for i, name in enumerate(NAMES):
        run = wandb.init(
            project=PROJECT,
            name=name,
            group=name.split("-")[0],
            config={
                "lr": 10.0 ** -(1 + i % 3),
                "dataset": "cifar10",
                "Optimizer": {"Name": "AdamW" if i % 2 else "SGD", "Beta1": 0.9},
                "model": {"Encoder": {"Layers": 12 + 12 * (i // 2)}},
                "description": f"run {name}: " + "a long free-text description of what this run tries " * 6,
            },
        )
        for step in range(STEPS):
            row: dict[str, object] = {
                "train/loss": 1.0 / (step + 1 + i),
                "val/acc": ACC[i] * (step + 1) / STEPS,
            }
            if i < 3 and step in (0, STEPS - 1):
                pixels = np.full((16, 16, 3), (40 * i, 200 - 30 * step, 90), dtype=np.uint8)
                row["samples"] = wandb.Image(pixels, caption=f"{name} at {step}")
            run.log(row, step=step)
        run.finish()


if __name__ == "__main__":
    main()
