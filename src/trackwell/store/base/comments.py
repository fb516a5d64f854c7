"""Comments on a report or a run, and the notifications their mentions made (``schema.comments``).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

TargetKind = Literal["report", "run"]


@dataclass(frozen=True, slots=True)
class CommentTarget:
    """What a comment is on: a report (by its id) or a run (by its run id) of a project."""

    entity: str
    project: str
    kind: TargetKind
    target_id: str


@dataclass(frozen=True, slots=True)
class NewComment:
    target: CommentTarget
    author_id: int
    text: str
    now: float
    parent_id: int | None = None
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredComment:
    id: int
    target: CommentTarget
    parent_id: int | None
    author_id: int | None  # None once the account is deleted
    author: str | None
    text: str
    created_at: float
    edited_at: float | None
    client_id: str | None
    mentions: tuple[str, ...]  # usernames notified, in the order they were


@dataclass(frozen=True, slots=True)
class StoredNotification:
    id: int
    user_id: int
    created_at: float
    read_at: float | None
    comment: StoredComment


class CommentStore(Protocol):
    def create_comment(self, conn: Connection, new: NewComment) -> StoredComment | None:
        """The comment made; None when its author already made one with the same ``client_id``
        (read that one with :meth:`comment_by_client_id`; the transaction stays usable)."""

    def comment_by_client_id(
        self, conn: Connection, author_id: int, client_id: str
    ) -> StoredComment | None: ...

    def get_comment(
        self, conn: Connection, entity: str, project: str, comment_id: int
    ) -> StoredComment | None:
        """None when there is none of that id in this project."""

    def list_comments(self, conn: Connection, target: CommentTarget, limit: int) -> list[StoredComment]:
        """Oldest first (by creation, then id)."""

    def edit_comment(self, conn: Connection, comment_id: int, text: str, now: float) -> StoredComment:
        """Sets the text and ``edited_at``."""

    def delete_comment(self, conn: Connection, comment_id: int) -> None:
        """Removes it, its replies and their notifications."""

    def delete_target(self, conn: Connection, target: CommentTarget) -> None:
        """Removes every comment on ``target`` with their notifications (the run or report is gone;
        one made later with the same id must not inherit its discussion)."""

    def move_target(self, conn: Connection, target: CommentTarget, to_project: str) -> None:
        """The comments on ``target`` follow it to ``to_project`` of the same entity (a moved run)."""

    def add_notifications(self, conn: Connection, comment_id: int, user_ids: list[int], now: float) -> None:
        """One notification per user for this comment; a user already notified of it is skipped."""

    def list_notifications(self, conn: Connection, user_id: int, limit: int) -> list[StoredNotification]:
        """Unread first, then newest first."""

    def count_unread(self, conn: Connection, user_id: int) -> int: ...

    def mark_read(self, conn: Connection, user_id: int, ids: list[int] | None, now: float) -> int:
        """Marks the user's notifications ``ids`` (None: all) read; how many changed."""
