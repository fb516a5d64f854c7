"""Saved views: named workspace layouts of a project, shared with everyone who can see the project.

A view is a panel layout (the same document as a user's own layout, ``schema.layout``) plus the
workspace's URL state (filter, grouping, sorting, x axis, smoothing, ...), a name unique in its
project, an optional description and its owner. Everyone who can see the project lists and opens its
views; only the owner (or an admin) renames, overwrites or deletes one.

``ViewState`` holds the URL parameters as the workspace writes them (``q``, ``group``, ``x``, ...,
mapped to these field names in ``web/src/lib/views.ts``); their meaning belongs to the UI's parsers,
so the server keeps them as given, within size limits.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from trackwell.schema.layout import WorkspaceLayout
from trackwell.schema.name_types import Label

MAX_VIEWS_PER_PROJECT = 1000
MAX_DESCRIPTION_LENGTH = 2000
VIEW_ID_PATTERN = r"^[a-z0-9]{1,16}$"


def _strip(value: object) -> object:
    # "  loss curves " and "loss curves" are one name: the menu shows them alike.
    return value.strip() if isinstance(value, str) else value


ViewName = Annotated[Label, BeforeValidator(_strip)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH)]
ViewId = Annotated[str, Field(pattern=VIEW_ID_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ViewState(_Strict):
    """The workspace's URL state. ``null`` (or absent) is the workspace's default for that setting."""

    filter: str | None = Field(
        default=None, max_length=8192, description="URL `q`: the JSON filter or the short form."
    )
    group_by: str | None = Field(default=None, max_length=2048, description="URL `group`.")
    sort: str | None = Field(default=None, max_length=2048, description="URL `sort`: `-col,col2`.")
    x_axis: str | None = Field(
        default=None, max_length=600, description="URL `x`: 'wall', 'relative' or 'm:<metric>'."
    )
    smoothing: str | None = Field(default=None, max_length=64, description="URL `smooth`: `kind[:param]`.")
    band: Literal["std"] | None = Field(default=None, description="URL `band`: null is min-max.")
    max_runs: int | None = Field(default=None, ge=1, le=100_000, description="URL `max`: runs in charts.")
    panel_search: str | None = Field(default=None, max_length=1024, description="URL `panels`.")
    zoom: str | None = Field(default=None, max_length=16_384, description="URL `zoom`: zoomed charts.")
    legend: Literal["right", "hidden"] | None = Field(
        default=None, description="URL `legend`: where charts show their legend; null is below the chart."
    )


class ViewCreate(_Strict):
    """Body of ``POST /api/v1/views/{entity}/{project}``."""

    name: ViewName
    description: Description | None = None
    layout: WorkspaceLayout = Field(default_factory=WorkspaceLayout)
    state: ViewState = Field(default_factory=ViewState)


class ViewUpdate(_Strict):
    """Body of ``PATCH /api/v1/views/{entity}/{project}/{view_id}``: the fields given are replaced
    (``layout`` and ``state`` whole); ``description: null`` clears it."""

    name: ViewName | None = None
    description: Description | None = None
    layout: WorkspaceLayout | None = None
    state: ViewState | None = None

    @model_validator(mode="after")
    def _something(self) -> ViewUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to change: give name, description, layout or state")
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name: a view needs a name; leave the field out to keep it")
        return self


class ViewSummary(BaseModel):
    """One view in the project's list. ``owner`` is null once the owner's account is gone;
    ``can_edit``: whether the caller may rename, overwrite or delete it."""

    id: str
    entity: str
    project: str
    name: str
    description: str | None = None
    owner: str | None = None
    created_at: float
    updated_at: float
    can_edit: bool


class ViewOut(ViewSummary):
    layout: WorkspaceLayout
    state: ViewState


class ViewList(BaseModel):
    """The project's views, by name."""

    views: list[ViewSummary]
