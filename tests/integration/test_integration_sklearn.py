"""wandb's scikit-learn plots against a real server: real scikit-learn models on tiny generated data,
each plot read back through ``trackwell.Api`` (its table, its history key, its chart spec) and its
numbers checked against scikit-learn's own functions."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn import cluster, datasets, linear_model, metrics, model_selection
from sklearn.ensemble import RandomForestClassifier

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")


@pytest.fixture
def env(tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield server
    trackwell.finish()


def _read(run: Any) -> Any:
    return trackwell.Api().run(f"{run.entity}/{run.project}/{run.id}")


def _rows(table: Any) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.data]


def test_classifier_plots_match_sklearn(env: LiveServer) -> None:
    X, y = datasets.make_classification(
        n_samples=150, n_features=5, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )
    X_train, X_test, y_train, y_test = model_selection.train_test_split(X, y, test_size=0.4, random_state=0)
    model = RandomForestClassifier(n_estimators=8, max_depth=4, random_state=0).fit(X_train, y_train)
    y_pred, y_probas = model.predict(X_test), model.predict_proba(X_test)
    labels = ["ant", "bee", "cat"]
    features = ["f0", "f1", "f2", "f3", "f4"]

    import trackwell as wandb  # wandb code: ``wandb.sklearn.plot_*``

    run = wandb.init(project="sklearn")
    wandb.sklearn.plot_classifier(
        model, X_train, X_test, y_train, y_test, y_pred, y_probas, labels, False, "Forest", features,
        log_learning_curve=True,
    )  # fmt: skip
    run.finish()

    stored = _read(run)
    keys = set(stored.history_keys["keys"])
    expected = {
        "feature_importances",
        "learning_curve",
        "confusion_matrix",
        "summary_metrics",
        "class_proportions",
        "roc_table",
        "precision_recall_table",
    }
    assert expected <= keys
    assert "calibration_curve" not in keys  # three classes: wandb skips the calibration curve too
    # One step per plot, in wandb's order.
    order = [
        next(r["_step"] for r in stored.scan_history(keys=[k]))
        for k in [
            "feature_importances",
            "learning_curve",
            "confusion_matrix",
            "summary_metrics",
            "class_proportions",
            "roc_table",
            "precision_recall_table",
        ]
    ]
    assert order == list(range(7))

    # Confusion matrix: every cell is scikit-learn's count, classes named by labels.
    cm = metrics.confusion_matrix(y_test, y_pred)
    cells = {(r["Actual"], r["Predicted"]): r["Count"] for r in _rows(stored.table("confusion_matrix"))}
    assert cells == {(labels[i], labels[j]): int(cm[i, j]) for i in range(3) for j in range(3)}
    assert stored.table("confusion_matrix").columns == ["Predicted", "Actual", "Count"]

    # ROC: each class's points are scikit-learn's roc_curve, rounded to 3 decimals.
    roc = _rows(stored.table("roc_table"))
    for i, name in enumerate(labels):
        fpr, tpr, _ = metrics.roc_curve(y_test == i, y_probas[:, i])
        got = [(r["fpr"], r["tpr"]) for r in roc if r["class"] == name]
        assert got == [(round(float(f), 3), round(float(t), 3)) for f, t in zip(fpr, tpr, strict=True)]

    # Precision-recall: 21 recall points per class, from 1 down to 0.
    pr = _rows(stored.table("precision_recall_table"))
    assert [r["recall"] for r in pr if r["class"] == "bee"] == [round(1 - i / 20, 3) for i in range(21)]

    # Feature importances: the model's own, most important first, named.
    order_idx = np.argsort(model.feature_importances_)[::-1]
    fi = _rows(stored.table("feature_importances"))
    assert [r["feature_names"] for r in fi] == [features[i] for i in order_idx]
    assert [r["importances"] for r in fi] == pytest.approx(model.feature_importances_[order_idx].tolist())

    # Summary metrics: scikit-learn's scores on the test set, 2 decimals.
    summary = {r["metric_name"]: r["metric_value"] for r in _rows(stored.table("summary_metrics"))}
    assert summary == {
        "accuracy_score": round(metrics.accuracy_score(y_test, y_pred), 2),
        "precision": round(metrics.precision_score(y_test, y_pred, average="weighted"), 2),
        "recall": round(metrics.recall_score(y_test, y_pred, average="weighted"), 2),
        "f1_score": round(metrics.f1_score(y_test, y_pred, average="weighted"), 2),
    }

    # Class proportions: counts per class and set.
    props = {(r["class"], r["dataset"]): r["count"] for r in _rows(stored.table("class_proportions"))}
    for i, name in enumerate(labels):
        assert props[(name, "train")] == int((y_train == i).sum())
        assert props[(name, "test")] == int((y_test == i).sum())

    # Learning curve: train and test rows for 5 sizes.
    lc = _rows(stored.table("learning_curve"))
    assert [r["dataset"] for r in lc] == ["train", "test"] * 5
    assert lc[-1]["train_size"] == len(y_train) * 4 // 5  # the default 5-fold CV's largest split

    # The chart specs the UI draws, each naming wandb's own preset too.
    visualize = stored.metadata["visualize"]
    assert visualize["confusion_matrix"]["panel_config"]["panelDefId"] == "wandb/confusion_matrix/v1"
    assert visualize["feature_importances"]["panel_config"]["panelDefId"] == "wandb/bar/v0"
    assert visualize["feature_importances"]["viz"]["id"] == "wandb/feature_importances/v1"
    assert visualize["learning_curve"]["panel_config"]["fieldSettings"] == {
        "x": "train_size",
        "y": "score",
        "stroke": "dataset",
    }
    assert visualize["roc"]["panel_config"]["panelDefId"] == "wandb/area-under-curve/v0"


def test_binary_classifier_logs_calibration_and_coef_importances(env: LiveServer) -> None:
    X, y = datasets.make_classification(n_samples=200, n_features=4, random_state=1)
    model = linear_model.LogisticRegression().fit(X[:120], y[:120])
    run = trackwell.init(project="sklearn")
    trackwell.sklearn.plot_classifier(
        model, X[:120], X[120:], y[:120], y[120:], model.predict(X[120:]), model.predict_proba(X[120:]),
        None, True, "Logit",
    )  # fmt: skip
    run.finish()
    stored = _read(run)
    rows = _rows(stored.table("calibration_curve"))
    models = [r["model"] for r in rows]
    assert models[:2] == ["Perfectly calibrated"] * 2
    assert {"Logistic", "Logit Isotonic", "Logit Sigmoid"} <= set(models)
    assert all(0 <= r["fraction_of_positives"] <= 1 and 0 <= r["mean_predicted_value"] <= 1 for r in rows)
    # A linear model's importances are its coefficients, features named by their index.
    fi = _rows(stored.table("feature_importances"))
    order = np.argsort(model.coef_[0])[::-1]
    assert [r["feature_names"] for r in fi] == order.tolist()
    assert [r["importances"] for r in fi] == pytest.approx(model.coef_[0][order].tolist())
    # No labels: classes are named by their values.
    cells = {(r["Actual"], r["Predicted"]) for r in _rows(stored.table("confusion_matrix"))}
    assert cells == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_regressor_plots(env: LiveServer) -> None:
    X, y = datasets.make_regression(n_samples=80, n_features=3, noise=5.0, random_state=0)
    X_train, X_test, y_train, y_test = model_selection.train_test_split(X, y, test_size=0.25, random_state=0)
    model = linear_model.Ridge(alpha=0.5).fit(X_train, y_train)
    coef = model.coef_.copy()
    run = trackwell.init(project="sklearn")
    trackwell.sklearn.plot_regressor(model, X_train, X_test, y_train, y_test, "Ridge")
    run.finish()
    assert np.array_equal(model.coef_, coef)  # the plots refit clones, never the caller's model

    stored = _read(run)
    y_pred = model.predict(X_test)
    summary = {r["metric_name"]: r["metric_value"] for r in _rows(stored.table("summary_metrics"))}
    assert summary == {
        "mae": round(metrics.mean_absolute_error(y_test, y_pred), 2),
        "mse": round(metrics.mean_squared_error(y_test, y_pred), 2),
        "r2_score": round(metrics.r2_score(y_test, y_pred), 2),
    }
    residuals = _rows(stored.table("residuals"))
    assert [r["dataset"] for r in residuals].count("train") == 48  # 80/20 split of 60 points
    assert [r["dataset"] for r in residuals].count("test") == 12

    # Cook's distance from the hat matrix, written out independently.
    outliers = _rows(stored.table("outlier_candidates"))
    fit = linear_model.Ridge(alpha=0.5).fit(X_train, y_train)
    hat = np.diag(X_train @ np.linalg.pinv(X_train.T @ X_train) @ X_train.T)
    errors = y_train - fit.predict(X_train)
    mse = errors @ errors / (len(y_train) - 3)
    cook = errors**2 / (3 * mse) * hat / (1 - hat) ** 2
    assert [r["instance_indicies"] for r in outliers] == list(range(60))
    assert [r["distance"] for r in outliers] == pytest.approx(cook.tolist())
    assert outliers[0]["influence_threshold"] == pytest.approx(4 / 60)
    assert outliers[0]["outlier_percentage"] == round(float((cook >= 4 / 60).mean() * 100), 3)
    assert stored.metadata["visualize"]["residuals"]["panel_config"]["panelDefId"] == "wandb/scatter/v0"


def test_clusterer_plots(env: LiveServer) -> None:
    X, _ = datasets.make_blobs(n_samples=60, centers=3, n_features=2, random_state=0)
    kmeans = cluster.KMeans(n_clusters=3, n_init=1, random_state=0)
    assigned = kmeans.fit_predict(X)
    run = trackwell.init(project="sklearn")
    trackwell.sklearn.plot_clusterer(kmeans, X, assigned, None, "KMeans")
    run.finish()

    stored = _read(run)
    elbow = _rows(stored.table("elbow_curve"))
    assert [r["cluster_ranges"] for r in elbow] == [1, 3, 5, 7, 9]
    errors = [r["errors"] for r in elbow]
    assert errors == sorted(errors, reverse=True)  # more clusters, less error
    assert errors[0] == pytest.approx(((X - X.mean(axis=0)) ** 2).sum())  # one cluster: the total scatter

    sil = _rows(stored.table("silhouette_plot"))
    assert len(sil) == 60
    assert sil[0]["silhouette_avg"] == pytest.approx(metrics.silhouette_score(X, assigned))
    samples = metrics.silhouette_samples(X, assigned)
    for c in range(3):
        assert [r["x2"] for r in sil if r["color_sil"] == c] == pytest.approx(
            np.sort(samples[assigned == c]).tolist()
        )
    first = sil[0]
    assert (first["x"], first["y"]) == pytest.approx((X[0, 0], X[0, 1]))
    assert (first["centerx"], first["centery"]) == pytest.approx(tuple(kmeans.cluster_centers_[assigned[0]]))


def test_bad_arguments_skip_the_plot_and_no_run_is_an_error(
    env: LiveServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKWELL_SILENT")  # the errors are printed, not raised
    with pytest.raises(trackwell.Error, match="init"):
        trackwell.sklearn.plot_confusion_matrix([0, 1], [0, 1])
    run = trackwell.init(project="sklearn")
    trackwell.sklearn.plot_feature_importances(RandomForestClassifier())  # not fitted
    trackwell.sklearn.plot_roc(None, None)
    trackwell.sklearn.plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0], normalize=True)
    run.finish()
    err = capsys.readouterr().err
    assert "RandomForestClassifier is not fitted: call .fit()" in err
    assert "y_true is None" in err
    stored = _read(run)
    assert stored.lastHistoryStep == 0  # only the confusion matrix was logged
    cells = {(r["Actual"], r["Predicted"]): r["Count"] for r in _rows(stored.table("confusion_matrix"))}
    assert cells == {(0, 0): 1.0, (0, 1): 0.0, (1, 0): 0.5, (1, 1): 0.5}


def test_importing_the_plots_imports_no_framework() -> None:
    code = (
        "import sys, trackwell, trackwell.sklearn, trackwell.integration.sklearn\n"
        "assert trackwell.sklearn.plot_roc is trackwell.integration.sklearn.plot_roc\n"
        "heavy = ('sklearn', 'xgboost', 'lightgbm', 'numpy')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
