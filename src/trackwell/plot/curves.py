"""Classifier charts computed with numpy: ROC curve, precision-recall curve, confusion matrix.

The point sets match scikit-learn's ``roc_curve`` (with ``drop_intermediate=True``) and
``precision_recall_curve``, which wandb calls; the table layouts, rounding (3 decimals) and Vega
presets match wandb's ``wandb.plot`` so the same panels render them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.data_types.custom_chart import CustomChart
from trackwell.data_types.table import Table
from trackwell.plot.charts import plot_table


def _cumulative_counts(y_true: Any, scores: Any) -> tuple[Any, Any, Any]:
    """True/false positives at each distinct score threshold, from the highest score down."""
    import numpy as np

    order = np.argsort(-scores, kind="mergesort")
    scores, y_true = scores[order], y_true[order]
    last_of_threshold = np.r_[np.where(np.diff(scores))[0], y_true.size - 1]
    tps = np.cumsum(y_true)[last_of_threshold]
    fps = 1 + last_of_threshold - tps
    return fps, tps, scores[last_of_threshold]


def roc_points(y_true: Any, scores: Any) -> tuple[Any, Any, Any]:
    """``(fpr, tpr, thresholds)`` for binary labels (True = positive), as sklearn's ``roc_curve``."""
    import numpy as np

    y = np.asarray(y_true, dtype=bool).astype(np.int64)
    fps, tps, thresholds = _cumulative_counts(y, np.asarray(scores, dtype=np.float64))
    if len(fps) > 2:  # drop points on a straight line between their neighbours
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0, fps], np.r_[0, tps]
    thresholds = np.r_[np.inf, thresholds]
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
        tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr, thresholds


def pr_points(y_true: Any, scores: Any) -> tuple[Any, Any, Any]:
    """``(precision, recall, thresholds)`` as sklearn's ``precision_recall_curve``: recall falls to 0."""
    import numpy as np

    y = np.asarray(y_true, dtype=bool).astype(np.int64)
    fps, tps, thresholds = _cumulative_counts(y, np.asarray(scores, dtype=np.float64))
    precision = tps / (tps + fps)
    recall = tps / tps[-1] if tps[-1] > 0 else np.ones_like(tps, dtype=np.float64)
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def _classes(y_true: Any, y_probas: Any, labels: Sequence[Any] | None, classes_to_plot: Any) -> Any:
    """``(y_true array, probas (N, K) array, [(column, class value, label)])`` for one-vs-rest curves."""
    import numpy as np

    y = np.asarray(y_true)
    probas = np.asarray(y_probas, dtype=np.float64)
    if probas.ndim == 1:  # binary scores for the positive class
        probas = np.stack([1 - probas, probas], axis=1)
    if probas.ndim != 2 or probas.shape[0] != y.shape[0]:
        raise ValueError(
            f"y_probas must have shape (n_samples, n_classes) = ({y.shape[0]}, ...), got {probas.shape}"
        )
    classes = np.unique(y)
    if probas.shape[1] < len(classes):
        raise ValueError(f"y_probas has {probas.shape[1]} columns but y_true has {len(classes)} classes")
    wanted = classes if classes_to_plot is None else np.asarray(classes_to_plot)
    out = []
    for i, cls in enumerate(classes):
        if cls not in wanted:
            continue
        label = labels[int(cls)] if labels is not None and np.issubdtype(classes.dtype, np.integer) else cls
        out.append((i, cls, label.item() if hasattr(label, "item") else label))
    return y, probas, out


def roc_curve(
    y_true: Any,
    y_probas: Any,
    labels: Sequence[Any] | None = None,
    classes_to_plot: Any = None,
    title: str = "ROC",
    split_table: bool = False,
) -> CustomChart:
    """One-vs-rest ROC per class: table columns ``class, fpr, tpr``."""
    y, probas, classes = _classes(y_true, y_probas, labels, classes_to_plot)
    data: list[list[Any]] = []
    for column, cls, label in classes:
        fpr, tpr, _ = roc_points(y == cls, probas[:, column])
        data += [[label, round(float(f), 3), round(float(t), 3)] for f, t in zip(fpr, tpr, strict=True)]
    table = Table(columns=["class", "fpr", "tpr"], data=data)
    strings = {"title": title, "x-axis-title": "False positive rate", "y-axis-title": "True positive rate"}
    fields = {"x": "fpr", "y": "tpr", "class": "class"}
    return plot_table("wandb/area-under-curve/v0", table, fields, strings, split_table)


def pr_curve(
    y_true: Any,
    y_probas: Any,
    labels: Sequence[Any] | None = None,
    classes_to_plot: Any = None,
    interp_size: int = 21,
    title: str = "Precision-Recall Curve",
    split_table: bool = False,
) -> CustomChart:
    """One-vs-rest precision-recall per class on ``interp_size`` recall points, from 1 down to 0.

    Precision at recall r is the best precision reached at any recall >= r (interpolated
    precision), as wandb computes it.
    """
    import numpy as np

    y, probas, classes = _classes(y_true, y_probas, labels, classes_to_plot)
    grid = np.linspace(0, 1, interp_size)[::-1]
    data: list[list[Any]] = []
    for column, cls, label in classes:
        precision, recall, _ = pr_points(y == cls, probas[:, column])
        best = np.maximum.accumulate(precision)  # recall falls along the arrays: best at recall >= r
        ascending_recall, ascending_best = recall[::-1], best[::-1]
        at = np.searchsorted(ascending_recall, grid, side="left")
        values = ascending_best[np.minimum(at, len(ascending_best) - 1)]
        data += [[label, round(float(p), 3), round(float(r), 3)] for p, r in zip(values, grid, strict=True)]
    table = Table(columns=["class", "precision", "recall"], data=data)
    strings = {"title": title, "x-axis-title": "Recall", "y-axis-title": "Precision"}
    fields = {"x": "recall", "y": "precision", "class": "class"}
    return plot_table("wandb/area-under-curve/v0", table, fields, strings, split_table)


def confusion_matrix(
    probs: Any = None,
    y_true: Any = None,
    preds: Any = None,
    class_names: Sequence[str] | None = None,
    title: str = "Confusion Matrix Curve",
    split_table: bool = False,
) -> CustomChart:
    """Counts of (actual, predicted) class pairs: table columns ``Actual, Predicted, nPredictions``."""
    import numpy as np

    if (probs is None) == (preds is None):
        raise ValueError("confusion_matrix: pass exactly one of probs= (per-class scores) or preds= (labels)")
    if y_true is None:
        raise ValueError("confusion_matrix: y_true= (the true class indices) is required")
    predicted = np.argmax(np.asarray(probs), axis=1) if probs is not None else np.asarray(preds)
    actual = np.asarray(y_true)
    if predicted.shape != actual.shape:
        raise ValueError(f"confusion_matrix: {len(actual)} true labels but {len(predicted)} predictions")
    if class_names is None:
        n = int(max(actual.max(initial=0), predicted.max(initial=0))) + 1
        class_names = [f"Class_{i + 1}" for i in range(n)]
    n = len(class_names)
    if actual.size and (min(actual.min(), predicted.min()) < 0 or max(actual.max(), predicted.max()) >= n):
        raise ValueError(f"confusion_matrix: class indices must be in 0..{n - 1} for {n} class_names")
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (actual.astype(np.int64), predicted.astype(np.int64)), 1)
    data = [[class_names[i], class_names[j], int(counts[i, j])] for i in range(n) for j in range(n)]
    table = Table(columns=["Actual", "Predicted", "nPredictions"], data=data)
    fields = {"Actual": "Actual", "Predicted": "Predicted", "nPredictions": "nPredictions"}
    return plot_table("wandb/confusion_matrix/v1", table, fields, {"title": title}, split_table)
