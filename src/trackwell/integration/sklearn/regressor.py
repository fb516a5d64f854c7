"""Regressor plots (``wandb.sklearn.plot_regressor`` and the plots it is made of)."""

from __future__ import annotations

from typing import Any

from trackwell.integration.sklearn import _checks
from trackwell.integration.sklearn._chart import log_chart
from trackwell.integration.sklearn.shared import plot_learning_curve, plot_summary_metrics


def plot_regressor(
    model: Any,
    X_train: Any,  # noqa: N803
    X_test: Any,  # noqa: N803
    y_train: Any,
    y_test: Any,
    model_name: str = "Regressor",
) -> None:
    """Log every regressor plot, in wandb's order: summary metrics, learning curve, outlier
    candidates, residuals.

    Example: ``wandb.sklearn.plot_regressor(reg, X_train, X_test, y_train, y_test, "Ridge")``
    """
    import trackwell

    trackwell.termlog(f"\nPlotting {model_name}.")
    plot_summary_metrics(model, X_train, y_train, X_test, y_test)
    trackwell.termlog("Logged summary metrics.")
    plot_learning_curve(model, X_train, y_train)
    trackwell.termlog("Logged learning curve.")
    plot_outlier_candidates(model, X_train, y_train)
    trackwell.termlog("Logged outlier candidates.")
    plot_residuals(model, X_train, y_train)
    trackwell.termlog("Logged residuals.")


def plot_outlier_candidates(regressor: Any = None, X: Any = None, y: Any = None) -> None:  # noqa: N803
    """Log ``outlier_candidates``: each training point's Cook's distance (its influence on the fit),
    with the 4/n threshold and the share of points above it. Refits a clone of the model.

    Example: ``wandb.sklearn.plot_outlier_candidates(model, X, y)``
    """
    from trackwell.integration.sklearn.calculate import regressor as calculate

    name = "plot_outlier_candidates"
    given = {"regressor": regressor, "X": X, "y": y}
    if _checks.missing(name, **given) and _checks.types(name, **given) and _checks.fitted(name, regressor):
        log_chart("outlier_candidates", calculate.outlier_candidates(regressor, X, y))


def plot_residuals(regressor: Any = None, X: Any = None, y: Any = None) -> None:  # noqa: N803
    """Log ``residuals``: predicted value against residual for train and test points of an 80/20
    split, with R² on each. Refits a clone of the model on the split.

    Example: ``wandb.sklearn.plot_residuals(model, X, y)``
    """
    import numpy as np

    from trackwell.integration.sklearn.calculate import regressor as calculate

    name = "plot_residuals"
    given = {"regressor": regressor, "X": X, "y": y}
    if _checks.missing(name, **given) and _checks.types(name, **given) and _checks.fitted(name, regressor):
        log_chart("residuals", calculate.residuals(regressor, X, np.asarray(y)))
