"""Seeds the run colours e2e test (runcolours.e2e.ts) with the real SDK: project ``runcolours``, four
runs ``rc-0`` .. ``rc-3`` (config ``opt``: adam for the first two, sgd for the others), each logging
``loss`` over 40 steps on its own level (run ``i`` logs ``10 * i + step / 10``), so every line has its
own band of the chart and a colour can be found on the canvas.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/runcolours_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

PROJECT = "runcolours"
RUNS, STEPS = 4, 40


def main() -> None:
    for i in range(RUNS):
        run = wandb.init(
            project=PROJECT,
            name=f"rc-{i}",
            config={"opt": "adam" if i < 2 else "sgd"},
            settings=wandb.Settings(x_disable_stats=True),
        )
        for step in range(STEPS):
            run.log({"loss": 10.0 * i + step / 10}, step=step)
        run.finish()


if __name__ == "__main__":
    main()
