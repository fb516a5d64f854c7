"""The trials of a sweep as the engine sees them, built from the store's proposal rows.

What counts as a trial (and so for ``run_cap``, a grid's points and bayes' observations):

- a ``leased`` proposal whose lease is still valid: ``pending`` (running trials and leases count as
  pending for bayes, so parallel agents spread out); one whose lease ran out and whose run does not
  exist is no trial (``expiring``: the controller marks it ``expired`` and re-issues its params);
- a proposal whose run exists: the run's state (``running``, ``finished``, ``failed``, ...);
- a ``done`` proposal that never started (the agent reported its program ended before ``init()``):
  ``failed``, with no value;
- an ``expired`` proposal, or one whose run was deleted: no trial. So a grid re-runs deleted runs
  when resumed, and a deleted run frees its place under ``run_cap``.

A trial's ``best``/``last`` come from the run's per-key history stats (no chunk decoded) and its
summary value of the metric; ``history`` (finite values in logged order) is read only when hyperband
needs it, and the histories of ended runs are cached in the process (they no longer change).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trackwell.service.sweep_engine import SweepSpec, Trial, parse_config
from trackwell.service.sweep_engine.spec import TrialState
from trackwell.store.base import Database, SeriesQuery, TrialRow

_RUN_STATES: dict[str, TrialState] = {
    "running": "running",
    "finished": "finished",
    "failed": "failed",
    "crashed": "crashed",
    "killed": "killed",
    "stopped": "stopped",
}
ENDED = frozenset({"finished", "failed", "crashed", "killed", "stopped"})
_HISTORY_CACHE_MAX = 50_000


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> SweepSpec:
    return parse_config(json.loads(text))


def spec_of(config: Mapping[str, Any]) -> SweepSpec:
    """The parsed config, cached per config text: a heartbeat must not re-validate it each time."""
    return _parse(json.dumps(config, sort_keys=True, allow_nan=True, default=str))


@dataclass(frozen=True, slots=True)
class TrialView:
    """One proposal row and the trial it is (``trial`` None: it is no trial, see the module doc)."""

    row: TrialRow
    trial: Trial | None
    expiring: bool = False

    @property
    def pending_lease(self) -> bool:
        return self.trial is not None and self.trial.state == "pending"


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def trial_state(row: TrialRow, now: float) -> tuple[TrialState | None, bool]:
    """(the trial's state or None when it is no trial, whether its lease just ran out)."""
    p = row.proposal
    if p.state == "expired":
        return None, False
    if row.run_state is not None:
        return _RUN_STATES.get(row.run_state, "failed"), False
    if p.state == "leased":
        expired = p.lease_expires_at is not None and p.lease_expires_at <= now
        return (None, True) if expired else ("pending", False)
    if p.state == "done" and p.started_at is None:
        return "failed", False
    return None, False  # its run was deleted


def best_and_last(spec: SweepSpec, row: TrialRow) -> tuple[float | None, float | None, bool]:
    """(best, last, exact): ``exact`` is False when the stats hold an infinity, so the best finite
    value must be read from the history itself."""
    if spec.metric is None or (
        row.vmin is None and row.vmax is None and row.last is None and row.summary is None
    ):
        return None, None, True  # also every row of a read without the metric's stats
    maximize = spec.metric.goal == "maximize"
    extreme = row.vmax if maximize else row.vmin
    summary = _finite(row.summary)
    candidates = [v for v in (_finite(extreme), summary) if v is not None]
    best = (max(candidates) if maximize else min(candidates)) if candidates else None
    last = _finite(row.last)
    if last is None:
        last = summary
    exact = extreme is None or _finite(extreme) is not None
    return best, last, exact


class HistoryCache:
    """Finite metric values of ended runs by (run pk, key, history row count)."""

    def __init__(self) -> None:
        self._values: dict[tuple[int, str], tuple[int, tuple[float, ...]]] = {}

    def get(self, run_pk: int, key: str, count: int) -> tuple[float, ...] | None:
        found = self._values.get((run_pk, key))
        return found[1] if found is not None and found[0] == count else None

    def put(self, run_pk: int, key: str, count: int, values: tuple[float, ...]) -> None:
        if len(self._values) >= _HISTORY_CACHE_MAX:
            self._values.clear()
        self._values[(run_pk, key)] = (count, values)


def read_histories(
    db: Database, conn: Any, key: str, rows: Sequence[TrialRow], cache: HistoryCache
) -> dict[int, tuple[float, ...]]:
    """The metric's finite values in logged order for each row's run (full resolution)."""
    found: dict[int, tuple[float, ...]] = {}
    wanted: list[TrialRow] = []
    for row in rows:
        assert row.run_pk is not None
        cached = cache.get(row.run_pk, key, row.history_count) if row.run_state in ENDED else None
        if cached is not None:
            found[row.run_pk] = cached
        else:
            wanted.append(row)
    if wanted:
        query = SeriesQuery(keys=[key], samples=None, timestamps=False)
        series = db.history.series_many(conn, [r.run_pk for r in wanted if r.run_pk is not None], query)
        for row in wanted:
            assert row.run_pk is not None
            values: list[float] = []
            for s in series.get(row.run_pk, []):
                if s.key == key:
                    values += [v for v in (_finite(x) for x in s.values) if v is not None]
            found[row.run_pk] = tuple(values)
            if row.run_state in ENDED:
                cache.put(row.run_pk, key, row.history_count, found[row.run_pk])
    return found


def build_trials(
    db: Database,
    conn: Any,
    spec: SweepSpec,
    rows: Sequence[TrialRow],
    now: float,
    cache: HistoryCache,
    *,
    with_history: bool = False,
) -> list[TrialView]:
    """Every row with its trial. ``with_history``: fill ``Trial.history`` of running trials and of
    ended ones that logged the metric (what hyperband judges by)."""
    states = [trial_state(row, now) for row in rows]
    values = [best_and_last(spec, row) for row in rows]
    metric = spec.metric.name if spec.metric is not None else None
    need = []
    if metric is not None:
        for row, (state, _), (_best, _, exact) in zip(rows, states, values, strict=True):
            if state is None or row.run_pk is None:
                continue
            logged = row.vmin is not None or row.last is not None
            if (with_history and (state == "running" or logged)) or (logged and not exact):
                need.append(row)
    histories = read_histories(db, conn, metric, need, cache) if metric is not None and need else {}
    views = []
    for row, (state, expiring), (best, last, exact) in zip(rows, states, values, strict=True):
        if state is None:
            views.append(TrialView(row, None, expiring))
            continue
        history = histories.get(row.run_pk) if row.run_pk is not None else None
        if history is not None and not exact and spec.metric is not None:
            pool = [v for v in (*history, _finite(row.summary)) if v is not None]
            best = (max(pool) if spec.metric.goal == "maximize" else min(pool)) if pool else None
        trial = Trial(
            run_id=row.proposal.run_id,
            params=row.proposal.params,  # shared, never changed: the engine's functions are pure
            state=state,
            best=best,
            last=last,
            history=history if with_history else None,
        )
        views.append(TrialView(row, trial))
    return views


def best_trial(spec: SweepSpec, views: Sequence[TrialView]) -> tuple[str | None, float | None]:
    """The run with the best value of the metric among trials whose runs exist."""
    if spec.metric is None:
        return None, None
    maximize = spec.metric.goal == "maximize"
    best_id, best = None, None
    for v in views:
        if v.trial is None or v.row.run_pk is None or v.trial.best is None:
            continue
        if best is None or (v.trial.best > best if maximize else v.trial.best < best):
            best_id, best = v.trial.run_id, v.trial.best
    return best_id, best


def target_reached(spec: SweepSpec, best: float | None) -> bool:
    metric = spec.metric
    if metric is None or metric.target is None or best is None:
        return False
    return best >= metric.target if metric.goal == "maximize" else best <= metric.target
