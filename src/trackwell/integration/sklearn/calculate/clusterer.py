"""Clusterer tables: the elbow curve and the silhouette plot."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from trackwell.data_types.table import Table
from trackwell.integration.sklearn._chart import CHART_LIMIT, VisualizeChart, chart, plain


def _fit_and_score(clusterer: Any, X: Any, n_clusters: int) -> tuple[float, float]:  # noqa: N803
    from sklearn import base

    start = time.perf_counter()
    model = base.clone(clusterer).set_params(n_clusters=n_clusters)
    score = float(model.fit(X).score(X))
    return score, time.perf_counter() - start


def elbow_curve(
    clusterer: Any,
    X: Any,  # noqa: N803
    cluster_ranges: Sequence[int] | None,
    n_jobs: int | None,
) -> VisualizeChart:
    """Rows ``[cluster_ranges, errors, clustering_time]``: the sum of squared distances (``|score|``)
    and fit time of a clone refitted with each number of clusters (1, 3, 5, 7, 9 by default)."""
    from joblib import Parallel, delayed  # type: ignore[import-untyped]

    ranges = list(range(1, 10, 2)) if cluster_ranges is None else sorted(cluster_ranges)
    results = Parallel(n_jobs=n_jobs)(delayed(_fit_and_score)(clusterer, X, int(k)) for k in ranges)
    data = [[int(k), abs(score), seconds] for k, (score, seconds) in zip(ranges, results, strict=True)]
    table = Table(columns=["cluster_ranges", "errors", "clustering_time"], data=data)
    return chart(table, "wandb/elbow/v1", "wandb/line/v0", "Elbow Curve", x="cluster_ranges", y="errors")


def silhouette(clusterer: Any, X: Any, cluster_labels: Any, metric: str, kmeans: bool) -> VisualizeChart:  # noqa: N803
    """wandb's two silhouette pictures in one table, row ``i`` holding both:

    - ``x, y, colors, centerx, centery``: sample ``i``'s first two features, its cluster and that
      cluster's center (KMeans only, else empty): the clusters as a scatter;
    - ``y_sil, x1, x2, color_sil``: the ``i``-th bar of the silhouette profile, samples sorted by
      silhouette value within each cluster, clusters stacked with a gap of 10 (``x2`` is the
      value, ``x1`` the bar's start at 0); ``silhouette_avg`` is the mean over all samples.
    """
    import numpy as np
    from sklearn.metrics import silhouette_samples, silhouette_score

    X = np.asarray(X)  # noqa: N806
    assigned = np.asarray(cluster_labels)
    clusters = np.unique(assigned)
    average = float(silhouette_score(X, assigned, metric=metric))
    values = silhouette_samples(X, assigned, metric=metric)
    y_sil: list[int] = []
    x_sil: list[float] = []
    color_sil: list[Any] = []
    lower = 10
    for cluster in clusters:
        ranked = np.sort(values[assigned == cluster])
        y_sil += range(lower, lower + len(ranked))
        x_sil += [float(v) for v in ranked]
        color_sil += [plain(cluster)] * len(ranked)
        lower += len(ranked) + 10
    centers = clusterer.cluster_centers_ if kmeans else None
    index = {plain(c): i for i, c in enumerate(clusters)}
    data: list[list[Any]] = []
    for i in range(min(len(y_sil), CHART_LIMIT)):
        color = plain(assigned[i])
        center = centers[index[color]] if centers is not None else (None, None)
        data.append(
            [
                float(X[i, 0]),
                float(X[i, 1]),
                color,
                None if center[0] is None else float(center[0]),
                None if center[1] is None else float(center[1]),
                y_sil[i],
                0,
                x_sil[i],
                color_sil[i],
                average,
            ]
        )
    columns = ["x", "y", "colors", "centerx", "centery", "y_sil", "x1", "x2", "color_sil", "silhouette_avg"]
    return chart(
        Table(columns=columns, data=data),
        "wandb/silhouette_/v1",
        "wandb/scatter/v0",
        "Silhouette Plot",
        x="x2",
        y="y_sil",
        stroke="color_sil",
    )
