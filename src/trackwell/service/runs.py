"""Run lifecycle: create or resume (wandb's resume rules), edit, delete, read, query, crash marking.

Every use case is one transaction against the ``Database`` protocol; the upsert holds the run's row
lock so a resume racing a record batch (or another server process) sees a consistent run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.alerts import AlertList
from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.schema.records import OutputPage
from trackwell.schema.runs import ProjectList, RunList, RunOut, RunUpdate, RunUpsert
from trackwell.service.alerts import alert_out
from trackwell.service.naming import generated_display_name
from trackwell.service.run_edits import edit_values, merged_sdk_config
from trackwell.service.sweeps_runs import join_sweep, leave_sweep
from trackwell.store.base import CommentTarget, Database, RunChanges, RunKey, StoredRun, Visibility
from trackwell.store.base.runs import EVERY_RUN
from trackwell.store.base.scope import EVERY_PROJECT, ProjectScope

MAX_PAGE = 1000


def run_not_found(key: RunKey) -> NotFound:
    return NotFound(f"Run {key} does not exist", hint="check the entity, project and run id")


class RunService:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def upsert(self, key: RunKey, fields: RunUpsert, owner_id: int | None = None) -> RunOut:
        """Create or resume a run following ``fields.resume`` (never | allow | must); a new run is
        owned by ``owner_id`` (the caller, who may delete it without being an admin).

        A resumed run keeps its history, summary and config (the given config is merged over it)
        and is ``running`` again. ``next_seq`` tells the writer session where to continue: 0 for a
        new session, one past the last applied record for a session that reconnects.
        """
        try:
            return self._upsert_once(key, fields, owner_id)
        except Conflict:
            # Two writers created the same new run at once (e.g. two server processes): with
            # resume="allow" the loser resumes the winner's run instead of failing.
            if fields.resume != "allow":
                raise
            return self._upsert_once(key, fields, owner_id)

    def _upsert_once(self, key: RunKey, fields: RunUpsert, owner_id: int | None) -> RunOut:
        now = self._clock()
        with self._db.begin() as conn:
            if fields.sweep_id is not None:
                # The run joins its sweep (409 for an expired lease). First: the sweep's lock is
                # taken before the run's, in the order the sweep controller takes them.
                join_sweep(self._db, conn, key, fields, now)
            existing = self._db.runs.get_run(conn, key, lock=True)
            if existing is None:
                if fields.resume == "must":
                    raise NotFound(
                        f"Run {key.run_id} does not exist, but resume='must' requires it to exist",
                        field="resume",
                        hint="use resume='allow' or a new id",
                    )
                if fields.display_name is None:
                    _, total = self._db.runs.query_runs(conn, key.entity, key.project, EVERY_RUN, None, 1, 0)
                    fields = fields.model_copy(update={"display_name": generated_display_name(total + 1)})
                stored = self._db.runs.create_run(conn, key, fields, now, owner_id=owner_id)
                self._db.runs.update_run(conn, stored.pk, RunChanges(heartbeat_at=now, updated_at=now))
                resumed = False
            else:
                if fields.resume == "never":
                    raise Conflict(
                        f"Run {key} already exists and resume='never' forbids reusing it",
                        field="resume",
                        hint="use resume='allow' to continue it, or a new run id",
                    )
                self._db.runs.update_run(conn, existing.pk, _resume_changes(existing, fields, now))
                stored = existing
                resumed = True
            next_seq = self._db.runs.session_applied(conn, stored.pk, fields.session_id) + 1
            run = self._require(conn, key).run
        return run.model_copy(update={"resumed": resumed, "next_seq": next_seq})

    def get(self, key: RunKey) -> RunOut:
        with self._db.read() as conn:
            return self._require(conn, key).run

    def update(self, key: RunKey, update: RunUpdate) -> RunOut:
        """Edits from the UI or ``Api``: identity fields replace; config and summary keys are set or
        removed one by one and remembered, so that the SDK's later records keep them unless the SDK
        itself writes those keys (``service.run_edits``)."""
        with self._db.begin() as conn:
            stored = self._require(conn, key, lock=True)
            changes = RunChanges(
                display_name=update.display_name,
                group=update.group,
                job_type=update.job_type,
                tags=update.tags,
                notes=update.notes,
                updated_at=self._clock(),
            )
            edit_values(stored, update, changes)
            self._db.runs.update_run(conn, stored.pk, changes)
            return self._require(conn, key).run

    def delete(self, key: RunKey) -> None:
        """Remove the run and its history. File bytes stay: blobs are shared by content."""
        with self._db.begin() as conn:
            if not delete_run_in(self._db, conn, key):
                raise run_not_found(key)

    def query(
        self,
        entity: str,
        project: str,
        filters: str | None = None,
        order: str | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        metadata: bool = True,
        scope: ProjectScope = EVERY_PROJECT,
    ) -> RunList:
        """Runs of a project; ``filters`` is a MongoDB-style JSON document (wandb's ``Api.runs``).
        ``metadata=False`` leaves out each run's context: a 1,000-run list for the workspace table
        does not need 1,000 copies of git state, host facts and environment."""
        parsed = parse_filters(filters)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE}, got {limit}", field="limit")
        if offset < 0:
            raise InvalidArgument(f"offset must be >= 0, got {offset}", field="offset")
        with self._db.read() as conn:
            runs, total = self._db.runs.query_runs(
                conn, entity, project, parsed, order, limit, offset, metadata=metadata, scope=scope
            )
        return RunList(runs=runs, total=total, offset=offset, limit=limit)

    def projects(
        self, entity: str | None = None, search: str | None = None, scope: ProjectScope = EVERY_PROJECT
    ) -> ProjectList:
        """The projects within ``scope`` (``service.access.visible_projects`` of the caller)."""
        with self._db.read() as conn:
            return ProjectList(projects=self._db.runs.list_projects(conn, entity, search, scope))

    def set_visibility(self, entity: str, project: str, visibility: Visibility) -> None:
        """``NotFound`` (naming the project) when it does not exist."""
        with self._db.begin() as conn:
            self._db.users.set_project_visibility(conn, entity, project, visibility)

    def output(self, key: RunKey, offset: int = 0, limit: int = 1000) -> OutputPage:
        """Console lines ``offset..offset+limit`` (issue 5's log viewer pages through them)."""
        if not 1 <= limit <= MAX_PAGE * 10:
            raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE * 10}, got {limit}", field="limit")
        if offset < 0:
            raise InvalidArgument(f"offset must be >= 0, got {offset}", field="offset")
        with self._db.read() as conn:
            stored = self._require(conn, key)
            lines, total = self._db.output.read_lines(conn, stored.pk, offset, limit)
        return OutputPage(lines=lines, total=total, offset=offset)

    def alerts(self, key: RunKey, limit: int = MAX_PAGE) -> AlertList:
        """The run's alerts (``run.alert``), oldest first."""
        if not 1 <= limit <= MAX_PAGE * 10:
            raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE * 10}, got {limit}", field="limit")
        with self._db.read() as conn:
            stored = self._require(conn, key)
            found = self._db.alerts.list_alerts(conn, stored.pk, limit)
        return AlertList(alerts=[alert_out(a) for a in found])

    def mark_crashed(self, now: float, timeout: float) -> list[RunKey]:
        """Runs still ``running`` with no batch or heartbeat for ``timeout`` seconds become ``crashed``."""
        with self._db.begin() as conn:
            return self._db.runs.mark_stale_runs_crashed(conn, now - timeout, now)

    def _require(self, conn: Any, key: RunKey, *, lock: bool = False) -> StoredRun:
        stored = self._db.runs.get_run(conn, key, lock=lock)
        if stored is None:
            raise run_not_found(key)
        return stored


def delete_run_in(db: Database, conn: Any, key: RunKey) -> bool:
    """Delete the run and its history in the caller's transaction; False when it does not exist."""
    found = db.runs.get_run(conn, key)
    if found is not None and found.run.sweep_id is not None:
        leave_sweep(db, conn, key, found.run.sweep_id)  # the sweep's lock first
    stored = db.runs.get_run(conn, key, lock=True)
    if stored is None:
        return False
    db.history.delete_run(conn, stored.pk)
    db.runs.delete_run(conn, stored.pk)
    db.comments.delete_target(conn, CommentTarget(key.entity, key.project, "run", key.run_id))
    return True


def parse_filters(filters: str | None) -> dict[str, Any] | None:
    if filters is None or not filters.strip():
        return None
    try:
        parsed = json.loads(filters)
    except json.JSONDecodeError as exc:
        raise InvalidArgument(
            f"filters is not valid JSON: {exc.msg} at position {exc.pos}",
            field="filters",
            hint='pass a JSON object, e.g. {"state": "finished"}',
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidArgument(
            f"filters must be a JSON object, got {type(parsed).__name__}",
            field="filters",
            hint='pass a JSON object, e.g. {"state": "finished"}',
        )
    return parsed


def _resume_changes(existing: StoredRun, fields: RunUpsert, now: float) -> RunChanges:
    config = edits = None
    if fields.config:  # merged over the stored config; Api edits of keys it leaves alone stay
        config, edits = merged_sdk_config(existing, fields.config)
    return RunChanges(
        state="running",
        display_name=fields.display_name,
        group=fields.group,
        job_type=fields.job_type,
        tags=fields.tags,  # wandb: tags given on resume replace the old ones
        notes=fields.notes,
        config=config,
        edits=edits,
        heartbeat_at=now,
        updated_at=now,
    )
