"""Archived runs and bulk changes (issue 16) on every SQL backend (``db_url``): the store's
``get_runs``/``set_archived``/``move_runs``, the default "not archived" listing and counts, and
``RunBulkService``'s rules (all or nothing, who may, idempotent, move collisions).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from trackwell.schema.run_bulk import BulkRunsRequest, BulkRunsResult
from trackwell.schema.runs import RunUpsert
from trackwell.service.history import HistoryService
from trackwell.service.run_bulk import RunBulkService
from trackwell.service.runs import RunService
from trackwell.store.base import HistoryRow, Principal, RunKey, User
from trackwell.store.base.runs import EVERY_RUN
from trackwell.store.sql.database import SqlDatabase

ADMIN = Principal(User(1, "root", "root", is_admin=True))
ADA = Principal(User(11, "ada", "ada", is_admin=False), roles={"team": "member"})
BO = Principal(User(12, "bo", "bo", is_admin=False), roles={"team": "member"})
CY = Principal(User(13, "cy", "cy", is_admin=False), roles={"team": "admin"})


def _make(db: SqlDatabase, run_id: str, owner: Principal, project: str = "p", **fields: Any) -> None:
    with db.begin() as conn:
        db.runs.create_run(
            conn,
            RunKey("team", project, run_id),
            RunUpsert(session_id="s", **fields),
            100.0,
            owner_id=owner.user.id,
        )


def fields_of(fields: dict[str, Any]) -> RunUpsert:
    return RunUpsert(session_id="s", **fields)


def _ids(db: SqlDatabase, project: str = "p", filters: dict[str, Any] | None = None) -> list[str]:
    found = RunService(db).query("team", project, None if filters is None else json.dumps(filters))
    return sorted(r.id for r in found.runs)


def _bulk(db: SqlDatabase, who: Principal, action: str, ids: list[str], **more: object) -> BulkRunsResult:
    req = BulkRunsRequest.model_validate({"run_ids": ids, "action": action, **more})
    return RunBulkService(db, clock=lambda: 500.0).apply(who, "team", "p", req)


@pytest.fixture
def team_db(db: SqlDatabase) -> SqlDatabase:
    for run_id, owner in (("a1", ADA), ("a2", ADA), ("b1", BO)):
        _make(db, run_id, owner)
    return db


def test_archived_runs_leave_the_default_list_and_counts_but_stay(team_db: SqlDatabase) -> None:
    db = team_db
    result = _bulk(db, ADA, "archive", ["a1"])
    assert result.changed == ["a1"]
    assert _ids(db) == ["a2", "b1"]
    assert _ids(db, filters={"archived": True}) == ["a1"]
    assert _ids(db, filters={"archived": False}) == ["a2", "b1"]
    assert _ids(db, filters=EVERY_RUN) == ["a1", "a2", "b1"]
    assert RunService(db).get(RunKey("team", "p", "a1")).archived_at == 500.0
    projects = RunService(db).projects("team").projects
    assert [(p.name, p.run_count) for p in projects] == [("p", 2)]
    # Archived again: nothing changes (archived_at stays the first time's).
    assert _bulk(db, ADA, "archive", ["a1", "a2"]).model_dump() == {
        "action": "archive",
        "changed": ["a2"],
        "unchanged": ["a1"],
    }
    assert _bulk(db, ADA, "unarchive", ["a1"]).changed == ["a1"]
    assert _ids(db) == ["a1", "b1"]


def test_a_filter_on_archived_is_checked(team_db: SqlDatabase) -> None:
    with pytest.raises(InvalidArgument, match="archived is true or false"):
        _ids(team_db, filters={"archived": "yes"})


def test_members_archive_only_their_own_runs_and_a_refusal_changes_nothing(
    team_db: SqlDatabase,
) -> None:
    db = team_db
    with pytest.raises(PermissionDenied) as refused:
        _bulk(db, ADA, "archive", ["a1", "b1"])
    assert "b1" in refused.value.message and "a1" not in refused.value.message
    assert _ids(db) == ["a1", "a2", "b1"]  # all or nothing: a1 was not archived either
    with pytest.raises(PermissionDenied, match="b1"):
        _bulk(db, ADA, "delete", ["b1"])
    assert _bulk(db, CY, "archive", ["a1", "b1"]).changed == ["a1", "b1"]  # the team's admin: any
    assert _bulk(db, ADMIN, "unarchive", ["a1", "b1"]).changed == ["a1", "b1"]


def test_members_tag_any_run_and_tags_are_added_once(team_db: SqlDatabase) -> None:
    db = team_db
    assert _bulk(db, ADA, "add_tags", ["a1", "b1"], tags=["x", "y"]).changed == ["a1", "b1"]
    again = _bulk(db, ADA, "add_tags", ["a1", "b1"], tags=["x"])
    assert again.changed == [] and again.unchanged == ["a1", "b1"]
    assert RunService(db).get(RunKey("team", "p", "b1")).tags == ["x", "y"]
    assert _bulk(db, BO, "remove_tags", ["a1"], tags=["x"]).changed == ["a1"]
    assert RunService(db).get(RunKey("team", "p", "a1")).tags == ["y"]
    with pytest.raises(InvalidArgument, match="needs tags"):
        _bulk(db, ADA, "add_tags", ["a1"])


def test_unknown_runs_are_named_and_nothing_changes(team_db: SqlDatabase) -> None:
    with pytest.raises(NotFound, match="nope"):
        _bulk(team_db, ADA, "add_tags", ["a1", "nope"], tags=["x"])
    assert RunService(team_db).get(RunKey("team", "p", "a1")).tags == []


def test_delete_removes_the_runs_and_history_and_repeating_it_is_harmless(team_db: SqlDatabase) -> None:
    db = team_db
    assert _bulk(db, ADA, "delete", ["a1", "a2"]).changed == ["a1", "a2"]
    assert _ids(db, filters=EVERY_RUN) == ["b1"]
    assert _bulk(db, ADA, "delete", ["a1", "a2"]).changed == []


def test_move_takes_history_along_and_refuses_colliding_ids(team_db: SqlDatabase) -> None:
    db = team_db
    with db.begin() as conn:
        pk = db.runs.get_run(conn, RunKey("team", "p", "a1")).pk  # type: ignore[union-attr]
        db.history.append(conn, pk, [HistoryRow(step=0, timestamp=1.0, runtime=0.0, values={"loss": 0.5})])
    _make(db, "b1", BO, project="q")  # the same id as p's b1
    with pytest.raises(Conflict) as taken:
        _bulk(db, ADA, "move", ["a1", "b1"], to_project="q")
    assert "b1" in taken.value.message
    assert _ids(db) == ["a1", "a2", "b1"]  # nothing moved
    assert _bulk(db, ADA, "move", ["a1", "a2"], to_project="q").changed == ["a1", "a2"]
    assert _ids(db) == ["b1"]
    assert _ids(db, project="q") == ["a1", "a2", "b1"]
    with db.read() as conn:
        moved = db.runs.get_run(conn, RunKey("team", "q", "a1"))
        assert moved is not None and moved.pk == pk
    assert [k.key for k in HistoryService(db).keys(RunKey("team", "q", "a1")).keys] == ["loss"]
    # Repeated after it succeeded (a retry): the runs are there already.
    again = _bulk(db, ADA, "move", ["a1", "a2"], to_project="q")
    assert again.changed == [] and again.unchanged == ["a1", "a2"]
    with pytest.raises(InvalidArgument, match="already in"):
        _bulk(db, ADA, "move", ["b1"], to_project="p")


def test_sweep_runs_stay_in_their_project(team_db: SqlDatabase) -> None:
    _make(team_db, "s1", ADA, sweep_id="sw")
    with pytest.raises(Conflict, match="s1"):
        _bulk(team_db, ADA, "move", ["s1"], to_project="q")


def test_a_request_is_bounded() -> None:
    with pytest.raises(ValueError, match="1000"):
        BulkRunsRequest.model_validate({"run_ids": [f"r{i}" for i in range(1001)], "action": "archive"})
