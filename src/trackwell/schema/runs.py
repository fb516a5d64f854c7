"""Runs and projects: what the SDK sends to create or resume a run, and what readers get back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from trackwell.schema.base import WireModel
from trackwell.schema.name_types import DisplayName, Label, Tag

# "stopped": a sweep trial that hyperband or a cancel stopped (its summary holds _sweep_stop_reason).
RunState = Literal["running", "finished", "failed", "killed", "crashed", "stopped"]
ResumeMode = Literal["never", "allow", "must"]


class RunError(WireModel):
    """Why a run failed: the exception that ended it."""

    type: str | None = None
    message: str
    traceback: str | None = None


class RunUpsert(WireModel):
    """Body of ``PUT /api/v1/runs/{entity}/{project}/{run_id}``: create a run, or resume it.

    ``resume`` follows wandb: ``never`` fails with 409 when the run exists, ``must`` fails with 404
    when it does not, ``allow`` resumes when it exists and creates it otherwise. Resuming sets the
    state back to ``running`` and keeps history, summary and config (the given config is merged in).
    """

    session_id: str = Field(
        description="Random id of this writer process; records are sequenced per session."
    )
    resume: ResumeMode = "never"
    display_name: DisplayName | None = None
    group: Label | None = None
    job_type: Label | None = None
    tags: list[Tag] | None = None
    notes: str | None = None
    config: dict[str, Any] | None = None
    host: str | None = None
    program: str | None = None
    sweep_id: str | None = None
    started_at: float | None = Field(default=None, description="Client clock, seconds since the epoch.")


class RunUpdate(WireModel):
    """Body of ``PATCH /api/v1/runs/{entity}/{project}/{run_id}``: edits from the UI or ``Api``."""

    display_name: DisplayName | None = None
    group: Label | None = None
    job_type: Label | None = None
    tags: list[Tag] | None = None
    notes: str | None = None
    summary: dict[str, Any] | None = Field(default=None, description="Keys to set in the summary (merge).")
    summary_remove: list[str] | None = Field(default=None, description="Summary keys to remove.")
    config: dict[str, Any] | None = Field(default=None, description="Config keys to set (merge).")
    config_remove: list[str] | None = Field(default=None, description="Config keys to remove.")


class RunOut(WireModel):
    id: str
    entity: str
    project: str
    display_name: str
    state: RunState
    group: str | None = None
    job_type: str | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    summary: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict, description="Run context: host, git, python, ...")
    host: str | None = None
    program: str | None = None
    sweep_id: str | None = None
    created_at: float
    updated_at: float
    heartbeat_at: float | None = None
    finished_at: float | None = None
    runtime: float = Field(0.0, description="Seconds the run has been running (sum over resumed sessions).")
    exit_code: int | None = None
    error: RunError | None = None
    last_step: int | None = Field(default=None, description="Highest _step in history; None when empty.")
    history_count: int = 0
    resumed: bool = Field(False, description="True in the upsert answer when an existing run was resumed.")
    next_seq: int = Field(0, description="In the upsert answer: the first seq this session should use.")
    metric_definitions: list[dict[str, Any]] = Field(default_factory=list)
    archived_at: float | None = Field(
        default=None, description="When the run was archived (hidden from lists unless asked for); None: not."
    )


class RunList(WireModel):
    runs: list[RunOut]
    total: int
    offset: int
    limit: int


ProjectVisibilityName = Literal["private", "team", "public"]


class ProjectOut(WireModel):
    entity: str
    name: str
    run_count: int
    running_count: int = 0
    created_at: float
    last_activity: float | None = None
    visibility: ProjectVisibilityName = Field(
        "team",
        description="private and team: the entity's members (any role) read it; public: every signed-in "
        "user reads it too",
    )


class ProjectVisibility(WireModel):
    """Body of ``PUT /api/v1/projects/{entity}/{project}/visibility`` (an admin of the entity)."""

    visibility: ProjectVisibilityName


class ProjectList(WireModel):
    projects: list[ProjectOut]
