"""Saved views carry the runs table's browser-kept state (``ViewState.table``) through the view
service on every SQL backend: saved, read back by others, replaced by an update, and views saved
before it existed still open."""

from __future__ import annotations

import pytest

from trackwell.schema.errors import Conflict
from trackwell.schema.views import ViewCreate, ViewState, ViewUpdate
from trackwell.service.views import ViewService
from trackwell.store.base import NewView, User
from trackwell.store.sql.database import SqlDatabase

TABLE = {
    "hidden_runs": ["run1", "run2"],
    "pinned_columns": ["name", "c:lr"],
    "hidden_columns": ["notes", "s:val/acc"],
    "column_widths": {"name": 320, "c:lr": 90},
    "split": {"mode": "split", "width": 640},
}


@pytest.fixture
def people(db: SqlDatabase) -> tuple[User, User]:
    with db.begin() as conn:
        return (
            db.users.create_user(conn, "ada", is_admin=False, now=1.0),
            db.users.create_user(conn, "bob", is_admin=False, now=1.0),
        )


def test_the_table_is_saved_with_the_view_and_others_open_it(
    db: SqlDatabase, people: tuple[User, User]
) -> None:
    ada, bob = people
    service = ViewService(db)
    body = ViewCreate.model_validate({"name": "pinned lr", "state": {"filter": "lr>0", "table": TABLE}})
    made = service.create(ada, "team", "mnist", body)
    opened = service.get(bob, "team", "mnist", made.id)
    assert opened.state.table is not None
    assert opened.state.table.model_dump(mode="json") == TABLE
    assert opened.state.filter == "lr>0"

    # An update's state replaces the whole state: the table as it is now, run list and all.
    narrower = {**TABLE, "hidden_runs": [], "split": {"mode": "list", "width": None}}
    service.update(ada, "team", "mnist", made.id, ViewUpdate.model_validate({"state": {"table": narrower}}))
    table = service.get(bob, "team", "mnist", made.id).state.table
    assert table is not None and table.split is not None
    assert (table.hidden_runs, table.split.model_dump()) == ([], {"mode": "list", "width": None})


def test_a_view_saved_before_views_held_the_table_still_opens(
    db: SqlDatabase, people: tuple[User, User]
) -> None:
    ada, bob = people
    with db.begin() as conn:  # a row as an earlier release wrote it: no `table` in its state
        db.views.create_view(
            conn,
            NewView(
                id="old1",
                entity="team",
                project="mnist",
                name="from last year",
                description=None,
                owner_id=ada.id,
                layout={"version": 1},
                state={"filter": "lr>0.01", "group_by": "c:opt"},
                now=5.0,
            ),
        )
    opened = ViewService(db).get(bob, "team", "mnist", "old1")
    assert opened.state == ViewState(filter="lr>0.01", group_by="c:opt")
    assert opened.state.table is None


def test_names_that_look_alike_in_the_menu_are_one_name(db: SqlDatabase, people: tuple[User, User]) -> None:
    ada, bob = people
    service = ViewService(db)
    made = service.create(ada, "team", "mnist", ViewCreate(name="  Verlust für  Adam 損失 🚀 "))
    assert made.name == "Verlust für Adam 損失 🚀"
    listed = service.list_views(bob, "team", "mnist").views
    assert [v.name for v in listed] == ["Verlust für Adam 損失 🚀"]
    # "ü" as "u" and a combining diaeresis, and a double space: the same name to a reader.
    with pytest.raises(Conflict) as taken:
        service.create(bob, "team", "mnist", ViewCreate(name="Verlust fu\u0308r Adam  損失 🚀"))
    assert taken.value.field == "name"


def test_the_list_is_in_one_order_on_every_backend(db: SqlDatabase, people: tuple[User, User]) -> None:
    ada, _ = people
    service = ViewService(db)
    for name in ("beta", "Alpha", "zeta", "Émile", "alpha 2"):
        service.create(ada, "team", "mnist", ViewCreate(name=name))
    # Case aside, as a reader looks for a name (SQLite's binary order put every capital first;
    # PostgreSQL's follows the database's locale).
    assert [v.name for v in service.list_views(ada, "team", "mnist").views] == [
        "Alpha",
        "alpha 2",
        "beta",
        "Émile",
        "zeta",
    ]
