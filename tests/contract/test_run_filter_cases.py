"""The runs filter's shared cases (``tests/cases/run_filters.json``) against the store's SQL, on every
backend. The workspace's in-browser filter runs the same file (``web/src/lib/filters.test.ts``), so
the two implementations of the rule cannot drift apart: a case changed for one is run by both.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import to_json

from tests.fixtures.postgres import PostgresCluster
from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import RunChanges, RunKey
from trackwell.store.sql.database import SqlDatabase, open_database

CASES = json.loads((Path(__file__).parents[1] / "cases" / "run_filters.json").read_text())
_CREATE_FIELDS = ("display_name", "group", "job_type", "tags", "notes", "config", "host", "sweep_id")
_CHANGE_FIELDS = (
    "state",
    "summary",
    "updated_at",
    "heartbeat_at",
    "finished_at",
    "runtime",
    "exit_code",
    "last_step",
    "history_count",
)


def _seed(db: SqlDatabase) -> None:
    for doc in CASES["runs"]:
        created = {k: doc[k] for k in _CREATE_FIELDS if doc[k] is not None}
        changes = RunChanges(**{k: doc[k] for k in _CHANGE_FIELDS if doc[k] is not None})
        with db.begin() as conn:
            stored = db.runs.create_run(
                conn, RunKey("ent", "p", doc["id"]), RunUpsert(session_id="s1", **created), doc["created_at"]
            )
            db.runs.update_run(conn, stored.pk, changes)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlDatabase]:
    """One seeded database per backend for the whole module: the cases only read."""
    cluster: PostgresCluster | None = None
    name = "t_" + uuid.uuid4().hex[:12]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'trackwell.db'}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(name)
    db = open_database(url)
    try:
        _seed(db)
        yield db
    finally:
        db.close()
        if cluster is not None:
            cluster.drop_database(name)


def _query(db: SqlDatabase, filters: dict[str, Any]) -> list[str]:
    with db.read() as conn:
        runs, _ = db.runs.query_runs(conn, "ent", "p", filters, "+created_at", 100, 0)
    return [r.id for r in runs]


def test_the_seeded_runs_read_back_as_the_case_files_documents(seeded: SqlDatabase) -> None:
    # The browser's suite filters these documents as they are; the store must hold the same runs.
    with seeded.read() as conn:
        runs, _ = seeded.runs.query_runs(conn, "ent", "p", None, "+created_at", 100, 0)
    for got, doc in zip(runs, CASES["runs"], strict=True):
        # As the server answers (server/responses.py): non-finite floats as "NaN"/"Infinity" strings.
        wire = json.loads(to_json(got.model_dump(include=set(doc)), inf_nan_mode="strings"))
        assert wire == doc


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: json.dumps(c["filter"]))
def test_shared_filter_case(seeded: SqlDatabase, case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(InvalidArgument) as info:
            _query(seeded, case["filter"])
        text = f"{info.value.message} {info.value.hint}"
        assert info.value.field == "filters"
        for words in case["error"]:
            assert words in text
    else:
        assert sorted(_query(seeded, case["filter"])) == case["ids"]
