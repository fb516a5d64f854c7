"""Regressor tables: residuals and outlier candidates (Cook's distance)."""

from __future__ import annotations

from typing import Any

from trackwell.data_types.table import Table
from trackwell.integration.sklearn._chart import CHART_LIMIT, VisualizeChart, chart

_RESIDUAL_POINTS = 100  # per set, as wandb: a scatter of a few hundred points stays readable


def residuals(regressor: Any, X: Any, y: Any) -> VisualizeChart:  # noqa: N803
    """Rows ``[dataset, y_pred, residuals, train_score, test_score]``: prediction minus truth for up
    to 100 train and 100 test points of an 80/20 split, with R² on each set.

    The model is refitted on the split, as wandb does, but on a clone: the caller's fitted model is
    left as it was (wandb refits the caller's own object).
    """
    from sklearn import base, model_selection

    x_train, x_test, y_train, y_test = model_selection.train_test_split(X, y, test_size=0.2)
    model = base.clone(regressor).fit(x_train, y_train)
    train_score, test_score = float(model.score(x_train, y_train)), float(model.score(x_test, y_test))
    data: list[list[Any]] = []
    for dataset, features, truth in (("train", x_train, y_train), ("test", x_test, y_test)):
        predicted = model.predict(features)
        for p, r in list(zip(predicted, predicted - truth, strict=True))[:_RESIDUAL_POINTS]:
            data.append([dataset, float(p), float(r), train_score, test_score])
    table = Table(columns=["dataset", "y_pred", "residuals", "train_score", "test_score"], data=data)
    return chart(
        table,
        "wandb/residuals_plot/v1",
        "wandb/scatter/v0",
        "Residuals",
        x="y_pred",
        y="residuals",
        stroke="dataset",
    )


def outlier_candidates(regressor: Any, X: Any, y: Any) -> VisualizeChart:  # noqa: N803
    """Rows ``[distance, instance_indicies, outlier_percentage, influence_threshold]``: each training
    point's Cook's distance under the model refitted on ``X`` (a clone, as for :func:`residuals`),
    the share of points at or above the 4/n rule-of-thumb threshold, and that threshold."""
    import numpy as np
    from sklearn import base

    X = np.asarray(X, dtype=np.float64)  # noqa: N806
    y = np.asarray(y, dtype=np.float64)
    model = base.clone(regressor).fit(X, y)
    leverage = (X * np.linalg.pinv(X).T).sum(1)  # the hat matrix's diagonal
    dof = X.shape[0] - np.linalg.matrix_rank(X)
    errors = y - model.predict(X)
    mse = np.dot(errors, errors) / dof
    with np.errstate(invalid="ignore", divide="ignore"):
        studentized = errors / np.sqrt(mse) / np.sqrt(1 - leverage)
        distance = studentized**2 / X.shape[1] * (leverage / (1 - leverage))
    threshold = 4 / X.shape[0]
    percentage = round(float(np.sum(distance >= threshold) / X.shape[0] * 100.0), 3)
    data = [[float(d), i, percentage, threshold] for i, d in enumerate(distance[:CHART_LIMIT])]
    table = Table(
        columns=["distance", "instance_indicies", "outlier_percentage", "influence_threshold"], data=data
    )
    return chart(
        table,
        "wandb/outliers/v1",
        "wandb/scatter/v0",
        "Outlier Candidates",
        x="instance_indicies",
        y="distance",
    )
