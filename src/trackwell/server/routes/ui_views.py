"""Saved views of a project: list, create, read, update (rename, overwrite) and delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from trackwell.schema.views import VIEW_ID_PATTERN, ViewCreate, ViewList, ViewOut, ViewUpdate
from trackwell.server.deps import (
    READS_PROJECT,
    WRITES_PROJECT,
    CurrentUser,
    EntityPath,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/views", tags=["ui-views"])

Entity = EntityPath
Project = ProjectPath
ViewIdPath = Annotated[str, Path(pattern=VIEW_ID_PATTERN, description="The view's id, e.g. 'k3j9x2ab0q'.")]
PROJECT = "/{entity}/{project}"
VIEW = "/{entity}/{project}/{view_id}"


@router.get(PROJECT, response_model=ViewList, dependencies=[READS_PROJECT])
def list_views(entity: Entity, project: Project, user: CurrentUser, services: ServicesDep) -> Response:
    """The project's saved views by name (without their layouts)."""
    return json_response(services.views.list_views(user, entity, project))


@router.post(PROJECT, response_model=ViewOut, status_code=201, dependencies=[WRITES_PROJECT])
def create_view(
    entity: Entity, project: Project, body: ViewCreate, user: CurrentUser, services: ServicesDep
) -> Response:
    """Save a workspace as a new view, owned by you (409 when the project has a view of that name)."""
    return json_response(services.views.create(user, entity, project, body), status_code=201)


@router.get(VIEW, response_model=ViewOut, dependencies=[READS_PROJECT])
def get_view(
    entity: Entity, project: Project, view_id: ViewIdPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """One view with its layout and URL state."""
    return json_response(services.views.get(user, entity, project, view_id))


@router.patch(VIEW, response_model=ViewOut, dependencies=[WRITES_PROJECT])
def update_view(
    entity: Entity,
    project: Project,
    view_id: ViewIdPath,
    body: ViewUpdate,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Rename it or overwrite its layout and state (only its owner or an admin: 403 otherwise)."""
    return json_response(services.views.update(user, entity, project, view_id, body))


@router.delete(VIEW, status_code=204, dependencies=[WRITES_PROJECT])
def delete_view(
    entity: Entity, project: Project, view_id: ViewIdPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """Delete it (only its owner or an admin)."""
    services.views.delete(user, entity, project, view_id)
    return Response(status_code=204)
