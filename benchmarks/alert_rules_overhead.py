"""What alert rules add to the record path (docs/alerts.md, "Design").

Applies 300 batches of 50 history rows to one run on SQLite, once for a project with no rules or
webhooks and once with a webhook and a threshold rule that never fires, and prints the median time
of a whole batch and of the rules' part of it (``AlertRules.after_batch``). Run it twice: the
machine's other work moves the numbers.

    .venv/bin/python -m benchmarks.run_all alert_rules   (or this file on its own)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from typing import Any

from benchmarks.common import Result
from trackwell.schema.records import RecordBatch
from trackwell.schema.runs import RunUpsert
from trackwell.service.alert_rules import AlertRules
from trackwell.service.records import RecordService
from trackwell.store.base import RuleFields, RunKey
from trackwell.store.blobs.local import LocalBlobStore
from trackwell.store.sql.database import open_database

BATCHES, ROWS = 300, 50
NEVER = RuleFields("metric_threshold", "loss", "<", -1.0, "WARN", (1,), True)


def measure(setup: str) -> tuple[float, float]:
    """Median milliseconds per batch, and median microseconds of the rules' part of it."""
    folder = tempfile.mkdtemp()
    db = open_database(f"sqlite:///{folder}/t.db")
    key = RunKey("e", setup, "r1")
    with db.begin() as conn:
        db.runs.create_run(conn, key, RunUpsert(session_id="s"), 1.0)
        if setup == "threshold":
            db.alert_rules.add_webhook(conn, "e", setup, "h", "http://127.0.0.1:9/x", 1.0)
            db.alert_rules.add_rule(conn, "e", setup, NEVER, 1.0)
    rules = AlertRules(db)
    inner, spent = rules.after_batch, []

    def timed(*args: Any) -> None:
        start = time.perf_counter()
        inner(*args)
        spent.append(time.perf_counter() - start)

    rules.after_batch = timed  # type: ignore[method-assign]
    service = RecordService(db, LocalBlobStore(f"{folder}/blobs"), alert_rules=rules)
    batches = []
    for first in range(0, BATCHES * ROWS, ROWS):
        records = [
            {
                "seq": s,
                "kind": "history",
                "step": s,
                "timestamp": 1.0,
                "runtime": 1.0,
                "values": {"loss": 1 / (s + 1)},
            }
            for s in range(first, first + ROWS)
        ]
        batches.append(RecordBatch.model_validate({"session_id": "s", "records": records}))
    times = []
    for batch in batches:
        start = time.perf_counter()
        service.apply(key, batch)
        times.append(time.perf_counter() - start)
    db.close()
    return statistics.median(times) * 1e3, statistics.median(spent) * 1e6


def main(quick: bool) -> list[Result]:
    b = "alert rules on the record path"
    results = []
    for setup, label in (("none", "no rules"), ("threshold", "a threshold rule that does not fire")):
        whole, part = measure(setup)
        note = f"{BATCHES} batches of {ROWS} rows, SQLite; whole batch {whole:.1f} ms median"
        results.append(Result(b, f"rules' share of a batch, {label}", part, "µs", "< 100", note))
    return results


if __name__ == "__main__":
    for setup in ("none", "threshold"):
        whole, part = measure(setup)
        print(f"{setup:9s} batch {whole:.2f} ms median; alert rules {part:.1f} µs median")
