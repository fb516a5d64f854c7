"""wandb's LightGBM callback and summary, with wandb's keys.

Per boosting round one history row: ``<data>_<metric>`` for every validation set and metric
LightGBM reports (``valid_0_l2``, ``training_binary_logloss``...; under ``lightgbm.cv``,
``<data>_<metric>-mean`` and ``-stdv``) and ``iteration`` (the round, from 0). The parameters go to
the run config at the first round. :func:`log_summary` adds ``best_iteration`` and ``best_score``
to the summary, a feature-importance bar chart (history key ``Feature Importance_table``) and,
when asked, the model as a ``model`` artifact aliased ``best``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import lightgbm

import trackwell

# The summary keeps the best value (min or max) of these metrics, as wandb's callback does.
MINIMIZE_METRICS = ["l1", "l2", "rmse", "mape", "huber", "fair", "poisson", "gamma", "binary_logloss"]
MAXIMIZE_METRICS = ["map", "auc", "average_precision"]


def _define_metric(data: str, metric: str) -> None:
    lowered = metric.lower()
    if "loss" in lowered or lowered in MINIMIZE_METRICS:
        trackwell.define_metric(f"{data}_{metric}", summary="min")
    elif lowered in MAXIMIZE_METRICS:
        trackwell.define_metric(f"{data}_{metric}", summary="max")


def _cv_names(item: Any) -> tuple[str, str]:
    """``(data, metric)`` of a ``lightgbm.cv`` result ``(data, metric, mean, higher_is_better, stdv)``;
    older LightGBM wrote ``("cv_agg", "<data> <metric>", ...)`` (what wandb's code parses)."""
    if item[0] == "cv_agg" and " " in item[1]:
        data, metric = item[1].split(" ", 1)
        return data, metric
    return str(item[0]), str(item[1])


class _WandbCallback:
    """LightGBM calls it after each round (``order`` 20, as its own ``record_evaluation``)."""

    def __init__(self, log_params: bool = True, define_metric: bool = True) -> None:
        self.order = 20
        self.before_iteration = False
        self.log_params = log_params
        self.define_metric = define_metric

    def _first_round(self, env: Any) -> None:
        if self.log_params:
            trackwell.config.update(dict(env.params))
        if not self.define_metric:
            return
        for item in env.evaluation_result_list or []:
            if len(item) == 4:  # (data, metric, value, higher_is_better)
                _define_metric(item[0], item[1])
            else:
                data, metric = _cv_names(item)
                _define_metric(data, f"{metric}-mean")
                _define_metric(data, f"{metric}-stdv")

    def __call__(self, env: Any) -> None:
        if env.iteration == env.begin_iteration:
            self._first_round(env)
        row: dict[str, Any] = {}
        for item in env.evaluation_result_list or []:
            if len(item) == 4:
                row[f"{item[0]}_{item[1]}"] = float(item[2])
            else:
                data, metric = _cv_names(item)
                row[f"{data}_{metric}-mean"] = float(item[2])
                row[f"{data}_{metric}-stdv"] = float(item[4])
        row["iteration"] = env.iteration
        trackwell.log(row)


def wandb_callback(log_params: bool = True, define_metric: bool = True) -> Callable[[Any], None]:
    """A LightGBM callback logging each round's evaluation results to the current run.

    Args:
        log_params: put the parameters passed to ``lightgbm.train`` in the run config.
        define_metric: keep each known metric's best value (min for ``l2``, losses...; max for
            ``auc``, ``map``...) in the summary instead of its last.

    (wandb's own ``wandb_callback`` passes ``define_metric`` where it means ``log_params``; here each
    argument does what it says. With the defaults both record the same.)

    Example::

        booster = lightgbm.train(params, train_set, valid_sets=[valid_set], callbacks=[wandb_callback()])
        log_summary(booster, save_model_checkpoint=True)
    """
    return _WandbCallback(log_params, define_metric)


def log_summary(model: Any, feature_importance: bool = True, save_model_checkpoint: bool = False) -> None:
    """After training: ``best_iteration`` and ``best_score`` (``{data: {metric: value}}``) in the
    summary, the feature-importance chart when ``feature_importance``, and the model at its best
    iteration as artifact ``model_<run id>`` (alias ``best``) when ``save_model_checkpoint``."""
    run = trackwell.run
    if run is None:
        raise trackwell.Error("You must call trackwell.init() (or wandb.init()) before log_summary()")
    if not isinstance(model, lightgbm.Booster):
        raise trackwell.Error(
            f"log_summary: model must be a lightgbm.Booster, got {type(model).__name__}; "
            "for the scikit-learn API pass its .booster_"
        )
    run.summary["best_iteration"] = model.best_iteration
    run.summary["best_score"] = {
        data: {k: float(v) for k, v in scores.items()} for data, scores in model.best_score.items()
    }
    if feature_importance:
        table = trackwell.Table(
            data=[
                [name, v.item()]
                for name, v in zip(model.feature_name(), model.feature_importance(), strict=True)
            ],
            columns=["Feature", "Importance"],
        )
        chart = trackwell.plot.bar(table, "Feature", "Importance", title="Feature Importance")
        run.log({"Feature Importance": chart}, commit=False)
    if save_model_checkpoint:
        from trackwell.integration._common import log_model_files

        path = Path(run.dir) / f"model_ckpt_{model.best_iteration}.txt"
        model.save_model(str(path), num_iteration=model.best_iteration)
        log_model_files(run, path, f"model_{run.id}", aliases=["best"])
