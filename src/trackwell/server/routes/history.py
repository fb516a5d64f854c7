"""History reads: key list, columnar series for charts, full rows (JSON pages, or Arrow streams
for bulk reads and export)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from trackwell.schema.history import HistoryKeys, HistoryRows, SeriesResponse
from trackwell.server.deps import RunReadKey, ServicesDep
from trackwell.server.responses import json_response
from trackwell.service.history import MAX_FRAME_ROWS
from trackwell.service.history_arrow import ARROW_STREAM, Compression

router = APIRouter(prefix="/api/v1/runs", tags=["history"])

HISTORY = "/{entity}/{project}/{run_id}/history"
Stream = Literal["history", "system"]


def _split(keys: str | None) -> list[str]:
    return [k for k in (keys or "").split(",") if k]


@router.get(HISTORY + "/keys", response_model=HistoryKeys)
def history_keys(key: RunReadKey, services: ServicesDep, stream: Stream = "history") -> Response:
    return json_response(services.history.keys(key, stream))


@router.get(HISTORY + "/series", response_model=SeriesResponse)
def history_series(
    key: RunReadKey,
    services: ServicesDep,
    keys: Annotated[str, Query(description="Comma-separated keys, e.g. loss,acc")],
    min_step: int | None = None,
    max_step: int | None = None,
    samples: Annotated[int, Query(description="Points per series; 0 = full resolution")] = 1000,
    stream: Stream = "history",
) -> Response:
    series = services.history.series(key, _split(keys), min_step, max_step, samples, stream)
    return json_response(series, wire_safe=True)


@router.get(HISTORY + "/rows", response_model=HistoryRows)
def history_rows(
    key: RunReadKey,
    services: ServicesDep,
    keys: str | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    limit: int = 1000,
    stream: Stream = "history",
) -> Response:
    return json_response(services.history.rows(key, _split(keys), min_step, max_step, limit, stream))


@router.get(
    HISTORY + "/arrow",
    response_class=Response,
    responses={200: {"content": {ARROW_STREAM: {}}, "description": "An Arrow IPC stream"}},
)
def history_arrow(
    key: RunReadKey,
    services: ServicesDep,
    keys: Annotated[
        str | None, Query(description="Comma-separated keys; rows holding none are left out")
    ] = None,
    min_step: int | None = None,
    max_step: Annotated[int | None, Query(description="Inclusive")] = None,
    limit: Annotated[int, Query(description="Rows per page; wide runs get fewer")] = MAX_FRAME_ROWS,
    stream: Stream = "history",
    compression: Compression = "none",
) -> Response:
    """Full-resolution rows column-wise; the next page's ``min_step`` is in the schema metadata."""
    body = services.history.arrow(key, _split(keys), min_step, max_step, limit, stream, compression)
    return Response(body, media_type=ARROW_STREAM)
