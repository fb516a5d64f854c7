"""Api write-backs meeting the SDK's records, through the services on every SQL backend (``db_url``).

The edits document (``runs.edits``) must round-trip on SQLite and PostgreSQL (JSON vs JSONB), keep
NaN, and be applied in the same transaction as the record batch or the resume that meets it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from trackwell.schema.records import ConfigRecord, RecordBatch, SummaryRecord
from trackwell.schema.runs import RunUpdate, RunUpsert
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.store.base import RunKey
from trackwell.store.blobs import LocalBlobStore
from trackwell.store.sql.database import SqlDatabase

KEY = RunKey("ent", "proj", "run1")


@pytest.fixture
def services(db: SqlDatabase, tmp_path: Path) -> tuple[RunService, RecordService]:
    return RunService(db), RecordService(db, LocalBlobStore(tmp_path / "blobs"))


def _send(records: RecordService, session: str, seq: int, *items: ConfigRecord | SummaryRecord) -> None:
    numbered = [item.model_copy(update={"seq": seq + i}) for i, item in enumerate(items)]
    records.apply(KEY, RecordBatch(session_id=session, records=numbered))


def test_edits_survive_sdk_records_that_leave_their_keys_alone(
    services: tuple[RunService, RecordService], db: SqlDatabase
) -> None:
    runs, records = services
    runs.upsert(KEY, RunUpsert(session_id="s1", config={"lr": 0.1, "seed": 1}))
    _send(records, "s1", 0, SummaryRecord(seq=0, values={"loss": math.nan, "acc": 0.5}))
    runs.update(
        KEY,
        RunUpdate(
            config={"lr": 0.05, "dataset": "v2"},
            config_remove=["seed"],
            summary={"verdict": "good"},
            summary_remove=["acc"],
        ),
    )
    with db.read() as conn:
        stored = db.runs.get_run(conn, KEY)
    assert stored is not None and stored.edits is not None
    assert stored.edits["config"]["lr"] == {"base": 0.1, "value": 0.05}
    assert stored.run.config == {"lr": 0.05, "dataset": "v2"}

    # The SDK sends its whole config and summary again, with a change of its own.
    _send(
        records,
        "s1",
        1,
        ConfigRecord(seq=0, values={"lr": 0.1, "seed": 1, "batch": 64}),
        SummaryRecord(seq=0, values={"loss": math.nan, "acc": 0.6}),
    )
    run = runs.get(KEY)
    assert run.config == {"lr": 0.05, "dataset": "v2", "batch": 64}
    # acc was removed by the Api but then changed by the SDK: the SDK's later write wins.
    assert math.isnan(run.summary["loss"]) and run.summary["acc"] == 0.6
    assert run.summary["verdict"] == "good"


def test_a_resume_that_passes_an_edited_key_unchanged_keeps_the_edit(
    services: tuple[RunService, RecordService],
) -> None:
    runs, _ = services
    runs.upsert(KEY, RunUpsert(session_id="s1", config={"lr": 0.1}))
    runs.update(KEY, RunUpdate(config={"lr": 0.05}))
    resumed = runs.upsert(KEY, RunUpsert(session_id="s2", resume="allow", config={"lr": 0.1, "epochs": 2}))
    assert resumed.config == {"lr": 0.05, "epochs": 2}
    again = runs.upsert(KEY, RunUpsert(session_id="s3", resume="allow", config={"lr": 0.2}))
    assert again.config == {"lr": 0.2, "epochs": 2}
