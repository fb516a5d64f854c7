"""The run summary as the processor thread computes it: last values, ``define_metric`` ops, overrides.

wandb semantics (reference section 1.6): by default the summary holds the last logged value of each
key. ``define_metric(name, summary="min,last")`` replaces that key's value by an object of the
requested aggregates (``{"last": 2, "min": 0.3}``); ``"none"`` drops the key. Names may be globs
(``"val/*"``, ``"*"``); an exact name beats a glob, a longer glob beats a shorter one. Values set
explicitly (``run.summary[k] = v``) win over anything computed.

Performance: the per-row work is one ``dict.update`` plus, only for keys that have ops, an aggregate
update. The summary object itself is built on demand (periodic SummaryRecord, reads, finish).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trackwell.sdk.values import is_number

SUMMARY_OPS = ("min", "max", "mean", "first", "last", "best", "none", "copy")
GOALS = ("minimize", "maximize")


@dataclass(frozen=True)
class MetricDef:
    """One ``define_metric`` call, validated."""

    name: str
    step_metric: str | None = None
    step_sync: bool = False
    summary: tuple[str, ...] = ()
    goal: str | None = None
    hidden: bool = False

    @property
    def is_glob(self) -> bool:
        return self.name.endswith("*")

    def record(self) -> dict[str, Any]:
        """The MetricRecord fields (without ``seq``)."""
        return {
            "kind": "metric",
            "name": self.name,
            "step_metric": self.step_metric,
            "summary": list(self.summary),
            "goal": self.goal,
            "hidden": self.hidden,
        }


def parse_metric(
    name: Any,
    step_metric: Any = None,
    step_sync: Any = None,
    hidden: Any = None,
    summary: Any = None,
    goal: Any = None,
) -> MetricDef:
    """Validate ``define_metric`` arguments; errors name the argument and the fix."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"define_metric(name=...) must be a non-empty string, got {name!r}")
    if "*" in name[:-1]:
        raise ValueError(
            f"define_metric(name={name!r}): '*' is only allowed at the end of the name (e.g. 'val/*')"
        )
    if step_metric is not None and not isinstance(step_metric, str):
        raise TypeError(f"define_metric(step_metric=...) must be a metric name, got {step_metric!r}")
    ops: tuple[str, ...] = ()
    if summary is not None:
        if not isinstance(summary, str):
            raise TypeError(
                f"define_metric(summary=...) must be a string like 'min' or 'min,max', got {summary!r}"
            )
        ops = tuple(sorted({op.strip().lower() for op in summary.split(",") if op.strip()}))
        for op in ops:
            if op not in SUMMARY_OPS:
                raise ValueError(
                    f"define_metric(summary={summary!r}): unknown summary op {op!r}; "
                    f"use one or more of {', '.join(o for o in SUMMARY_OPS if o != 'copy')}, comma-separated"
                )
        ops = tuple("last" if op == "copy" else op for op in ops)
    if goal is not None:
        goal = str(goal).lower()
        goal = {"min": "minimize", "max": "maximize"}.get(goal, goal)
        if goal not in GOALS:
            raise ValueError(f"define_metric(goal={goal!r}) must be 'minimize' or 'maximize'")
    sync = bool(step_metric) if step_sync is None else bool(step_sync)
    return MetricDef(name, step_metric, sync, ops, goal, bool(hidden))


@dataclass(slots=True)
class _Agg:
    min: float | None = None
    max: float | None = None
    total: float = 0.0
    count: int = 0
    first: Any = None
    has_first: bool = False


_NONE = MetricDef("")  # resolution cache marker: "no definition matches this key"


@dataclass
class SummaryState:
    """Owned by the processor thread; read through :meth:`snapshot` after a drain."""

    last: dict[str, Any] = field(default_factory=dict)
    explicit: dict[str, Any] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    exact: dict[str, MetricDef] = field(default_factory=dict)
    globs: list[MetricDef] = field(default_factory=list)
    _resolved: dict[str, MetricDef] = field(default_factory=dict)
    _aggs: dict[str, _Agg] = field(default_factory=dict)
    dirty: bool = False

    def define(self, metric: MetricDef) -> None:
        if metric.is_glob:
            self.globs = [g for g in self.globs if g.name != metric.name] + [metric]
            self.globs.sort(key=lambda g: len(g.name), reverse=True)
        else:
            self.exact[metric.name] = metric
        self._resolved.clear()
        self.dirty = True

    def resolve(self, key: str) -> MetricDef | None:
        found = self._resolved.get(key)
        if found is None:
            found = self.exact.get(key)
            if found is None:
                for glob in self.globs:
                    if key.startswith(glob.name[:-1]):
                        found = glob
                        break
            self._resolved[key] = found or _NONE
        return None if found is _NONE else found

    def step_sync(self, values: dict[str, Any]) -> None:
        """Insert the last value of a key's ``step_metric`` when the row lacks it (wandb's step_sync)."""
        for key in list(values):
            metric = self.resolve(key)
            if metric is not None and metric.step_sync and metric.step_metric:
                sm = metric.step_metric
                if sm not in values and sm in self.last:
                    values[sm] = self.last[sm]

    def update_row(self, values: dict[str, Any], step: int, ts: float, runtime: float) -> None:
        """Fold one committed (in-order) row into the summary."""
        self.last.update(values)
        self.last["_step"] = step
        self.last["_timestamp"] = ts
        self.last["_runtime"] = runtime
        if self.exact or self.globs:
            for key, value in values.items():
                metric = self.resolve(key)
                if metric is not None and metric.summary:
                    self._aggregate(key, value)
        if self.deleted:
            self.deleted.difference_update(values)
        self.dirty = True

    def update_out_of_order(self, values: dict[str, Any]) -> None:
        # An out-of-order row is not "the last" value of its keys; it still counts for min/max/mean.
        if self.exact or self.globs:
            for key, value in values.items():
                metric = self.resolve(key)
                if metric is not None and metric.summary:
                    self._aggregate(key, value)

    def _aggregate(self, key: str, value: Any) -> None:
        agg = self._aggs.get(key)
        if agg is None:
            agg = self._aggs[key] = _Agg()
        if not agg.has_first:
            agg.first, agg.has_first = value, True
        if is_number(value):
            agg.min = value if agg.min is None or value < agg.min else agg.min
            agg.max = value if agg.max is None or value > agg.max else agg.max
            agg.total += value
            agg.count += 1

    def set(self, updates: dict[str, Any]) -> None:
        self.explicit.update(updates)
        self.deleted.difference_update(updates)
        self.dirty = True

    def delete(self, key: str) -> None:
        self.explicit.pop(key, None)
        self.deleted.add(key)
        self.dirty = True

    def snapshot(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.last.items():
            metric = self.resolve(key) if (self.exact or self.globs) else None
            if metric is None or not metric.summary:
                out[key] = value
                continue
            shaped = self._shape(key, value, metric)
            if shaped:
                out[key] = shaped
        out.update(self.explicit)
        for key in self.deleted:
            out.pop(key, None)
        return out

    def _shape(self, key: str, last: Any, metric: MetricDef) -> dict[str, Any]:
        agg = self._aggs.get(key) or _Agg()
        shaped: dict[str, Any] = {}
        for op in metric.summary:
            if op == "last":
                shaped["last"] = last
            elif op == "first" and agg.has_first:
                shaped["first"] = agg.first
            elif op == "min" and agg.min is not None:
                shaped["min"] = agg.min
            elif op == "max" and agg.max is not None:
                shaped["max"] = agg.max
            elif op == "mean" and agg.count:
                shaped["mean"] = agg.total / agg.count
            elif op == "best":
                best = agg.max if metric.goal == "maximize" else agg.min
                if best is not None:
                    shaped["best"] = best
        return shaped
