"""Wire models the web UI needs beyond the SDK's API: browser sessions and bulk chart reads.

Kept apart from the SDK-facing models so UI-only fields can change with the UI (the TypeScript client
in ``web/src/api/generated`` is generated from the OpenAPI spec these models produce).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from trackwell.schema.history import Series
from trackwell.schema.name_types import EntityName, ProjectName, RunId


class SessionCreate(BaseModel):
    """Body of ``POST /api/v1/session``: sign in with an API key."""

    api_key: str = Field(min_length=1, repr=False, description="An API key of this server.")


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
