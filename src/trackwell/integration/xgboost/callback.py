"""wandb's XGBoost callback, with wandb's keys.

Per boosting round one history row: ``<data>-<metric>`` for every evaluation set and metric XGBoost
reports (``validation_0-rmse``, ``train-logloss``...) and ``epoch`` (the round, from 0). Before
training the booster's full configuration (``Booster.save_config()``) goes to the run config; after
it, a feature-importance bar chart (history key ``Feature Importance_table``), ``best_score`` and
``best_iteration`` when early stopping set them, and the model as an artifact when asked.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xgboost as xgb

import trackwell

# The summary keeps the best value (min or max) of these metrics, as wandb's callback does.
MINIMIZE_METRICS = ["rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "error@t", "merror"]
MAXIMIZE_METRICS = ["auc", "aucpr", "ndcg", "map", "ndcg@n", "map@n"]


def _value(entry: Any) -> Any:
    """The latest value of an evaluation log: a float, or ``[mean, std]`` under ``xgboost.cv``."""
    if isinstance(entry, tuple | list):
        return [float(v) for v in entry]
    return float(entry)


def wandb_callback() -> Callable[[Any], None]:
    """Deprecated (as in wandb): a function callback for XGBoost's old callback API, logging each
    ``(name, value)`` of ``env.evaluation_result_list`` as one row. Use :class:`WandbCallback`."""
    warnings.warn(
        "wandb_callback will be deprecated in favor of WandbCallback. "
        "Please use WandbCallback for more features.",
        UserWarning,
        stacklevel=2,
    )

    def callback(env: Any) -> None:
        trackwell.log(dict(env.evaluation_result_list))

    return callback


class WandbCallback(xgb.callback.TrainingCallback):  # type: ignore[misc]  # xgboost is Any to mypy
    """Log an XGBoost training to the current run (``wandb.integration.xgboost.WandbCallback``).

    Args:
        log_model: save the trained booster (``<run id>_model.json``) as a ``model`` artifact.
        log_feature_importance: log a bar chart of ``Booster.get_score(importance_type=...)``.
        importance_type: ``weight``, ``gain``, ``cover``, ``total_gain`` or ``total_cover``.
        define_metric: keep each known metric's best value (min for losses and errors, max for
            ``auc``, ``ndcg``...) in the summary instead of its last.

    Example::

        run = trackwell.init(project="xgb")
        model = xgb.XGBRegressor(n_estimators=10, callbacks=[WandbCallback(log_model=True)])
        model.fit(X_train, y_train, eval_set=[(X_test, y_test)])
    """

    def __init__(
        self,
        log_model: bool = False,
        log_feature_importance: bool = True,
        importance_type: str = "gain",
        define_metric: bool = True,
    ) -> None:
        super().__init__()
        self.log_model = log_model
        self.log_feature_importance = log_feature_importance
        self.importance_type = importance_type
        self.define_metric = define_metric
        # The run is looked up at each call, never stored: XGBoost's scikit-learn API deep-copies
        # callbacks, and a copy must keep logging to the same run.
        if trackwell.run is None:
            raise trackwell.Error("You must call trackwell.init() (or wandb.init()) before WandbCallback()")

    def before_training(self, model: Any) -> Any:
        trackwell.config.update(json.loads(model.save_config()))
        return model

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, dict[str, Any]]) -> bool:
        row: dict[str, Any] = {}
        for data, metrics in evals_log.items():
            for metric, history in metrics.items():
                if self.define_metric:
                    self._define_metric(data, metric)
                row[f"{data}-{metric}"] = _value(history[-1])
        row["epoch"] = epoch
        trackwell.log(row)
        self.define_metric = False  # defined once, at the first round
        return False

    def after_training(self, model: Any) -> Any:
        if self.log_model:
            self._log_model_as_artifact(model)
        if self.log_feature_importance:
            self._log_feature_importance(model)
        if model.attr("best_score") is not None:
            trackwell.log(
                {
                    "best_score": float(model.attr("best_score")),
                    "best_iteration": int(model.attr("best_iteration")),
                }
            )
        return model

    def _log_model_as_artifact(self, model: Any) -> None:
        from trackwell.integration._common import log_model_files

        run = trackwell.run
        name = f"{run.id}_model.json"
        path = Path(run.dir) / name
        model.save_model(str(path))
        log_model_files(run, path, name)

    def _log_feature_importance(self, model: Any) -> None:
        scores = model.get_score(importance_type=self.importance_type)
        table = trackwell.Table(
            data=[[k, float(v)] for k, v in scores.items()], columns=["Feature", "Importance"]
        )
        chart = trackwell.plot.bar(table, "Feature", "Importance", title="Feature Importance")
        trackwell.log({"Feature Importance": chart})

    @staticmethod
    def _define_metric(data: str, metric: str) -> None:
        lowered = metric.lower()
        if "loss" in lowered or lowered in MINIMIZE_METRICS:
            trackwell.define_metric(f"{data}-{metric}", summary="min")
        elif lowered in MAXIMIZE_METRICS:
            trackwell.define_metric(f"{data}-{metric}", summary="max")
