"""Artifact links (registry), lineage, versions by id, and a run's logged and used artifacts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from trackwell.schema.artifacts import (
    ArtifactLink,
    ArtifactUsedBy,
    ArtifactVersionList,
    ArtifactVersionOut,
    LineageGraph,
)
from trackwell.server.deps import CurrentUser, EntityPath, ProjectPath, RunKeyDep, ServicesDep, current_user
from trackwell.server.responses import json_response
from trackwell.server.routes.artifacts_versions import VERSION

router = APIRouter(prefix="/api/v1", tags=["artifacts"], dependencies=[Depends(current_user)])


@router.post("/artifacts" + VERSION + "/links", response_model=ArtifactVersionOut)
def link_version(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    body: ArtifactLink,
    services: ServicesDep,
    user: CurrentUser,
) -> Response:
    return json_response(services.artifacts.link(entity, project, name, v, body, user))


@router.get("/artifacts" + VERSION + "/used-by", response_model=ArtifactUsedBy)
def used_by(entity: EntityPath, project: ProjectPath, name: str, v: str, services: ServicesDep) -> Response:
    return json_response(services.artifacts.used_by(entity, project, name, v))


@router.get("/artifacts" + VERSION + "/lineage", response_model=LineageGraph)
def lineage(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    services: ServicesDep,
    depth: Annotated[int, Query(description="hops either way from the version")] = 3,
) -> Response:
    return json_response(services.artifacts.lineage(entity, project, name, v, depth))


@router.get("/artifacts/by-id/{version_id}", response_model=ArtifactVersionOut)
def by_id(version_id: str, services: ServicesDep) -> Response:
    return json_response(services.artifacts.by_id(version_id))


@router.get("/runs/{entity}/{project}/{run_id}/artifacts", response_model=ArtifactVersionList)
def run_artifacts(
    key: RunKeyDep,
    services: ServicesDep,
    direction: Literal["logged", "used"] = "logged",
    limit: int = 1000,
    offset: int = 0,
) -> Response:
    return json_response(services.artifacts.run_artifacts(key, direction, limit, offset))
