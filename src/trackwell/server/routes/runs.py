"""Runs: create or resume, read, edit, delete, query; and their console output and alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from trackwell.schema.alerts import AlertList
from trackwell.schema.records import OutputPage
from trackwell.schema.runs import RunList, RunOut, RunUpdate, RunUpsert
from trackwell.server.deps import EntityPath, ProjectPath, RunKeyDep, ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/runs", tags=["runs"], dependencies=[Depends(current_user)])

RUN = "/{entity}/{project}/{run_id}"


@router.put(RUN, response_model=RunOut)
def upsert_run(key: RunKeyDep, body: RunUpsert, services: ServicesDep) -> Response:
    return json_response(services.runs.upsert(key, body))


@router.get(RUN, response_model=RunOut)
def get_run(key: RunKeyDep, services: ServicesDep) -> Response:
    return json_response(services.runs.get(key))


@router.patch(RUN, response_model=RunOut)
def update_run(key: RunKeyDep, body: RunUpdate, services: ServicesDep) -> Response:
    return json_response(services.runs.update(key, body))


@router.delete(RUN, status_code=204)
def delete_run(key: RunKeyDep, services: ServicesDep) -> Response:
    services.runs.delete(key)
    return Response(status_code=204)


@router.get("/{entity}/{project}", response_model=RunList)
def query_runs(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    filters: Annotated[str | None, Query(description="MongoDB-style JSON filter")] = None,
    order: str = "-created_at",
    limit: int = 50,
    offset: int = 0,
    metadata: Annotated[bool, Query(description="false: leave out each run's context")] = True,
) -> Response:
    found = services.runs.query(entity, project, filters, order, limit, offset, metadata=metadata)
    return json_response(found)


@router.get(RUN + "/output", response_model=OutputPage)
def read_output(key: RunKeyDep, services: ServicesDep, offset: int = 0, limit: int = 1000) -> Response:
    return json_response(services.runs.output(key, offset, limit))


@router.get(RUN + "/alerts", response_model=AlertList)
def read_alerts(key: RunKeyDep, services: ServicesDep, limit: int = 1000) -> Response:
    return json_response(services.runs.alerts(key, limit))
