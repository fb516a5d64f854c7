"""Endpoints the project workspace needs: one bulk series read per chart for all visible runs."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.responses import Response

from trackwell.schema.ui import SeriesQueryRequest, SeriesQueryResponse
from trackwell.server.deps import CurrentUser, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1", tags=["ui-workspace"])


@router.post("/series/query", response_model=SeriesQueryResponse)
def query_series(body: SeriesQueryRequest, _: CurrentUser, services: ServicesDep) -> Response:
    """Downsampled series of ``keys`` for each run in ``runs`` (min/max preserved per bucket)."""
    return json_response(services.workspace.query_series(body), wire_safe=True)


def include_ui_routers(app: FastAPI) -> None:
    """Adds every UI router to the app (the server's one include line calls this)."""
    from trackwell.server.routes import ui_layout, ui_session

    app.include_router(ui_session.router)
    app.include_router(ui_layout.router)
    app.include_router(router)
