"""Classifier tables: confusion matrix, feature importances, class proportions, calibration curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.data_types.table import Table
from trackwell.integration.sklearn._chart import CHART_LIMIT, VisualizeChart, chart, plain


def _names(classes: Any, labels: Sequence[Any] | None) -> list[Any]:
    """Class values as shown: ``labels[value]`` for integer classes when labels are given (wandb's
    rule: ``labels=["dog", "cat"]`` turns 0 into dog), else the values themselves."""
    import numpy as np

    values = [plain(c) for c in classes]
    if labels is not None and np.asarray(classes).dtype.kind in "iu":
        return [plain(labels[int(v)]) for v in values]
    return values


def confusion_matrix(
    y_true: Any,
    y_pred: Any,
    labels: Sequence[Any] | None,
    true_labels: Sequence[Any] | None,
    pred_labels: Sequence[Any] | None,
    normalize: bool,
) -> VisualizeChart:
    """Rows ``[Predicted, Actual, Count]``, one per (actual, predicted) pair, actual class first.

    The counts are scikit-learn's ``confusion_matrix`` cell for cell. (wandb's table swaps the two
    class columns, naming the actual class "Predicted"; ours names each class correctly.)
    """
    import numpy as np
    from sklearn import metrics
    from sklearn.utils.multiclass import unique_labels

    classes = unique_labels(y_true, y_pred)
    if (
        labels is not None
        and classes.dtype.kind in "iu"
        and classes.min() >= 0
        and classes.max() < len(labels)
    ):
        # Every named class gets a row and a column, also one that never occurs in this test set.
        classes = np.arange(len(labels))
    elif labels is not None and len(labels) != len(classes):
        raise ValueError(
            f"plot_confusion_matrix: labels has {len(labels)} names but y_true and y_pred have "
            f"{len(classes)} classes {list(classes)}; pass one name per class, in sorted class order"
        )
    counts = metrics.confusion_matrix(y_true, y_pred, labels=classes)
    if labels is not None and classes.dtype.kind not in "iu":
        names = [plain(v) for v in labels]  # one name per sorted class value
    else:
        names = _names(classes, labels)
    values: Any = counts
    if normalize:
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.around(counts.astype(np.float64) / counts.sum(axis=1)[:, np.newaxis], decimals=2)
        values[np.isnan(values)] = 0.0
    rows = [i for i, n in enumerate(names) if true_labels is None or n in list(true_labels)]
    cols = [j for j, n in enumerate(names) if pred_labels is None or n in list(pred_labels)]
    data = [[names[j], names[i], plain(values[i, j])] for i in rows for j in cols][:CHART_LIMIT]
    table = Table(columns=["Predicted", "Actual", "Count"], data=data)
    return chart(
        table,
        "wandb/confusion_matrix/v1",
        "wandb/confusion_matrix/v1",
        "Confusion Matrix",
        Actual="Actual",
        Predicted="Predicted",
        nPredictions="Count",
    )


def feature_importances(
    model: Any, feature_names: Sequence[Any] | None, title: str, max_num_features: int | None
) -> VisualizeChart | None:
    """Rows ``[feature_names, importances]``, most important first, from ``feature_importances_``
    (trees), ``coef_`` (linear models) or ``feature_log_prob_`` (naive Bayes)."""
    import numpy as np

    import trackwell

    for attribute in ("feature_importances_", "feature_log_prob_", "coef_"):
        if hasattr(model, attribute):
            importances = np.asarray(getattr(model, attribute), dtype=np.float64)
            break
    else:
        trackwell.termwarn(
            "wandb.sklearn.plot_feature_importances: the model has none of feature_importances_, "
            "feature_log_prob_, coef_; no feature importances to plot"
        )
        return None
    if importances.ndim > 1:
        if sum(n > 1 for n in importances.shape) > 1:
            trackwell.termwarn(
                f"wandb.sklearn.plot_feature_importances: {attribute} has shape {importances.shape} "
                "(one row per class); only one importance per feature can be plotted"
            )
            return None
        importances = importances.reshape(-1)
    order = np.argsort(importances)[::-1]
    if max_num_features is not None:
        order = order[:max_num_features]
    if feature_names is None:
        names = [int(i) for i in order]
    else:
        if len(feature_names) != len(importances):
            raise ValueError(
                f"plot_feature_importances: feature_names has {len(feature_names)} names for "
                f"{len(importances)} features; pass one name per column of X"
            )
        names = [plain(feature_names[i]) for i in order]
    data = [[name, float(importances[i])] for name, i in zip(names, order, strict=True)]
    table = Table(columns=["feature_names", "importances"], data=data)
    return chart(
        table,
        "wandb/feature_importances/v1",
        "wandb/bar/v0",
        title,
        label="feature_names",
        value="importances",
    )


def class_proportions(y_train: Any, y_test: Any, labels: Sequence[Any] | None) -> VisualizeChart:
    """Rows ``[class, dataset, count]``: each class's count in the train set, then the test set."""
    import numpy as np
    from sklearn.utils.multiclass import unique_labels

    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    classes = unique_labels(y_train, y_test)
    names = _names(classes, labels)
    data: list[list[Any]] = []
    for cls, name in zip(classes, names, strict=True):
        data.append([name, "train", int((y_train == cls).sum())])
        data.append([name, "test", int((y_test == cls).sum())])
    table = Table(columns=["class", "dataset", "count"], data=data[: 2 * CHART_LIMIT])
    # No grouped-bar viewer in the UI yet: the spec names wandb's preset, the table is one click away.
    return chart(
        table,
        "wandb/class_proportions/v1",
        "wandb/class_proportions/v1",
        "Class Proportions",
        **{"class": "class", "dataset": "dataset", "count": "count"},
    )


def calibration_curves(clf: Any, X: Any, y: Any, clf_name: str) -> VisualizeChart:  # noqa: N803
    """Rows ``[model, fraction_of_positives, mean_predicted_value, hist_dict, edge_dict]`` for a
    perfectly calibrated line, a logistic-regression baseline and the model calibrated two ways
    (isotonic, sigmoid), each fitted on 10% of ``X`` and scored on the rest (wandb's split)."""
    import warnings

    import numpy as np
    from sklearn import calibration, model_selection, naive_bayes
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    if isinstance(clf, naive_bayes.ComplementNB):  # it needs non-negative features
        X = X - X.min()  # noqa: N806
    rows: list[list[Any]] = [["Perfectly calibrated", 0, 0, 0, 0], ["Perfectly calibrated", 1, 1, 0, 0]]
    x_train, x_test, y_train, y_test = model_selection.train_test_split(X, y, test_size=0.9, random_state=42)
    models = [
        ("Logistic", LogisticRegression(C=1.0)),
        (f"{clf_name} Isotonic", calibration.CalibratedClassifierCV(clf, cv=2, method="isotonic")),
        (f"{clf_name} Sigmoid", calibration.CalibratedClassifierCV(clf, cv=2, method="sigmoid")),
    ]
    for name, model in models:
        with warnings.catch_warnings():  # a baseline on a small split may stop early; the curve stands
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x_train, y_train)
        if hasattr(model, "predict_proba"):
            scores = model.predict_proba(x_test)[:, 1]
        else:
            scores = model.decision_function(x_test)
            scores = (scores - scores.min()) / (scores.max() - scores.min())
        hist, edges = np.histogram(scores, bins=10, density=False)
        fraction, mean_predicted = calibration.calibration_curve(y_test, scores, n_bins=10)
        for i in range(min(len(fraction), CHART_LIMIT - 2)):
            rows.append(
                [
                    name,
                    round(float(fraction[i]), 3),
                    round(float(mean_predicted[i]), 3),
                    int(hist[i]),
                    float(edges[i]),
                ]
            )
    columns = ["model", "fraction_of_positives", "mean_predicted_value", "hist_dict", "edge_dict"]
    return chart(
        Table(columns=columns, data=rows),
        "wandb/calibration/v1",
        "wandb/line/v0",
        "Calibration Curve",
        x="mean_predicted_value",
        y="fraction_of_positives",
        stroke="model",
    )
