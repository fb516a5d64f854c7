"""Projects: the list the UI's home page shows, and the history keys a project's workspace charts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response

from trackwell.schema.history import ProjectHistoryKeys
from trackwell.schema.runs import NAME_PATTERN, ProjectList
from trackwell.server.deps import ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1", tags=["projects"], dependencies=[Depends(current_user)])


@router.get("/projects", response_model=ProjectList)
def list_projects(services: ServicesDep, entity: str | None = None, search: str | None = None) -> Response:
    return json_response(services.runs.projects(entity, search))


@router.get("/projects/{entity}/{project}/history-keys", response_model=ProjectHistoryKeys)
def project_history_keys(
    entity: Annotated[str, Path(pattern=NAME_PATTERN)],
    project: Annotated[str, Path(pattern=NAME_PATTERN)],
    services: ServicesDep,
    stream: Literal["history", "system"] = "history",
) -> Response:
    return json_response(services.history.project_keys(entity, project, stream))
