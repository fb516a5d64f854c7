"""Contract of ``RunStore``, ``FileIndex`` and ``OutputStore`` on every SQL backend (``db_url``).

Run: ``.venv/bin/pytest tests/contract/test_run_store_contract.py`` (PostgreSQL cases need
``initdb``/``pg_ctl``; they are skipped without them).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from trackwell.schema.errors import Conflict, InvalidArgument
from trackwell.schema.records import OutputLine
from trackwell.schema.runs import RunError, RunUpsert
from trackwell.store.base import FileEntry, HistoryRow, RunChanges, RunHandle, RunKey, StoredRun
from trackwell.store.sql.database import SqlDatabase, open_database


def _create(db: SqlDatabase, run_id: str, now: float = 100.0, project: str = "p", **fields: Any) -> StoredRun:
    changes = fields.pop("changes", None)
    with db.begin() as conn:
        stored = db.runs.create_run(
            conn, RunKey("ent", project, run_id), RunUpsert(session_id="s1", **fields), now
        )
        if changes is not None:
            db.runs.update_run(conn, stored.pk, changes)
    return stored


def _get(db: SqlDatabase, run_id: str, project: str = "p") -> StoredRun:
    with db.read() as conn:
        stored = db.runs.get_run(conn, RunKey("ent", project, run_id))
    assert stored is not None
    return stored


# -- create, read, update, delete ------------------------------------------------------------------


def test_create_then_get_returns_what_was_given(db: SqlDatabase) -> None:
    created = _create(
        db,
        "r1",
        now=50.0,
        display_name="first",
        group="g",
        job_type="train",
        tags=["a", "b"],
        notes="hello",
        config={"lr": 0.1, "nested": {"x": [1, 2]}},
        host="gpu-1",
        program="train.py",
        sweep_id="sw",
        started_at=42.0,
    )
    run = _get(db, "r1").run
    assert _get(db, "r1").pk == created.pk
    assert (run.id, run.entity, run.project, run.display_name, run.state) == (
        "r1",
        "ent",
        "p",
        "first",
        "running",
    )
    assert (run.group, run.job_type, run.tags, run.notes) == ("g", "train", ["a", "b"], "hello")
    assert run.config == {"lr": 0.1, "nested": {"x": [1, 2]}}
    assert (run.host, run.program, run.sweep_id) == ("gpu-1", "train.py", "sw")
    assert (run.created_at, run.updated_at, run.summary, run.history_count) == (42.0, 50.0, {}, 0)


def test_display_name_defaults_to_the_run_id(db: SqlDatabase) -> None:
    _create(db, "quiet-run")
    assert _get(db, "quiet-run").run.display_name == "quiet-run"


def test_creating_an_existing_run_is_a_conflict(db: SqlDatabase) -> None:
    _create(db, "r1")
    with pytest.raises(Conflict), db.begin() as conn:
        db.runs.create_run(conn, RunKey("ent", "p", "r1"), RunUpsert(session_id="s2"), 1.0)
    # The same id in another project is another run.
    _create(db, "r1", project="other")


def test_unknown_runs_are_none(db: SqlDatabase) -> None:
    _create(db, "r1")
    with db.read() as conn:
        assert db.runs.get_run(conn, RunKey("ent", "p", "nope")) is None
        assert db.runs.get_run(conn, RunKey("ent", "nope", "r1")) is None
        assert db.runs.get_run(conn, RunKey("nope", "p", "r1")) is None


def test_update_changes_only_the_given_fields(db: SqlDatabase) -> None:
    stored = _create(db, "r1", tags=["keep"], config={"a": 1})
    changes = RunChanges(
        state="failed",
        summary={"loss": 0.25, "diverged": math.nan, "best": math.inf, "worst": -math.inf},
        metadata={"python": "3.11"},
        metric_definitions=[{"name": "loss", "summary": "min"}],
        exit_code=1,
        error=RunError(type="ValueError", message="boom", traceback="tb"),
        finished_at=300.0,
        runtime=12.5,
        last_step=99,
        history_count=100,
        group="g2",
    )
    with db.begin() as conn:
        db.runs.update_run(conn, stored.pk, changes)
    run = _get(db, "r1").run
    assert (run.state, run.exit_code, run.finished_at, run.runtime) == ("failed", 1, 300.0, 12.5)
    assert (run.last_step, run.history_count, run.group) == (99, 100, "g2")
    assert run.summary["loss"] == 0.25 and math.isnan(run.summary["diverged"])
    assert run.summary["best"] == math.inf and run.summary["worst"] == -math.inf
    assert run.error == RunError(type="ValueError", message="boom", traceback="tb")
    assert run.metadata == {"python": "3.11"}
    assert run.metric_definitions == [{"name": "loss", "summary": "min"}]
    assert (run.tags, run.config) == (["keep"], {"a": 1})


def test_config_and_summary_values_come_back_exactly(db: SqlDatabase) -> None:
    # Integers past 64 bits (seeds, hashes) stay exact ints; floats keep every digit; strings that
    # merely look like numbers stay strings; a non-finite float anywhere in a document comes back.
    config = {"seed": 2**70, "neg": -(2**64), "lr": 0.0073139432630743295, "tiny": 1.2345678901234568e-300}
    config |= {"id": "12345678901234567890", "nested": {"big": [2**63, 2**63 - 1]}, "plain": "NaN-ish"}
    summary = {"loss": 0.1, "steps": 10**20, "deep": {"x": [1.5, math.inf]}}
    stored = _create(db, "exact", config=config)
    with db.begin() as conn:
        db.runs.update_run(conn, stored.pk, RunChanges(summary=summary))
    run = _get(db, "exact").run
    assert run.config == config and isinstance(run.config["seed"], int)
    assert run.summary["steps"] == 10**20 and run.summary["deep"]["x"][1] == math.inf


def test_delete_removes_the_run_and_what_hangs_off_it(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    with db.begin() as conn:
        db.runs.set_session_applied(conn, stored.pk, "s1", 5)
        db.files.put_file(conn, stored.pk, FileEntry("a.txt", "0" * 64, 1, 1.0))
        db.output.write_lines(conn, stored.pk, [OutputLine(line=0, timestamp=1.0, text="hi")])
    with db.begin() as conn:
        db.runs.delete_run(conn, stored.pk)
    with db.read() as conn:
        assert db.runs.get_run(conn, RunKey("ent", "p", "r1")) is None
        assert db.runs.session_applied(conn, stored.pk, "s1") == -1
        assert db.files.list_files(conn, stored.pk) == []
        assert db.output.read_lines(conn, stored.pk, 0, 10) == ([], 0)
    _create(db, "r1")  # the id can be used again


# -- queries: filters, ordering, pagination ----------------------------------------------------------

SEED: list[dict[str, Any]] = [
    {
        "run_id": "r1",
        "now": 1000.0,
        "display_name": "bert-base",
        "group": "g1",
        "job_type": "train",
        "tags": ["baseline", "bert"],
        "host": "h1",
        "config": {"lr": 0.1, "batch": 32, "opt": {"name": "adam"}, "amp": True, "wrapped": {"value": 5}},
        "changes": RunChanges(state="finished", summary={"loss": 0.5, "acc": 0.9}),
    },
    {
        "run_id": "r2",
        "now": 2000.0,
        "display_name": "bert-large",
        "tags": ["bert"],
        "host": "h2",
        "config": {"lr": 0.01, "batch": 64, "opt": {"name": "sgd"}, "amp": False},
        "changes": RunChanges(summary={"loss": 0.3}),
    },
    {
        "run_id": "r3",
        "now": 3000.0,
        "display_name": "gpt-small",
        "sweep_id": "sw1",
        "config": {"lr": "auto", "batch": 9, "note": None},
        "changes": RunChanges(state="crashed", summary={"loss": math.nan, "acc": "n/a"}),
    },
    {
        "run_id": "r4",
        "now": 4000.0,
        "display_name": "gpt-tiny",
        "group": "g1",
        "job_type": "eval",
        "config": {"lr": 0.001, "batch": 128},
        "changes": RunChanges(state="finished", summary={"acc": 0.7}),
    },
]

# What filters select is in tests/cases/run_filters.json (test_run_filter_cases.py runs it here
# and the browser's suite runs it too); SEED serves the ordering and paging tests below.


@pytest.fixture
def seeded(db: SqlDatabase) -> SqlDatabase:
    for spec in SEED:
        spec = dict(spec)
        _create(db, spec.pop("run_id"), **spec)
    return db


def _ids(db: SqlDatabase, filters: dict[str, Any] | None, order: str | None = None, **kw: Any) -> list[str]:
    with db.read() as conn:
        runs, _ = db.runs.query_runs(
            conn, "ent", "p", filters, order, kw.get("limit", 100), kw.get("offset", 0)
        )
    return [r.id for r in runs]


def test_lists_without_metadata_leave_only_the_metadata_out(db: SqlDatabase) -> None:
    _create(
        db,
        "m1",
        config={"lr": 0.1},
        changes=RunChanges(metadata={"git": {"commit": "abc"}, "python": "3.11"}),
    )
    with db.read() as conn:
        (full,), _ = db.runs.query_runs(conn, "ent", "p", None, None, 10, 0)
        (bare,), total = db.runs.query_runs(conn, "ent", "p", None, None, 10, 0, metadata=False)
    assert full.metadata == {"git": {"commit": "abc"}, "python": "3.11"}
    assert bare.metadata == {} and total == 1
    assert bare == full.model_copy(update={"metadata": {}})


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (None, ["r4", "r3", "r2", "r1"]),
        ("-created_at", ["r4", "r3", "r2", "r1"]),
        ("+created_at", ["r1", "r2", "r3", "r4"]),
        ("createdAt", ["r1", "r2", "r3", "r4"]),
        ("display_name", ["r1", "r2", "r3", "r4"]),
        # numeric order, not text order ("128" < "32" < "64" < "9")
        ("+config.batch", ["r3", "r1", "r2", "r4"]),
        ("-config.batch.value", ["r4", "r2", "r1", "r3"]),
        # numbers first, then strings ("NaN" is stored as a string), missing values last
        ("summary_metrics.loss", ["r2", "r1", "r3", "r4"]),
        ("-summary_metrics.acc", ["r1", "r4", "r3", "r2"]),
    ],
)
def test_order(seeded: SqlDatabase, order: str | None, expected: list[str]) -> None:
    assert _ids(seeded, None, order) == expected


def test_pagination_and_total(seeded: SqlDatabase) -> None:
    with seeded.read() as conn:
        page, total = seeded.runs.query_runs(
            conn, "ent", "p", {"state": {"$ne": "running"}}, "+created_at", 2, 1
        )
        assert ([r.id for r in page], total) == (["r3", "r4"], 3)
        empty, total = seeded.runs.query_runs(conn, "ent", "p", None, None, 10, 50)
        assert (empty, total) == ([], 4)
        none, total = seeded.runs.query_runs(conn, "ent", "no-such-project", None, None, 10, 0)
        assert (none, total) == ([], 0)


@pytest.mark.parametrize(
    ("filters", "order", "names"),
    [
        ({"colour": "red"}, None, ["colour", "config.<path>"]),
        ({"state": {"$near": 1}}, None, ["$near", "$regex"]),
        ({"$xor": []}, None, ["$xor", "$nor"]),
        ({"config.lr": {"$gt": [1]}}, None, ["config.lr"]),
        ({"state": 3}, None, ["state"]),
        ({"created_at": {"$gt": "yesterday"}}, None, ["created_at", "ISO-8601"]),
        ({"display_name": {"$regex": "("}}, None, ["$regex"]),
        ({"tags": {"$gt": "a"}}, None, ["$gt", "tags"]),
        ({"$and": {"state": "x"}}, None, ["$and"]),
        ({"state": {"$in": "finished"}}, None, ["$in"]),
        ({"state": {"$exists": "yes"}}, None, ["$exists"]),
        (None, "-colour", ["colour", "created_at"]),
        (None, "tags", ["tags"]),
    ],
)
def test_bad_filters_name_the_problem_and_the_fix(
    seeded: SqlDatabase, filters: dict[str, Any] | None, order: str | None, names: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info, seeded.read() as conn:
        seeded.runs.query_runs(conn, "ent", "p", filters, order, 10, 0)
    text = f"{info.value.message} {info.value.hint}"
    assert info.value.field in ("filters", "order")
    for name in names:
        assert name in text


# -- projects -------------------------------------------------------------------------------------


def test_projects_list_counts_runs_and_last_activity(db: SqlDatabase) -> None:
    _create(db, "a", now=10.0, project="vision")
    _create(db, "b", now=20.0, project="vision", changes=RunChanges(state="finished", updated_at=25.0))
    _create(db, "c", now=30.0, project="NLP-big")
    with db.begin() as conn:
        db.runs.create_run(conn, RunKey("someone", "vision", "x"), RunUpsert(session_id="s"), 5.0)
    with db.read() as conn:
        projects = db.runs.list_projects(conn, "ent", None)
        assert [(p.name, p.run_count, p.running_count, p.last_activity) for p in projects] == [
            ("NLP-big", 1, 1, 30.0),
            ("vision", 2, 1, 25.0),
        ]
        assert projects[1].created_at == 10.0 and projects[1].entity == "ent"
        assert [p.name for p in db.runs.list_projects(conn, "ent", "nlp")] == ["NLP-big"]
        assert [p.name for p in db.runs.list_projects(conn, "ent", "%")] == []
        assert len(db.runs.list_projects(conn, None, None)) == 3
        assert db.runs.list_projects(conn, "nobody", None) == []


# -- sequence bookkeeping ---------------------------------------------------------------------------


def test_session_applied_through_is_per_run_and_session(db: SqlDatabase) -> None:
    one, two = _create(db, "r1"), _create(db, "r2")
    with db.begin() as conn:
        assert db.runs.session_applied(conn, one.pk, "s1") == -1
        db.runs.set_session_applied(conn, one.pk, "s1", 9)
        db.runs.set_session_applied(conn, one.pk, "s1", 19)
        db.runs.set_session_applied(conn, one.pk, "s2", 3)
    with db.read() as conn:
        assert db.runs.session_applied(conn, one.pk, "s1") == 19
        assert db.runs.session_applied(conn, one.pk, "s2") == 3
        assert db.runs.session_applied(conn, two.pk, "s1") == -1


def test_a_failed_transaction_leaves_nothing_behind(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    with pytest.raises(RuntimeError), db.begin() as conn:
        db.runs.set_session_applied(conn, stored.pk, "s1", 9)
        db.runs.update_run(conn, stored.pk, RunChanges(history_count=10))
        raise RuntimeError("batch failed half-way")
    with db.read() as conn:
        assert db.runs.session_applied(conn, stored.pk, "s1") == -1
    assert _get(db, "r1").run.history_count == 0


def test_history_commits_and_rolls_back_with_the_sequence_bookkeeping(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    rows = [
        HistoryRow(step=i, timestamp=1.0 + i, runtime=float(i), values={"loss": 1.0 / (i + 1)})
        for i in range(3)
    ]
    with pytest.raises(RuntimeError), db.begin() as conn:
        db.history.append(conn, stored.pk, rows)
        db.runs.set_session_applied(conn, stored.pk, "s1", 2)
        raise RuntimeError("connection lost before commit")
    with db.read() as conn:
        assert db.history.keys(conn, stored.pk).keys == []
        assert db.runs.session_applied(conn, stored.pk, "s1") == -1
    with db.begin() as conn:
        db.history.append(conn, stored.pk, rows)
        db.runs.set_session_applied(conn, stored.pk, "s1", 2)
    with db.read() as conn:
        assert [k.key for k in db.history.keys(conn, stored.pk).keys] == ["loss"]
        assert db.runs.session_applied(conn, stored.pk, "s1") == 2


# -- crash detection ------------------------------------------------------------------------------


def test_stale_running_runs_are_marked_crashed_once(db: SqlDatabase) -> None:
    _create(db, "stale", now=100.0)
    _create(db, "fresh", now=100.0, changes=RunChanges(heartbeat_at=500.0))
    _create(db, "done", now=100.0, changes=RunChanges(state="finished"))
    _create(db, "elsewhere", now=100.0, project="q")
    with db.begin() as conn:
        crashed = db.runs.mark_stale_runs_crashed(conn, heartbeat_before=400.0, now=600.0)
    assert crashed == [RunKey("ent", "p", "stale"), RunKey("ent", "q", "elsewhere")]
    run = _get(db, "stale").run
    assert (run.state, run.updated_at) == ("crashed", 600.0)
    assert _get(db, "fresh").run.state == "running"
    assert _get(db, "done").run.state == "finished"
    with db.begin() as conn:
        assert db.runs.mark_stale_runs_crashed(conn, heartbeat_before=400.0, now=700.0) == []


def test_concurrent_crash_sweeps_report_each_run_once(db: SqlDatabase) -> None:
    for i in range(10):
        _create(db, f"r{i}", now=100.0)
    found: list[RunKey] = []
    start = threading.Barrier(3)

    def sweep() -> None:
        start.wait()
        with db.begin() as conn:
            found.extend(db.runs.mark_stale_runs_crashed(conn, heartbeat_before=400.0, now=600.0))

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(k.run_id for k in found) == sorted(f"r{i}" for i in range(10))


def test_heartbeats_count_as_project_activity(db: SqlDatabase) -> None:
    _create(db, "r1", now=10.0, changes=RunChanges(heartbeat_at=90.0))
    with db.read() as conn:
        assert [p.last_activity for p in db.runs.list_projects(conn, "ent", None)] == [90.0]


# -- concurrency ----------------------------------------------------------------------------------


def test_locked_read_modify_write_from_two_threads_loses_no_update(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    key = RunKey("ent", "p", "r1")
    rounds = 25
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with db.begin() as conn:
                    current = db.runs.get_run(conn, key, lock=True)
                    assert current is not None
                    db.runs.update_run(
                        conn, current.pk, RunChanges(history_count=current.run.history_count + 1)
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _get(db, "r1").run.history_count == 2 * rounds
    assert _get(db, "r1").pk == stored.pk


# -- files index and console output ---------------------------------------------------------------


def test_files_index_upserts_by_path(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    with db.begin() as conn:
        db.files.put_file(conn, stored.pk, FileEntry("media/b.png", "b" * 64, 10, 1.0))
        db.files.put_file(conn, stored.pk, FileEntry("config.yaml", "c" * 64, 5, 1.0))
        db.files.put_file(conn, stored.pk, FileEntry("config.yaml", "d" * 64, 7, 2.0))
    with db.read() as conn:
        assert db.files.list_files(conn, stored.pk) == [
            FileEntry("config.yaml", "d" * 64, 7, 2.0),
            FileEntry("media/b.png", "b" * 64, 10, 1.0),
        ]
        assert db.files.get_file(conn, stored.pk, "config.yaml") == FileEntry("config.yaml", "d" * 64, 7, 2.0)
        assert db.files.get_file(conn, stored.pk, "nope") is None


def test_output_lines_upsert_by_line_number(db: SqlDatabase) -> None:
    stored = _create(db, "r1")
    with db.begin() as conn:
        db.output.write_lines(
            conn,
            stored.pk,
            [
                OutputLine(line=0, timestamp=1.0, text="epoch 1"),
                OutputLine(line=1, timestamp=1.0, text="progress 10%"),
                OutputLine(line=1, timestamp=1.5, text="progress 50%"),
                OutputLine(line=2, stream="stderr", timestamp=2.0, text="warning"),
            ],
        )
        db.output.write_lines(conn, stored.pk, [OutputLine(line=1, timestamp=3.0, text="progress 100%")])
    with db.read() as conn:
        lines, total = db.output.read_lines(conn, stored.pk, 0, 10)
        assert total == 3
        assert [(ln.line, ln.text, ln.stream) for ln in lines] == [
            (0, "epoch 1", "stdout"),
            (1, "progress 100%", "stdout"),
            (2, "warning", "stderr"),
        ]
        tail, total = db.output.read_lines(conn, stored.pk, 1, 1)
        assert ([ln.text for ln in tail], total) == (["progress 100%"], 3)


def test_read_transactions_are_read_only_on_postgresql(postgres_url: str) -> None:
    db = open_database(postgres_url)
    try:
        stored = _create(db, "r1")
        with pytest.raises(sa.exc.DBAPIError, match="read-only"), db.read() as conn:
            db.runs.update_run(conn, stored.pk, RunChanges(notes="nope"))
    finally:
        db.close()


# -- opening ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["mysql://root:s3cret-pw@db.example/tw", "postgresql+asyncpg://u:s3cret-pw@h/db", "no url s3cret-pw"],
)
def test_unsupported_database_urls_are_refused_without_echoing_the_password(url: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        open_database(url)
    assert info.value.field == "database_url"
    assert info.value.hint
    assert "s3cret-pw" not in str(info.value) and "s3cret-pw" not in repr(info.value.to_body())


def test_find_runs_returns_keys_and_last_steps_of_many_runs(db: SqlDatabase) -> None:
    made = {
        run_id: _create(db, run_id, project=project)
        for run_id, project in [("a", "p"), ("b", "p"), ("c", "other")]
    }
    with db.begin() as conn:
        db.runs.update_run(conn, made["b"].pk, RunChanges(last_step=41))
    wanted = [
        RunKey("ent", "p", "a"),
        RunKey("ent", "p", "b"),
        RunKey("ent", "other", "c"),
        RunKey("ent", "p", "missing"),
        RunKey("ent", "nope", "a"),
    ]
    with db.read() as conn:
        found = db.runs.find_runs(conn, wanted)
    assert found == {
        RunKey("ent", "p", "a"): RunHandle(pk=made["a"].pk, last_step=None),
        RunKey("ent", "p", "b"): RunHandle(pk=made["b"].pk, last_step=41),
        RunKey("ent", "other", "c"): RunHandle(pk=made["c"].pk, last_step=None),
    }
