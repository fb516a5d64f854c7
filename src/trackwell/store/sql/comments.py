"""``CommentStore`` on SQL: ``comments`` (on a report or a run, addressed by name as reports and
views are) and ``comment_notifications`` (one per mentioned user and comment).

The author is a foreign key that becomes NULL when the account is deleted, so the discussion
stays; a mentioned user's notifications go with their account. A reply's ``parent_id`` and a
notification's ``comment_id`` cascade, and are also deleted explicitly (SQLite enforces
``ON DELETE CASCADE`` only with its foreign_keys pragma). ``(author_id, client_id)`` is unique: a
retried create finds the comment the first one made.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, Index, String, Table, UniqueConstraint

from trackwell.store.base.comments import (
    CommentTarget,
    NewComment,
    StoredComment,
    StoredNotification,
)
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, RUN_ID_LEN, Id, users
from trackwell.store.sql.text_type import NulSafeText

comments = Table(
    "comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("target_kind", String(8), nullable=False),  # "report" | "run"
    Column("target_id", String(RUN_ID_LEN), nullable=False),
    Column("parent_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), nullable=True),
    Column("author_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("client_id", String(64), nullable=True),
    Column("text", NulSafeText, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("edited_at", Double, nullable=True),
    UniqueConstraint("author_id", "client_id", name="uq_comments_author_id_client_id"),
    Index("ix_comments_target", "entity", "project", "target_kind", "target_id", "created_at"),
)

comment_notifications = Table(
    "comment_notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("read_at", Double, nullable=True),
    UniqueConstraint("user_id", "comment_id", name="uq_comment_notifications_user_id_comment_id"),
    Index("ix_comment_notifications_comment_id", "comment_id"),
)

_c = comments.c
_n = comment_notifications.c
_authors = users.alias("authors")
_mentioned = users.alias("mentioned")


def _on(target: CommentTarget) -> sa.ColumnElement[bool]:
    return sa.and_(
        _c.entity == target.entity,
        _c.project == target.project,
        _c.target_kind == target.kind,
        _c.target_id == target.target_id,
    )


def _select() -> sa.Select[Any]:
    joined = comments.outerjoin(_authors, _authors.c.id == _c.author_id)
    return sa.select(*_c, _authors.c.username.label("author")).select_from(joined)


def _comment(row: sa.Row[Any], mentions: tuple[str, ...]) -> StoredComment:
    return StoredComment(
        id=int(row.id),
        target=CommentTarget(row.entity, row.project, row.target_kind, row.target_id),
        parent_id=None if row.parent_id is None else int(row.parent_id),
        author_id=None if row.author_id is None else int(row.author_id),
        author=row.author,
        text=row.text,
        created_at=float(row.created_at),
        edited_at=None if row.edited_at is None else float(row.edited_at),
        client_id=row.client_id,
        mentions=mentions,
    )


def _mentions(conn: Connection, comment_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not comment_ids:
        return {}
    stmt = (
        sa.select(_n.comment_id, _mentioned.c.username)
        .select_from(comment_notifications.join(_mentioned, _mentioned.c.id == _n.user_id))
        .where(_n.comment_id.in_(comment_ids))
        .order_by(_n.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for row in conn.execute(stmt):
        found[int(row.comment_id)].append(row.username)
    return {k: tuple(v) for k, v in found.items()}


def _comments(conn: Connection, stmt: sa.Select[Any]) -> list[StoredComment]:
    rows = list(conn.execute(stmt))
    mentions = _mentions(conn, [int(r.id) for r in rows])
    return [_comment(r, mentions.get(int(r.id), ())) for r in rows]


class SqlCommentStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def _one(self, conn: Connection, where: sa.ColumnElement[bool]) -> StoredComment | None:
        found = _comments(conn, _select().where(where))
        return found[0] if found else None

    def create_comment(self, conn: Connection, new: NewComment) -> StoredComment | None:
        t = new.target
        values = {
            "entity": t.entity,
            "project": t.project,
            "target_kind": t.kind,
            "target_id": t.target_id,
            "parent_id": new.parent_id,
            "author_id": new.author_id,
            "client_id": new.client_id,
            "text": new.text,
            "created_at": new.now,
        }
        # ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
        # would abort the caller's transaction.
        stmt = insert(self._dialect, comments).values(**values).on_conflict_do_nothing()
        pk = conn.execute(stmt.returning(_c.id)).scalar_one_or_none()
        return None if pk is None else self._one(conn, _c.id == pk)

    def comment_by_client_id(self, conn: Connection, author_id: int, client_id: str) -> StoredComment | None:
        return self._one(conn, sa.and_(_c.author_id == author_id, _c.client_id == client_id))

    def get_comment(
        self, conn: Connection, entity: str, project: str, comment_id: int
    ) -> StoredComment | None:
        return self._one(conn, sa.and_(_c.id == comment_id, _c.entity == entity, _c.project == project))

    def list_comments(self, conn: Connection, target: CommentTarget, limit: int) -> list[StoredComment]:
        stmt = _select().where(_on(target)).order_by(_c.created_at, _c.id).limit(limit)
        return _comments(conn, stmt)

    def edit_comment(self, conn: Connection, comment_id: int, text: str, now: float) -> StoredComment:
        conn.execute(sa.update(comments).where(_c.id == comment_id).values(text=text, edited_at=now))
        edited = self._one(conn, _c.id == comment_id)
        assert edited is not None, "edit_comment of a comment that does not exist"
        return edited

    def delete_comment(self, conn: Connection, comment_id: int) -> None:
        thread = sa.select(_c.id).where(sa.or_(_c.id == comment_id, _c.parent_id == comment_id))
        ids = [int(i) for i in conn.execute(thread).scalars()]
        conn.execute(sa.delete(comment_notifications).where(_n.comment_id.in_(ids)))
        conn.execute(sa.delete(comments).where(_c.parent_id == comment_id))
        conn.execute(sa.delete(comments).where(_c.id == comment_id))

    def delete_target(self, conn: Connection, target: CommentTarget) -> None:
        on_target = _on(target)
        conn.execute(
            sa.delete(comment_notifications).where(_n.comment_id.in_(sa.select(_c.id).where(on_target)))
        )
        # Replies first: the parent's foreign key is not relied on to cascade (SQLite may have it off).
        conn.execute(sa.delete(comments).where(on_target, _c.parent_id.is_not(None)))
        conn.execute(sa.delete(comments).where(on_target))

    def move_target(self, conn: Connection, target: CommentTarget, to_project: str) -> None:
        conn.execute(sa.update(comments).where(_on(target)).values(project=to_project))

    def add_notifications(self, conn: Connection, comment_id: int, user_ids: list[int], now: float) -> None:
        if not user_ids:
            return
        rows = [{"user_id": u, "comment_id": comment_id, "created_at": now} for u in user_ids]
        conn.execute(insert(self._dialect, comment_notifications).on_conflict_do_nothing(), rows)

    def list_notifications(self, conn: Connection, user_id: int, limit: int) -> list[StoredNotification]:
        stmt = (
            sa.select(_n.id, _n.user_id, _n.created_at, _n.read_at, _n.comment_id)
            .where(_n.user_id == user_id)
            .order_by(_n.read_at.is_not(None), _n.created_at.desc(), _n.id.desc())
            .limit(limit)
        )
        rows = list(conn.execute(stmt))
        found = _comments(conn, _select().where(_c.id.in_([int(r.comment_id) for r in rows])))
        by_id = {c.id: c for c in found}
        return [
            StoredNotification(
                id=int(r.id),
                user_id=int(r.user_id),
                created_at=float(r.created_at),
                read_at=None if r.read_at is None else float(r.read_at),
                comment=by_id[int(r.comment_id)],
            )
            for r in rows
        ]

    def count_unread(self, conn: Connection, user_id: int) -> int:
        stmt = sa.select(sa.func.count()).where(_n.user_id == user_id, _n.read_at.is_(None))
        return int(conn.execute(stmt).scalar_one())

    def mark_read(self, conn: Connection, user_id: int, ids: list[int] | None, now: float) -> int:
        stmt = sa.update(comment_notifications).where(_n.user_id == user_id, _n.read_at.is_(None))
        if ids is not None:
            stmt = stmt.where(_n.id.in_(ids))
        return int(conn.execute(stmt.values(read_at=now)).rowcount)
