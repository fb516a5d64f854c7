"""Contract of ``ReportLinkStore`` on every SQL backend: links belong to a report, are found by the
token's hash only, revoked by id within their report, and go with the report."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from trackwell.store.base import User
from trackwell.store.base.reports import ReportVersionDraft
from trackwell.store.sql.database import SqlDatabase
from trackwell.store.sql.report_links import report_links

DOC = {"title": "Study", "description": "", "status": "draft", "blocks": []}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@pytest.fixture
def ada(db: SqlDatabase) -> User:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        draft = ReportVersionDraft(author_id=ada.id, title="Study", status="draft", document=DOC, now=2.0)
        db.reports.create_report(conn, "team", "mnist", "r1", draft)
        db.reports.create_report(conn, "team", "mnist", "r2", draft)
    return ada


def test_a_link_is_found_by_its_hash_and_listed_newest_first(db: SqlDatabase, ada: User) -> None:
    with db.begin() as conn:
        first = db.report_links.add_link(conn, "team", "mnist", "r1", _hash("t1"), ada.id, 10.0)
        second = db.report_links.add_link(conn, "team", "mnist", "r1", _hash("t2"), ada.id, 11.0)
    assert first is not None and second is not None
    assert (first.report_id, first.created_by, first.created_at, first.last_used) == ("r1", "ada", 10.0, None)
    with db.read() as conn:
        assert db.report_links.link_for_hash(conn, _hash("t2")) == second
        assert db.report_links.link_for_hash(conn, _hash("t3")) is None
        assert db.report_links.list_links(conn, "team", "mnist", "r1") == [second, first]
        assert db.report_links.list_links(conn, "team", "mnist", "r2") == []


def test_only_the_hash_is_stored(db: SqlDatabase, ada: User) -> None:
    with db.begin() as conn:
        db.report_links.add_link(conn, "team", "mnist", "r1", _hash("the-token"), ada.id, 10.0)
    with db.read() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(report_links))]
    assert len(rows) == 1 and _hash("the-token") in rows[0]
    assert not any(value == "the-token" for value in rows[0])


def test_a_link_of_a_missing_report_is_not_made(db: SqlDatabase, ada: User) -> None:
    with db.begin() as conn:
        assert db.report_links.add_link(conn, "team", "mnist", "nope", _hash("t"), ada.id, 1.0) is None
        assert db.report_links.add_link(conn, "team", "other", "r1", _hash("t"), ada.id, 1.0) is None


def test_revoking_needs_the_links_own_report(db: SqlDatabase, ada: User) -> None:
    with db.begin() as conn:
        link = db.report_links.add_link(conn, "team", "mnist", "r1", _hash("t1"), ada.id, 10.0)
    assert link is not None
    with db.begin() as conn:
        assert not db.report_links.delete_link(conn, "team", "mnist", "r2", link.id)
        assert db.report_links.delete_link(conn, "team", "mnist", "r1", link.id)
        assert not db.report_links.delete_link(conn, "team", "mnist", "r1", link.id)
    with db.read() as conn:
        assert db.report_links.link_for_hash(conn, _hash("t1")) is None


def test_a_use_is_recorded_and_a_link_goes_with_its_report_not_its_creator(
    db: SqlDatabase, ada: User
) -> None:
    with db.begin() as conn:
        link = db.report_links.add_link(conn, "team", "mnist", "r1", _hash("t1"), ada.id, 10.0)
        assert link is not None
        db.report_links.touch_link(conn, link.id, 50.0)
    with db.read() as conn:
        used = db.report_links.link_for_hash(conn, _hash("t1"))
    assert used is not None and used.last_used == 50.0
    with db.begin() as conn:
        db.users.delete_user(conn, ada.id)  # the link outlives its creator's account
    with db.read() as conn:
        kept = db.report_links.link_for_hash(conn, _hash("t1"))
    assert kept is not None and kept.created_by is None
    with db.begin() as conn:
        db.reports.delete_report(conn, "team", "mnist", "r1")
    with db.read() as conn:
        assert db.report_links.link_for_hash(conn, _hash("t1")) is None
        assert conn.execute(sa.select(sa.func.count()).select_from(report_links)).scalar_one() == 0
