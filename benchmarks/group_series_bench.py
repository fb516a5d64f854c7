"""Grouped charts on the server: what a grouped workspace chart waits for at 1,000 runs x 10k steps.

Why it exists: grouped charts now read EVERY run of the drawn groups (not the 20 runs a chart
draws), align them and compute each group's mean, min/max, std and stderr per x on the server
(``service/group_series.py``). This times that call in-process on a SQLite store (the server's
default), next to the per-run series read an ungrouped chart makes of the same runs, so the cost
of telling the truth is visible. Rows for the Step axis, relative time, wall time and a logged
metric (``epoch``) as x: the first reads only the points its grid needs, the others every point
(``service/group_axes.py``), all exact.

Seeding writes history straight into the store (``append_columns``): the ingest path is measured
elsewhere, and 10 million points through HTTP would take most of an hour on a small machine.

Run: ``.venv/bin/python -m benchmarks.group_series_bench [--quick]``; GROUP_BENCH_RUNS /
GROUP_BENCH_STEPS override the sizes (default 1,000 x 10,000; quick: 200 x 2,000).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import Result
from trackwell.schema.runs import RunUpsert
from trackwell.schema.ui import GroupSeriesRequest, RunRef, SeriesQueryRequest
from trackwell.service.workspace import WorkspaceService
from trackwell.store.base import HistoryColumns, RunKey
from trackwell.store.sql.database import open_database

E, P = "bench", "groups"
GROUPS = ("adam", "sgd", "lion", "adamw")
REPEAT = 5


def _seed(db_url: str, runs: int, steps: int) -> None:
    db = open_database(db_url)
    rng = np.random.default_rng(0)
    step = np.arange(steps, dtype=np.int64)
    try:
        for i in range(runs):
            config = {"optimizer": GROUPS[i % len(GROUPS)], "lr": [0.1, 0.01, 0.001][i % 3]}
            loss = np.exp(-step / (steps / 4)) * (1 + 0.1 * (i % 7)) + rng.normal(0, 0.01, steps)
            with db.begin() as conn:
                key = RunKey(E, P, f"r{i:05d}")
                stored = db.runs.create_run(conn, key, RunUpsert(session_id="s", config=config), 1.7e9)
                cols = HistoryColumns(
                    steps=step.tolist(),
                    timestamps=(1.7e9 + step).astype(float).tolist(),
                    runtimes=step.astype(float).tolist(),
                    # an x metric logged with the loss: a grouped chart may draw against it
                    columns={"loss": loss.tolist(), "epoch": (step / (steps / 20)).tolist()},
                )
                db.history.append_columns(conn, stored.pk, cols)
    finally:
        db.close()


def _median_ms(fn: Callable[[], object]) -> float:
    fn()  # warm: the first read pays for SQLite's page cache
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(quick: bool) -> list[Result]:
    runs = int(os.environ.get("GROUP_BENCH_RUNS", 200 if quick else 1000))
    steps = int(os.environ.get("GROUP_BENCH_STEPS", 2000 if quick else 10_000))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t = time.perf_counter()
        _seed(url, runs, steps)
        seed_s = time.perf_counter() - t
        db = open_database(url)
        try:
            ws = WorkspaceService(db)
            one = GroupSeriesRequest(group_by=["config.optimizer"], keys=["loss"], samples=600)
            two = GroupSeriesRequest(group_by=["config.optimizer", "config.lr"], keys=["loss"], samples=600)
            refs = [RunRef(entity=E, project=P, run_id=f"r{i:05d}") for i in range(runs)]
            drawn = SeriesQueryRequest(runs=refs[:20], keys=["loss"], samples=1000, timestamps=False)
            every = SeriesQueryRequest(runs=refs, keys=["loss"], samples=150, timestamps=False)
            grouped_one = _median_ms(lambda: ws.group_series(E, P, one))
            grouped_two = _median_ms(lambda: ws.group_series(E, P, two))
            on_time = one.model_copy(update={"x_axis": "relative"})
            on_wall = one.model_copy(update={"x_axis": "wall"})
            on_epoch = one.model_copy(update={"x_axis": "metric", "x_key": "epoch"})
            grouped_time = _median_ms(lambda: ws.group_series(E, P, on_time))
            grouped_wall = _median_ms(lambda: ws.group_series(E, P, on_wall))
            grouped_epoch = _median_ms(lambda: ws.group_series(E, P, on_epoch))
            per_run_20 = _median_ms(lambda: ws.query_series(drawn))
            per_run_all = _median_ms(lambda: ws.query_series(every))
        finally:
            db.close()
    size = f"{runs} runs x {steps} steps, SQLite, in-process, median of {REPEAT}; seeded in {seed_s:.0f}s"
    b = "group_series"
    return [
        Result(b, "grouped chart, 4 groups (config.optimizer)", grouped_one, "ms", "< 1000", size),
        Result(b, "grouped chart, 12 groups (optimizer x lr)", grouped_two, "ms", "< 1000", size),
        Result(b, "grouped chart on relative time, 4 groups", grouped_time, "ms", "< 1000", size),
        Result(b, "grouped chart on wall time, 4 groups", grouped_wall, "ms", "< 1000", size),
        Result(b, "grouped chart on a metric x axis (epoch), 4 groups", grouped_epoch, "ms", "< 1000", size),
        Result(b, "ungrouped chart, 20 drawn runs (for comparison)", per_run_20, "ms", "", size),
        Result(b, "ungrouped chart, every run drawn (for comparison)", per_run_all, "ms", "", size),
    ]


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.4g} {r.unit} (target {r.target}) {r.note}")
