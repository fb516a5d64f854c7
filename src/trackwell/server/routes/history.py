"""History reads: key list, columnar series for charts, full rows for export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from trackwell.schema.history import HistoryKeys, HistoryRows, SeriesResponse
from trackwell.server.deps import RunKeyDep, ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/runs", tags=["history"], dependencies=[Depends(current_user)])

HISTORY = "/{entity}/{project}/{run_id}/history"
Stream = Literal["history", "system"]


def _split(keys: str | None) -> list[str]:
    return [k for k in (keys or "").split(",") if k]


@router.get(HISTORY + "/keys", response_model=HistoryKeys)
def history_keys(key: RunKeyDep, services: ServicesDep, stream: Stream = "history") -> Response:
    return json_response(services.history.keys(key, stream))


@router.get(HISTORY + "/series", response_model=SeriesResponse)
def history_series(
    key: RunKeyDep,
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
    key: RunKeyDep,
    services: ServicesDep,
    keys: str | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    limit: int = 1000,
    stream: Stream = "history",
) -> Response:
    return json_response(services.history.rows(key, _split(keys), min_step, max_step, limit, stream))
