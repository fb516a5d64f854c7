"""Mentions in comments and the inbox they fill (``schema.comments``).

A name ``schema.comments.mention_names`` finds is resolved to a user only when that user may read
the comment's project (``service.access``, asked with the user's own roles); the author is told
which names notified nobody, in one message that does not say whether such a user exists (usernames
cannot be probed through comments). Service accounts and disabled users are never notified, nor is
the author. The inbox lists a user's notifications with a link to the comment, leaving out those
of projects the user can no longer read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trackwell.schema.comments import (
    MAX_MENTIONS,
    MentionableUser,
    MentionableUsers,
    NotificationList,
    NotificationOut,
    mention_names,
)
from trackwell.schema.names import url_path
from trackwell.service.access import Action, ProjectRef, may
from trackwell.store.base import Database, Principal, User
from trackwell.store.base.comments import CommentTarget, StoredComment

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection

EXCERPT_CHARS = 160
MAX_MENTIONABLE = 20


@dataclass(frozen=True, slots=True)
class NotNotified:
    names: list[str]
    project: str

    def hint(self) -> str | None:
        if not self.names:
            return None
        listed = ", ".join("@" + n for n in self.names)
        return (
            f"{listed} notified nobody: no user of that name may read {self.project}; check the "
            "spelling, or ask an admin of the team to invite them"
        )


@dataclass(frozen=True, slots=True)
class Resolved:
    user_ids: list[int]
    missed: NotNotified
    usernames: list[str] = field(default_factory=list)


def comment_link(comment: StoredComment) -> str:
    """The UI's path to the comment: the run's Comments tab, or the report, at the comment."""
    t = comment.target
    if t.kind == "run":
        where = "/" + url_path(t.entity, t.project, "runs", t.target_id) + "?tab=comments"
    else:
        where = "/" + url_path(t.entity, t.project, "reports", t.target_id)
    return f"{where}#comment-{comment.id}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


class Mentions:
    def __init__(
        self,
        db: Database,
        principal_of: Callable[[User], Principal] | None,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        # Without it (a service tested alone) every existing user counts as a reader.
        self._principal_of = principal_of
        self._clock = clock

    def _reads(self, user: User, ref: ProjectRef) -> bool:
        if user.disabled or user.kind != "user":
            return False
        if self._principal_of is None:
            return True
        return may(self._principal_of(user), Action.PROJECT_READ, ref)

    def _ref(self, conn: Connection, entity: str, project: str) -> ProjectRef:
        return ProjectRef(entity, project, self._db.users.project_visibility(conn, entity, project))

    def resolve(self, conn: Connection, target: CommentTarget, text: str, *, author: User) -> Resolved:
        """The users ``text`` mentions who may read the project (never the author), and the names
        that notified nobody."""
        ref = self._ref(conn, target.entity, target.project)
        ids: list[int] = []
        names: list[str] = []
        missed: list[str] = []
        for name in mention_names(text)[:MAX_MENTIONS]:
            user = self._db.users.get_user(conn, name)
            if user is not None and user.id == author.id:
                continue
            if user is None or not self._reads(user, ref):
                missed.append(name)
                continue
            ids.append(user.id)
            names.append(user.username)
        return Resolved(ids, NotNotified(missed, f"{target.entity}/{target.project}"), names)

    def mentionable(self, entity: str, project: str, prefix: str = "") -> MentionableUsers:
        """Users who may read the project, for the @-autocomplete: the members of its entity (any
        role). Others who may read it (server admins, anyone for a public project) resolve when
        written out but are not offered, so the list does not enumerate the server's users."""
        wanted = prefix.lower()
        with self._db.read() as conn:
            ref = self._ref(conn, entity, project)
            members = self._db.users.members(conn, entity)
        found = [
            MentionableUser(username=m.user.username, display_name=m.user.display_name)
            for m in members
            if self._reads(m.user, ref)
            and (
                m.user.username.lower().startswith(wanted)
                or (m.user.display_name or "").lower().startswith(wanted)
            )
        ]
        found.sort(key=lambda u: u.username.lower())
        return MentionableUsers(users=found[:MAX_MENTIONABLE])

    # --- the inbox -----------------------------------------------------------------------------

    def inbox(self, user: User, limit: int) -> NotificationList:
        with self._db.read() as conn:
            found = self._db.comments.list_notifications(conn, user.id, limit)
            unread = self._db.comments.count_unread(conn, user.id)
            refs = {
                (n.comment.target.entity, n.comment.target.project): self._ref(
                    conn, n.comment.target.entity, n.comment.target.project
                )
                for n in found
            }
        readable = {k for k, ref in refs.items() if self._reads(user, ref)}
        shown = [n for n in found if (n.comment.target.entity, n.comment.target.project) in readable]
        hidden_unread = sum(1 for n in found if n.read_at is None and n not in shown)
        return NotificationList(
            notifications=[
                NotificationOut(
                    id=n.id,
                    created_at=n.created_at,
                    read=n.read_at is not None,
                    author=n.comment.author,
                    entity=n.comment.target.entity,
                    project=n.comment.target.project,
                    target_kind=n.comment.target.kind,
                    target_id=n.comment.target.target_id,
                    comment_id=n.comment.id,
                    excerpt=_excerpt(n.comment.text),
                    link=comment_link(n.comment),
                )
                for n in shown
            ],
            unread=max(0, unread - hidden_unread),
        )

    def mark_read(self, user: User, ids: list[int] | None) -> int:
        with self._db.begin() as conn:
            return self._db.comments.mark_read(conn, user.id, ids, self._clock())
