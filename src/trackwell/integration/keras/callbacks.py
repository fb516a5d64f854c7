"""wandb's ``wandb.integration.keras.callbacks`` path (``from wandb.integration.keras.callbacks import
WandbMetricsLogger``), the same classes as :mod:`trackwell.integration.keras`."""

from __future__ import annotations

from .metrics_logger import WandbMetricsLogger
from .model_checkpoint import WandbModelCheckpoint

__all__ = ["WandbMetricsLogger", "WandbModelCheckpoint"]
