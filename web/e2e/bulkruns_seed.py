"""Seeds the bulk actions e2e test (bulkruns.e2e.ts) with the real SDK: project ``bulkruns``, five
finished runs ``r1``..``r5`` (named ``run-1``..``run-5``), each logging a falling loss over 20 steps.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/bulkruns_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

PROJECT = "bulkruns"


def main() -> None:
    for i in range(1, 6):
        run = wandb.init(project=PROJECT, id=f"r{i}", name=f"run-{i}", config={"lr": 0.01 * i})
        for step in range(20):
            run.log({"loss": i / (step + 1)}, step=step)
        run.finish()


if __name__ == "__main__":
    main()
