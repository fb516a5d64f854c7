"""Seeds the runs table and compare e2e test (tablecompare.e2e.ts) with the real SDK: project
``tablecompare``, four runs whose names and keys have capitals (``Alpha-Run``, ``Optimizer``,
``model.numLayers``), 14 config keys (``aug/*`` among them, for the column search), and
``define_metric("val/loss", summary="min")``: val/loss falls to ``floor`` at step 30 and rises
again, so its summary (the minimum) is not its last value. ``train/loss`` and ``val/loss`` are
logged by every run; ``extra/Only_A`` by the first run only.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/tablecompare_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

PROJECT = "tablecompare"
STEPS = 60
# name, learning rate, optimizer, val/loss floor
RUNS = [
    ("Alpha-Run", 0.1, "AdamW", 0.25),
    ("beta-Run", 0.01, "AdamW", 0.5),
    ("Gamma-run", 0.001, "SGD", 0.75),
    ("delta-RUN", 0.0001, "AdamW", 1.0),
]


def main() -> None:
    for i, (name, lr, optimizer, floor) in enumerate(RUNS):
        config = {
            "lr": lr,
            "Optimizer": optimizer,
            "batch_size": 32 * (i + 1),
            "seed": 7,  # the same in every run: hidden while showing differences only
            "model": {"numLayers": 12, "hiddenSize": 256 * (1 + i % 2)},
        }
        augs = ["flip", "crop", "Rotate", "blur", "noise", "hue", "mixup", "cutout"]
        config.update({f"aug/{k}": 0.1 * (j + 1) for j, k in enumerate(augs)})
        run = wandb.init(project=PROJECT, name=name, config=config)
        run.define_metric("val/loss", summary="min")
        for step in range(STEPS):
            row = {"train/loss": (i + 1) / (step + 1), "val/loss": floor + abs(step - 30) / 30}
            if i == 0:
                row["extra/Only_A"] = step
            run.log(row, step=step)
        run.summary["Best_Epoch"] = 30
        run.finish()


if __name__ == "__main__":
    main()
