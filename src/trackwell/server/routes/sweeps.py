"""Sweeps (docs/sweeps.md, "HTTP routes"): create, list, read, change state or config, trials,
agents and their heartbeats. Thin: the controller is ``services.sweeps``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic_core import to_json
from starlette.responses import Response

from trackwell.schema.sweeps import (
    AgentCommands,
    AgentCreate,
    AgentHeartbeat,
    AgentOut,
    SweepCreate,
    SweepList,
    SweepOut,
    SweepRunList,
    SweepUpdate,
)
from trackwell.server.deps import READS_PROJECT, WRITES_PROJECT, EntityPath, ProjectPath, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/sweeps", tags=["sweeps"])

SweepIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
AgentIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
PROJECT = "/{entity}/{project}"
SWEEP = PROJECT + "/{sweep_id}"


@router.post(PROJECT, response_model=SweepOut, status_code=201, dependencies=[WRITES_PROJECT])
def create_sweep(
    entity: EntityPath, project: ProjectPath, body: SweepCreate, services: ServicesDep
) -> Response:
    return json_response(services.sweeps.create(entity, project, body), status_code=201)


@router.get(PROJECT, response_model=SweepList, dependencies=[READS_PROJECT])
def list_sweeps(entity: EntityPath, project: ProjectPath, services: ServicesDep) -> Response:
    return json_response(services.sweeps.list_sweeps(entity, project))


@router.get(SWEEP, response_model=SweepOut, dependencies=[READS_PROJECT])
def get_sweep(
    entity: EntityPath, project: ProjectPath, sweep_id: SweepIdPath, services: ServicesDep
) -> Response:
    return json_response(services.sweeps.get(entity, project, sweep_id))


@router.patch(SWEEP, response_model=SweepOut, dependencies=[WRITES_PROJECT])
def update_sweep(
    entity: EntityPath, project: ProjectPath, sweep_id: SweepIdPath, body: SweepUpdate, services: ServicesDep
) -> Response:
    return json_response(services.sweeps.update(entity, project, sweep_id, body))


@router.get(SWEEP + "/runs", response_model=SweepRunList, dependencies=[READS_PROJECT])
def sweep_runs(
    entity: EntityPath, project: ProjectPath, sweep_id: SweepIdPath, services: ServicesDep
) -> Response:
    return json_response(services.sweeps.runs(entity, project, sweep_id))


@router.post(SWEEP + "/agents", response_model=AgentOut, status_code=201, dependencies=[WRITES_PROJECT])
def add_agent(
    entity: EntityPath, project: ProjectPath, sweep_id: SweepIdPath, body: AgentCreate, services: ServicesDep
) -> Response:
    return json_response(services.sweeps.add_agent(entity, project, sweep_id, body), status_code=201)


@router.get(SWEEP + "/agents", response_model=list[AgentOut], dependencies=[READS_PROJECT])
def list_agents(
    entity: EntityPath, project: ProjectPath, sweep_id: SweepIdPath, services: ServicesDep
) -> Response:
    agents = services.sweeps.agents(entity, project, sweep_id)
    content = to_json([a.model_dump(mode="python") for a in agents], inf_nan_mode="strings")
    return Response(content, media_type="application/json")


@router.post(
    SWEEP + "/agents/{agent_id}/heartbeat", response_model=AgentCommands, dependencies=[WRITES_PROJECT]
)
def heartbeat(
    entity: EntityPath,
    project: ProjectPath,
    sweep_id: SweepIdPath,
    agent_id: AgentIdPath,
    body: AgentHeartbeat,
    services: ServicesDep,
) -> Response:
    return json_response(services.sweeps.heartbeat(entity, project, sweep_id, agent_id, body))
