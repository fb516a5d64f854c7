"""Seeds the empty-states e2e test (emptystates.e2e.ts) with the real SDK: project ``emptystates``,
12 runs ``es-00`` .. ``es-11`` (ids ``es00`` ..) with ``config.lr`` 0.1, 0.01, 0.001 in turn and 30
metrics ``m/00`` .. ``m/29`` over 5 steps (so most charts start below the fold). Runs 0, 6 and 11
log an image ``samples`` (first, middle and last in the table, whichever way it is sorted), which
also gives them a ``media/images`` folder in the Files tab.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/emptystates_seed.py`` against a running local server.
"""

from __future__ import annotations

import numpy as np

import trackwell as wandb

PROJECT = "emptystates"
RUNS = 12
METRICS = 30
STEPS = 5
WITH_MEDIA = (0, 6, 11)


def main() -> None:
    rng = np.random.default_rng(0)
    for i in range(RUNS):
        run = wandb.init(
            project=PROJECT, id=f"es{i:02d}", name=f"es-{i:02d}", config={"lr": (0.1, 0.01, 0.001)[i % 3]}
        )
        for step in range(STEPS):
            row: dict[str, object] = {f"m/{k:02d}": (k + 1) * (i + 1) / (step + 1) for k in range(METRICS)}
            if i in WITH_MEDIA and step == STEPS - 1:
                row["samples"] = wandb.Image(
                    rng.integers(0, 255, (16, 16, 3), dtype=np.uint8), caption=f"run {i}"
                )
            run.log(row, step=step)
        run.finish()


if __name__ == "__main__":
    main()
