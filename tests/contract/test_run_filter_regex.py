"""``$regex`` limits on every backend, beyond the shared cases (``tests/cases/run_filters.json``): a
pattern too large once compiled is refused before any query runs, and a query that still runs long
(PostgreSQL's engine has slow cases RE2's checks let through) stops at a time limit with a 400."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import RunKey
from trackwell.store.sql import regex
from trackwell.store.sql.database import SqlDatabase, open_database

LONG = "ab" * 25_000


@pytest.fixture
def db(db_url: str) -> Iterator[SqlDatabase]:
    database = open_database(db_url)
    try:
        with database.begin() as conn:
            for i in range(40):
                key = RunKey("ent", "p", f"r{i}")
                database.runs.create_run(conn, key, RunUpsert(session_id="s", notes=LONG), float(i))
        yield database
    finally:
        database.close()


def _query(db: SqlDatabase, pattern: str) -> list[str]:
    with db.read() as conn:
        found, _ = db.runs.query_runs(conn, "ent", "p", {"notes": {"$regex": pattern}}, None, 100, 0)
    return [r.id for r in found]


@pytest.mark.parametrize("pattern", ["(.*){255}", ".{255}", "[ab]{100}.{150}"])
def test_patterns_too_large_once_compiled_are_refused(db: SqlDatabase, pattern: str) -> None:
    with pytest.raises(InvalidArgument, match="too large once compiled") as info:
        _query(db, pattern)
    assert info.value.field == "filters" and "RE2 syntax" in (info.value.hint or "")


def test_a_regex_query_answers_or_stops_at_the_time_limit(
    db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Within the size limit PostgreSQL's engine is quick too ((.*a){100} over these 40 values of
    # 50,000 characters: ~50 ms), so the limit is set below that to see it stop the query.
    monkeypatch.setattr(regex, "QUERY_TIMEOUT_MS", 1)
    started = time.monotonic()
    if db.dialect == "postgresql":
        with pytest.raises(InvalidArgument, match=r"took longer than 0.001 s") as info:
            _query(db, "(.*a){100}")
        assert info.value.field == "filters" and "anchor the pattern" in (info.value.hint or "")
    else:
        assert len(_query(db, "(.*a){100}")) == 40
    assert time.monotonic() - started < 3.0
    # The limit belongs to that query only: the next ones run as usual.
    monkeypatch.setattr(regex, "QUERY_TIMEOUT_MS", 5000)
    assert len(_query(db, "^ab")) == 40
    with db.read() as conn:
        assert len(db.runs.query_runs(conn, "ent", "p", None, None, 100, 0)[0]) == 40
