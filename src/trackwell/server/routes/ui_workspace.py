"""Endpoints the project workspace needs: one bulk series read per chart for all visible runs."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from trackwell.schema.ui import SeriesQueryRequest, SeriesQueryResponse
from trackwell.server.deps import CurrentUser, ServicesDep
from trackwell.server.responses import json_response
from trackwell.service.workspace import WorkspaceService

router = APIRouter(prefix="/api/v1", tags=["ui-workspace"])


def _workspace(request: Request, services: ServicesDep) -> WorkspaceService:
    existing: WorkspaceService | None = getattr(request.app.state, "ui_workspace", None)
    if existing is None:
        existing = WorkspaceService(services.db)
        request.app.state.ui_workspace = existing
    return existing


@router.post("/series/query", response_model=SeriesQueryResponse)
def query_series(
    body: SeriesQueryRequest, _: CurrentUser, request: Request, services: ServicesDep
) -> Response:
    """Downsampled series of ``keys`` for each run in ``runs`` (min/max preserved per bucket)."""
    return json_response(_workspace(request, services).query_series(body), wire_safe=True)


def include_ui_routers(app: FastAPI) -> None:
    """Adds every UI router to the app (the server's one include line calls this)."""
    from trackwell.server.routes import ui_layout, ui_session

    app.include_router(ui_session.router)
    app.include_router(ui_layout.router)
    app.include_router(router)
