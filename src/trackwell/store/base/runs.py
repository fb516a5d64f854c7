"""Runs: their key, what is stored and what a change sets, and the :class:`RunStore` interface (runs,
projects, writer-session bookkeeping, crash detection).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.runs import ProjectOut, RunError, RunOut, RunState, RunUpsert
from trackwell.store.base.scope import EVERY_PROJECT, ProjectScope

# A runs filter that selects every run, archived or not.
EVERY_RUN: dict[str, Any] = {"archived": {"$in": [True, False]}}


@dataclass(frozen=True, slots=True)
class RunKey:
    entity: str
    project: str
    run_id: str

    def __str__(self) -> str:
        return f"{self.entity}/{self.project}/{self.run_id}"


@dataclass(frozen=True, slots=True)
class StoredRun:
    pk: int
    run: RunOut
    # Api write-backs still in force over the SDK's config/summary (``service.run_edits``).
    edits: dict[str, Any] | None = None
    owner_id: int | None = None  # the user who created it (None: created before runs had owners)


@dataclass(frozen=True, slots=True)
class RunHandle:
    """What a reader of a run's history needs, without decoding the run's config and summary."""

    pk: int
    last_step: int | None


@dataclass(slots=True)
class RunChanges:
    """Fields to change on a run; ``None`` means "leave as is"."""

    state: RunState | None = None
    display_name: str | None = None
    group: str | None = None
    job_type: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    config: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    edits: dict[str, Any] | None = None  # {} clears them
    metadata: dict[str, Any] | None = None
    metric_definitions: list[dict[str, Any]] | None = None
    heartbeat_at: float | None = None
    finished_at: float | None = None
    runtime: float | None = None
    exit_code: int | None = None
    error: RunError | None = None
    last_step: int | None = None
    history_count: int | None = None
    updated_at: float | None = None


class RunStore(Protocol):
    def get_run(self, conn: Connection, key: RunKey, *, lock: bool = False) -> StoredRun | None:
        """``lock=True`` takes a row lock (PostgreSQL ``FOR UPDATE``) so concurrent batches for one
        run are applied one after the other, also across server processes."""

    def get_runs(
        self, conn: Connection, entity: str, project: str, run_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, StoredRun]:
        """Many runs of one project by id (archived or not); missing ids are absent from the answer.
        ``lock=True`` locks their rows, in primary-key order."""

    def find_runs(
        self, conn: Connection, keys: Sequence[RunKey], scope: ProjectScope = EVERY_PROJECT
    ) -> dict[RunKey, RunHandle]:
        """Primary keys and last steps of many runs at once (a workspace chart's runs); runs that
        do not exist, or are in projects outside ``scope``, are absent from the answer."""

    def project_run_pks(self, conn: Connection, entity: str, project: str) -> list[int]:
        """Primary keys of every run in the project (none when the project does not exist)."""

    def create_run(
        self, conn: Connection, key: RunKey, fields: RunUpsert, now: float, *, owner_id: int | None = None
    ) -> StoredRun:
        """Create the run (and its entity and project when new), owned by ``owner_id`` (who may
        delete it without being an admin). Raises ``Conflict`` if it exists."""

    def update_run(self, conn: Connection, pk: int, changes: RunChanges) -> None: ...

    def delete_run(self, conn: Connection, pk: int) -> None: ...

    def set_archived(self, conn: Connection, pks: Sequence[int], archived_at: float | None) -> None:
        """Archive the runs (``archived_at`` a time) or restore them (None)."""

    def move_runs(self, conn: Connection, pks: Sequence[int], entity: str, project: str, now: float) -> None:
        """Move the runs, with everything they logged, to ``entity/project`` (created when new). The
        caller checks first that no run of the same id is there."""

    def query_runs(
        self,
        conn: Connection,
        entity: str,
        project: str,
        filters: dict[str, Any] | None,
        order: str | None,
        limit: int,
        offset: int,
        *,
        metadata: bool = True,
        scope: ProjectScope = EVERY_PROJECT,
    ) -> tuple[list[RunOut], int]:
        """Runs matching MongoDB-style ``filters`` (evaluated in SQL) and their total count;
        ``metadata=False`` leaves each run's metadata empty without reading it.

        Runs that are archived are left out unless ``filters`` names ``archived`` (``{"archived":
        true}``: only those; ``{"archived": {"$in": [true, false]}}``: all).

        Fields: ``state, display_name, group, job_type, tags, created_at, updated_at, heartbeat_at,
        host, sweep_id, config.<path>, summary_metrics.<path>`` (wandb's camelCase names such as
        ``createdAt``, ``displayName``, ``jobType`` are accepted too). Operators: ``$and $or $nor $eq $ne
        $gt $gte $lt $lte $in $nin $regex $exists``. ``order``: ``[+|-]field``, default ``-created_at``.
        Unknown fields or operators raise ``InvalidArgument`` naming them. A project outside
        ``scope`` has no runs, whatever the filter."""

    def list_projects(
        self, conn: Connection, entity: str | None, search: str | None, scope: ProjectScope = EVERY_PROJECT
    ) -> list[ProjectOut]:
        """Projects (of ``entity`` when given, names containing ``search``) within ``scope``."""

    def session_applied(self, conn: Connection, run_pk: int, session_id: str) -> int:
        """Highest seq applied for this writer session, -1 when none."""

    def set_session_applied(self, conn: Connection, run_pk: int, session_id: str, seq: int) -> None: ...

    def mark_stale_runs_crashed(self, conn: Connection, heartbeat_before: float, now: float) -> list[RunKey]:
        """Runs still ``running`` whose last heartbeat is older than ``heartbeat_before`` become
        ``crashed``. Safe to call from several server processes at once."""
