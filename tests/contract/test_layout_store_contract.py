"""Contract of ``LayoutStore`` on every SQL backend: one layout document per (user, entity, project)."""

from __future__ import annotations

import pytest

from trackwell.store.base import User
from trackwell.store.sql.database import SqlDatabase

DOC = {"version": 1, "panels": [{"id": "bar-1", "type": "bar", "section": "Charts", "metric": "acc"}]}


@pytest.fixture
def users(db: SqlDatabase) -> tuple[User, User]:
    with db.begin() as conn:
        return (
            db.users.create_user(conn, "ada", is_admin=True, now=1.0),
            db.users.create_user(conn, "bob", is_admin=False, now=1.0),
        )


def test_a_layout_is_absent_until_saved_and_reads_back_as_saved(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, _ = users
    with db.read() as conn:
        assert db.layouts.get_layout(conn, ada.id, "ada", "mnist") is None
    with db.begin() as conn:
        db.layouts.put_layout(conn, ada.id, "ada", "mnist", DOC, now=5.0)
    with db.read() as conn:
        stored = db.layouts.get_layout(conn, ada.id, "ada", "mnist")
    assert stored is not None
    assert stored.document == DOC
    assert stored.updated_at == 5.0


def test_saving_again_replaces_the_document(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.layouts.put_layout(conn, ada.id, "ada", "mnist", DOC, now=5.0)
        db.layouts.put_layout(conn, ada.id, "ada", "mnist", {"version": 1, "panels": []}, now=6.0)
    with db.read() as conn:
        stored = db.layouts.get_layout(conn, ada.id, "ada", "mnist")
    assert stored is not None
    assert stored.document == {"version": 1, "panels": []}
    assert stored.updated_at == 6.0


def test_layouts_are_kept_per_user_and_per_project(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.layouts.put_layout(conn, ada.id, "ada", "mnist", DOC, now=5.0)
    with db.read() as conn:
        assert db.layouts.get_layout(conn, bob.id, "ada", "mnist") is None
        assert db.layouts.get_layout(conn, ada.id, "ada", "cifar") is None
        assert db.layouts.get_layout(conn, ada.id, "team", "mnist") is None


def test_delete_removes_only_that_layout(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.layouts.put_layout(conn, ada.id, "ada", "mnist", DOC, now=5.0)
        db.layouts.put_layout(conn, bob.id, "ada", "mnist", DOC, now=5.0)
        assert db.layouts.delete_layout(conn, ada.id, "ada", "mnist") is True
        assert db.layouts.delete_layout(conn, ada.id, "ada", "mnist") is False
    with db.read() as conn:
        assert db.layouts.get_layout(conn, ada.id, "ada", "mnist") is None
        assert db.layouts.get_layout(conn, bob.id, "ada", "mnist") is not None
