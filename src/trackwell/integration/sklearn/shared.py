"""Plots for any fitted estimator: summary metrics and the learning curve."""

from __future__ import annotations

from typing import Any

from trackwell.integration.sklearn import _checks
from trackwell.integration.sklearn._chart import log_chart


def plot_summary_metrics(
    model: Any = None,
    X: Any = None,  # noqa: N803
    y: Any = None,
    X_test: Any = None,  # noqa: N803
    y_test: Any = None,
) -> None:
    """Log ``summary_metrics``: the fitted model's test-set scores (accuracy, weighted precision,
    recall and F1 for a classifier; MAE, MSE and R² for a regressor) as a bar chart.

    Example: ``wandb.sklearn.plot_summary_metrics(model, X_train, y_train, X_test, y_test)``
    """
    from trackwell.integration.sklearn.calculate import shared

    name = "plot_summary_metrics"
    given = {"model": model, "X": X, "y": y, "X_test": X_test, "y_test": y_test}
    if _checks.missing(name, **given) and _checks.types(name, **given) and _checks.fitted(name, model):
        log_chart("summary_metrics", shared.summary_metrics(model, X_test, y_test))


def plot_learning_curve(
    model: Any = None,
    X: Any = None,  # noqa: N803
    y: Any = None,
    cv: Any = None,
    shuffle: bool = False,
    random_state: Any = None,
    train_sizes: Any = None,
    n_jobs: int | None = 1,
    scoring: Any = None,
) -> None:
    """Log ``learning_curve``: mean train and cross-validation score against the training set size
    (scikit-learn's ``learning_curve``, which refits clones of the model; the arguments are its own).

    Example: ``wandb.sklearn.plot_learning_curve(model, X, y)``
    """
    import numpy as np

    from trackwell.integration.sklearn.calculate import shared

    name = "plot_learning_curve"
    if _checks.missing(name, model=model, X=X, y=y) and _checks.types(name, model=model, X=X, y=y):
        chart = shared.learning_curve(
            model, X, np.asarray(y), cv, shuffle, random_state, train_sizes, n_jobs, scoring
        )
        log_chart("learning_curve", chart)
