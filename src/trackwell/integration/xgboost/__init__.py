"""XGBoost: wandb's ``WandbCallback`` (an ``xgboost.callback.TrainingCallback``) and its deprecated
``wandb_callback()``. Importing this package imports xgboost."""

from trackwell.integration.xgboost.callback import WandbCallback, wandb_callback

__all__ = ["WandbCallback", "wandb_callback"]
