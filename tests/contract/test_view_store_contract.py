"""Contract of ``ViewStore`` on every SQL backend: saved views per project, names unique per project."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from trackwell.store.base import NewView, User, ViewChanges, ViewIdTaken, ViewNameTaken
from trackwell.store.sql.database import SqlDatabase
from trackwell.store.sql.tables import users as users_table

LAYOUT = {"version": 1, "panels": [{"id": "bar-1", "type": "bar", "section": "Charts", "metric": "acc"}]}
STATE = {"filter": "lr>0.01", "group_by": "c:optimizer"}


@pytest.fixture
def users(db: SqlDatabase) -> tuple[User, User]:
    with db.begin() as conn:
        return (
            db.users.create_user(conn, "ada", is_admin=True, now=1.0),
            db.users.create_user(conn, "bob", is_admin=False, now=1.0),
        )


def _new(owner: User, view_id: str = "v1", name: str = "loss curves", project: str = "mnist") -> NewView:
    return NewView(
        id=view_id,
        entity="team",
        project=project,
        name=name,
        description="the runs that matter",
        owner_id=owner.id,
        layout=LAYOUT,
        state=STATE,
        now=5.0,
    )


def test_a_created_view_reads_back_with_its_owner_and_documents(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, _ = users
    with db.begin() as conn:
        made = db.views.create_view(conn, _new(ada))
    with db.read() as conn:
        got = db.views.get_view(conn, "team", "mnist", "v1")
    assert got == made
    assert got is not None
    assert (got.name, got.description, got.owner, got.owner_id) == (
        "loss curves",
        "the runs that matter",
        "ada",
        ada.id,
    )
    assert (got.layout, got.state, got.created_at, got.updated_at) == (LAYOUT, STATE, 5.0, 5.0)


def test_a_view_is_found_only_in_its_own_project(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada))
    with db.read() as conn:
        assert db.views.get_view(conn, "team", "cifar", "v1") is None
        assert db.views.get_view(conn, "other", "mnist", "v1") is None
        assert db.views.get_view(conn, "team", "mnist", "nope") is None


def test_list_is_by_name_without_documents_and_per_project(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada, "v1", "zeta"))
        db.views.create_view(conn, _new(bob, "v2", "alpha"))
        db.views.create_view(conn, _new(bob, "v3", "alpha", project="cifar"))
    with db.read() as conn:
        listed = db.views.list_views(conn, "team", "mnist")
        assert db.views.count_views(conn, "team", "mnist") == 2
        assert db.views.count_views(conn, "team", "empty") == 0
    assert [(v.id, v.name, v.owner) for v in listed] == [("v2", "alpha", "bob"), ("v1", "zeta", "ada")]
    assert all(v.layout is None and v.state is None for v in listed)


def test_a_second_view_of_the_same_name_is_refused_and_the_transaction_goes_on(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada))
        with pytest.raises(ViewNameTaken) as taken:
            db.views.create_view(conn, _new(bob, "v2"))
        assert taken.value.field == "name" and "'loss curves'" in taken.value.message
        with pytest.raises(ViewIdTaken):
            db.views.create_view(conn, _new(bob, "v1", "another name"))
        db.views.create_view(conn, _new(bob, "v3", "mine"))  # still usable after both
    with db.read() as conn:
        assert [v.id for v in db.views.list_views(conn, "team", "mnist")] == ["v1", "v3"]


def test_update_replaces_only_what_it_names(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada))
        renamed = db.views.update_view(conn, "team", "mnist", "v1", ViewChanges(name="renamed"), now=6.0)
        assert renamed is not None
        assert (renamed.name, renamed.description, renamed.layout, renamed.updated_at) == (
            "renamed",
            "the runs that matter",
            LAYOUT,
            6.0,
        )
        new_state = {"x_axis": "wall"}
        saved = db.views.update_view(
            conn,
            "team",
            "mnist",
            "v1",
            ViewChanges(layout={"version": 1, "panels": []}, state=new_state),
            now=7.0,
        )
        assert saved is not None and saved.state == new_state and saved.layout == {"version": 1, "panels": []}
        cleared = db.views.update_view(
            conn, "team", "mnist", "v1", ViewChanges(clear_description=True), now=8.0
        )
        assert cleared is not None and cleared.description is None and cleared.created_at == 5.0
        assert db.views.update_view(conn, "team", "cifar", "v1", ViewChanges(name="x"), now=9.0) is None


def test_renaming_onto_a_taken_name_is_refused_and_the_transaction_goes_on(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada, "v1", "first"))
        db.views.create_view(conn, _new(ada, "v2", "second"))
        with pytest.raises(ViewNameTaken):
            db.views.update_view(conn, "team", "mnist", "v2", ViewChanges(name="first"), now=6.0)
        assert (
            db.views.update_view(conn, "team", "mnist", "v2", ViewChanges(name="third"), now=6.0) is not None
        )
    with db.read() as conn:
        assert [v.name for v in db.views.list_views(conn, "team", "mnist")] == ["first", "third"]


def test_the_same_name_may_be_used_in_another_project(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada))
        db.views.create_view(conn, replace(_new(ada, "v2"), project="cifar"))
    with db.read() as conn:
        assert db.views.get_view(conn, "team", "cifar", "v2") is not None


def test_delete_removes_only_that_view(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada, "v1", "first"))
        db.views.create_view(conn, _new(ada, "v2", "second"))
        assert db.views.delete_view(conn, "team", "mnist", "v1") is True
        assert db.views.delete_view(conn, "team", "mnist", "v1") is False
        assert db.views.delete_view(conn, "team", "cifar", "v2") is False
    with db.read() as conn:
        assert [v.id for v in db.views.list_views(conn, "team", "mnist")] == ["v2"]


def test_a_view_outlives_its_owners_account(db: SqlDatabase, users: tuple[User, User]) -> None:
    _, bob = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(bob))
        conn.execute(sa.delete(users_table).where(users_table.c.id == bob.id))
    with db.read() as conn:
        got = db.views.get_view(conn, "team", "mnist", "v1")
    assert got is not None and got.owner is None and got.owner_id is None


def test_get_with_lock_reads_the_view(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.views.create_view(conn, _new(ada))
        locked = db.views.get_view(conn, "team", "mnist", "v1", lock=True)
    assert locked is not None and locked.owner == "ada"
