"""The rules of saved views (``service/views.py``) on a real SQLite store: who may change a view,
unique names, limits, ids, and the one access check every call goes through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, PayloadTooLarge, PermissionDenied
from trackwell.schema.layout import WorkspaceLayout
from trackwell.schema.views import ViewCreate, ViewUpdate
from trackwell.service import views as views_module
from trackwell.service.project_access import ProjectAccess
from trackwell.service.views import ViewService
from trackwell.store.base import User
from trackwell.store.sql.database import SqlDatabase, open_database
from trackwell.store.sql.tables import users as users_table

LAYOUT = {"version": 1, "panels": [{"id": "bar-1", "type": "bar", "section": "Charts", "metric": "val/acc"}]}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqlDatabase]:
    database = open_database(f"sqlite:///{tmp_path / 'views.db'}")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def people(db: SqlDatabase) -> dict[str, User]:
    with db.begin() as conn:
        return {
            name: db.users.create_user(conn, name, is_admin=name == "root", now=1.0)
            for name in ("ada", "bob", "root")
        }


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.fixture
def service(db: SqlDatabase) -> ViewService:
    return ViewService(db, clock=Clock())


def _create(service: ViewService, user: User, name: str = "loss curves") -> str:
    body = ViewCreate.model_validate({"name": name, "layout": LAYOUT, "state": {"filter": "lr>0.01"}})
    return service.create(user, "team", "mnist", body).id


def test_the_owner_renames_overwrites_and_deletes_a_view(
    service: ViewService, people: dict[str, User]
) -> None:
    ada = people["ada"]
    view_id = _create(service, ada)
    made = service.get(ada, "team", "mnist", view_id)
    assert (made.owner, made.can_edit, made.state.filter, made.layout.panels[0].id) == (
        "ada",
        True,
        "lr>0.01",
        "bar-1",
    )
    changed = service.update(
        ada,
        "team",
        "mnist",
        view_id,
        ViewUpdate.model_validate(
            {"name": "renamed", "state": {"group_by": "c:opt"}, "layout": {"version": 1}}
        ),
    )
    assert (changed.name, changed.state.filter, changed.state.group_by, changed.layout.panels) == (
        "renamed",
        None,
        "c:opt",
        [],
    )
    assert changed.updated_at > made.updated_at and changed.created_at == made.created_at
    service.delete(ada, "team", "mnist", view_id)
    with pytest.raises(NotFound) as gone:
        service.get(ada, "team", "mnist", view_id)
    assert gone.value.field == "view_id"


def test_others_open_a_view_but_only_the_owner_or_an_admin_changes_it(
    service: ViewService, people: dict[str, User]
) -> None:
    view_id = _create(service, people["ada"])
    bob, root = people["bob"], people["root"]
    assert service.get(bob, "team", "mnist", view_id).can_edit is False
    assert [v.can_edit for v in service.list_views(bob, "team", "mnist").views] == [False]
    with pytest.raises(PermissionDenied) as denied:
        service.update(bob, "team", "mnist", view_id, ViewUpdate(name="mine now"))
    assert "its owner (ada)" in denied.value.message and "new view" in (denied.value.hint or "")
    with pytest.raises(PermissionDenied):
        service.delete(bob, "team", "mnist", view_id)
    assert service.get(bob, "team", "mnist", view_id).name == "loss curves"
    assert service.get(root, "team", "mnist", view_id).can_edit is True
    assert service.update(root, "team", "mnist", view_id, ViewUpdate(name="by root")).name == "by root"
    service.delete(root, "team", "mnist", view_id)
    assert service.list_views(bob, "team", "mnist").views == []


def test_a_view_whose_owner_is_gone_is_left_to_admins(
    service: ViewService, db: SqlDatabase, people: dict[str, User]
) -> None:
    view_id = _create(service, people["bob"])
    with db.begin() as conn:
        conn.execute(sa.delete(users_table).where(users_table.c.id == people["bob"].id))
    view = service.get(people["ada"], "team", "mnist", view_id)
    assert view.owner is None and view.can_edit is False
    with pytest.raises(PermissionDenied) as denied:
        service.delete(people["ada"], "team", "mnist", view_id)
    assert "only an admin" in denied.value.message
    assert service.get(people["root"], "team", "mnist", view_id).can_edit is True


def test_names_are_unique_per_project_after_trimming(service: ViewService, people: dict[str, User]) -> None:
    _create(service, people["ada"], "loss curves")
    with pytest.raises(Conflict) as taken:
        _create(service, people["bob"], "  loss curves ")
    assert taken.value.field == "name" and "already has a view named 'loss curves'" in taken.value.message
    other = _create(service, people["bob"], "other")
    with pytest.raises(Conflict):
        service.update(people["bob"], "team", "mnist", other, ViewUpdate(name="loss curves"))


def test_description_is_set_and_cleared(service: ViewService, people: dict[str, User]) -> None:
    ada = people["ada"]
    view_id = _create(service, ada)
    assert service.update(ada, "team", "mnist", view_id, ViewUpdate(description="why")).description == "why"
    kept = service.update(ada, "team", "mnist", view_id, ViewUpdate(name="n2"))
    assert kept.description == "why"
    cleared = service.update(ada, "team", "mnist", view_id, ViewUpdate.model_validate({"description": None}))
    assert cleared.description is None


def test_a_layout_over_the_limit_is_refused_naming_the_field(
    service: ViewService, people: dict[str, User]
) -> None:
    panels = [
        {"id": f"bar-{i}", "type": "bar", "section": "s" * 200, "metric": "m" * 500, "title": "t" * 200}
        for i in range(400)
    ]
    body = ViewCreate(name="huge", layout=WorkspaceLayout.model_validate({"version": 1, "panels": panels}))
    with pytest.raises(PayloadTooLarge) as big:
        service.create(people["ada"], "team", "mnist", body)
    assert big.value.field == "layout" and "262144 bytes" in big.value.message


def test_a_project_holds_a_bounded_number_of_views(
    service: ViewService, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_module, "MAX_VIEWS_PER_PROJECT", 2)
    _create(service, people["ada"], "a")
    _create(service, people["ada"], "b")
    with pytest.raises(InvalidArgument) as full:
        _create(service, people["ada"], "c")
    assert "2 saved views" in full.value.message


def test_a_clashing_random_id_is_drawn_again(db: SqlDatabase, people: dict[str, User]) -> None:
    ids = iter(["same", "same", "fresh"])
    service = ViewService(db, new_id=lambda: next(ids))
    assert _create(service, people["ada"], "a") == "same"
    assert _create(service, people["ada"], "b") == "fresh"


def test_every_call_asks_the_one_access_check(db: SqlDatabase, people: dict[str, User]) -> None:
    class NoOutsiders(ProjectAccess):
        def require_reader(self, user: User, entity: str, project: str) -> None:
            if user.username == "bob":
                raise PermissionDenied(f"bob may not see {entity}/{project}")

    service = ViewService(db, access=NoOutsiders())
    view_id = _create(service, people["ada"])
    bob = people["bob"]
    with pytest.raises(PermissionDenied, match="bob may not see"):
        service.list_views(bob, "team", "mnist")
    with pytest.raises(PermissionDenied, match="bob may not see"):
        service.get(bob, "team", "mnist", view_id)
    with pytest.raises(PermissionDenied, match="bob may not see"):
        _create(service, bob, "x")
    with pytest.raises(PermissionDenied, match="bob may not see"):
        service.update(bob, "team", "mnist", view_id, ViewUpdate(name="y"))
    with pytest.raises(PermissionDenied, match="bob may not see"):
        service.delete(bob, "team", "mnist", view_id)


def test_an_update_must_change_something() -> None:
    with pytest.raises(ValueError, match="nothing to change"):
        ViewUpdate.model_validate({})
    with pytest.raises(ValueError, match="needs a name"):
        ViewUpdate.model_validate({"name": None})
