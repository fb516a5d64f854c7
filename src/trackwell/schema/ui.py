"""Wire models the web UI needs beyond the SDK's API: browser sessions and bulk chart reads.

Kept apart from the SDK-facing models so UI-only fields can change with the UI (the TypeScript client
in ``web/src/api/generated`` is generated from the OpenAPI spec these models produce).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from trackwell.schema.history import Series
from trackwell.schema.name_types import EntityName, ProjectName, RunId


class SessionCreate(BaseModel):
    """Body of ``POST /api/v1/session``: sign in with an API key, or with a username (or email) and
    password (``GET /api/v1/auth/methods`` says whether the server allows passwords)."""

    api_key: str | None = Field(
        default=None, min_length=1, repr=False, description="An API key of this server."
    )
    username: str | None = Field(
        default=None, min_length=1, max_length=320, description="Username or email, with password."
    )
    password: str | None = Field(default=None, repr=False, max_length=1024)


class SessionInfo(BaseModel):
    """The signed-in browser session. ``csrf_token`` must be sent back as the ``X-CSRF-Token``
    header on every unsafe request (POST, PUT, PATCH, DELETE) authenticated by the session cookie."""

    username: str
    entity: str
    is_admin: bool = False
    csrf_token: str
    expires_at: float


class LoginLink(BaseModel):
    """A one-time sign-in link (``trackwell ui`` opens it): single use, expires at ``expires_at``."""

    url: str
    expires_at: float


class RunRef(BaseModel):
    entity: EntityName
    project: ProjectName
    run_id: RunId
    after_step: int | None = Field(
        default=None,
        description="Only points after this step: the live tail of series a chart already holds "
        "(pass the run's last_step from the previous answer). A run with nothing newer is not read.",
    )


class SeriesQueryRequest(BaseModel):
    """Body of ``POST /api/v1/series/query``: one chart's series for all its visible runs at once."""

    runs: list[RunRef] = Field(min_length=1, max_length=1000)
    keys: list[str] = Field(min_length=1, max_length=20)
    samples: int = Field(1000, ge=0, le=5000, description="Point budget per series; 0 = every point.")
    min_step: int | None = None
    max_step: int | None = None
    x_key: str | None = Field(
        default=None, description="Also return this metric (e.g. 'epoch') to use as the x axis."
    )
    stream: Literal["history", "system"] = "history"
    timestamps: bool = Field(
        True,
        description="Return each point's wall time. Charts on a step or metric x axis pass false: "
        "it skips a second decode (~30% of the read).",
    )


class RunSeries(BaseModel):
    entity: str
    project: str
    run_id: str
    last_step: int | None = None
    series: list[Series] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why this run has no series (e.g. deleted).")


class SeriesQueryResponse(BaseModel):
    runs: list[RunSeries]


GroupValue = str | int | float | bool | None


class GroupSeriesRequest(BaseModel):
    """Body of ``POST /api/v1/projects/{entity}/{project}/group-series``: one grouped chart's
    statistics over EVERY run the filter selects (not only the runs a chart draws)."""

    filters: dict[str, Any] | None = Field(
        default=None,
        description="The runs to use: the runs list's filter (MongoDB-style, "
        'e.g. {"config.lr": {"$gt": 0.01}}).',
    )
    exclude: list[RunId] = Field(
        default_factory=list, max_length=10_000, description="Run ids left out (hidden from charts)."
    )
    group_by: list[str] = Field(
        min_length=1,
        max_length=6,
        description="Keys to group by, in order: 'config.<key>', 'summary.<key>', 'group', "
        "'job_type', 'state' or 'tags'. A run without a key's value is in that key's null group.",
    )
    keys: list[str] = Field(min_length=1, max_length=20, description="The metrics to aggregate.")
    x_axis: Literal["step", "wall", "relative", "metric"] = Field(
        "step",
        description="Step; wall time; seconds since each run's start; or the metric ``x_key``.",
    )
    x_key: str | None = Field(default=None, description="The x axis metric when x_axis is 'metric'.")
    stream: Literal["history", "system"] = "history"
    samples: int = Field(1000, ge=2, le=5000, description="Most x positions per group line.")
    min_step: int | None = None
    max_step: int | None = None
    groups: list[list[GroupValue]] | None = Field(
        default=None,
        max_length=1000,
        description="Only these groups (each its values, one per group_by key); default: every group.",
    )


class GroupKeySeries(BaseModel):
    """One metric of one group: per x position the statistics over the group's runs that have a
    value there (a run carries its last value inside its own range). ``std`` is the sample standard
    deviation, ``stderr`` = std / sqrt(count); null where ``count`` is 0."""

    key: str
    x: list[float]
    mean: list[float | None]
    min: list[float | None]
    max: list[float | None]
    std: list[float | None]
    stderr: list[float | None]
    count: list[int] = Field(description="How many of the group's runs contributed at each x.")


class GroupSeries(BaseModel):
    values: list[GroupValue] = Field(description="The group's value of each group_by key.")
    runs: int = Field(description="How many runs the group has (its n), with data or not.")
    series: list[GroupKeySeries]


class GroupSeriesResponse(BaseModel):
    group_by: list[str]
    total_runs: int = Field(description="Runs the filter selected (less the excluded ones).")
    total_groups: int
    groups: list[GroupSeries] = Field(description="Largest groups first (ties by their values).")


class GroupSummaryRequest(BaseModel):
    """Body of ``POST /api/v1/projects/{entity}/{project}/group-summary``: per group, statistics
    of one value per run (a summary metric or config value) over EVERY run the filter selects: a
    grouped bar panel's bars and a grouped scatter panel's group means."""

    filters: dict[str, Any] | None = Field(
        default=None, description="The runs to use: the runs list's filter (as for group-series)."
    )
    exclude: list[RunId] = Field(
        default_factory=list, max_length=10_000, description="Run ids left out (hidden from charts)."
    )
    group_by: list[str] = Field(min_length=1, max_length=6, description="As for group-series.")
    fields: list[str] = Field(
        min_length=1,
        max_length=20,
        description="'summary.<key>' or 'config.<key>' (nested keys joined with '.'): each run's "
        "number there (numbers, booleans as 0/1, numeric text; anything else is no value).",
    )
    groups: list[list[GroupValue]] | None = Field(
        default=None, max_length=1000, description="Only these groups, in this order; default: every group."
    )


class GroupFieldStats(BaseModel):
    """One field over a group's runs that have a number there: ``count`` of them, their mean, min,
    max, sample std (n - 1; 0 for one run) and stderr = std / sqrt(count); null when count is 0."""

    field: str
    count: int
    mean: float | None
    min: float | None
    max: float | None
    std: float | None
    stderr: float | None


class GroupSummary(BaseModel):
    values: list[GroupValue] = Field(description="The group's value of each group_by key.")
    runs: int = Field(description="How many runs the group has (its n), with a value or not.")
    fields: list[GroupFieldStats]


class GroupSummaryResponse(BaseModel):
    group_by: list[str]
    total_runs: int = Field(description="Runs the filter selected (less the excluded ones).")
    total_groups: int
    groups: list[GroupSummary] = Field(description="Largest groups first (ties by their values).")
