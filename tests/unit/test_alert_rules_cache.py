"""The record path's cost of alert rules: a project's rules and webhooks are read once and kept
(so a project with none pays a dictionary lookup per batch), and a change made through the same
process is seen at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trackwell.service.alert_rules import AlertRules
from trackwell.store.base import RuleFields
from trackwell.store.sql.database import SqlDatabase, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqlDatabase]:
    database = open_database(f"sqlite:///{tmp_path / 't.db'}")
    yield database
    database.close()


def test_a_projects_setup_is_read_once_until_it_changes_here(
    db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    list_rules = db.alert_rules.list_rules
    monkeypatch.setattr(db.alert_rules, "list_rules", lambda c, e, p: reads.append(p) or list_rules(c, e, p))
    now = [0.0]
    rules = AlertRules(db, ttl=2.0, monotonic=lambda: now[0])
    with db.read() as conn:
        for _ in range(100):  # a hundred batches of a project without rules
            assert rules.project(conn, "e", "quiet").idle
    assert reads == ["quiet"]

    with db.begin() as conn:
        db.alert_rules.add_rule(
            conn, "e", "quiet", RuleFields("run_failed", None, None, None, "ERROR", (), True), 1.0
        )
    rules.forget("e", "quiet")  # what the alerts page's service does after a change
    with db.read() as conn:
        assert [r.fields.kind for r in rules.project(conn, "e", "quiet").rules] == ["run_failed"]
    assert reads == ["quiet", "quiet"]

    with db.begin() as conn:  # a change made by another process is seen once the entry expires
        db.alert_rules.add_rule(
            conn, "e", "quiet", RuleFields("run_crashed", None, None, None, "WARN", (), False), 2.0
        )
    now[0] = 2.5
    with db.read() as conn:
        assert len(rules.project(conn, "e", "quiet").rules) == 1  # the new rule is disabled: not kept
    assert reads == ["quiet", "quiet", "quiet"]
