"""Seeds the sweeps e2e test (sweeps.e2e.ts) with the real SDK, as a W&B user runs a sweep:

- ``search``: a bayes sweep over a mixed space (a log-uniform learning rate, batch size values, a
  categorical optimizer, a uniform dropout) with ``val/loss`` to minimize, driven to 16 runs by
  ``trackwell.agent(function=...)``; the loss depends mostly on the learning rate, so parameter
  importance has a clear answer. It ends ``finished`` (run_cap reached).
- ``grid``: a grid of 6 whose agent runs only 2 (``count=2``), so it stays ``running`` for the
  pause/resume test.
- ``cancelled``: a sweep cancelled (as the UI's Cancel does) while its one trial runs: the agent
  gets the stop at its next heartbeat, so the run ends ``stopped`` with the reason.

Writes ``{"search": id, "grid": id, "cancelled": id}`` to ``<data dir>/e2e-sweeps.json``. Run as
``TRACKWELL_DATA_DIR=<dir> python web/e2e/sweeps_seed.py`` against a running local server.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from pathlib import Path

import trackwell as wandb
from trackwell.sweeps.client import SweepClient

PROJECT = "sweeps-e2e"

SEARCH = {
    "name": "lr-search",
    "description": "Bayes search over the learning rate, batch size, optimizer and dropout",
    "method": "bayes",
    "metric": {"name": "val/loss", "goal": "minimize"},
    "run_cap": 16,
    "parameters": {
        "learning_rate": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
        "batch_size": {"values": [32, 64, 128]},
        "optimizer": {"values": ["adamw", "sgd"]},
        "dropout": {"distribution": "uniform", "min": 0.0, "max": 0.5},
    },
}

GRID = {
    "name": "grid-small",
    "method": "grid",
    "metric": {"name": "val/loss", "goal": "minimize"},
    "parameters": {"width": {"values": [64, 128, 256]}, "act": {"values": ["relu", "gelu"]}},
}


def train() -> None:
    with wandb.init() as run:
        c = run.config
        # Best near lr = 1e-3; adamw a little better; dropout and batch size barely matter.
        base = (math.log10(c.learning_rate) + 3.0) ** 2 * 0.3 + 0.2
        base += 0.0 if c.optimizer == "adamw" else 0.15
        base += 0.05 * abs(c.dropout - 0.2) + 0.01 * abs(math.log2(c.batch_size) - 6)
        for epoch in range(4):
            run.log({"val/loss": base * (1.6 - 0.2 * epoch), "epoch": epoch})


def train_grid() -> None:
    with wandb.init() as run:
        run.log({"val/loss": 1.0 / run.config.width + (0.01 if run.config.act == "relu" else 0.0)})


CANCELLED = {
    "name": "cancelled-early",
    "method": "random",
    "metric": {"name": "val/loss", "goal": "minimize"},
    "parameters": {"learning_rate": {"min": 0.001, "max": 0.1}},
}


def train_long() -> None:
    # Runs until the sweep's stop reaches it (a minute at most, so a lost stop cannot hang the seed).
    with wandb.init() as run:
        for step in range(600):
            run.log({"val/loss": 1.0 / (step + 1)})
            time.sleep(0.1)


def cancel_while_running(sweep_id: str) -> None:
    """Cancels the sweep once its trial's run is running (what the sweep page's Cancel sends)."""
    client = SweepClient.from_settings()
    entity = client.viewer_entity()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(r.get("state") == "running" for r in client.sweep_runs(entity, PROJECT, sweep_id)):
            client.update_sweep(entity, PROJECT, sweep_id, state="cancelled")
            return
        time.sleep(0.2)


def main() -> None:
    search = wandb.sweep(SEARCH, project=PROJECT)
    wandb.agent(search, function=train, count=16, project=PROJECT)
    grid = wandb.sweep(GRID, project=PROJECT)
    wandb.agent(grid, function=train_grid, count=2, project=PROJECT)
    cancelled = wandb.sweep(CANCELLED, project=PROJECT)
    canceller = threading.Thread(target=cancel_while_running, args=(cancelled,), daemon=True)
    canceller.start()
    wandb.agent(cancelled, function=train_long, count=1, project=PROJECT)
    canceller.join(timeout=5)
    out = Path(os.environ["TRACKWELL_DATA_DIR"]) / "e2e-sweeps.json"
    out.write_text(json.dumps({"search": search, "grid": grid, "cancelled": cancelled}))


if __name__ == "__main__":
    main()
