"""Tables for any estimator: summary metrics and the learning curve."""

from __future__ import annotations

from typing import Any

from trackwell.data_types.table import Table
from trackwell.integration.sklearn._chart import CHART_LIMIT, VisualizeChart, chart


def summary_metrics(model: Any, X_test: Any, y_test: Any) -> VisualizeChart:  # noqa: N803
    """Rows ``[metric_name, metric_value, model_name]`` on the test set, rounded to 2 decimals:
    accuracy and weighted precision/recall/F1 for a classifier; MAE, MSE and R² for a regressor."""
    import numpy as np
    from sklearn import base, metrics

    y_test = np.asarray(y_test)
    y_pred = model.predict(X_test)
    scores: dict[str, float] = {}
    if base.is_classifier(model):
        scores["accuracy_score"] = metrics.accuracy_score(y_test, y_pred)
        scores["precision"] = metrics.precision_score(y_test, y_pred, average="weighted")
        scores["recall"] = metrics.recall_score(y_test, y_pred, average="weighted")
        scores["f1_score"] = metrics.f1_score(y_test, y_pred, average="weighted")
    elif base.is_regressor(model):
        scores["mae"] = metrics.mean_absolute_error(y_test, y_pred)
        scores["mse"] = metrics.mean_squared_error(y_test, y_pred)
        scores["r2_score"] = metrics.r2_score(y_test, y_pred)
    name = type(model).__name__
    data = [[metric, round(float(value), 2), name] for metric, value in scores.items()]
    table = Table(columns=["metric_name", "metric_value", "model_name"], data=data)
    return chart(
        table,
        "wandb/metrics/v1",
        "wandb/bar/v0",
        "Summary Metrics",
        label="metric_name",
        value="metric_value",
    )


def learning_curve(
    model: Any,
    X: Any,  # noqa: N803
    y: Any,
    cv: Any,
    shuffle: bool,
    random_state: Any,
    train_sizes: Any,
    n_jobs: int | None,
    scoring: Any,
) -> VisualizeChart:
    """Rows ``[dataset, score, train_size]``: the mean train and cross-validation score (2 decimals)
    of the model refitted on growing subsets, from scikit-learn's ``learning_curve``."""
    import numpy as np
    from sklearn import model_selection

    sizes, train_scores, test_scores = model_selection.learning_curve(
        model,
        X,
        y,
        cv=cv,
        n_jobs=n_jobs,
        train_sizes=np.linspace(0.1, 1.0, 5) if train_sizes is None else train_sizes,
        scoring=scoring,
        shuffle=shuffle,
        random_state=random_state,
    )
    data: list[list[Any]] = []
    for size, train, test in list(
        zip(sizes, train_scores.mean(axis=1), test_scores.mean(axis=1), strict=True)
    )[: CHART_LIMIT // 2]:
        data.append(["train", round(float(train), 2), int(size)])
        data.append(["test", round(float(test), 2), int(size)])
    table = Table(columns=["dataset", "score", "train_size"], data=data)
    return chart(
        table,
        "wandb/learning_curve/v1",
        "wandb/line/v0",
        "Learning Curve",
        x="train_size",
        y="score",
        stroke="dataset",
    )
