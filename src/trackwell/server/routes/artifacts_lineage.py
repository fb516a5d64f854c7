"""Artifact links (registry), lineage, versions by id, and a run's logged and used artifacts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from trackwell.schema.artifacts import (
    ArtifactLink,
    ArtifactUsedBy,
    ArtifactVersionList,
    ArtifactVersionOut,
    LineageGraph,
)
from trackwell.server import scoped_answers
from trackwell.server.deps import (
    READS_PROJECT,
    CurrentPrincipal,
    CurrentUser,
    EntityPath,
    ProjectPath,
    RunReadKey,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.server.routes.artifacts_versions import VERSION
from trackwell.service.artifacts_links import link_target

router = APIRouter(prefix="/api/v1", tags=["artifacts"])


@router.post(
    "/artifacts" + VERSION + "/links", response_model=ArtifactVersionOut, dependencies=[READS_PROJECT]
)
def link_version(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    body: ArtifactLink,
    services: ServicesDep,
    user: CurrentUser,
    principal: CurrentPrincipal,
) -> Response:
    t_entity, t_project, _ = link_target(body.target, entity, project)
    # The version is read here; the portfolio it joins is written to (maybe another project).
    scoped_answers.authorize_link_target(services, principal, t_entity, t_project)
    return json_response(services.artifacts.link(entity, project, name, v, body, user))


@router.get("/artifacts" + VERSION + "/used-by", response_model=ArtifactUsedBy, dependencies=[READS_PROJECT])
def used_by(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    found = services.artifacts.used_by(entity, project, name, v)
    return json_response(scoped_answers.used_by(services, principal, found))


@router.get("/artifacts" + VERSION + "/lineage", response_model=LineageGraph, dependencies=[READS_PROJECT])
def lineage(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    depth: Annotated[int, Query(description="hops either way from the version")] = 3,
) -> Response:
    graph = services.artifacts.lineage(entity, project, name, v, depth)
    return json_response(scoped_answers.lineage(services, principal, graph))


@router.get("/artifacts/by-id/{version_id}", response_model=ArtifactVersionOut)
def by_id(version_id: str, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    return json_response(scoped_answers.version_by_id(services, principal, version_id))


@router.get("/runs/{entity}/{project}/{run_id}/artifacts", response_model=ArtifactVersionList)
def run_artifacts(
    key: RunReadKey,
    principal: CurrentPrincipal,
    services: ServicesDep,
    direction: Literal["logged", "used"] = "logged",
    limit: int = 1000,
    offset: int = 0,
) -> Response:
    found = services.artifacts.run_artifacts(key, direction, limit, offset)
    return json_response(scoped_answers.versions(services, principal, found))
