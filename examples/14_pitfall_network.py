"""Pitfall: log every step and the network becomes the bottleneck; aggregate and log every N steps instead."""

from __future__ import annotations

import trackwell as wandb

run = wandb.init(project="pitfalls-demo")
try:
    accumulated_loss: float = 0.0
    log_every: int = 50
    for step in range(1000):
        loss = 1.0 / (step + 1)
        accumulated_loss += loss
        if (step + 1) % log_every == 0:
            wandb.log({"train/loss": accumulated_loss / log_every, "step": step + 1}, step=step + 1)
            accumulated_loss = 0.0
finally:
    wandb.finish()
