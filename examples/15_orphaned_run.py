"""Pitfall: an orphaned run. Raises on purpose: the run must end marked as failed, with the error logged."""

from __future__ import annotations

import trackwell as wandb


def run_experiment() -> None:
    run = wandb.init(project="pitfalls-demo")
    try:
        wandb.log({"status": "started"})
        # Replace with real notebook or training logic.
        raise RuntimeError("simulated failure")
    except Exception as exc:
        wandb.log({"error_message": str(exc)})
        raise
    finally:
        wandb.finish()


if __name__ == "__main__":
    run_experiment()
