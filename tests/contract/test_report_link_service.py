"""``ReportLinkService`` on every SQL backend: the token is shown once and kept only as its hash,
a presented token becomes a read-only caller limited to its report and its runsets' projects, read
afresh on every request (so a revoke or a changed runset applies at once)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from trackwell.schema.errors import NotFound, PermissionDenied
from trackwell.schema.reports import ReportCreate, ReportSave
from trackwell.service.access import Action, ProjectRef, authorize, visible_projects
from trackwell.service.audit import AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.project_access import ProjectAccess
from trackwell.service.report_links import ReportLinkService
from trackwell.service.reports import ReportService
from trackwell.store.base import Principal, User
from trackwell.store.sql.database import SqlDatabase


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _document(*projects: str) -> dict[str, object]:
    grids = [
        {"type": "panel_grid", "runsets": [{"entity": "team", "project": p}], "panels": []} for p in projects
    ]
    return {"title": "Study", "blocks": grids}


@pytest.fixture
def parts(db: SqlDatabase) -> tuple[ReportService, ReportLinkService, User, Clock]:
    with db.begin() as conn:
        db.users.create_team(conn, "team", now=1.0)
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.set_role(conn, "team", ada.id, "member", now=1.0)
    access = ProjectAccess(db, AuthService(db).principal)
    clock = Clock()
    return (
        ReportService(db, access),
        ReportLinkService(db, access, clock=clock, audit=AuditLog(db)),
        ada,
        clock,
    )


def test_the_token_is_shown_once_and_stored_only_as_its_hash(
    db: SqlDatabase, parts: tuple[ReportService, ReportLinkService, User, Clock]
) -> None:
    reports, links, ada, _ = parts
    report = reports.create(ada, "team", "mnist", ReportCreate.model_validate(_document("mnist")))
    made = links.create(ada, "team", "mnist", report.id)
    assert len(made.token) >= 43 and made.path == f"/public/reports/{made.token}"
    assert made.token not in repr(made)
    listed = links.list_links(ada, "team", "mnist", report.id)
    assert made.token not in listed.model_dump_json() and [link.id for link in listed.links] == [made.id]
    with db.read() as conn:
        stored = [str(value) for row in conn.execute(sa.text("SELECT * FROM report_links")) for value in row]
    assert hashlib.sha256(made.token.encode()).hexdigest() in stored
    assert not any(made.token in value for value in stored)
    links.revoke(ada, "team", "mnist", report.id, made.id)
    events = AuditLog(db).events(action=None)
    done = [(e.action, e.actor, e.target, e.detail) for e in events if e.action.startswith("report_link.")]
    where = f"team/mnist/reports/{report.id}"
    assert done == [
        ("report_link.revoke", "ada", where, {"link_id": made.id}),
        ("report_link.create", "ada", where, {"link_id": made.id}),
    ]
    assert made.token not in repr(events)


def test_a_token_reads_its_report_and_the_projects_its_current_runsets_draw(
    parts: tuple[ReportService, ReportLinkService, User, Clock],
) -> None:
    reports, links, ada, clock = parts
    report = reports.create(ada, "team", "mnist", ReportCreate.model_validate(_document("cifar", "svhn")))
    token = links.create(ada, "team", "mnist", report.id).token
    holder = links.user_for_token(token)
    assert holder.link is not None and holder.link.projects == {("team", "cifar"), ("team", "svhn")}
    assert reports.get(holder, "team", "mnist", report.id).title == "Study"
    caller = Principal(user=holder)
    authorize(caller, Action.PROJECT_READ, ProjectRef("team", "cifar", "private"))
    with pytest.raises(NotFound):  # the report's own project is not drawn: its runs stay hidden
        authorize(caller, Action.PROJECT_READ, ProjectRef("team", "mnist", "public"))
    with pytest.raises(PermissionDenied):
        authorize(caller, Action.PROJECT_WRITE, ProjectRef("team", "cifar", "team"))
    with pytest.raises(NotFound):
        authorize(caller, Action.PROJECT_WRITE, ProjectRef("other", "x", "public"))
    scope = visible_projects(caller)
    assert (scope.everything, scope.public, scope.projects) == (False, False, holder.link.projects)
    clock.now += 5
    reports.save(
        ada, "team", "mnist", report.id, ReportSave.model_validate(_document("svhn") | {"base_version": 1})
    )
    moved = links.user_for_token(token)
    assert moved.link is not None and moved.link.projects == {("team", "svhn")}


def test_revoked_unknown_and_deleted_report_links_are_not_found(
    parts: tuple[ReportService, ReportLinkService, User, Clock],
) -> None:
    reports, links, ada, _ = parts
    report = reports.create(ada, "team", "mnist", ReportCreate.model_validate(_document("mnist")))
    first = links.create(ada, "team", "mnist", report.id)
    second = links.create(ada, "team", "mnist", report.id)
    links.revoke(ada, "team", "mnist", report.id, first.id)
    for token in (first.token, "", "x" * 300, "guess"):
        with pytest.raises(NotFound) as refused:
            links.user_for_token(token)
        assert token not in str(refused.value) or not token
    assert links.user_for_token(second.token).link is not None
    with pytest.raises(NotFound):
        links.revoke(ada, "team", "mnist", report.id, first.id)
    with pytest.raises(NotFound):
        links.create(ada, "team", "mnist", "nosuchreport")
    reports.delete(ada, "team", "mnist", report.id)
    with pytest.raises(NotFound):
        links.user_for_token(second.token)


def test_a_use_is_recorded_at_most_once_a_minute(
    parts: tuple[ReportService, ReportLinkService, User, Clock],
) -> None:
    reports, links, ada, clock = parts
    report = reports.create(ada, "team", "mnist", ReportCreate.model_validate(_document("mnist")))
    made = links.create(ada, "team", "mnist", report.id)
    links.user_for_token(made.token)
    clock.now += 30
    links.user_for_token(made.token)
    assert links.list_links(ada, "team", "mnist", report.id).links[0].last_used == 1000.0
    clock.now += 31
    links.user_for_token(made.token)
    assert links.list_links(ada, "team", "mnist", report.id).links[0].last_used == 1061.0


def test_only_writers_of_the_project_manage_links(
    db: SqlDatabase, parts: tuple[ReportService, ReportLinkService, User, Clock]
) -> None:
    reports, links, ada, _ = parts
    with db.begin() as conn:
        viewer = db.users.create_user(conn, "vic", is_admin=False, now=1.0)
        db.users.set_role(conn, "team", viewer.id, "viewer", now=1.0)
    report = reports.create(ada, "team", "mnist", ReportCreate.model_validate(_document("mnist")))
    for call in (
        lambda: links.create(viewer, "team", "mnist", report.id),
        lambda: links.list_links(viewer, "team", "mnist", report.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
