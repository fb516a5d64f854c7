"""Comments on reports and runs (``schema.comments``): threads one reply deep, Markdown text,
``@username`` mentions that notify (``service.comment_mentions``).

The rules, all through ``service.access`` (no new action): readers of the project read the
comments; writers (members, admins) comment and reply; a comment is edited by its author only and
deleted by its author or an admin of the project's entity (``ProjectAccess.may_change_view``, the
rule saved views and reports use), taking its replies with it. A create with a ``client_id`` its
author used before answers that comment (a retried POST), or 409 when the retry differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from trackwell.schema.comments import (
    CommentCreate,
    CommentEdit,
    CommentList,
    CommentOut,
    CommentSaved,
)
from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from trackwell.service.access import Action, ProjectRef, may
from trackwell.service.comment_mentions import Mentions, NotNotified
from trackwell.service.project_access import ProjectAccess
from trackwell.store.base import Database, Principal, RunKey, User
from trackwell.store.base.comments import CommentTarget, NewComment, StoredComment

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection

MAX_LIST = 2000


def _not_found(target: CommentTarget) -> NotFound:
    what = f"run {target.target_id!r}" if target.kind == "run" else f"report {target.target_id!r}"
    return NotFound(
        f"{target.entity}/{target.project} has no {what}",
        field="run_id" if target.kind == "run" else "report_id",
        hint="it may have been deleted; check the link",
    )


def _no_comment(entity: str, project: str, comment_id: int) -> NotFound:
    return NotFound(
        f"{entity}/{project} has no comment {comment_id}",
        field="comment_id",
        hint="it may have been deleted; reload the comments",
    )


class CommentService:
    def __init__(
        self,
        db: Database,
        access: ProjectAccess | None = None,
        principal_of: Callable[[User], Principal] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._access = access or ProjectAccess()
        self._principal_of = principal_of
        self._clock = clock
        self.mentions = Mentions(db, principal_of, clock)

    # --- what the caller may do ----------------------------------------------------------------

    def _writes(self, user: User, entity: str) -> bool:
        if self._principal_of is None or (user.is_admin and not user.disabled):
            return not user.disabled
        return may(self._principal_of(user), Action.PROJECT_WRITE, ProjectRef(entity))

    def _out(self, user: User, comment: StoredComment, writes: bool) -> CommentOut:
        t = comment.target
        mine = comment.author_id is not None and comment.author_id == user.id
        return CommentOut(
            id=comment.id,
            entity=t.entity,
            project=t.project,
            target_kind=t.kind,
            target_id=t.target_id,
            parent_id=comment.parent_id,
            author=comment.author,
            text=comment.text,
            created_at=comment.created_at,
            edited_at=comment.edited_at,
            mentions=list(comment.mentions),
            can_edit=writes and mine,
            can_delete=writes and self._access.may_change_view(user, comment.author_id, t.entity),
        )

    def _saved(self, user: User, comment: StoredComment, missed: NotNotified) -> CommentSaved:
        return CommentSaved(
            comment=self._out(user, comment, True), not_notified=missed.names, hint=missed.hint()
        )

    def _require_target(self, target: CommentTarget) -> None:
        with self._db.read() as conn:
            if target.kind == "run":
                key = RunKey(entity=target.entity, project=target.project, run_id=target.target_id)
                exists = self._db.runs.get_run(conn, key) is not None
            else:
                found = self._db.reports.get_report(conn, target.entity, target.project, target.target_id)
                exists = found is not None
        if not exists:
            raise _not_found(target)

    # --- reading -------------------------------------------------------------------------------

    def list_comments(self, user: User, target: CommentTarget) -> CommentList:
        self._access.require_reader(user, target.entity, target.project)
        self._require_target(target)
        with self._db.read() as conn:
            found = self._db.comments.list_comments(conn, target, MAX_LIST)
        writes = self._writes(user, target.entity)
        return CommentList(comments=[self._out(user, c, writes) for c in found], can_comment=writes)

    # --- writing -------------------------------------------------------------------------------

    def create(self, user: User, target: CommentTarget, body: CommentCreate) -> CommentSaved:
        self._access.require_writer(user, target.entity, target.project)
        if body.client_id is not None:
            with self._db.read() as conn:
                before = self._db.comments.comment_by_client_id(conn, user.id, body.client_id)
            if before is not None:
                return self._replayed(user, before, target, body)
        self._require_target(target)
        with self._db.begin() as conn:
            parent_id = self._thread_of(conn, target, body.parent_id)
            resolved = self.mentions.resolve(conn, target, body.text, author=user)
            new = NewComment(target, user.id, body.text, self._clock(), parent_id, body.client_id)
            made = self._db.comments.create_comment(conn, new)
            if made is not None:
                self._db.comments.add_notifications(conn, made.id, resolved.user_ids, new.now)
                made = self._db.comments.get_comment(conn, target.entity, target.project, made.id)
        if made is None:  # the same client_id won a race with this request: answer its comment
            assert body.client_id is not None
            with self._db.read() as conn:
                before = self._db.comments.comment_by_client_id(conn, user.id, body.client_id)
            assert before is not None
            return self._replayed(user, before, target, body)
        assert made is not None
        return self._saved(user, made, resolved.missed)

    def _replayed(
        self, user: User, before: StoredComment, target: CommentTarget, body: CommentCreate
    ) -> CommentSaved:
        if before.target != target or before.text != body.text:
            raise Conflict(
                f"client_id {body.client_id!r} was used for another comment (id {before.id})",
                field="client_id",
                hint="make a new client_id for each new comment; reuse one only to retry the same POST",
            )
        with self._db.read() as conn:
            missed = self.mentions.resolve(conn, target, before.text, author=user).missed
        return self._saved(user, before, missed)

    def _thread_of(self, conn: Connection, target: CommentTarget, parent_id: int | None) -> int | None:
        """The thread a reply joins: its parent's, so threads stay one reply deep."""
        if parent_id is None:
            return None
        parent = self._db.comments.get_comment(conn, target.entity, target.project, parent_id)
        if parent is None or parent.target != target:
            raise InvalidArgument(
                f"parent_id {parent_id} is no comment on this {target.kind}",
                field="parent_id",
                hint="reply to a comment of the same thread, or leave parent_id out",
            )
        return parent.parent_id or parent.id

    def _own(self, user: User, entity: str, project: str, comment_id: int) -> StoredComment:
        with self._db.read() as conn:
            found = self._db.comments.get_comment(conn, entity, project, comment_id)
        if found is None:
            raise _no_comment(entity, project, comment_id)
        return found

    def edit(self, user: User, entity: str, project: str, comment_id: int, body: CommentEdit) -> CommentSaved:
        self._access.require_writer(user, entity, project)
        found = self._own(user, entity, project, comment_id)
        if found.author_id is None or found.author_id != user.id:
            raise PermissionDenied(
                f"only its author ({found.author or 'a deleted account'}) can edit comment {comment_id}",
                field="comment_id",
                hint="reply to it instead",
            )
        with self._db.begin() as conn:
            resolved = self.mentions.resolve(conn, found.target, body.text, author=user)
            now = self._clock()
            self._db.comments.edit_comment(conn, comment_id, body.text, now)
            # Only names new to this comment are notified: an edit never notifies anyone twice.
            self._db.comments.add_notifications(conn, comment_id, resolved.user_ids, now)
            edited = self._db.comments.get_comment(conn, entity, project, comment_id)
        assert edited is not None
        return self._saved(user, edited, resolved.missed)

    def delete(self, user: User, entity: str, project: str, comment_id: int) -> None:
        self._access.require_writer(user, entity, project)
        found = self._own(user, entity, project, comment_id)
        if not self._access.may_change_view(user, found.author_id, entity):
            raise PermissionDenied(
                f"only its author ({found.author or 'a deleted account'}) or an admin of {entity!r} "
                f"can delete comment {comment_id}",
                field="comment_id",
                hint=f"ask its author, or an admin of {entity!r}",
            )
        with self._db.begin() as conn:
            self._db.comments.delete_comment(conn, comment_id)
