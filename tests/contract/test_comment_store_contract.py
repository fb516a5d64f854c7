"""Contract of ``CommentStore`` on every SQL backend: comments per target, one reply deep, edits,
deletes that take replies and notifications along, a client id that makes a retried create find
the first comment, and the notification inbox (unread first, one per user and comment)."""

from __future__ import annotations

import pytest

from trackwell.store.base import User
from trackwell.store.base.comments import CommentTarget, NewComment
from trackwell.store.sql.database import SqlDatabase

RUN = CommentTarget("team", "mnist", "run", "run-1")
REPORT = CommentTarget("team", "mnist", "report", "k3j9x2ab0q")


@pytest.fixture
def users(db: SqlDatabase) -> tuple[User, User]:
    with db.begin() as conn:
        return (
            db.users.create_user(conn, "ada", is_admin=False, now=1.0),
            db.users.create_user(conn, "bob", is_admin=False, now=1.0),
        )


def _new(author: User, text: str, target: CommentTarget = RUN, now: float = 5.0, **kw: object) -> NewComment:
    return NewComment(target, author.id, text, now, **kw)  # type: ignore[arg-type]


def test_comments_list_oldest_first_per_target_with_their_author(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        first = db.comments.create_comment(conn, _new(ada, "first", now=5.0))
        assert first is not None
        db.comments.create_comment(conn, _new(bob, "reply", now=6.0, parent_id=first.id))
        db.comments.create_comment(conn, _new(bob, "on the report", REPORT, now=4.0))
        db.comments.create_comment(conn, _new(bob, "other run", CommentTarget("team", "mnist", "run", "x")))
    with db.read() as conn:
        on_run = db.comments.list_comments(conn, RUN, 100)
        on_report = db.comments.list_comments(conn, REPORT, 100)
        assert db.comments.get_comment(conn, "team", "cifar", first.id) is None
    assert [(c.text, c.author, c.parent_id) for c in on_run] == [
        ("first", "ada", None),
        ("reply", "bob", first.id),
    ]
    assert [c.text for c in on_report] == ["on the report"]
    assert on_run[0].target == RUN and on_run[0].edited_at is None


def test_a_client_id_is_used_once_per_author_and_the_transaction_stays_usable(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        made = db.comments.create_comment(conn, _new(ada, "hello", client_id="c-123456789"))
        assert made is not None
        assert db.comments.create_comment(conn, _new(ada, "hello", client_id="c-123456789")) is None
        # Another author may happen to use the same id.
        assert db.comments.create_comment(conn, _new(bob, "hi", client_id="c-123456789")) is not None
    with db.read() as conn:
        again = db.comments.comment_by_client_id(conn, ada.id, "c-123456789")
        assert again is not None and again.id == made.id
        assert len(db.comments.list_comments(conn, RUN, 100)) == 2


def test_an_edit_keeps_the_comment_and_records_when(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        made = db.comments.create_comment(conn, _new(ada, "tpyo"))
        assert made is not None
        edited = db.comments.edit_comment(conn, made.id, "typo", 9.0)
    assert (edited.id, edited.text, edited.edited_at, edited.created_at) == (made.id, "typo", 9.0, 5.0)


def test_notifications_are_one_per_user_and_comment_unread_first(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        one = db.comments.create_comment(conn, _new(ada, "@bob look", now=5.0))
        two = db.comments.create_comment(conn, _new(ada, "@bob again", now=6.0))
        assert one is not None and two is not None
        db.comments.add_notifications(conn, one.id, [bob.id], 5.0)
        db.comments.add_notifications(conn, one.id, [bob.id], 5.5)  # an edit naming bob again
        db.comments.add_notifications(conn, two.id, [bob.id], 6.0)
        assert db.comments.mark_read(conn, ada.id, None, 7.0) == 0  # bob's are not ada's to mark
    with db.read() as conn:
        inbox = db.comments.list_notifications(conn, bob.id, 100)
        assert [n.comment.text for n in inbox] == ["@bob again", "@bob look"]
        assert db.comments.count_unread(conn, bob.id) == 2
        assert db.comments.list_notifications(conn, ada.id, 100) == []
        assert db.comments.get_comment(conn, "team", "mnist", one.id).mentions == ("bob",)  # type: ignore[union-attr]
    newest = inbox[0].id
    with db.begin() as conn:
        assert db.comments.mark_read(conn, bob.id, [newest], 8.0) == 1
    with db.read() as conn:
        inbox = db.comments.list_notifications(conn, bob.id, 100)
        assert [(n.comment.text, n.read_at) for n in inbox] == [("@bob look", None), ("@bob again", 8.0)]
        assert db.comments.count_unread(conn, bob.id) == 1
    with db.begin() as conn:
        assert db.comments.mark_read(conn, bob.id, None, 9.0) == 1
        assert db.comments.count_unread(conn, bob.id) == 0


def test_deleting_a_comment_takes_its_replies_and_their_notifications(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        first = db.comments.create_comment(conn, _new(ada, "first"))
        assert first is not None
        reply = db.comments.create_comment(conn, _new(bob, "@ada reply", parent_id=first.id))
        other = db.comments.create_comment(conn, _new(bob, "stays"))
        assert reply is not None and other is not None
        db.comments.add_notifications(conn, reply.id, [ada.id], 6.0)
        db.comments.delete_comment(conn, first.id)
    with db.read() as conn:
        assert [c.text for c in db.comments.list_comments(conn, RUN, 100)] == ["stays"]
        assert db.comments.list_notifications(conn, ada.id, 100) == []


def test_a_targets_comments_go_with_it_when_it_is_deleted_or_moved(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    moved = CommentTarget("team", "mnist", "run", "run-2")
    with db.begin() as conn:
        first = db.comments.create_comment(conn, _new(ada, "on run-1"))
        assert first is not None
        reply = db.comments.create_comment(conn, _new(bob, "@ada reply", parent_id=first.id))
        assert reply is not None
        db.comments.add_notifications(conn, reply.id, [ada.id], 6.0)
        db.comments.create_comment(conn, _new(ada, "on the report", REPORT))
        db.comments.create_comment(conn, _new(ada, "on run-2", moved))
        db.comments.delete_target(conn, RUN)
        db.comments.move_target(conn, moved, "mnist-archive")
    with db.read() as conn:
        assert db.comments.list_comments(conn, RUN, 100) == []
        assert db.comments.list_notifications(conn, ada.id, 100) == []
        assert [c.text for c in db.comments.list_comments(conn, REPORT, 100)] == ["on the report"]
        assert db.comments.list_comments(conn, moved, 100) == []
        there = CommentTarget("team", "mnist-archive", "run", "run-2")
        assert [c.text for c in db.comments.list_comments(conn, there, 100)] == ["on run-2"]


def test_a_deleted_authors_comment_stays_without_a_name(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, bob = users
    with db.begin() as conn:
        made = db.comments.create_comment(conn, _new(ada, "@bob kept"))
        assert made is not None
        db.comments.add_notifications(conn, made.id, [bob.id], 5.0)
        db.users.delete_user(conn, ada.id)
    with db.read() as conn:
        [kept] = db.comments.list_comments(conn, RUN, 100)
        assert (kept.text, kept.author, kept.author_id) == ("@bob kept", None, None)
        assert [n.comment.author for n in db.comments.list_notifications(conn, bob.id, 100)] == [None]


def test_hostile_text_is_stored_as_written(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    text = "<script>alert(1)</script> ' OR 1=1; -- \x00 ☃ 𝄞"
    with db.begin() as conn:
        made = db.comments.create_comment(conn, _new(ada, text))
        assert made is not None
    with db.read() as conn:
        [got] = db.comments.list_comments(conn, RUN, 100)
    assert got.text == text.replace("\x00", "\ufffd")
