"""Seeds the sharing e2e test (sharing.e2e.ts) with the real SDK: project ``sharing-e2e``, three
runs ``sh-0`` .. ``sh-2`` with a ``loss`` over 20 steps, for a shared report's panel grid to draw.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/sharing_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

PROJECT = "sharing-e2e"


def main() -> None:
    for i in range(3):
        run = wandb.init(project=PROJECT, id=f"sh{i}", name=f"sh-{i}", config={"lr": 0.01 * (i + 1)})
        for step in range(20):
            run.log({"loss": (1.0 + i) / (step + 1)})
        run.finish()


if __name__ == "__main__":
    main()
