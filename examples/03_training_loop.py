"""A training loop that logs aggregated metrics every N steps at explicit steps, and always
finishes its run.
"""

from __future__ import annotations

import math
import random
from typing import Final

import trackwell as wandb

TOTAL_EPOCHS: Final[int] = 5
LOG_EVERY_N_STEPS: Final[int] = 20


def train() -> None:
    run = wandb.init(
        project="my-project",
        config={
            "epochs": TOTAL_EPOCHS,
            "learning_rate": 1e-3,
            "model_name": "toy-classifier",
        },
    )
    try:
        global_step: int = 0
        for epoch in range(TOTAL_EPOCHS):
            running_loss: float = 0.0
            running_accuracy: float = 0.0
            for _batch in range(100):
                # Simulate a real training step. Replace with your model code.
                loss: float = max(0.05, math.exp(-global_step / 150) + random.uniform(0.0, 0.02))
                accuracy: float = min(0.99, 0.50 + global_step / 400 + random.uniform(0.0, 0.03))
                running_loss += loss
                running_accuracy += accuracy
                global_step += 1
                if global_step % LOG_EVERY_N_STEPS == 0:
                    # Log aggregated metrics instead of spamming the network every batch.
                    wandb.log(
                        {
                            "train/loss": running_loss / LOG_EVERY_N_STEPS,
                            "train/accuracy": running_accuracy / LOG_EVERY_N_STEPS,
                            "epoch": epoch,
                            "global_step": global_step,
                        },
                        step=global_step,
                    )
                    running_loss = 0.0
                    running_accuracy = 0.0
        wandb.log({"status": "completed", "final_step": global_step})
    finally:
        # Always close the run, even if the script errors or exits early.
        wandb.finish()


if __name__ == "__main__":
    train()
