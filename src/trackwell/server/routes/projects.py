"""Projects: the list the UI's home page shows, and the history keys a project's workspace charts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from starlette.responses import Response

from trackwell.schema.history import ProjectHistoryKeys
from trackwell.schema.runs import ProjectList
from trackwell.server.deps import EntityPath, ProjectPath, ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1", tags=["projects"], dependencies=[Depends(current_user)])


@router.get("/projects", response_model=ProjectList)
def list_projects(services: ServicesDep, entity: str | None = None, search: str | None = None) -> Response:
    return json_response(services.runs.projects(entity, search))


@router.get("/projects/{entity}/{project}/history-keys", response_model=ProjectHistoryKeys)
def project_history_keys(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    stream: Literal["history", "system"] = "history",
) -> Response:
    return json_response(services.history.project_keys(entity, project, stream))
