"""The saved workspace layout: which panels a user added, moved, resized or removed in one project.

A versioned JSON document, stored per (user, project). The UI merges it with the panels it creates by
itself (one line chart per numeric metric): saved panels keep their place, size and settings, auto
panels the user removed stay away (``removed``), and metrics that appear later get their own panel
at the end of their section. Panel order is the order of ``panels``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_PANELS = 500
MAX_LAYOUT_BYTES = 256 * 1024
# A markdown note's text: a page of notes, well inside the layout's byte limit.
MAX_NOTE_CHARS = 16_000
# Colours the user picked for runs and groups: a key per run or group, a hex colour each.
MAX_RUN_COLORS = 2000
PANEL_TYPES = (
    "line",
    "bar",
    "scatter",
    "parallel",
    "importance",
    "comparer",
    "scalar",
    "markdown",
    "media",
    "lineage",
)
# How many hops either way a lineage panel may draw (the artifact page's Lineage tab offers 1-6).
MAX_LINEAGE_DEPTH = 6
# A lineage panel's artifact: a name, a colon, then an alias or `vN` (no project path).
LINEAGE_ARTIFACT = re.compile(r"^[^:/]+:[^:/]+$")

Key = Annotated[str, Field(min_length=1, max_length=512)]
PanelId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-.:/]{1,200}$")]
# A per-run value a panel plots: ``summary.<key>`` or ``config.<key>`` (flattened, e.g. ``config.opt.lr``).
RunField = Annotated[str, Field(min_length=1, max_length=512, pattern=r"^(summary|config)\.")]
# ``run_colors`` keys: a run's id, or ``group:<label>`` for a group of the workspace's grouping.
ColorKey = Annotated[str, Field(min_length=1, max_length=600)]
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PanelSize(_Strict):
    width: Literal["third", "half", "full"] = "third"
    height: Literal["small", "medium", "large"] = "medium"


class SmoothingSpec(_Strict):
    kind: Literal["none", "ema", "gaussian", "average"] = "none"
    param: float | None = Field(default=None, ge=0, le=1000)


class RunSelection(_Strict):
    """Which of the workspace's drawn runs a panel shows (the runs table's filter, hidden runs and
    "Runs in charts" limit come first: a selection narrows them, never adds runs). Every field that is
    set applies; a panel without a selection shows every drawn run."""

    ids: list[Annotated[str, Field(min_length=1, max_length=128)]] | None = Field(
        default=None, min_length=1, max_length=1000, description="Run ids (the id in the run's URL)."
    )
    name_regex: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Runs whose display name this regular expression finds (a search, not a full match).",
    )
    groups: list[Key] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Group labels of the workspace's grouping; applies while the runs are grouped.",
    )

    @field_validator("name_regex")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(
                    f"name_regex {pattern!r} is not a regular expression ({e}); "
                    "escape special characters with a backslash"
                ) from None
        return pattern

    @model_validator(mode="after")
    def _says_something(self) -> RunSelection:
        if self.ids is None and self.name_regex is None and self.groups is None:
            raise ValueError(
                "a run selection needs ids, name_regex or groups; use null to show every drawn run"
            )
        return self


class _PanelBase(_Strict):
    id: PanelId
    section: str = Field(min_length=1, max_length=200, description="The section the panel sits in.")
    size: PanelSize = Field(default_factory=PanelSize)
    title: str | None = Field(default=None, max_length=200)


class LinePanel(_PanelBase):
    """Line chart of one or more history metrics over an x axis. ``auto`` marks the panel the
    workspace created for a metric (moved or resized by the user, so it was saved)."""

    type: Literal["line"] = "line"
    metrics: list[Key] = Field(min_length=1, max_length=10)
    x_axis: str | None = Field(
        default=None,
        max_length=512,
        description="'step', 'wall', 'relative' or 'm:<metric>'; null follows the workspace setting.",
    )
    smoothing: SmoothingSpec | None = Field(default=None, description="null follows the workspace setting.")
    log_scale: bool = False
    auto: bool = False
    # Added with the panel editor (all optional, so layouts saved before still read).
    y_min: float | None = Field(
        default=None, allow_inf_nan=False, description="Lower end of the y axis; null: from the data."
    )
    y_max: float | None = Field(
        default=None, allow_inf_nan=False, description="Upper end of the y axis; null: from the data."
    )
    runs: RunSelection | None = Field(
        default=None, description="Which drawn runs the chart shows; null: all of them."
    )

    @model_validator(mode="after")
    def _y_range_ordered(self) -> LinePanel:
        if self.y_min is not None and self.y_max is not None and self.y_min >= self.y_max:
            raise ValueError(
                f"y_min ({self.y_min:g}) must be below y_max ({self.y_max:g}); "
                "leave one of them empty to take it from the data"
            )
        return self


class BarPanel(_PanelBase):
    """A summary metric across the visible runs, one bar per run in its colour."""

    type: Literal["bar"] = "bar"
    metric: Key = Field(description="A summary key, e.g. 'val/acc'.")
    sort: Literal["desc", "asc", "none"] = "desc"
    runs: RunSelection | None = Field(
        default=None, description="Which drawn runs get a bar; null: all of them."
    )


class ScatterPanel(_PanelBase):
    """One point per visible run: x and y are summary or config values (``summary.<key>`` or
    ``config.<key>``)."""

    type: Literal["scatter"] = "scatter"
    x: Key = Field(pattern=r"^(summary|config)\.")
    y: Key = Field(pattern=r"^(summary|config)\.")
    log_x: bool = False
    log_y: bool = False
    runs: RunSelection | None = Field(
        default=None, description="Which drawn runs get a point; null: all of them."
    )


class ParallelPanel(_PanelBase):
    """Parallel coordinates of the workspace's runs: an axis per field, a line per run coloured by
    ``color`` (W&B's parallel coordinates panel; the sweep page draws the same)."""

    type: Literal["parallel"] = "parallel"
    axes: list[RunField] = Field(min_length=2, max_length=20, description="Axes, left to right.")
    color: RunField | None = Field(
        default=None, description="Colour lines by this field; null: the last axis."
    )
    log_axes: list[RunField] = Field(default_factory=list, max_length=20, description="Axes on a log scale.")


class ImportancePanel(_PanelBase):
    """Parameter importance and correlation of config keys with a summary metric, over the runs the
    workspace's filter selects (``GET /api/v1/projects/{entity}/{project}/importance``)."""

    type: Literal["importance"] = "importance"
    metric: Key = Field(description="A summary key, e.g. 'val/loss'.")
    params: list[Key] | None = Field(
        default=None, max_length=200, description="Config keys to rate (flattened); null: every key."
    )


class ComparerPanel(_PanelBase):
    """Run comparer: the config and summary of the visible runs side by side, a column per run
    (``runs`` narrows them to chosen ones), by default only the keys whose values differ."""

    type: Literal["comparer"] = "comparer"
    runs: RunSelection | None = Field(
        default=None, description="Which drawn runs to compare; null: all of them."
    )
    diff_only: bool = Field(default=True, description="Show only the keys whose values differ.")


class ScalarPanel(_PanelBase):
    """One big number: a summary metric's ``aggregate`` over the visible runs (per group while the
    workspace is grouped); a selection of one run shows that run's value. ``last`` is the value of
    the newest run."""

    type: Literal["scalar"] = "scalar"
    metric: Key = Field(description="A summary key, e.g. 'val/acc'.")
    aggregate: Literal["mean", "min", "max", "last"] = "mean"
    runs: RunSelection | None = Field(default=None, description="Which drawn runs count; null: all of them.")


class MarkdownPanel(_PanelBase):
    """A note the user writes, rendered as Markdown (GitHub flavour; raw HTML is shown as text)."""

    type: Literal["markdown"] = "markdown"
    # The limit is checked below, with a message that says how long the note is; the schema states it.
    text: str = Field(default="", json_schema_extra={"maxLength": MAX_NOTE_CHARS})

    @field_validator("text")
    @classmethod
    def _note_size(cls, text: str) -> str:
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(
                f"the note is {len(text)} characters, more than the limit of {MAX_NOTE_CHARS}; "
                "shorten it or split it into two notes"
            )
        return text


class MediaPanel(_PanelBase):
    """One media key (images, audio, tables, ...) of the visible runs side by side, on a step slider."""

    type: Literal["media"] = "media"
    key: Key = Field(description="A history key holding media, e.g. 'samples'.")
    runs: RunSelection | None = Field(
        default=None, description="Which drawn runs it shows; null: all of them."
    )


class LineagePanel(_PanelBase):
    """An artifact version's lineage: the runs that logged and used it and the versions around
    them, ``depth`` hops either way (the artifact page's Lineage tab, placed like any panel). The
    artifact is in the project the panel draws from (the workspace's, or a report grid's first
    run set)."""

    type: Literal["lineage"] = "lineage"
    artifact: str = Field(
        min_length=3,
        max_length=300,
        description="'name:alias' or 'name:vN', e.g. 'mnist-model:latest' or 'mnist-model:v3'.",
        json_schema_extra={"pattern": LINEAGE_ARTIFACT.pattern},
    )
    artifact_type: str | None = Field(
        default=None, max_length=128, description="The artifact's type (e.g. 'model'), shown; null: any."
    )
    depth: int = Field(default=2, ge=1, le=MAX_LINEAGE_DEPTH, description="Hops either way.")

    @field_validator("artifact")
    @classmethod
    def _names_a_version(cls, artifact: str) -> str:
        if not LINEAGE_ARTIFACT.match(artifact):
            raise ValueError(
                f"artifact {artifact[:80]!r} names no version; write 'name:alias' or 'name:vN', "
                "e.g. 'mnist-model:latest'"
            )
        return artifact


Panel = Annotated[
    LinePanel
    | BarPanel
    | ScatterPanel
    | ParallelPanel
    | ImportancePanel
    | ComparerPanel
    | ScalarPanel
    | MarkdownPanel
    | MediaPanel
    | LineagePanel,
    Field(discriminator="type"),
]


class WorkspaceLayout(_Strict):
    """Body of ``PUT /api/v1/layouts/{entity}/{project}``."""

    version: Literal[1] = 1
    panels: list[Panel] = Field(default_factory=list, max_length=MAX_PANELS)
    removed: list[Key] = Field(
        default_factory=list,
        max_length=5000,
        description="Metrics whose auto-created panel the user removed.",
    )
    # Added with per-run colours (optional, so layouts saved before still read).
    run_colors: dict[ColorKey, str] | None = Field(
        default=None,
        description=(
            "Colours picked by the user, '#rrggbb', by run id or 'group:<label>'; "
            "a run or group not listed keeps its automatic colour."
        ),
        json_schema_extra={"maxProperties": MAX_RUN_COLORS},
    )

    @field_validator("run_colors")
    @classmethod
    def _hex_colors(cls, colors: dict[str, str] | None) -> dict[str, str] | None:
        if colors is None:
            return None
        if len(colors) > MAX_RUN_COLORS:
            raise ValueError(
                f"run_colors has {len(colors)} entries, more than the limit of {MAX_RUN_COLORS}; "
                "reset the colours of runs you no longer need"
            )
        for key, color in colors.items():
            if not HEX_COLOR.match(color):
                raise ValueError(
                    f"run_colors[{key!r}] is {color!r}; "
                    "a colour must be '#rrggbb' (six hex digits), e.g. '#1f77b4'"
                )
        return colors

    @field_validator("panels", mode="before")
    @classmethod
    def _known_panel_types(cls, panels: object) -> object:
        # Pydantic's own message for an unknown tag is hard to read; this one names the fix.
        if isinstance(panels, list):
            for i, panel in enumerate(panels):
                kind = panel.get("type") if isinstance(panel, dict) else None
                if kind not in PANEL_TYPES:
                    raise ValueError(
                        f"panel {i} has type {kind!r}; a panel type must be one of {', '.join(PANEL_TYPES)}"
                    )
        return panels

    @model_validator(mode="after")
    def _unique_ids(self) -> WorkspaceLayout:
        seen: set[str] = set()
        for panel in self.panels:
            if panel.id in seen:
                raise ValueError(f"panel id {panel.id!r} appears twice; each panel needs its own id")
            seen.add(panel.id)
        return self


class WorkspaceLayoutOut(BaseModel):
    """The signed-in user's layout of a project. ``saved`` is false (and ``layout`` empty) for a user
    who never changed it: the UI then shows the automatic layout."""

    entity: str
    project: str
    saved: bool
    updated_at: float | None = None
    layout: WorkspaceLayout
