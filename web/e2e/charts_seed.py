"""Seeds the charts e2e test (charts.e2e.ts) with the real SDK: project ``charts``, 20 runs in 3
groups (``adam``, ``sgd``, ``lion``), each logging ``train/loss`` and ``val/acc`` over 60 steps and
system metrics (CPU, memory, process) sampled every 0.1 s while it trains, so the workspace has a
``system`` section drawn against time. Learning rates span 1e-4 to 3e-2 and losses 3e-4 to 3, the
numbers whose formatting the test checks.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/charts_seed.py`` against a running local server.
"""

from __future__ import annotations

import math
import time

import trackwell as wandb

PROJECT = "charts"
GROUPS = ("adam", "sgd", "lion")
RUNS = 20
STEPS = 60


def main() -> None:
    for i in range(RUNS):
        group = GROUPS[i % len(GROUPS)]
        lr = 1e-4 * (300 ** (i / (RUNS - 1)))  # 1e-4 .. 3e-2, log-spaced
        run = wandb.init(
            project=PROJECT,
            name=f"{group}-{i:02d}",
            group=group,
            config={"lr": lr, "batch_size": 32 * (1 + i % 4), "optimizer": group},
            settings=wandb.Settings(x_stats_sampling_interval=0.1),
        )
        for step in range(STEPS):
            loss = 3.0 * math.exp(-step * (0.02 + 0.1 * i / RUNS)) + 3e-4 * (i + 1)
            run.log({"train/loss": loss, "val/acc": 1 - loss / 3.2, "epoch": step // 20}, step=step)
            time.sleep(0.025)  # about 1.5 s of training: system samples over a span of time
        run.finish()


if __name__ == "__main__":
    main()
