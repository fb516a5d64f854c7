"""Keras 3 callbacks (any backend) with wandb's names and records: ``WandbCallback`` (the legacy
all-in-one callback), ``WandbMetricsLogger`` and ``WandbModelCheckpoint``.

Importing this module imports Keras (pick the backend first: ``KERAS_BACKEND=torch``); importing
``trackwell`` alone never does.
"""

from __future__ import annotations

from .callback import WandbCallback
from .eval_callback import WandbEvalCallback
from .metrics_logger import WandbMetricsLogger
from .model_checkpoint import WandbModelCheckpoint

__all__ = ["WandbCallback", "WandbEvalCallback", "WandbMetricsLogger", "WandbModelCheckpoint"]
