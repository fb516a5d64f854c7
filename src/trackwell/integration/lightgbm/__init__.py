"""LightGBM: wandb's ``wandb_callback()`` and ``log_summary()``. Importing this package imports
lightgbm."""

from trackwell.integration.lightgbm.callback import log_summary, wandb_callback

__all__ = ["log_summary", "wandb_callback"]
