"""wandb's scikit-learn plots (``wandb.sklearn.plot_*``), logged so the run page draws them.

Each ``plot_*`` computes its table with scikit-learn and logs it under wandb's key
(``confusion_matrix``, ``roc``, ``precision_recall``, ``feature_importances``, ``learning_curve``,
``summary_metrics``, ...); see :mod:`trackwell.integration.sklearn._chart` for how the table and
its chart spec are stored. Importing this package imports scikit-learn only when a plot runs.
"""

from trackwell.integration.sklearn.classifier import (
    plot_calibration_curve,
    plot_class_proportions,
    plot_classifier,
    plot_confusion_matrix,
    plot_feature_importances,
    plot_precision_recall,
    plot_roc,
)
from trackwell.integration.sklearn.clusterer import plot_clusterer, plot_elbow_curve, plot_silhouette
from trackwell.integration.sklearn.regressor import plot_outlier_candidates, plot_regressor, plot_residuals
from trackwell.integration.sklearn.shared import plot_learning_curve, plot_summary_metrics

__all__ = [
    "plot_calibration_curve",
    "plot_class_proportions",
    "plot_classifier",
    "plot_clusterer",
    "plot_confusion_matrix",
    "plot_elbow_curve",
    "plot_feature_importances",
    "plot_learning_curve",
    "plot_outlier_candidates",
    "plot_precision_recall",
    "plot_regressor",
    "plot_residuals",
    "plot_roc",
    "plot_silhouette",
    "plot_summary_metrics",
]
