"""Saved views: named workspace layouts of a project, shared with everyone who can see the project.

A view is a panel layout (the same document as a user's own layout, ``schema.layout``) plus the
workspace's URL state (filter, grouping, sorting, x axis, smoothing, ...), a name unique in its
project, an optional description and its owner. Everyone who can see the project lists and opens its
views; only the owner (or an admin) renames, overwrites or deletes one.

``ViewState`` holds the URL parameters as the workspace writes them (``q``, ``group``, ``x``, ...,
mapped to these field names in ``web/src/lib/views.ts``); their meaning belongs to the UI's parsers,
so the server keeps them as given, within size limits. ``ViewState.table`` (``ViewTable``) holds what
the browser keeps per user and project outside the URL (hidden runs, pinned, hidden and resized
columns, the table/charts split; mapped in ``web/src/lib/viewsTable.ts``): its values are checked
here, since a bad one would break the table of everyone who opens the view.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from trackwell.schema.layout import WorkspaceLayout
from trackwell.schema.name_types import Label, RunId

MAX_VIEWS_PER_PROJECT = 1000
MAX_DESCRIPTION_LENGTH = 2000
VIEW_ID_PATTERN = r"^[a-z0-9]{1,16}$"


def _normalize_name(value: object) -> object:
    # Names that the menu shows alike are one name: "  loss curves " and "loss curves" (outer
    # spaces), "loss  curves" (HTML shows a run of spaces as one), and "é" typed as one code point or
    # as "e" and a combining accent (NFC).
    if not isinstance(value, str):
        return value
    return re.sub(" {2,}", " ", unicodedata.normalize("NFC", value).strip())


ViewName = Annotated[Label, BeforeValidator(_normalize_name)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH)]
ViewId = Annotated[str, Field(pattern=VIEW_ID_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The runs table's fixed columns (web/src/pages/Workspace.tsx); the others are `c:<config key>` and
# `s:<summary key>`.
BUILT_IN_COLUMNS = frozenset(("name", "state", "created", "runtime", "group", "job_type", "tags", "notes"))
MAX_COLUMN_ID_LENGTH = 600
MAX_TABLE_COLUMNS = 2000
MAX_HIDDEN_RUNS = 10_000
# web/src/lib/runColumns.ts (MIN_COLUMN_PX, MAX_COLUMN_PX) and split.ts (MIN_TABLE_PX).
MIN_COLUMN_PX = 60
MAX_COLUMN_PX = 1200
MIN_TABLE_PX = 300
MAX_TABLE_PX = 20_000


def _column_id(value: str) -> str:
    if value in BUILT_IN_COLUMNS or (value[:2] in ("c:", "s:") and len(value) > 2):
        return value
    raise ValueError(
        f"{value[:80]!r} is no column of the runs table: use one of {', '.join(sorted(BUILT_IN_COLUMNS))}, "
        "'c:<config key>' or 's:<summary key>'"
    )


ColumnId = Annotated[str, Field(min_length=1, max_length=MAX_COLUMN_ID_LENGTH), AfterValidator(_column_id)]
ColumnWidth = Annotated[int, Field(ge=MIN_COLUMN_PX, le=MAX_COLUMN_PX)]


def _unique(values: list[str]) -> list[str]:
    # A column pinned twice or a run hidden twice means the same as once: keep the first.
    return list(dict.fromkeys(values))


class ViewSplit(_Strict):
    """The split between the runs table and the charts (web/src/lib/split.ts)."""

    mode: Literal["split", "list", "table"] = Field(
        description="'split': the table beside the charts; 'list': a narrow run list; 'table': the "
        "table across the whole width, no charts."
    )
    width: int | None = Field(
        default=None,
        ge=MIN_TABLE_PX,
        le=MAX_TABLE_PX,
        description="The table's width in CSS pixels in the 'split' mode; null: the default share.",
    )


class ViewTable(_Strict):
    """The runs table as the browser keeps it per user and project, saved with a view so that
    everyone who opens the view sees it so. A field that is null (or absent: views saved before it
    existed) is not part of the view: the user's own setting applies."""

    hidden_runs: Annotated[list[RunId], AfterValidator(_unique)] | None = Field(
        default=None,
        max_length=MAX_HIDDEN_RUNS,
        description="Ids of the runs hidden from the charts (the eye in the runs table).",
    )
    pinned_columns: Annotated[list[ColumnId], AfterValidator(_unique)] | None = Field(
        default=None, max_length=MAX_TABLE_COLUMNS, description="Columns pinned to the left, in order."
    )
    hidden_columns: Annotated[list[ColumnId], AfterValidator(_unique)] | None = Field(
        default=None, max_length=MAX_TABLE_COLUMNS, description="Columns the column picker hides."
    )
    column_widths: dict[ColumnId, ColumnWidth] | None = Field(
        default=None,
        max_length=MAX_TABLE_COLUMNS,
        description="Widths the user dragged, in CSS pixels, by column id; others have their default.",
    )
    split: ViewSplit | None = Field(default=None, description="The table/charts split.")


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
    table: ViewTable | None = Field(
        default=None, description="The runs table's browser-kept state (not a URL parameter)."
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
