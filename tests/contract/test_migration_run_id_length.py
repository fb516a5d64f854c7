"""Migration 0007 widens ``runs.run_id`` to 128 characters (wandb allows long run ids) on a database
that already holds runs, on SQLite (the table is rebuilt) and PostgreSQL (the column is altered):
every run, its history and the links to it stay; a 128-character id fits afterwards."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from trackwell.schema.records import HistoryRecord, RecordBatch
from trackwell.schema.runs import RunUpsert
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.store import migrations
from trackwell.store.base import RunKey
from trackwell.store.blobs import LocalBlobStore
from trackwell.store.sql.database import SqlDatabase


def test_upgrade_keeps_runs_and_history_and_takes_long_ids(db: SqlDatabase, tmp_path: Path) -> None:
    # Written by today's services, then taken back to 0006 (before long run ids): the services of
    # 0006's time are gone, and today's need today's tables (history_key_stats.path, 0010).
    runs, records = RunService(db), RecordService(db, LocalBlobStore(tmp_path / "blobs"))
    key = RunKey("me", "wandb tutorial", "short id 1")
    created = runs.upsert(key, RunUpsert(session_id="s1", display_name="before", tags=["t"]))
    rows = [
        HistoryRecord(seq=i, step=i, timestamp=1.0 + i, runtime=float(i), values={"x": i}) for i in range(3)
    ]
    records.apply(key, RecordBatch(session_id="s1", records=rows))
    with db.begin() as conn:
        migrations.downgrade(conn, "0006_run_edits")
        assert migrations.current_revision(conn) == "0006_run_edits"

    db.migrate()

    with db.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    again = runs.get(key)
    assert (again.display_name, again.tags, again.history_count) == ("before", ["t"], 3)
    assert again.created_at == created.created_at
    long_key = RunKey("me", "wandb tutorial", "x" * 128)
    assert runs.upsert(long_key, RunUpsert(session_id="s2")).id == "x" * 128
    with db.read() as conn:
        length = sa.inspect(conn).get_columns("runs")
    assert next(c for c in length if c["name"] == "run_id")["type"].length == 128
