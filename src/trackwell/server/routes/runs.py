"""Runs: create or resume, read, edit, delete, query; and their console output and alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from trackwell.schema.alerts import AlertList
from trackwell.schema.records import OutputPage
from trackwell.schema.run_bulk import BulkRunsRequest, BulkRunsResult
from trackwell.schema.runs import RunList, RunOut, RunUpdate, RunUpsert
from trackwell.server.deps import (
    READS_PROJECT,
    WRITES_PROJECT,
    CurrentPrincipal,
    EntityPath,
    ProjectPath,
    RunDeleteKey,
    RunReadKey,
    RunWriteKey,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.service.access import visible_projects
from trackwell.service.audit import AuditAction

router = APIRouter(prefix="/api/v1/runs", tags=["runs"])

RUN = "/{entity}/{project}/{run_id}"


@router.put(RUN, response_model=RunOut)
def upsert_run(
    key: RunWriteKey, body: RunUpsert, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return json_response(services.runs.upsert(key, body, owner_id=principal.user.id))


@router.get(RUN, response_model=RunOut)
def get_run(key: RunReadKey, services: ServicesDep) -> Response:
    return json_response(services.runs.get(key))


@router.patch(RUN, response_model=RunOut)
def update_run(key: RunWriteKey, body: RunUpdate, services: ServicesDep) -> Response:
    return json_response(services.runs.update(key, body))


@router.delete(RUN, status_code=204)
def delete_run(key: RunDeleteKey, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    services.runs.delete(key)
    services.audit.record(AuditAction.RUN_DELETE, actor=principal.user.username, target=str(key))
    return Response(status_code=204)


@router.get("/{entity}/{project}", response_model=RunList, dependencies=[READS_PROJECT])
def query_runs(
    entity: EntityPath,
    project: ProjectPath,
    principal: CurrentPrincipal,
    services: ServicesDep,
    filters: Annotated[str | None, Query(description="MongoDB-style JSON filter")] = None,
    order: str = "-created_at",
    limit: int = 50,
    offset: int = 0,
    metadata: Annotated[bool, Query(description="false: leave out each run's context")] = True,
) -> Response:
    scope = visible_projects(principal)  # also in the SQL: a filter never reaches another project
    found = services.runs.query(
        entity, project, filters, order, limit, offset, metadata=metadata, scope=scope
    )
    return json_response(found)


@router.post("/{entity}/{project}/bulk", response_model=BulkRunsResult, dependencies=[WRITES_PROJECT])
def bulk_change_runs(
    entity: EntityPath,
    project: ProjectPath,
    body: BulkRunsRequest,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    """Tag, untag, archive, unarchive, delete or move many runs at once, all or nothing."""
    return json_response(services.run_bulk.apply(principal, entity, project, body))


@router.get(RUN + "/output", response_model=OutputPage)
def read_output(key: RunReadKey, services: ServicesDep, offset: int = 0, limit: int = 1000) -> Response:
    return json_response(services.runs.output(key, offset, limit))


@router.get(RUN + "/alerts", response_model=AlertList)
def read_alerts(key: RunReadKey, services: ServicesDep, limit: int = 1000) -> Response:
    return json_response(services.runs.alerts(key, limit))
