"""Sweeps, trials and agents as the wire models of ``schema/sweeps.py``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from trackwell.schema.sweeps import AgentOut, SweepOut, SweepParamOut, SweepRunList, SweepRunOut
from trackwell.service.sweep_engine import ParamSpec, SweepSpec
from trackwell.service.sweep_engine.distributions import LOG_SCALE
from trackwell.service.sweep_engine.grid import axes
from trackwell.service.sweeps_trials import TrialView, best_trial
from trackwell.store.base import StoredAgent, StoredSweep


def expected_run_count(spec: SweepSpec) -> int | None:
    """Grid size capped by run_cap, else run_cap, else None (unbounded)."""
    if spec.method == "grid":
        size = math.prod(a.size for a in axes(spec))
        return size if spec.run_cap is None else min(size, spec.run_cap)
    return spec.run_cap


def sweep_out(sweep: StoredSweep, spec: SweepSpec, views: Sequence[TrialView]) -> SweepOut:
    best_id, best = best_trial(spec, views)
    return SweepOut(
        id=sweep.id,
        entity=sweep.entity,
        project=sweep.project,
        name=sweep.name,
        description=sweep.description,
        method=sweep.method,
        state=sweep.state,
        config=sweep.config,
        metric_name=spec.metric.name if spec.metric else None,
        metric_goal=spec.metric.goal if spec.metric else None,
        run_count=sum(1 for v in views if v.trial is not None and v.row.run_pk is not None),
        expected_run_count=expected_run_count(spec),
        best_run_id=best_id,
        best_value=best,
        created_at=sweep.created_at,
        updated_at=sweep.updated_at,
        state_reason=sweep.state_reason,
        warnings=list(spec.warnings),
        parameters=[
            param_out(p) for p in in_config_order(spec, sweep.config) if p.distribution != "constant"
        ],
    )


def in_config_order(spec: SweepSpec, config: dict[str, Any]) -> list[ParamSpec]:
    """The parameters in the order the config lists them (the engine keeps them sorted by name):
    the user's order is the one the sweep page's axes and columns follow."""
    order: dict[str, int] = {}

    def walk(params: Any, prefix: str) -> None:
        if not isinstance(params, dict):
            return
        for name, value in params.items():
            if isinstance(value, dict) and isinstance(value.get("parameters"), dict):
                walk(value["parameters"], f"{prefix}{name}.")
            else:
                order.setdefault(f"{prefix}{name}", len(order))

    walk(config.get("parameters"), "")
    return sorted(spec.params, key=lambda p: order.get(p.name, len(order)))


def param_out(p: ParamSpec) -> SweepParamOut:
    """A parameter for the UI, its range in values (W&B's v1 log distributions give exponents)."""
    low, high = p.min, p.max
    if low is not None and high is not None and p.distribution in ("log_uniform", "q_log_uniform"):
        low, high = math.exp(low), math.exp(high)
    elif low is not None and high is not None and p.distribution == "inv_log_uniform":
        low, high = math.exp(-high), math.exp(-low)
    return SweepParamOut(
        name=p.name,
        distribution=p.distribution,
        log_scale=p.distribution in LOG_SCALE,
        values=list(p.values) if p.values else None,
        min=low,
        max=high,
    )


def run_list(spec: SweepSpec, views: Sequence[TrialView]) -> SweepRunList:
    """The trials, best first (by the metric's goal), then the ones without a value, newest first."""
    out = []
    for v in views:
        if v.trial is None:
            continue
        p = v.row.proposal
        state = v.row.run_state or ("leased" if v.trial.state == "pending" else v.trial.state)
        out.append(
            SweepRunOut(
                run_id=p.run_id,
                state=state,
                params=dict(p.params),
                value=v.trial.best,
                created_at=v.row.run_created_at or p.created_at,
                stop_reason=p.stop_reason if p.stop_requested else None,
            )
        )
    sign = -1.0 if spec.metric is not None and spec.metric.goal == "maximize" else 1.0
    with_value = sorted((r for r in out if r.value is not None), key=lambda r: sign * (r.value or 0.0))
    without = sorted((r for r in out if r.value is None), key=lambda r: -r.created_at)
    return SweepRunList(runs=with_value + without)


def agent_out(agent: StoredAgent, sweep_id: str, now: float, lease_seconds: float) -> AgentOut:
    state = agent.state
    if state == "running" and now - agent.heartbeat_at > lease_seconds:
        state = "gone"
    return AgentOut(
        id=agent.id,
        sweep_id=sweep_id,
        host=agent.host,
        name=agent.name,
        state=state,
        created_at=agent.created_at,
        heartbeat_at=agent.heartbeat_at,
        runs_started=agent.runs_started,
    )
