"""Seeds the step-axis e2e test (stepaxis.e2e.ts) with the real SDK, logging as the framework
integrations do. Project ``stepaxis``: one run shaped like the HF Trainer's
(``define_metric("train/global_step")``, ``define_metric("*", step_metric="train/global_step",
step_sync=True)``): ``train/loss`` at global steps 5, 10, ..., 60, ``eval/loss`` rows without the
step (step_sync fills it in) and ``debug/norm`` under a ``hidden=True`` glob, which gets no chart.
Project ``stepaxis-lightning``: one run like Lightning's logger (``train/loss``, ``epoch`` and
``trainer/global_step`` per row), whose ``epoch`` gets a chart of its own as in W&B. Project
``stepaxis-mixed``: two HF-like runs and one run without definitions, which disagree on the x axis.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/stepaxis_seed.py`` against a running local server.
"""

from __future__ import annotations

import math

import trackwell as wandb

PROJECT = "stepaxis"


def hf_like(project: str, name: str, hidden: bool = True) -> None:
    run = wandb.init(project=project, name=name)
    run.define_metric("train/global_step")
    run.define_metric("*", step_metric="train/global_step", step_sync=True)
    if hidden:
        run.define_metric("debug/*", hidden=True)
    for i in range(1, 13):
        gs = 5 * i
        run.log({"train/loss": 2.0 * math.exp(-gs / 30), "train/global_step": gs, "debug/norm": 1.0 / i})
        if i % 4 == 0:
            run.log({"eval/loss": 2.2 * math.exp(-gs / 30)})  # step_sync adds train/global_step
    run.finish()


def main() -> None:
    hf_like(PROJECT, "hf-like")
    run = wandb.init(project=f"{PROJECT}-lightning", name="lightning-like")
    run.define_metric("trainer/global_step")
    run.define_metric("*", step_metric="trainer/global_step", step_sync=True)
    for gs in range(0, 40, 4):
        run.log({"train/loss": 1.0 / (1 + gs), "epoch": gs // 10, "trainer/global_step": gs})
    run.finish()

    for i in range(2):
        hf_like(f"{PROJECT}-mixed", f"hf-{i}", hidden=False)
    run = wandb.init(project=f"{PROJECT}-mixed", name="plain")
    for step in range(12):
        run.log({"train/loss": 1.5 / (1 + step)})
    run.finish()


if __name__ == "__main__":
    main()
