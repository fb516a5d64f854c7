"""Many runs of a project changed at once (the runs table's bulk actions, ``trackwell runs ...``):
add or remove tags, archive, unarchive, delete, or move them to another project of the entity.

One transaction, all or nothing: every run is looked up and every permission checked before
anything changes, and a refusal names the runs it concerns. Re-applying a request is harmless: a
tag already there, a run already archived, or a run already moved counts as unchanged.

Who may: changing tags is a write to the project (members); archiving, unarchiving and deleting
follow the delete rule (``service.access.authorize_run_delete``: members their own runs, entity
admins any); moving needs a writer of both projects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from trackwell.schema.run_bulk import BulkRunsRequest, BulkRunsResult
from trackwell.service.access import Action, ProjectRef, authorize_run_delete
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.project_access import authorize_project
from trackwell.service.runs import delete_run_in
from trackwell.store.base import CommentTarget, Database, Principal, RunChanges, RunKey, StoredRun

SHOWN_IDS = 20  # run ids named in an error; the rest are counted
_OWNER_RULE = ("archive", "unarchive", "delete")
# What hides, removes or relocates a team's runs is a security event; tags are ordinary edits.
_AUDITED = {
    "delete": AuditAction.RUN_DELETE,
    "archive": AuditAction.RUN_ARCHIVE,
    "unarchive": AuditAction.RUN_UNARCHIVE,
    "move": AuditAction.RUN_MOVE,
}


def named(ids: Sequence[str]) -> str:
    """``a, b, c`` (the first ``SHOWN_IDS``, then "and N more")."""
    shown = ", ".join(sorted(ids)[:SHOWN_IDS])
    return shown if len(ids) <= SHOWN_IDS else f"{shown} and {len(ids) - SHOWN_IDS} more"


class RunBulkService:
    def __init__(
        self, db: Database, audit: AuditLog | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock

    def apply(self, principal: Principal, entity: str, project: str, req: BulkRunsRequest) -> BulkRunsResult:
        """Apply ``req`` to its runs of ``entity/project``; the caller is a writer of the project
        (the route checks it), the owner rule and the move's destination are checked here."""
        run_ids = list(dict.fromkeys(req.run_ids))
        _check_request(req, project)
        if req.action == "move":
            authorize_project(self._db, principal, entity, req.to_project or "", Action.PROJECT_WRITE)
        with self._db.begin() as conn:
            found = self._db.runs.get_runs(conn, entity, project, run_ids)
            missing = [r for r in run_ids if r not in found]
            if req.action == "move":
                missing = self._not_moved_yet(conn, entity, req.to_project or "", missing)
            elif req.action == "delete":
                missing = []  # already deleted: nothing left to do
            if missing:
                raise NotFound(
                    f"{len(missing)} of the runs do not exist in {entity}/{project}: {named(missing)}",
                    field="run_ids",
                    hint="reload the runs table; another user may have deleted or moved them",
                )
            if req.action in _OWNER_RULE:
                self._check_owners(conn, principal, entity, project, req.action, list(found.values()))
            if req.action == "delete":
                for run_id in sorted(found):  # each run's sweep lock before its row lock
                    delete_run_in(self._db, conn, RunKey(entity, project, run_id))
                self._record(conn, principal, entity, project, req, sorted(found))
                return BulkRunsResult(action=req.action, changed=sorted(found), unchanged=[])
            locked = self._db.runs.get_runs(conn, entity, project, list(found), lock=True)
            changed = self._change(conn, entity, req, list(locked.values()))
            self._record(conn, principal, entity, project, req, changed)
        unchanged = sorted(set(run_ids) - set(changed))
        return BulkRunsResult(action=req.action, changed=sorted(changed), unchanged=unchanged)

    def _record(
        self,
        conn: Any,
        principal: Principal,
        entity: str,
        project: str,
        req: BulkRunsRequest,
        changed: list[str],
    ) -> None:
        """One audit event per changed run, committed with the change itself."""
        action = _AUDITED.get(req.action)
        if self._audit is None or action is None:
            return
        detail = {"to_project": req.to_project} if req.action == "move" else None
        for run_id in changed:
            target = f"{entity}/{project}/{run_id}"
            self._audit.record(action, actor=principal.user.username, target=target, detail=detail, conn=conn)

    def _not_moved_yet(self, conn: Any, entity: str, to_project: str, missing: list[str]) -> list[str]:
        # Runs already at the destination were moved by an earlier try of the same request.
        there = self._db.runs.get_runs(conn, entity, to_project, missing)
        return [r for r in missing if r not in there]

    def _check_owners(
        self, conn: Any, principal: Principal, entity: str, project: str, action: str, found: list[StoredRun]
    ) -> None:
        ref = ProjectRef(entity, project, self._db.users.project_visibility(conn, entity, project))
        refused: list[str] = []
        hint = None
        for stored in found:
            try:
                authorize_run_delete(principal, ref, stored.owner_id)
            except PermissionDenied as exc:
                refused.append(stored.run.id)
                hint = exc.hint
        if refused:
            raise PermissionDenied(
                f"you may not {action} {len(refused)} of these runs, which other users created: "
                f"{named(refused)}; nothing was changed (members {action} only the runs they created; "
                f"others' runs need the role 'admin' in {entity!r})",
                field="run_ids",
                hint=hint or "leave those runs out, or ask an admin of the team",
            )

    def _change(self, conn: Any, entity: str, req: BulkRunsRequest, runs: list[StoredRun]) -> list[str]:
        now = self._clock()
        if req.action in ("add_tags", "remove_tags"):
            return self._retag(conn, req, runs, now)
        if req.action in ("archive", "unarchive"):
            archiving = req.action == "archive"
            todo = [s for s in runs if (s.run.archived_at is None) == archiving]
            self._db.runs.set_archived(conn, [s.pk for s in todo], now if archiving else None)
            return [s.run.id for s in todo]
        return self._move(conn, entity, req.to_project or "", runs, now)

    def _retag(self, conn: Any, req: BulkRunsRequest, runs: list[StoredRun], now: float) -> list[str]:
        tags = list(dict.fromkeys(req.tags or []))
        changed = []
        for stored in runs:
            old = list(stored.run.tags)
            if req.action == "add_tags":
                new = old + [t for t in tags if t not in old]
            else:
                new = [t for t in old if t not in tags]
            if new != old:
                self._db.runs.update_run(conn, stored.pk, RunChanges(tags=new, updated_at=now))
                changed.append(stored.run.id)
        return changed

    def _move(self, conn: Any, entity: str, to_project: str, runs: list[StoredRun], now: float) -> list[str]:
        in_sweeps = [s.run.id for s in runs if s.run.sweep_id is not None]
        if in_sweeps:
            raise Conflict(
                f"{len(in_sweeps)} of the runs belong to a sweep and stay in its project: {named(in_sweeps)}",
                field="run_ids",
                hint="leave sweep runs out of the move",
            )
        ids = [s.run.id for s in runs]
        taken = sorted(self._db.runs.get_runs(conn, entity, to_project, ids))
        if taken:
            raise Conflict(
                f"{len(taken)} of the runs have ids already used in {entity}/{to_project}: {named(taken)}; "
                "nothing was moved",
                field="run_ids",
                hint=f"leave those runs out, or first move or delete the runs of those ids in {to_project!r}",
            )
        self._db.runs.move_runs(conn, [s.pk for s in runs], entity, to_project, now)
        for stored in runs:  # a run's discussion goes with it
            here = CommentTarget(entity, stored.run.project, "run", stored.run.id)
            self._db.comments.move_target(conn, here, to_project)
        return ids


def _check_request(req: BulkRunsRequest, project: str) -> None:
    if req.action in ("add_tags", "remove_tags") and not req.tags:
        raise InvalidArgument(f"{req.action} needs tags", field="tags", hint='e.g. "tags": ["baseline"]')
    if req.action != "move":
        return
    if not req.to_project:
        raise InvalidArgument(
            "move needs to_project", field="to_project", hint="name a project of the same entity"
        )
    if req.to_project == project:
        raise InvalidArgument(
            f"the runs are already in {project!r}", field="to_project", hint="name another project"
        )
