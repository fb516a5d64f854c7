"""Seeds the panel editor's e2e test (paneledit.e2e.ts) with the real SDK: project ``paneledit``, six
runs in two groups (``adam-0..2`` and ``sgd-0..2``), each logging ``train/loss``, ``train/acc``,
``val/loss`` and ``val/acc`` over 40 steps, with ``epoch`` and ``tokens`` (1,000 per step) to put on
the x axis. Losses run from about 3 down to 0.05, so a log scale and a fixed y range show.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/paneledit_seed.py`` against a running local server.
"""

from __future__ import annotations

import math

import trackwell as wandb

PROJECT = "paneledit"
STEPS = 40


def main() -> None:
    for group in ("adam", "sgd"):
        for i in range(3):
            run = wandb.init(
                project=PROJECT,
                name=f"{group}-{i}",
                group=group,
                config={"optimizer": group, "lr": 0.01 * (i + 1)},
                settings=wandb.Settings(x_disable_stats=True),
            )
            rate = (0.08 if group == "adam" else 0.04) * (1 + i / 4)
            for step in range(STEPS):
                loss = 3.0 * math.exp(-rate * step) + 0.05
                run.log(
                    {
                        "train/loss": loss,
                        "train/acc": 1 - loss / 3.1,
                        "val/loss": loss * 1.1,
                        "val/acc": 1 - loss * 1.1 / 3.4,
                        "epoch": step // 10,
                        "tokens": 1000 * (step + 1),
                    },
                    step=step,
                )
            run.finish()


if __name__ == "__main__":
    main()
