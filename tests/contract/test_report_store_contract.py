"""Contract of ``ReportStore`` on every SQL backend: reports per project, every save a version, and
the optimistic check that lets only one of two writers of the same version through."""

from __future__ import annotations

import pytest

from trackwell.store.base import User
from trackwell.store.base.reports import ReportIdTaken, ReportVersionDraft
from trackwell.store.sql.database import SqlDatabase

DOC_1 = {"title": "Optimizer study", "description": "", "status": "draft", "blocks": []}
DOC_2 = {
    "title": "Optimizer study",
    "description": "adam wins",
    "status": "published",
    "blocks": [{"type": "paragraph", "text": [{"text": "Adam converges faster."}]}],
}


@pytest.fixture
def users(db: SqlDatabase) -> tuple[User, User]:
    with db.begin() as conn:
        return (
            db.users.create_user(conn, "ada", is_admin=False, now=1.0),
            db.users.create_user(conn, "bob", is_admin=False, now=1.0),
        )


def _draft(author: User, document: dict[str, object], now: float = 5.0) -> ReportVersionDraft:
    return ReportVersionDraft(
        author_id=author.id,
        title=str(document["title"]),
        status=str(document["status"]),
        document=dict(document),
        now=now,
    )


def test_a_created_report_reads_back_as_version_1(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        made = db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
    with db.read() as conn:
        got = db.reports.get_report(conn, "team", "mnist", "r1")
    assert got == made
    assert got is not None
    assert (got.title, got.status, got.owner, got.owner_id, got.author) == (
        "Optimizer study",
        "draft",
        "ada",
        ada.id,
        "ada",
    )
    assert (got.version, got.latest_version, got.document) == (1, 1, DOC_1)


def test_a_report_is_found_only_in_its_own_project(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
    with db.read() as conn:
        assert db.reports.get_report(conn, "team", "cifar", "r1") is None
        assert db.reports.get_report(conn, "other", "mnist", "r1") is None
        assert db.reports.list_reports(conn, "team", "cifar", None, 100) == []


def test_a_taken_id_is_refused_and_the_transaction_stays_usable(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
    with db.begin() as conn:
        with pytest.raises(ReportIdTaken):
            db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
        db.reports.create_report(conn, "team", "mnist", "r2", _draft(ada, DOC_1))
    with db.read() as conn:
        assert len(db.reports.list_reports(conn, "team", "mnist", None, 100)) == 2


def test_every_save_is_a_version_and_old_versions_read_back(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1, now=5.0))
        saved = db.reports.add_version(conn, "team", "mnist", "r1", 1, _draft(bob, DOC_2, now=9.0))
    assert saved is not None
    assert (saved.version, saved.latest_version, saved.author, saved.owner) == (2, 2, "bob", "ada")
    assert (saved.status, saved.updated_at, saved.created_at) == ("published", 9.0, 5.0)
    with db.read() as conn:
        first = db.reports.get_report(conn, "team", "mnist", "r1", version=1)
        assert db.reports.get_report(conn, "team", "mnist", "r1", version=3) is None
        versions = db.reports.list_versions(conn, "team", "mnist", "r1")
    assert first is not None
    assert (first.version, first.latest_version, first.document, first.author, first.status) == (
        1,
        2,
        DOC_1,
        "ada",
        "draft",
    )
    assert [(v.version, v.author, v.created_at, v.status) for v in versions] == [
        (2, "bob", 9.0, "published"),
        (1, "ada", 5.0, "draft"),
    ]


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, bob = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
        assert db.reports.add_version(conn, "team", "mnist", "r1", 1, _draft(bob, DOC_2)) is not None
        # Ada edited version 1 too: her save must not overwrite Bob's.
        assert db.reports.add_version(conn, "team", "mnist", "r1", 1, _draft(ada, DOC_1)) is None
        assert db.reports.add_version(conn, "team", "mnist", "gone", 1, _draft(ada, DOC_1)) is None
    with db.read() as conn:
        got = db.reports.get_report(conn, "team", "mnist", "r1")
        assert len(db.reports.list_versions(conn, "team", "mnist", "r1")) == 2
    assert got is not None and (got.version, got.document) == (2, DOC_2)


def test_the_list_is_newest_save_first_and_searches_titles_in_any_case(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1, now=1.0))
        other = {**DOC_1, "title": "Learning-rate 100% sweep"}
        db.reports.create_report(conn, "team", "mnist", "r2", _draft(ada, other, now=2.0))
        db.reports.add_version(conn, "team", "mnist", "r1", 1, _draft(ada, DOC_2, now=3.0))
    with db.read() as conn:
        listed = db.reports.list_reports(conn, "team", "mnist", None, 100)
        assert [(r.id, r.latest_version, r.document) for r in listed] == [("r1", 2, None), ("r2", 1, None)]
        assert [r.id for r in db.reports.list_reports(conn, "team", "mnist", "OPTIMIZER", 100)] == ["r1"]
        # LIKE's wildcards in a search are plain characters.
        assert [r.id for r in db.reports.list_reports(conn, "team", "mnist", "100%", 100)] == ["r2"]
        assert db.reports.list_reports(conn, "team", "mnist", "_", 100) == []
        assert len(db.reports.list_reports(conn, "team", "mnist", None, 1)) == 1


def test_deleting_a_report_removes_its_versions(db: SqlDatabase, users: tuple[User, User]) -> None:
    ada, _ = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(ada, DOC_1))
        db.reports.add_version(conn, "team", "mnist", "r1", 1, _draft(ada, DOC_2))
        assert db.reports.delete_report(conn, "team", "mnist", "r1") is True
        assert db.reports.delete_report(conn, "team", "mnist", "r1") is False
    with db.read() as conn:
        assert db.reports.get_report(conn, "team", "mnist", "r1") is None
        assert db.reports.list_versions(conn, "team", "mnist", "r1") == []


def test_a_deleted_account_leaves_its_reports_without_owner_or_author(
    db: SqlDatabase, users: tuple[User, User]
) -> None:
    _, bob = users
    with db.begin() as conn:
        db.reports.create_report(conn, "team", "mnist", "r1", _draft(bob, DOC_1))
    with db.begin() as conn:
        db.users.delete_user(conn, bob.id)
    with db.read() as conn:
        got = db.reports.get_report(conn, "team", "mnist", "r1")
    assert got is not None and (got.owner, got.owner_id, got.author) == (None, None, None)
