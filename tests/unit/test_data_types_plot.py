"""``trackwell.plot``: curve values checked against ones worked out by hand, and wandb's table layouts."""

from __future__ import annotations

import numpy as np
import pytest

from trackwell import plot
from trackwell.data_types.table import Table
from trackwell.plot.curves import pr_points, roc_points

# Four samples, scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg).
Y = [1, 0, 1, 0]
SCORES = [0.9, 0.8, 0.7, 0.1]


def test_roc_points_by_hand() -> None:
    # Thresholds 0.9, 0.8, 0.7, 0.1 give (fp, tp) = (0,1), (1,1), (1,2), (2,2); prepend (0,0).
    # (1,1)->(1,2) and (1,2)->(2,2) bend, so no point is on a straight line and none is dropped.
    fpr, tpr, thresholds = roc_points(np.array(Y) == 1, SCORES)
    assert fpr.tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]
    assert tpr.tolist() == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert thresholds[0] == np.inf and thresholds[1:].tolist() == SCORES


def test_roc_drops_collinear_points() -> None:
    # Three positives in a row: (0,1), (0,2), (0,3) lie on one vertical line; (0,2) goes.
    fpr, tpr, _ = roc_points([1, 1, 1, 0], [0.9, 0.8, 0.7, 0.1])
    assert list(zip(fpr.tolist(), tpr.tolist(), strict=True)) == [(0, 0), (0, 1 / 3), (0, 1), (1, 1)]


def test_pr_points_by_hand() -> None:
    # tp/(tp+fp) at each threshold: 1/1, 1/2, 2/3, 2/4; recall tp/2: .5, .5, 1, 1; then (1, 0) appended.
    precision, recall, _ = pr_points(np.array(Y) == 1, SCORES)
    assert precision.tolist() == pytest.approx([0.5, 2 / 3, 0.5, 1.0, 1.0])
    assert recall.tolist() == [1.0, 1.0, 0.5, 0.5, 0.0]


def test_roc_curve_chart_table() -> None:
    probas = np.array([[0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.9, 0.1]])
    chart = plot.roc_curve(Y, probas, labels=["neg", "pos"], classes_to_plot=[1])
    assert chart.spec_id == "wandb/area-under-curve/v0"
    assert chart.fields == {"x": "fpr", "y": "tpr", "class": "class"}
    assert chart.table.columns == ["class", "fpr", "tpr"]
    assert chart.table.data == [
        ["pos", 0.0, 0.0],
        ["pos", 0.0, 0.5],
        ["pos", 0.5, 0.5],
        ["pos", 0.5, 1.0],
        ["pos", 1.0, 1.0],
    ]


def test_pr_curve_interpolates_precision_on_a_recall_grid() -> None:
    # Interpolated precision = best precision at recall >= r: 1.0 up to recall .5, 2/3 above it.
    chart = plot.pr_curve(Y, np.array(SCORES), interp_size=5, classes_to_plot=[1])
    assert chart.table.columns == ["class", "precision", "recall"]
    assert chart.table.data == [
        [1, 0.667, 1.0],
        [1, 0.667, 0.75],
        [1, 1.0, 0.5],
        [1, 1.0, 0.25],
        [1, 1.0, 0.0],
    ]


def test_confusion_matrix_counts() -> None:
    chart = plot.confusion_matrix(y_true=[0, 1, 1, 2], preds=[0, 1, 2, 2], class_names=["a", "b", "c"])
    assert chart.spec_id == "wandb/confusion_matrix/v1"
    counts = {(a, p): n for a, p, n in chart.table.data}
    assert len(counts) == 9
    assert counts[("a", "a")] == 1 and counts[("b", "b")] == 1 and counts[("b", "c")] == 1
    assert counts[("c", "c")] == 1 and counts[("c", "a")] == 0
    from_probs = plot.confusion_matrix(probs=[[0.9, 0.1], [0.2, 0.8]], y_true=[0, 0])
    assert {(a, p): n for a, p, n in from_probs.table.data}[("Class_1", "Class_2")] == 1
    with pytest.raises(ValueError, match="exactly one of probs= .* or preds="):
        plot.confusion_matrix(probs=[[1.0]], preds=[0], y_true=[0])


def test_simple_charts_and_line_series() -> None:
    table = Table(columns=["step", "acc", "run"], data=[[0, 0.1, "a"], [1, 0.2, "a"]])
    assert plot.line(table, "step", "acc", stroke="run").fields == {"x": "step", "y": "acc", "stroke": "run"}
    assert plot.scatter(table, "step", "acc").spec_id == "wandb/scatter/v0"
    assert plot.bar(table, "run", "acc").fields == {"label": "run", "value": "acc"}
    assert plot.histogram(table, "acc", title="t").string_fields == {"title": "t"}
    with pytest.raises(ValueError, match="column 'loss', which the table does not have"):
        plot.line(table, "step", "loss")

    series = plot.line_series([0, 1], [[1.0, 2.0], [3.0, 4.0]], keys=["train", "val"], xname="epoch")
    assert series.spec_id == "wandb/lineseries/v0"
    assert series.table.columns == ["step", "lineKey", "lineVal"]
    assert series.table.data == [[0, "train", 1.0], [1, "train", 2.0], [0, "val", 3.0], [1, "val", 4.0]]
    assert series.string_fields == {"title": "", "xname": "epoch"}


def test_line_series_truncates_each_line_to_its_shorter_sequence_as_wandb() -> None:
    # One shared x list longer than one line and shorter than the other: zip pairs what it can.
    chart = plot.line_series([0, 1, 2], [[10, 11], [20, 21, 22, 23]])
    assert chart.table.data == [
        [0, "line_0", 10],
        [1, "line_0", 11],
        [0, "line_1", 20],
        [1, "line_1", 21],
        [2, "line_1", 22],
    ]
    # One x list per line, each cut to its own y.
    per_line = plot.line_series([[0, 1, 2, 3], [5]], [[1.0, 2.0], [7.0, 8.0]], keys=["a", "b"])
    assert per_line.table.data == [[0, "a", 1.0], [1, "a", 2.0], [5, "b", 7.0]]
    # numpy arrays work the same way.
    arrays = plot.line_series(np.arange(4), np.ones((2, 3)))
    assert len(arrays.table.data) == 6
    with pytest.raises(ValueError, match="got 3 x sequences for 2 y sequences"):
        plot.line_series([[0], [1], [2]], [[1], [2]])
    with pytest.raises(ValueError, match="got 1 keys for 2 lines"):
        plot.line_series([0], [[1], [2]], keys=["only"])
