"""Endpoints the project workspace needs: one bulk series read per chart for all visible runs."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.responses import Response

from trackwell.schema.ui import (
    GroupSeriesRequest,
    GroupSeriesResponse,
    GroupSummaryRequest,
    GroupSummaryResponse,
    SeriesQueryRequest,
    SeriesQueryResponse,
)
from trackwell.server.deps import READS_PROJECT, CurrentPrincipal, EntityPath, ProjectPath, ServicesDep
from trackwell.server.responses import json_response
from trackwell.service.access import visible_projects

router = APIRouter(prefix="/api/v1", tags=["ui-workspace"])


@router.post("/series/query", response_model=SeriesQueryResponse)
def query_series(body: SeriesQueryRequest, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    """Downsampled series of ``keys`` for each run in ``runs`` (min/max preserved per bucket)."""
    scope = visible_projects(principal)  # a run the caller cannot read is answered as missing
    return json_response(services.workspace.query_series(body, scope), wire_safe=True)


@router.post(
    "/projects/{entity}/{project}/group-series",
    response_model=GroupSeriesResponse,
    dependencies=[READS_PROJECT],
)
def group_series(
    entity: EntityPath, project: ProjectPath, body: GroupSeriesRequest, services: ServicesDep
) -> Response:
    """A grouped chart: each group's size and its mean, min, max, std and stderr at each x, over
    every run ``filters`` selects (not only the runs a chart draws)."""
    return json_response(services.workspace.group_series(entity, project, body), wire_safe=True)


@router.post(
    "/projects/{entity}/{project}/group-summary",
    response_model=GroupSummaryResponse,
    dependencies=[READS_PROJECT],
)
def group_summary(
    entity: EntityPath, project: ProjectPath, body: GroupSummaryRequest, services: ServicesDep
) -> Response:
    """Grouped bar and scatter panels: per group its size and, per field (a summary or config key),
    the count, mean, min, max, std and stderr of its runs' numbers, over every run ``filters``
    selects (not only the runs a panel draws)."""
    return json_response(services.workspace.group_summary(entity, project, body), wire_safe=True)


def include_ui_routers(app: FastAPI) -> None:
    """Adds every UI router to the app (the server's one include line calls this)."""
    from trackwell.server.routes import ui_layout, ui_session, ui_views

    app.include_router(ui_session.router)
    app.include_router(ui_layout.router)
    app.include_router(ui_views.router)
    app.include_router(router)
