"""Parameter importance of a project's config keys for one metric (the UI's importance panels)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from trackwell.schema.sweeps import ImportanceOut
from trackwell.server.deps import READS_PROJECT, EntityPath, ProjectPath, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1", tags=["projects"])


@router.get(
    "/projects/{entity}/{project}/importance", response_model=ImportanceOut, dependencies=[READS_PROJECT]
)
def importance(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    metric: Annotated[str, Query(max_length=512, description="A summary key, e.g. val/loss.")],
    filters: Annotated[str | None, Query(description="The runs to use: a runs filter (JSON).")] = None,
    params: Annotated[
        str | None, Query(description="Comma-separated config keys to rate (default: every key).")
    ] = None,
) -> Response:
    """Random-forest importance and correlation of each config key with ``metric`` (the summary
    value) over the runs ``filters`` selects; runs without a numeric ``metric`` are left out."""
    wanted = [p.strip() for p in params.split(",") if p.strip()] if params else None
    return json_response(services.importance.importance(entity, project, metric, filters, wanted))
