"""Sweeps on the wire: create a sweep, change its state, register agents, heartbeats and commands.

The one contract between the SDK (``trackwell.sweep``/``trackwell.agent``, the CLI agent), the
server (``service/sweeps*.py``) and the UI (docs/sweeps.md has the routes). The config itself is
W&B's sweep config as given (dict or YAML), validated on the server by
``trackwell.service.sweep_engine.parse_config``: every problem comes back in one 400 answer
(``ErrorDetail.problems``), and nothing is created.

Commands keep W&B's agent protocol (reference/sweeps.md section 6.1): a ``run`` command carries the
server-assigned run id and the parameters as ``{name: {"value": v}}`` (nested parameters re-nested
under their top-level name), which the agent writes to a YAML file named by
``WANDB_SWEEP_PARAM_PATH`` before it starts the trial.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from trackwell.schema.base import WireModel

SweepState = Literal["running", "paused", "finished", "cancelled"]
# What a user may ask for: pause/resume toggle proposals; "finished" is W&B's --stop (running trials
# go on to their end, no new ones); "cancelled" also stops the running trials.
SweepStateRequest = Literal["running", "paused", "finished", "cancelled"]
ProposalState = Literal["leased", "started", "done", "expired", "prior"]


class SweepCreate(WireModel):
    """Body of ``POST /api/v1/sweeps/{entity}/{project}``."""

    config: dict[str, Any] = Field(description="W&B's sweep config (method, metric, parameters, ...).")
    prior_runs: list[str] = Field(
        default_factory=list,
        description="Ids of existing runs of the project to count as the sweep's first trials.",
    )


class SweepUpdate(WireModel):
    """Body of ``PATCH /api/v1/sweeps/{entity}/{project}/{sweep_id}``: a state change and/or a new
    config (W&B's ``--update``; the method and parameter names must stay those of the running sweep)."""

    state: SweepStateRequest | None = None
    config: dict[str, Any] | None = None


class SweepParamOut(WireModel):
    """One searched parameter as the server parsed it (the UI draws its axis from this, so the
    config's inference rules live in one place: ``sweep_engine.parse_config``)."""

    name: str = Field(description="Flat name: a nested parameter is 'outer.inner'.")
    distribution: str = Field(description="W&B's distribution name, inferred when the config names none.")
    log_scale: bool = Field(False, description="Values spread evenly in log: draw the axis in log.")
    values: list[Any] | None = Field(None, description="The values of a categorical parameter.")
    min: float | None = None
    max: float | None = None


class SweepOut(WireModel):
    id: str
    entity: str
    project: str
    name: str | None = None
    description: str | None = None
    method: str
    state: SweepState
    config: dict[str, Any] = Field(description="The config as given (validated).")
    metric_name: str | None = None
    metric_goal: Literal["minimize", "maximize"] | None = None
    run_count: int = Field(0, description="Runs of the sweep (trials started, prior runs included).")
    expected_run_count: int | None = Field(
        None, description="Grid size (capped by run_cap), run_cap, or None when unbounded."
    )
    best_run_id: str | None = None
    best_value: float | None = None
    created_at: float
    updated_at: float
    state_reason: str | None = Field(None, description="Why the sweep finished (grid done, target, run_cap).")
    warnings: list[str] = Field(default_factory=list, description="E.g. a deprecated log distribution.")
    parameters: list[SweepParamOut] = Field(
        default_factory=list, description="The searched parameters (constants left out), sorted by name."
    )


class SweepList(WireModel):
    sweeps: list[SweepOut]


class SweepRunOut(WireModel):
    """One trial of a sweep with its contribution (``GET .../{sweep_id}/runs``)."""

    run_id: str
    state: str = Field(description="The run's state, or 'leased' for a proposal not yet started.")
    params: dict[str, Any] = Field(description="The proposed values, flat names ('opt.lr').")
    value: float | None = Field(None, description="The run's best logged value of the metric.")
    created_at: float
    stop_reason: str | None = None


class SweepRunList(WireModel):
    runs: list[SweepRunOut]


class AgentCreate(WireModel):
    """Body of ``POST /api/v1/sweeps/{entity}/{project}/{sweep_id}/agents``."""

    host: str | None = None
    name: str | None = None
    count: int | None = Field(None, ge=1, description="The agent's --count, shown in the UI.")


class AgentOut(WireModel):
    id: str
    sweep_id: str
    host: str | None = None
    name: str | None = None
    state: Literal["running", "finished", "gone"] = "running"
    created_at: float
    heartbeat_at: float
    runs_started: int = 0


class AgentHeartbeat(WireModel):
    """Body of ``POST .../agents/{agent_id}/heartbeat``, every few seconds.

    ``running`` lists the run ids the agent is running or about to start (which keeps their leases
    alive), ``finished`` the ones that ended since the last heartbeat with their exit code.
    ``want_run`` asks for a new trial (an agent with a free slot); the server answers at most one.
    """

    running: list[str] = Field(default_factory=list)
    finished: dict[str, int] = Field(default_factory=dict, description="run id -> exit code")
    want_run: bool = True


class RunCommand(WireModel):
    type: Literal["run"] = "run"
    run_id: str
    args: dict[str, dict[str, Any]] = Field(description="{name: {'value': v}}, W&B's wire form.")
    program: str | None = None


class StopCommand(WireModel):
    type: Literal["stop"] = "stop"
    run_id: str
    reason: str


class ExitCommand(WireModel):
    type: Literal["exit"] = "exit"
    reason: str


AgentCommand = RunCommand | StopCommand | ExitCommand


class AgentCommands(WireModel):
    """Answer of a heartbeat: what the agent does next (empty: keep going, nothing new yet)."""

    commands: list[RunCommand | StopCommand | ExitCommand] = Field(default_factory=list)
    sweep_state: SweepState
    heartbeat_seconds: float = Field(5.0, description="When to send the next heartbeat.")


class ParamImportance(WireModel):
    name: str = Field(description="A config key, flattened ('optimizer.lr').")
    value: str | None = Field(
        None,
        description="For a categorical key with a few values: the value this row is about (one row each).",
    )
    importance: float | None = Field(None, description="Random-forest importance (0..1, sums to 1).")
    correlation: float | None = Field(None, description="Pearson correlation with the metric.")


class ImportanceOut(WireModel):
    """``GET /api/v1/projects/{entity}/{project}/importance?metric=&filters=``: W&B's parameter
    importance panel (config keys against one metric, over the runs the filters select)."""

    metric: str
    run_count: int
    params: list[ParamImportance]
