"""Projects: the list the UI's home page shows, and the history keys a project's workspace charts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.responses import Response

from trackwell.schema.history import ProjectHistoryKeys
from trackwell.schema.runs import ProjectList, ProjectVisibility
from trackwell.server.deps import (
    READS_PROJECT,
    CurrentPrincipal,
    EntityPath,
    ProjectAdminDep,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.service.access import visible_projects
from trackwell.service.audit import AuditAction

router = APIRouter(prefix="/api/v1", tags=["projects"])


@router.get("/projects", response_model=ProjectList)
def list_projects(
    principal: CurrentPrincipal, services: ServicesDep, entity: str | None = None, search: str | None = None
) -> Response:
    """The projects the caller can read (``service.access.visible_projects``), most active first."""
    return json_response(services.runs.projects(entity, search, visible_projects(principal)))


@router.get(
    "/projects/{entity}/{project}/history-keys",
    response_model=ProjectHistoryKeys,
    dependencies=[READS_PROJECT],
)
def project_history_keys(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    stream: Literal["history", "system"] = "history",
) -> Response:
    return json_response(services.history.project_keys(entity, project, stream))


@router.put("/projects/{entity}/{project}/visibility", status_code=204)
def set_visibility(
    project_ref: ProjectAdminDep, body: ProjectVisibility, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    """Who may read the project: ``private`` or ``team`` (the entity's members) or ``public`` (every
    signed-in user, read only). Only an admin of the entity (or of the server) changes it."""
    services.runs.set_visibility(project_ref.entity, str(project_ref.project), body.visibility)
    services.audit.record(
        AuditAction.VISIBILITY_CHANGE,
        actor=principal.user.username,
        target=f"{project_ref.entity}/{project_ref.project}",
        detail={"visibility": body.visibility},
    )
    return Response(status_code=204)
