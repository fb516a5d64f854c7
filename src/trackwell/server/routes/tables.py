"""Table queries: a window of filtered, sorted rows; groups; column stats; CSV export.

``path`` is the ``path`` of the ``table-file`` reference; ``filter`` the row expression the viewer
shows (``row["confidence"] < 0.5 and ...``); ``sort`` repeats, ``-column`` for descending.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response, StreamingResponse

from trackwell.schema.tables import TableGroups, TableRows, TableStats
from trackwell.server.deps import RunReadKey, ServicesDep
from trackwell.server.responses import json_response
from trackwell.service.tables import TableService

router = APIRouter(prefix="/api/v1/runs", tags=["tables"])

TABLES = "/{entity}/{project}/{run_id}/tables"

PathQ = Annotated[str, Query(description="the table-file reference's path, e.g. media/table/x.table.json")]
FilterQ = Annotated[str | None, Query(description='row expression, e.g. row["confidence"] < 0.5')]
SortQ = Annotated[list[str], Query(description="column to sort by, -column for descending; repeat")]


def _tables(services: ServicesDep) -> TableService:
    return services.tables


TablesDep = Annotated[TableService, Depends(_tables)]


@router.get(TABLES + "/rows", response_model=TableRows)
def table_rows(
    key: RunReadKey,
    tables: TablesDep,
    path: PathQ,
    filter: FilterQ = None,
    sort: SortQ = [],  # noqa: B006 - FastAPI copies defaults
    offset: int = 0,
    limit: int = 100,
) -> Response:
    return json_response(tables.rows(key, path, filter, sort, offset, limit))


@router.get(TABLES + "/groups", response_model=TableGroups)
def table_groups(
    key: RunReadKey,
    tables: TablesDep,
    path: PathQ,
    by: Annotated[str, Query(description="the column to group by")],
    filter: FilterQ = None,
    limit: int = 100,
) -> Response:
    return json_response(tables.groups(key, path, filter, by, limit))


@router.get(TABLES + "/stats", response_model=TableStats)
def table_stats(
    key: RunReadKey,
    tables: TablesDep,
    path: PathQ,
    filter: FilterQ = None,
    columns: Annotated[list[str], Query(description="columns to describe; none = all")] = [],  # noqa: B006
    bins: int = 20,
) -> Response:
    return json_response(tables.stats(key, path, filter, columns, bins))


@router.get(TABLES + "/csv", response_class=StreamingResponse)
def table_csv(
    key: RunReadKey,
    tables: TablesDep,
    path: PathQ,
    filter: FilterQ = None,
    sort: SortQ = [],  # noqa: B006
) -> StreamingResponse:
    lines = tables.csv(key, path, filter, sort)
    stem = path.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".table")
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in stem) or "table"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.csv"',
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)
