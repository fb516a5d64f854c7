"""Metric history as the readers want it: columnar series for charts, rows for export."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from trackwell.schema.base import WireModel

# Non-finite floats travel as these strings in JSON responses (browsers' JSON.parse has no NaN).
NonFinite = Literal["NaN", "Infinity", "-Infinity"]


class HistoryKey(WireModel):
    key: str = Field(description="Flattened key: nested dicts joined with '.', e.g. 'a.b'.")
    kind: Literal["number", "other"] = Field(
        description="number: plottable series; other: strings, media, ..."
    )
    count: int
    first_step: int | None = None
    last_step: int | None = None
    min: float | NonFinite | None = None
    max: float | NonFinite | None = None
    last: Any = None


class HistoryKeys(WireModel):
    keys: list[HistoryKey]
    last_step: int | None = None
    history_count: int = 0


class Series(WireModel):
    """One (run, key) series, columnar. When ``sampled``, the points are a subset of the real
    points chosen per bucket to keep the first, last, minimum and maximum, so extremes never vanish."""

    key: str
    steps: list[int]
    values: list[float | NonFinite | None]
    timestamps: list[float] = Field(
        description="Wall time of each point, seconds since the epoch; empty when not asked for."
    )
    total_points: int = Field(description="Points in the requested range before downsampling.")
    sampled: bool


class SeriesResponse(WireModel):
    run_id: str
    series: list[Series]
    last_step: int | None = Field(
        description="Highest step of the run's history when read: the cursor for live reads."
    )


class HistoryRows(WireModel):
    """Full-resolution rows for export and ``scan_history`` (nested values re-nested)."""

    rows: list[dict[str, Any]]
    next_min_step: int | None = Field(description="Pass as min_step to read the next page; None at the end.")


class KeyUsage(WireModel):
    """One history key across a project's runs: what the workspace makes a chart of."""

    key: str
    kind: Literal["number", "other"] = Field(
        description="number when any run logged a number under it (a line chart), else other (media, text)."
    )
    runs: int = Field(description="How many of the project's runs logged the key.")
    last_step: int | None = Field(default=None, description="Highest step any run logged it at.")


class ProjectHistoryKeys(WireModel):
    """Answer of ``GET /api/v1/projects/{entity}/{project}/history-keys``."""

    keys: list[KeyUsage]
    runs: int = Field(description="Runs in the project.")
