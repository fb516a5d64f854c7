"""Projects: the list the UI's home page shows."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from trackwell.schema.runs import ProjectList
from trackwell.server.deps import ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1", tags=["projects"], dependencies=[Depends(current_user)])


@router.get("/projects", response_model=ProjectList)
def list_projects(services: ServicesDep, entity: str | None = None, search: str | None = None) -> Response:
    return json_response(services.runs.projects(entity, search))
