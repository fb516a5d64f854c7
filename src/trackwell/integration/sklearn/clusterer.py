"""Clusterer plots (``wandb.sklearn.plot_clusterer`` and the plots it is made of)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.integration.sklearn import _checks
from trackwell.integration.sklearn._chart import log_chart


def plot_clusterer(
    model: Any,
    X_train: Any,  # noqa: N803
    cluster_labels: Any,
    labels: Sequence[Any] | None = None,
    model_name: str = "Clusterer",
) -> None:
    """Log the clusterer plots: the elbow curve (KMeans only) and the silhouette plot.
    ``cluster_labels`` is each sample's cluster (``model.fit_predict(X)``).

    Example: ``wandb.sklearn.plot_clusterer(kmeans, X, kmeans.fit_predict(X), None, "KMeans")``
    """
    from sklearn import cluster

    import trackwell

    trackwell.termlog(f"\nPlotting {model_name}.")
    if isinstance(model, cluster.KMeans):
        plot_elbow_curve(model, X_train)
        trackwell.termlog("Logged elbow curve.")
        plot_silhouette(model, X_train, cluster_labels, labels=labels, kmeans=True)
    else:
        plot_silhouette(model, X_train, cluster_labels, kmeans=False)
    trackwell.termlog("Logged silhouette plot.")


def plot_elbow_curve(
    clusterer: Any = None,
    X: Any = None,  # noqa: N803
    cluster_ranges: Sequence[int] | None = None,
    n_jobs: int | None = 1,
    show_cluster_time: bool = True,
) -> None:
    """Log ``elbow_curve``: the clustering error for each number of clusters in ``cluster_ranges``
    (1, 3, 5, 7, 9 by default), refitting clones of the model, with each fit's time.

    Example: ``wandb.sklearn.plot_elbow_curve(kmeans, X_train)``
    """
    import trackwell
    from trackwell.integration.sklearn.calculate import clusterer as calculate

    name = "plot_elbow_curve"
    if not hasattr(clusterer, "n_clusters"):
        trackwell.termlog(f"{name}: the model has no n_clusters parameter; cannot plot the elbow curve")
        return
    if _checks.missing(name, clusterer=clusterer, X=X) and _checks.fitted(name, clusterer):
        log_chart("elbow_curve", calculate.elbow_curve(clusterer, X, cluster_ranges, n_jobs))


def plot_silhouette(
    clusterer: Any = None,
    X: Any = None,  # noqa: N803
    cluster_labels: Any = None,
    labels: Sequence[Any] | None = None,
    metric: str = "euclidean",
    kmeans: bool = True,
) -> None:
    """Log ``silhouette_plot``: each sample's silhouette coefficient, sorted within its cluster
    (``cluster_labels`` is each sample's cluster), and the clusters over the first two features.

    Example: ``wandb.sklearn.plot_silhouette(kmeans, X_train, kmeans.labels_)``
    """
    from trackwell.integration.sklearn.calculate import clusterer as calculate

    name = "plot_silhouette"
    given = {"clusterer": clusterer, "X": X, "cluster_labels": cluster_labels}
    if (
        _checks.missing(name, **given)
        and _checks.types(name, clusterer=clusterer)
        and _checks.fitted(name, clusterer)
    ):
        if hasattr(X, "to_numpy"):
            X = X.to_numpy()  # noqa: N806
        log_chart("silhouette_plot", calculate.silhouette(clusterer, X, cluster_labels, metric, kmeans))
