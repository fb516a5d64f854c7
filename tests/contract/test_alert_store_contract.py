"""Contract of ``AlertStore`` on every SQL backend, and of the rate limit the record service applies
with it (``service/alerts.py``): what a run's ``alert()`` calls leave in the database."""

from __future__ import annotations

import random
import string

from trackwell.schema.records import AlertRecord
from trackwell.schema.runs import RunUpsert
from trackwell.service.alerts import apply_alerts
from trackwell.store.base import RunKey
from trackwell.store.sql.database import SqlDatabase


def _run(db: SqlDatabase, run_id: str = "r1") -> int:
    with db.begin() as conn:
        return db.runs.create_run(conn, RunKey("ent", "p", run_id), RunUpsert(session_id="s"), 1.0).pk


def _alert(seq: int, title: str, at: float, wait: float = 60.0, level: str = "INFO") -> AlertRecord:
    return AlertRecord.model_validate(
        {
            "seq": seq,
            "title": title,
            "text": f"text {seq}",
            "level": level,
            "wait_duration": wait,
            "timestamp": at,
        }
    )


def test_alerts_read_back_oldest_first_with_every_field(db: SqlDatabase) -> None:
    pk = _run(db)
    with db.begin() as conn:
        db.alerts.add_alert(conn, pk, "b", "second", "ERROR", 30.0, 20.0)
        db.alerts.add_alert(conn, pk, "a", "first ünïcode ✓", "WARN", 60.0, 10.0)
    with db.read() as conn:
        found = db.alerts.list_alerts(conn, pk, 100)
        assert db.alerts.latest_alert(conn, pk, "missing") is None
    assert [(a.title, a.text, a.level, a.wait_duration, a.created_at, a.suppressed) for a in found] == [
        ("a", "first ünïcode ✓", "WARN", 60.0, 10.0, 0),
        ("b", "second", "ERROR", 30.0, 20.0, 0),
    ]


def test_latest_alert_is_per_run_and_title(db: SqlDatabase) -> None:
    one, two = _run(db, "r1"), _run(db, "r2")
    with db.begin() as conn:
        db.alerts.add_alert(conn, one, "t", "old", "INFO", 60.0, 1.0)
        db.alerts.add_alert(conn, one, "t", "new", "INFO", 60.0, 2.0)
        db.alerts.add_alert(conn, two, "t", "other run", "INFO", 60.0, 3.0)
    with db.read() as conn:
        latest = db.alerts.latest_alert(conn, one, "t")
    assert latest is not None and latest.text == "new"


def test_rate_limit_stores_one_alert_per_title_within_wait_duration_and_counts_repeats(
    db: SqlDatabase,
) -> None:
    pk = _run(db)
    with db.begin() as conn:
        apply_alerts(
            db.alerts, conn, pk, [_alert(0, "loss", 100.0), _alert(1, "loss", 130.0), _alert(2, "acc", 131.0)]
        )
    with db.begin() as conn:  # a later batch: still within a minute of the first "loss"
        apply_alerts(db.alerts, conn, pk, [_alert(3, "loss", 159.0), _alert(4, "loss", 161.0, wait=10.0)])
    with db.read() as conn:
        found = db.alerts.list_alerts(conn, pk, 100)
    assert [(a.title, a.created_at, a.suppressed) for a in found] == [
        ("loss", 100.0, 2),
        ("acc", 131.0, 0),
        ("loss", 161.0, 0),
    ]


def test_deleting_the_run_deletes_its_alerts(db: SqlDatabase) -> None:
    pk = _run(db)
    with db.begin() as conn:
        db.alerts.add_alert(conn, pk, "t", "x", "INFO", 60.0, 1.0)
        db.runs.delete_run(conn, pk)
    with db.read() as conn:
        assert db.alerts.list_alerts(conn, pk, 100) == []


def test_a_title_of_any_length_is_stored(db: SqlDatabase) -> None:
    pk = _run(db)
    # 20,000 random characters: past PostgreSQL's B-tree entry limit (~2.7 kB) even compressed,
    # were the title indexed
    title = "".join(random.Random(7).choices(string.ascii_letters + string.digits, k=20_000))
    with db.begin() as conn:
        apply_alerts(db.alerts, conn, pk, [_alert(0, title, 1.0), _alert(1, title, 2.0)])
    with db.read() as conn:
        (stored,) = db.alerts.list_alerts(conn, pk, 10)
    assert stored.title == title and stored.suppressed == 1


def test_a_nul_character_does_not_fail_the_batch(db: SqlDatabase) -> None:
    pk = _run(db)
    record = AlertRecord.model_validate(
        {"seq": 0, "title": "bad\x00title", "text": "a\x00b", "level": "ERROR", "timestamp": 1.0}
    )
    with db.begin() as conn:
        apply_alerts(db.alerts, conn, pk, [record])
    with db.read() as conn:
        (stored,) = db.alerts.list_alerts(conn, pk, 10)
    assert (stored.title, stored.text) == ("bad\ufffdtitle", "a\ufffdb")
