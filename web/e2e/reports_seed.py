"""Seeds the reports e2e test (reports.e2e.ts) with the real SDK: project ``reports-e2e``, four runs
``rp-0`` .. ``rp-3`` with ``config.optimizer`` adam or sgd and a ``loss`` over 20 steps, for the
report's panel grid to draw.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/reports_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

PROJECT = "reports-e2e"


def main() -> None:
    for i in range(4):
        optimizer = ("adam", "sgd")[i % 2]
        run = wandb.init(
            project=PROJECT,
            id=f"rp{i}",
            name=f"rp-{i}",
            config={"optimizer": optimizer, "lr": 0.01 * (i + 1)},
        )
        for step in range(20):
            run.log({"loss": (1.0 + i) / (step + 1) + (0.05 if optimizer == "sgd" else 0.0)})
        run.summary["val/acc"] = 0.9 + 0.02 * i
        run.finish()


if __name__ == "__main__":
    main()
