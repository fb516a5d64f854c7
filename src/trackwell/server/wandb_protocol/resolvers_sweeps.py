"""Resolvers of the sweep operations (``sweeps.graphql``): thin over
:class:`~trackwell.service.wandb_wire.sweeps.WandbSweeps`."""

from __future__ import annotations

import json
from typing import Any

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from trackwell.schema.sweeps import SweepOut
from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.context import wire
from trackwell.service.wandb_wire.sweeps import STATE_OUT, sweep_config_yaml, sweep_gid
from trackwell.store.base import RunKey

Info = GraphQLResolveInfo[Any]
sweep_mutations = MutationType()
sweep_project = ObjectType("Project")
sweep_type = ObjectType("Sweep")


def _sweep(sweep: SweepOut) -> dict[str, Any]:
    return {
        "id": sweep_gid(sweep.entity, sweep.project, sweep.id),
        "name": sweep.id,
        "displayName": sweep.name,
        "method": sweep.method,
        "state": STATE_OUT.get(sweep.state, sweep.state.upper()),
        "description": sweep.description,
        "config": sweep_config_yaml(sweep),
        "createdAt": None,
        "heartbeatAt": None,
        "updatedAt": None,
        "earlyStopJobRunning": False,
        "bestLoss": None,
        "controller": None,
        "scheduler": None,
        "runCount": sweep.run_count,
        "runCountExpected": sweep.expected_run_count,
        "project": shapes.project(sweep.entity, sweep.project),
        "_path": (sweep.entity, sweep.project, sweep.id),
    }


@sweep_mutations.field("upsertSweep")
def resolve_upsert_sweep(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    sweep = ctx.wandb.sweeps.upsert(ctx.principal, input)
    return {"sweep": _sweep(sweep), "configValidationWarnings": [], "inserted": not input.get("id")}


@sweep_project.field("sweep")
def resolve_sweep(obj: dict[str, Any], info: Info, sweepName: str) -> dict[str, Any]:  # noqa: N803
    ctx = wire(info)
    entity, project = obj["_key"]
    return _sweep(ctx.wandb.sweeps.get(ctx.principal, entity, project, sweepName))


@sweep_type.field("runs")
def resolve_sweep_runs(obj: dict[str, Any], info: Info, **_: Any) -> dict[str, Any]:
    ctx = wire(info)
    entity, project, sweep_id = obj["_path"]
    edges = []
    for trial in ctx.wandb.sweeps.runs(ctx.principal, entity, project, sweep_id):
        if trial.state == "leased":
            continue  # proposed, not started: no run yet
        key = RunKey(entity=entity, project=project, run_id=trial.run_id)
        run = ctx.wandb.reads.run(ctx.principal, key)
        if run is not None:
            edges.append({"node": shapes.run(key, run)})
    return {"edges": edges}


@sweep_mutations.field("createAgent")
def resolve_create_agent(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    return {"agent": {"id": ctx.wandb.sweeps.create_agent(ctx.principal, input)}}


@sweep_mutations.field("agentHeartbeat")
def resolve_heartbeat(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    commands = ctx.wandb.sweeps.heartbeat(ctx.principal, input["id"], input.get("runState"))
    return {"agent": {"id": input["id"]}, "commands": json.dumps(commands)}


sweep_bindables = [sweep_mutations, sweep_project, sweep_type]
