"""``trackwell.wandb_run``: wandb's older module path of ``Run`` (``from wandb.wandb_run import Run``)."""

from trackwell.sdk.run import Run
from trackwell.sdk.run_status import RunStatus

__all__ = ["Run", "RunStatus"]
