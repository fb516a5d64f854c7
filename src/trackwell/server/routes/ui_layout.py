"""The signed-in user's workspace layout of a project: read, save (whole document), reset."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from trackwell.schema.layout import WorkspaceLayout, WorkspaceLayoutOut
from trackwell.server.deps import READS_PROJECT, CurrentUser, EntityPath, ProjectPath, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/layouts", tags=["ui-layout"])

Entity = EntityPath
Project = ProjectPath
PROJECT = "/{entity}/{project}"


@router.get(PROJECT, response_model=WorkspaceLayoutOut, dependencies=[READS_PROJECT])
def get_layout(entity: Entity, project: Project, user: CurrentUser, services: ServicesDep) -> Response:
    """Your layout of the project; ``saved: false`` with no panels when you never changed it."""
    return json_response(services.layouts.get(user, entity, project))


@router.put(PROJECT, response_model=WorkspaceLayoutOut, dependencies=[READS_PROJECT])
def put_layout(
    entity: Entity,
    project: Project,
    body: WorkspaceLayout,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Replace your layout of the project (at most 256 KiB; unknown panel types are refused)."""
    return json_response(services.layouts.put(user, entity, project, body))


@router.delete(PROJECT, status_code=204, dependencies=[READS_PROJECT])
def reset_layout(entity: Entity, project: Project, user: CurrentUser, services: ServicesDep) -> Response:
    """Forget your layout: the workspace shows its automatic panels again."""
    services.layouts.reset(user, entity, project)
    return Response(status_code=204)
