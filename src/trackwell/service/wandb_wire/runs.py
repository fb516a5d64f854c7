"""UpsertBucket and RunResumeStatus: a wandb client's run, created, resumed and updated through the
same :class:`~trackwell.service.runs.RunService` and records as a Trackwell SDK run.

Who may do it is decided by :mod:`trackwell.service.access` only: writing a run is
``project.write`` on its project, reading its resume state ``project.read``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from trackwell.schema.errors import NotFound
from trackwell.schema.names import check_name, check_run_id
from trackwell.schema.records import ConfigRecord, Record, RunMetaRecord, SummaryRecord
from trackwell.schema.runs import RunOut, RunUpsert
from trackwell.service.access import Action, ProjectRef, authorize
from trackwell.service.project_access import authorize_project
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.service.wandb_wire import translate
from trackwell.store.base import Database, Principal, RunKey

DEFAULT_PROJECT = "uncategorized"  # wandb's project when none is given
# Record sessions of a wandb client's run (RecordService): history and system metrics are numbered
# by the client's line offsets; the rest replace what they describe (RecordService.apply_latest).
HISTORY_SESSION = "wandb:history"
EVENTS_SESSION = "wandb:events"
STATE_SESSION = "wandb:state"
# What RunService.upsert calls the writer (its next_seq is not used: see the sessions above).
UPSERT_SESSION = "wandb"


@dataclass(frozen=True, slots=True)
class Bucket:
    """A run as the protocol describes it, with the line counts a resuming client continues from."""

    run: RunOut
    inserted: bool
    history_lines: int
    events_lines: int
    log_lines: int


class WandbRuns:
    def __init__(self, db: Database, runs: RunService, records: RecordService) -> None:
        self._db = db
        self.runs = runs
        self._records = records

    # -- who and where ---------------------------------------------------------------------------
    # The caller's Principal comes from AuthService.principal (roles cached with the key); a
    # project is authorized by service.project_access.authorize_project, as every route is.

    def project_ref(self, entity: str, project: str) -> ProjectRef:
        with self._db.read() as conn:
            visibility = self._db.users.project_visibility(conn, entity, project)
        return ProjectRef(entity=entity, project=project, visibility=visibility)

    def project_path(self, principal: Principal, entity: str | None, project: str | None) -> tuple[str, str]:
        """wandb's defaults filled in (the caller's entity, "uncategorized") and both names checked."""
        return check_name("entity", entity or principal.user.entity), check_name(
            "project", project or DEFAULT_PROJECT
        )

    def run_key(self, principal: Principal, entity: str | None, project: str | None, name: str) -> RunKey:
        entity, project = self.project_path(principal, entity, project)
        return RunKey(entity=entity, project=project, run_id=check_run_id("name", name))

    def authorize(self, principal: Principal, action: Action, key: RunKey) -> None:
        self.authorize_project(principal, action, key.entity, key.project)

    def authorize_project(self, principal: Principal, action: Action, entity: str, project: str) -> None:
        authorize_project(self._db, principal, entity, project, action)

    def authorize_ref(self, principal: Principal, action: Action, ref: ProjectRef) -> None:
        authorize(principal, action, ref)

    # -- UpsertBucket ----------------------------------------------------------------------------

    def upsert_bucket(self, principal: Principal, key: RunKey, fields: dict[str, Any]) -> Bucket:
        """Create the run, resume it, or update it (section 3.2): the client's first UpsertBucket
        of a session carries ``host``/``program``; later ones (debounced) carry only the config,
        and the public API's carry identity fields or ``summaryMetrics``."""
        self.authorize(principal, Action.PROJECT_WRITE, key)
        config, internal = translate.unwrap_config(fields.get("config"))
        existing = self._find(key)
        starting = existing is None or fields.get("host") is not None or fields.get("program") is not None
        if starting:
            run = self.runs.upsert(
                key,
                RunUpsert(
                    session_id=UPSERT_SESSION,
                    resume="allow",
                    display_name=fields.get("displayName"),
                    group=fields.get("groupName"),
                    job_type=fields.get("jobType"),
                    tags=fields.get("tags"),
                    notes=fields.get("notes"),
                    config=config if fields.get("config") is not None else None,
                    host=fields.get("host"),
                    program=fields.get("program"),
                    sweep_id=fields.get("sweep"),
                ),
                owner_id=principal.user.id,  # a member may delete the runs they logged
            )
        records = self._update_records(fields, config, internal, meta=not starting)
        if records:
            self._records.apply_latest(key, STATE_SESSION, records)
        if not starting or records:
            run = self.runs.get(key)
        return self._bucket(key, run, inserted=existing is None)

    def _update_records(
        self, fields: dict[str, Any], config: dict[str, Any], internal: dict[str, Any], *, meta: bool
    ) -> list[Record]:
        records: list[Record] = []
        if fields.get("config") is not None:
            records.append(ConfigRecord(seq=0, values=config))
            records.extend(translate.metric_definitions(internal))
        if meta:
            changes = {
                "display_name": fields.get("displayName"),
                "group": fields.get("groupName"),
                "job_type": fields.get("jobType"),
                "tags": fields.get("tags"),
                "notes": fields.get("notes"),
            }
            if any(v is not None for v in changes.values()):
                records.append(RunMetaRecord(seq=0, **changes))
        summary = fields.get("summaryMetrics")
        if summary is not None:
            records.append(SummaryRecord(seq=0, values=translate.summary_values(summary)))
        return records

    def _find(self, key: RunKey) -> RunOut | None:
        try:
            return self.runs.get(key)
        except NotFound:
            return None

    # -- RunResumeStatus -------------------------------------------------------------------------

    def resume_status(self, principal: Principal, key: RunKey) -> Bucket | None:
        """The run as a resuming client needs it, or None when it does not exist (a new run)."""
        ref = self.project_ref(key.entity, key.project)
        if ref.visibility is None:
            return None
        authorize(principal, Action.PROJECT_READ, ref)
        run = self._find(key)
        return None if run is None else self._bucket(key, run, inserted=False)

    def _bucket(self, key: RunKey, run: RunOut, *, inserted: bool) -> Bucket:
        with self._db.read() as conn:
            stored = self._db.runs.get_run(conn, key)
            pk = stored.pk if stored is not None else -1
            history = self._db.runs.session_applied(conn, pk, HISTORY_SESSION) + 1
            events = self._db.runs.session_applied(conn, pk, EVENTS_SESSION) + 1
        log_lines = self.runs.output(key, 0, 1).total
        # A run first logged by the Trackwell SDK has rows but no wandb session: continue after them.
        return Bucket(
            run=run,
            inserted=inserted,
            history_lines=max(history, run.history_count),
            events_lines=events,
            log_lines=log_lines,
        )


def history_tail(run: RunOut) -> str:
    """RunResumeStatus' ``historyTail``: a JSON array of history lines; the client reads ``_step``
    and ``_runtime`` of the last to continue the step count and the clock."""
    if run.last_step is None:
        return "[]"
    return json.dumps([json.dumps({"_step": run.last_step, "_runtime": run.runtime})])
