"""Classifier plots (``wandb.sklearn.plot_classifier`` and the plots it is made of)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.integration.sklearn import _checks
from trackwell.integration.sklearn._chart import log_chart
from trackwell.integration.sklearn.shared import plot_learning_curve, plot_summary_metrics


def plot_classifier(
    model: Any,
    X_train: Any,  # noqa: N803
    X_test: Any,  # noqa: N803
    y_train: Any,
    y_test: Any,
    y_pred: Any,
    y_probas: Any,
    labels: Sequence[Any] | None,
    is_binary: bool = False,
    model_name: str = "Classifier",
    feature_names: Sequence[Any] | None = None,
    log_learning_curve: bool = False,
) -> None:
    """Log every classifier plot, in wandb's order: feature importances, learning curve (when
    ``log_learning_curve``), confusion matrix, summary metrics, class proportions, calibration curve,
    ROC and precision-recall. Multinomial naive Bayes skips feature importances and calibration.

    Example: ``wandb.sklearn.plot_classifier(model, X_train, X_test, y_train, y_test, y_pred,
    y_probas, ["cat", "dog"], False, "RandomForest", ["barks", "drools"])``
    """
    from sklearn import naive_bayes

    import trackwell

    trackwell.termlog(f"\nPlotting {model_name}.")
    multinomial_nb = isinstance(model, naive_bayes.MultinomialNB)
    if not multinomial_nb:
        plot_feature_importances(model, feature_names)
        trackwell.termlog("Logged feature importances.")
    if log_learning_curve:
        plot_learning_curve(model, X_train, y_train)
        trackwell.termlog("Logged learning curve.")
    plot_confusion_matrix(y_test, y_pred, labels)
    trackwell.termlog("Logged confusion matrix.")
    plot_summary_metrics(model, X=X_train, y=y_train, X_test=X_test, y_test=y_test)
    trackwell.termlog("Logged summary metrics.")
    plot_class_proportions(y_train, y_test, labels)
    trackwell.termlog("Logged class proportions.")
    if not multinomial_nb:
        plot_calibration_curve(model, X_train, y_train, model_name)
        trackwell.termlog("Logged calibration curve.")
    plot_roc(y_test, y_probas, labels)
    trackwell.termlog("Logged roc curve.")
    plot_precision_recall(y_test, y_probas, labels)
    trackwell.termlog("Logged precision-recall curve.")


def plot_roc(
    y_true: Any = None,
    y_probas: Any = None,
    labels: Sequence[Any] | None = None,
    plot_micro: bool = True,
    plot_macro: bool = True,
    classes_to_plot: Any = None,
) -> None:
    """Log ``roc`` (history key ``roc_table``): one-vs-rest ROC curve per class, as
    ``wandb.plot.roc_curve``. ``plot_micro``/``plot_macro`` are accepted and ignored, as in wandb.

    Example: ``wandb.sklearn.plot_roc(y_true, y_probas, labels)``
    """
    import trackwell

    if _checks.missing("plot_roc", y_true=y_true, y_probas=y_probas):
        log_chart("roc", trackwell.plot.roc_curve(y_true, y_probas, labels, classes_to_plot))


def plot_precision_recall(
    y_true: Any = None,
    y_probas: Any = None,
    labels: Sequence[Any] | None = None,
    plot_micro: bool = True,
    classes_to_plot: Any = None,
) -> None:
    """Log ``precision_recall`` (history key ``precision_recall_table``): one-vs-rest
    precision-recall curve per class, as ``wandb.plot.pr_curve``.

    Example: ``wandb.sklearn.plot_precision_recall(y_true, y_probas, labels)``
    """
    import trackwell

    if _checks.missing("plot_precision_recall", y_true=y_true, y_probas=y_probas):
        log_chart("precision_recall", trackwell.plot.pr_curve(y_true, y_probas, labels, classes_to_plot))


def plot_confusion_matrix(
    y_true: Any = None,
    y_pred: Any = None,
    labels: Sequence[Any] | None = None,
    true_labels: Sequence[Any] | None = None,
    pred_labels: Sequence[Any] | None = None,
    normalize: bool = False,
) -> None:
    """Log ``confusion_matrix``: scikit-learn's confusion matrix as rows ``[Predicted, Actual,
    Count]`` (row-normalized to 2 decimals with ``normalize=True``); ``true_labels`` /
    ``pred_labels`` keep only those actual / predicted classes.

    Example: ``wandb.sklearn.plot_confusion_matrix(y_test, y_pred, ["dog", "cat", "owl"])``
    """
    import numpy as np

    from trackwell.integration.sklearn.calculate import classifier

    name = "plot_confusion_matrix"
    if _checks.missing(name, y_true=y_true, y_pred=y_pred) and _checks.types(
        name, y_true=y_true, y_pred=y_pred
    ):
        chart = classifier.confusion_matrix(
            np.asarray(y_true), np.asarray(y_pred), labels, true_labels, pred_labels, normalize
        )
        log_chart("confusion_matrix", chart)


def plot_feature_importances(
    model: Any = None,
    feature_names: Sequence[Any] | None = None,
    title: str = "Feature Importance",
    max_num_features: int | None = 50,
) -> None:
    """Log ``feature_importances``: the fitted model's ``feature_importances_``, ``coef_`` or
    ``feature_log_prob_`` per feature, most important first, at most ``max_num_features`` bars.

    Example: ``wandb.sklearn.plot_feature_importances(model, ["width", "height", "length"])``
    """
    from trackwell.integration.sklearn.calculate import classifier

    name = "plot_feature_importances"
    if (
        _checks.missing(name, model=model)
        and _checks.types(name, model=model)
        and _checks.fitted(name, model)
    ):
        chart = classifier.feature_importances(model, feature_names, title, max_num_features)
        if chart is not None:
            log_chart("feature_importances", chart)


def plot_class_proportions(
    y_train: Any = None, y_test: Any = None, labels: Sequence[Any] | None = None
) -> None:
    """Log ``class_proportions``: how many samples of each class the train and test sets hold.

    Example: ``wandb.sklearn.plot_class_proportions(y_train, y_test, ["dog", "cat", "owl"])``
    """
    from trackwell.integration.sklearn.calculate import classifier

    name = "plot_class_proportions"
    given = {"y_train": y_train, "y_test": y_test}
    if _checks.missing(name, **given) and _checks.types(name, **given):
        log_chart("class_proportions", classifier.class_proportions(y_train, y_test, labels))


def plot_calibration_curve(
    clf: Any = None,
    X: Any = None,  # noqa: N803
    y: Any = None,
    clf_name: str = "Classifier",
) -> None:
    """Log ``calibration_curve`` for a binary classifier (labels 0/1): a logistic-regression baseline
    and the model calibrated isotonically and with a sigmoid, against perfect calibration. It fits
    those models (on clones) when called.

    Example: ``wandb.sklearn.plot_calibration_curve(clf, X, y, "RandomForestClassifier")``
    """
    import numpy as np

    import trackwell
    from trackwell.integration.sklearn.calculate import classifier

    name = "plot_calibration_curve"
    given = {"clf": clf, "X": X, "y": y}
    if _checks.missing(name, **given) and _checks.types(name, **given) and _checks.fitted(name, clf):
        y = np.asarray(y)
        if y.dtype.kind in "USO" or not ((y == 0) | (y == 1)).all():
            trackwell.termwarn(
                "wandb.sklearn.plot_calibration_curve: only binary classification (labels 0 and 1) is "
                "supported; skipping the calibration curve"
            )
            return
        log_chart("calibration_curve", classifier.calibration_curves(clf, X, y, clf_name))
