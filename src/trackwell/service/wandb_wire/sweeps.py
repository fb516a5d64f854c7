"""``wandb.sweep`` and ``wandb agent`` against Trackwell's sweep controller (section 3.10).

The official client keeps its own agent loop: it registers (CreateAgent), then every few seconds
sends a Heartbeat with the runs it still has alive and receives commands (run, stop, exit) as a JSON
string. Each maps onto :class:`~trackwell.service.sweeps.SweepService`, which hands out the same
leases, hyperband stops and run caps as for Trackwell's own agent. The trial run's UpsertBucket
carries the sweep id, which joins the run to its lease (service/wandb_wire/runs.py).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.sweeps import (
    AgentCommands,
    AgentCreate,
    AgentHeartbeat,
    SweepCreate,
    SweepOut,
    SweepUpdate,
)
from trackwell.service.access import Action
from trackwell.service.sweeps import SweepService
from trackwell.service.wandb_wire import ids
from trackwell.service.wandb_wire.runs import WandbRuns
from trackwell.store.base import Principal

# wandb's state names (the client compares them upper-case) <-> ours.
STATE_OUT = {"running": "RUNNING", "paused": "PAUSED", "finished": "FINISHED", "cancelled": "CANCELED"}
STATE_IN = {
    "RUNNING": "running",
    "PAUSED": "paused",
    "FINISHED": "finished",
    "CANCELED": "cancelled",
    "CANCELLED": "cancelled",
    "STOPPED": "finished",
}


class WandbSweeps:
    def __init__(self, wandb_runs: WandbRuns, sweeps: SweepService) -> None:
        self._runs = wandb_runs
        self._sweeps = sweeps

    def _project(
        self, principal: Principal, entity: str | None, project: str | None, action: Action
    ) -> tuple[str, str]:
        entity, project = self._runs.project_path(principal, entity, project)
        self._runs.authorize_project(principal, action, entity, project)
        return entity, project

    def upsert(self, principal: Principal, fields: dict[str, Any]) -> SweepOut:
        """Create a sweep from its YAML config, or (with ``id``) change its state or config."""
        if fields.get("id"):
            entity, project, sweep_id = _sweep_path(fields["id"])
            entity, project = self._project(principal, entity, project, Action.PROJECT_WRITE)
            state = fields.get("state")
            config = _yaml(fields.get("config")) if fields.get("config") else None
            update = SweepUpdate(
                state=None if state is None else _state_in(state),
                config=config,
            )
            return self._sweeps.update(entity, project, sweep_id, update)
        entity, project = self._project(
            principal, fields.get("entityName"), fields.get("projectName"), Action.PROJECT_WRITE
        )
        config = _yaml(fields.get("config"))
        return self._sweeps.create(entity, project, SweepCreate(config=config))

    def get(self, principal: Principal, entity: str, project: str, sweep_id: str) -> SweepOut:
        entity, project = self._project(principal, entity, project, Action.PROJECT_READ)
        return self._sweeps.get(entity, project, sweep_id)

    def runs(self, principal: Principal, entity: str, project: str, sweep_id: str) -> list[Any]:
        entity, project = self._project(principal, entity, project, Action.PROJECT_READ)
        return self._sweeps.runs(entity, project, sweep_id).runs

    def create_agent(self, principal: Principal, fields: dict[str, Any]) -> str:
        entity, project = self._project(
            principal, fields.get("entityName"), fields.get("projectName"), Action.PROJECT_WRITE
        )
        sweep_id = str(fields["sweep"])
        agent = self._sweeps.add_agent(entity, project, sweep_id, AgentCreate(host=fields.get("host")))
        return ids.encode("Agent", f"{entity}/{project}/{sweep_id}/{agent.id}")

    def heartbeat(self, principal: Principal, agent_gid: str, run_state: str | None) -> list[dict[str, Any]]:
        """The agent's runs still alive in, wandb's command list out. An agent with nothing alive
        asks for a new trial (the official agent runs one at a time)."""
        entity, project, sweep_id, agent_id = _agent_path(agent_gid)
        entity, project = self._project(principal, entity, project, Action.PROJECT_WRITE)
        alive = _alive(run_state)
        answer = self._sweeps.heartbeat(
            entity, project, sweep_id, agent_id, AgentHeartbeat(running=alive, want_run=not alive)
        )
        return commands_out(answer)


def commands_out(answer: AgentCommands) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for command in answer.commands:
        if command.type == "run":
            out.append(
                {
                    "type": "run",
                    "run_id": command.run_id,
                    "runqueue_item_id": None,
                    "program": command.program,
                    "args": command.args,
                }
            )
        elif command.type == "stop":
            out.append({"type": "stop", "run_id": command.run_id})
        else:
            out.append({"type": "exit"})
    return out


def sweep_config_yaml(sweep: SweepOut) -> str:
    return yaml.safe_dump(sweep.config, sort_keys=False)


def _yaml(text: Any) -> dict[str, Any]:
    try:
        config = yaml.safe_load(text) if isinstance(text, str) else text
    except yaml.YAMLError as exc:
        raise InvalidArgument(f"the sweep config is not YAML: {exc}", field="config") from None
    if not isinstance(config, dict):
        raise InvalidArgument("the sweep config must be a mapping", field="config")
    return config


def _state_in(state: str) -> str:
    try:
        return STATE_IN[state.upper()]
    except KeyError:
        raise InvalidArgument(
            f"unknown sweep state {state!r}", field="state", hint="use RUNNING, PAUSED, FINISHED or CANCELED"
        ) from None


def _alive(run_state: str | None) -> list[str]:
    if not run_state:
        return []
    try:
        state = json.loads(run_state)
    except ValueError:
        raise InvalidArgument("runState must be a JSON object {run id: alive}", field="runState") from None
    return [run_id for run_id, alive in state.items() if alive] if isinstance(state, dict) else []


def sweep_gid(entity: str, project: str, sweep_id: str) -> str:
    return ids.encode("Sweep", f"{entity}/{project}/{sweep_id}")


def _sweep_path(gid: str) -> tuple[str, str, str]:
    parts = ids.decode("Sweep", gid).split("/")
    if len(parts) != 3:
        raise InvalidArgument(f"{gid!r} is not a sweep id of this server", field="id")
    return parts[0], parts[1], parts[2]


def _agent_path(gid: str) -> tuple[str, str, str, str]:
    parts = ids.decode("Agent", gid).split("/")
    if len(parts) != 4:
        raise InvalidArgument(f"{gid!r} is not an agent id of this server", field="id")
    return parts[0], parts[1], parts[2], parts[3]
