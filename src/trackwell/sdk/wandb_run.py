"""``trackwell.sdk.wandb_run``: wandb's module path of ``Run`` (``from wandb.sdk.wandb_run import Run``)."""

from trackwell.sdk.run import Run
from trackwell.sdk.run_status import RunStatus

__all__ = ["Run", "RunStatus"]
