"""Parameter importance: which config keys drive a metric, over the runs a filter selects.

W&B's parameter importance panel, on the server: each run is one sample (its flattened config
against one summary value of the metric), a random forest is fitted to predict the metric from the
config, and each parameter gets the forest's impurity importance (normalised to sum to 1) and the
Pearson correlation of its values with the metric.

Encoding, so that both numbers mean something to a reader:

* numbers and booleans (0/1) are one column each;
* a categorical key with a few values (``optimizer``: adamw, sgd) becomes one indicator column per
  value, each its own row (``optimizer`` = ``adamw``), so the correlation says which value helps;
* a categorical key with many values (more than ``MAX_ONE_HOT``: run names, paths) is label-encoded
  into one column; it gets an importance and no correlation (its codes have no order);
* keys with one value in every selected run say nothing and are left out, as are keys starting with
  ``_`` (``_wandb``) and runs without a finite numeric value of the metric.

The forest is small and seeded (``N_TREES`` trees, fixed ``random_state``), so the same runs always
give the same answer and 1,000 runs answer in well under a second.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunOut
from trackwell.schema.sweeps import ImportanceOut, ParamImportance
from trackwell.service.history import flatten_values
from trackwell.service.runs import parse_filters
from trackwell.store.base import Database

MAX_RUNS = 10_000
PAGE = 1000
MAX_ONE_HOT = 10
N_TREES = 48
SEED = 0
# A summary written by define_metric(summary=...) holds {"min": v} (or max, mean, last, best):
# the first of these a dict holds is the metric's value.
SUMMARY_AGGREGATES = ("best", "min", "max", "last", "mean")


@dataclass
class _Column:
    """One input column of the forest and the row of the answer it belongs to."""

    name: str
    value: str | None  # the category of an indicator column; None for numbers and label codes
    data: np.ndarray[Any, np.dtype[np.float64]]
    correlate: bool


class ImportanceService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def importance(
        self,
        entity: str,
        project: str,
        metric: str,
        filters: str | None = None,
        params: list[str] | None = None,
    ) -> ImportanceOut:
        """Importance and correlation of config keys (all, or ``params``) with ``metric``.

        Raises ``InvalidArgument`` (400) for an empty metric, a filter the runs query refuses, or
        a metric no selected run has as a number (naming the numeric summary keys they do have).
        """
        metric = metric.strip()
        if not metric:
            raise InvalidArgument(
                "metric is empty", field="metric", hint="pass a summary key, e.g. metric=val/loss"
            )
        parsed = parse_filters(filters)
        configs: list[dict[str, Any]] = []
        targets: list[float] = []
        seen = 0
        known: set[str] = set()
        for run in self._runs(entity, project, parsed):
            seen += 1
            summary = flatten_values(run.summary)
            value = _metric_value(run.summary, summary, metric)
            if value is None:
                if len(known) < 10_000:
                    known.update(
                        k for k, v in summary.items() if not k.startswith("_") and _number(v) is not None
                    )
                continue
            configs.append(flatten_values(run.config))
            targets.append(value)
        if seen and not targets:
            shown = ", ".join(sorted(known)[:20]) or "none"
            raise InvalidArgument(
                f"metric {metric!r} is not a numeric summary value of any of the {seen} selected runs",
                field="metric",
                hint=f"numeric summary keys of these runs: {shown}",
            )
        wanted = set(params) if params else None
        rows = importance_rows(configs, np.asarray(targets, dtype=np.float64), wanted)
        return ImportanceOut(metric=metric, run_count=len(targets), params=rows)

    def _runs(self, entity: str, project: str, filters: dict[str, Any] | None) -> Iterator[RunOut]:
        with self._db.read() as conn:
            for offset in range(0, MAX_RUNS, PAGE):
                runs, _ = self._db.runs.query_runs(
                    conn, entity, project, filters, "+created_at", PAGE, offset, metadata=False
                )
                yield from runs
                if len(runs) < PAGE:
                    return


def importance_rows(
    configs: list[dict[str, Any]], y: np.ndarray[Any, np.dtype[np.float64]], wanted: set[str] | None
) -> list[ParamImportance]:
    columns = _columns(configs, wanted)
    if not columns:
        return []
    importances = _forest_importances(columns, y)
    rows: list[ParamImportance] = []
    for col, imp in zip(columns, importances, strict=True):
        corr = _pearson(col.data, y) if col.correlate else None
        rows.append(ParamImportance(name=col.name, value=col.value, importance=imp, correlation=corr))
    rows.sort(key=lambda r: (-(r.importance or 0.0), -abs(r.correlation or 0.0), r.name, r.value or ""))
    return rows


def _columns(configs: list[dict[str, Any]], wanted: set[str] | None) -> list[_Column]:
    keys = sorted(
        {k for c in configs for k in c if not k.startswith("_") and (wanted is None or k in wanted)}
    )
    columns: list[_Column] = []
    for key in keys:
        raw = [c.get(key) for c in configs]
        numbers = [_number(v, bools=True) for v in raw]
        present = [v for v in raw if v is not None]
        if all(n is not None for n, v in zip(numbers, raw, strict=True) if v is not None):
            values = [n for n in numbers if n is not None]
            if len(set(values)) < 2:
                continue
            mean = float(np.mean(values))
            # A run without the key gets the others' mean: it neither pulls the forest nor the
            # correlation one way.
            data = np.asarray([mean if n is None else n for n in numbers], dtype=np.float64)
            columns.append(_Column(key, None, data, True))
            continue
        labels = ["" if v is None else _label(v) for v in raw]
        distinct = sorted(set(labels))
        if len(distinct) < 2 or not present:
            continue
        if len(distinct) > MAX_ONE_HOT:
            codes = {label: i for i, label in enumerate(distinct)}
            columns.append(
                _Column(key, None, np.asarray([codes[x] for x in labels], dtype=np.float64), False)
            )
            continue
        for label in distinct:
            indicator = np.asarray([1.0 if x == label else 0.0 for x in labels], dtype=np.float64)
            columns.append(_Column(key, label if label else "(missing)", indicator, True))
    return columns


def _forest_importances(
    columns: list[_Column], y: np.ndarray[Any, np.dtype[np.float64]]
) -> list[float | None]:
    if len(y) < 2 or float(np.ptp(y)) == 0.0:
        return [None] * len(columns)
    # Imported when first asked: scikit-learn takes about a second to import and only this needs
    # it (by name, as it ships no type information).
    forest_class = importlib.import_module("sklearn.ensemble").RandomForestRegressor

    x = np.column_stack([c.data for c in columns])
    forest = forest_class(
        n_estimators=N_TREES, min_samples_leaf=2 if len(y) >= 20 else 1, random_state=SEED, n_jobs=1
    )
    forest.fit(x, y)
    raw = np.asarray(forest.feature_importances_, dtype=np.float64)
    total = float(raw.sum())
    if total <= 0.0 or not math.isfinite(total):
        return [None] * len(columns)
    return [float(v / total) for v in raw]


def _pearson(
    x: np.ndarray[Any, np.dtype[np.float64]], y: np.ndarray[Any, np.dtype[np.float64]]
) -> float | None:
    if len(x) < 2:
        return None
    dx = x - x.mean()
    dy = y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0.0 or not math.isfinite(denom):
        return None
    return max(-1.0, min(1.0, float(dx @ dy) / denom))


def _metric_value(summary: Mapping[str, Any], flat: Mapping[str, Any], metric: str) -> float | None:
    value = summary.get(metric, flat.get(metric))
    if isinstance(value, Mapping):
        for agg in SUMMARY_AGGREGATES:
            if agg in value:
                return _number(value[agg])
        return None
    return _number(value)


def _number(value: Any, *, bools: bool = False) -> float | None:
    """A finite float of a number (and of a bool when ``bools``); None for anything else."""
    if isinstance(value, bool):
        return float(value) if bools else None
    if isinstance(value, int | float):
        f = float(value)
        return f if math.isfinite(f) else None
    return None


def _label(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)
