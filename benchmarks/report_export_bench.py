"""Report export: how long a reader waits for a report's HTML or PDF file.

Why it exists: an export draws every panel on the server (matplotlib PNGs, series read as the live
charts read them) and, for PDF, prints the page with WeasyPrint; a report is a few grids of a few
panels over runs with long histories. This times the export of a report with 5 line panels over a
run set of 100 runs x 1,000 steps (the charts draw the newest 20, as the live report does), in
process on a SQLite store, as HTML and as PDF, and one line panel over a run set of 1,000 runs to
show the cost stays bounded (20 lines are read and drawn, whatever the run set's size).

Seeding writes history straight into the store (``append_columns``): the ingest path is measured
elsewhere.

Run: ``.venv/bin/python -m benchmarks.report_export_bench [--quick]``; EXPORT_BENCH_RUNS /
EXPORT_BENCH_STEPS override the sizes (default 100 x 1,000; quick: 40 x 500).
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import Result
from trackwell.schema.reports import ReportCreate
from trackwell.schema.runs import RunUpsert
from trackwell.service.artifacts import ArtifactService
from trackwell.service.files import FileService
from trackwell.service.project_access import ProjectAccess
from trackwell.service.report_export import ReportExporter
from trackwell.service.reports import ReportService
from trackwell.store.base import Database, HistoryColumns, RunKey, User
from trackwell.store.blobs.registry import open_blob_store
from trackwell.store.sql.database import open_database

E, P, BIG = "bench", "export", "export-1k"
METRICS = ("train/loss", "val/loss", "train/acc", "val/acc", "lr")
REPEAT = 3


def _seed(db: Database, project: str, runs: int, steps: int) -> None:
    rng = np.random.default_rng(0)
    step = np.arange(steps, dtype=np.int64)
    for i in range(runs):
        config = {"optimizer": ("adam", "sgd")[i % 2], "lr": [0.1, 0.01, 0.001][i % 3]}
        decay = np.exp(-step / (steps / 4)) * (1 + 0.1 * (i % 7))
        columns = {
            "train/loss": decay + rng.normal(0, 0.02, steps),
            "val/loss": decay * 1.1 + rng.normal(0, 0.02, steps),
            "train/acc": 1 - decay / 2 + rng.normal(0, 0.01, steps),
            "val/acc": 1 - decay / 1.8 + rng.normal(0, 0.01, steps),
            "lr": np.full(steps, config["lr"]) * np.cos(step / steps),
        }
        with db.begin() as conn:
            key = RunKey(E, project, f"r{i:05d}")
            upsert = RunUpsert(session_id="s", config=config, display_name=f"run-{i}")
            stored = db.runs.create_run(conn, key, upsert, 1.7e9 + i)
            cols = HistoryColumns(
                steps=step.tolist(),
                timestamps=(1.7e9 + step).astype(float).tolist(),
                runtimes=step.astype(float).tolist(),
                columns={k: v.tolist() for k, v in columns.items()},
            )
            db.history.append_columns(conn, stored.pk, cols)


def _report(reports: ReportService, user: User, project: str, metrics: tuple[str, ...]) -> str:
    panels: list[dict[str, Any]] = [
        {"type": "line", "id": f"p{i}", "section": "Charts", "metrics": [m], "x_axis": "step"}
        for i, m in enumerate(metrics)
    ]
    body = ReportCreate.model_validate(
        {
            "title": "Export benchmark",
            "blocks": [
                {"type": "heading", "text": [{"text": "Results"}]},
                {"type": "paragraph", "text": [{"text": "Five line charts over the run set."}]},
                {"type": "panel_grid", "runsets": [{"entity": E, "project": project}], "panels": panels},
            ],
        }
    )
    return reports.create(user, E, project, body).id


def _median_s(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(quick: bool) -> list[Result]:
    runs = int(os.environ.get("EXPORT_BENCH_RUNS", 40 if quick else 100))
    steps = int(os.environ.get("EXPORT_BENCH_STEPS", 500 if quick else 1000))
    big_runs = 200 if quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            t = time.perf_counter()
            _seed(db, P, runs, steps)
            _seed(db, BIG, big_runs, 200)
            seed_s = time.perf_counter() - t
            blobs = open_blob_store(str(Path(tmp) / "blobs"))
            access = ProjectAccess()
            exporter = ReportExporter(db, FileService(db, blobs), access, ArtifactService(db, blobs))
            reports = ReportService(db, access=access)
            with db.begin() as conn:
                user = db.users.create_user(conn, "bench", is_admin=True, now=1.0)
            report_id = _report(reports, user, P, METRICS)
            big_id = _report(reports, user, BIG, METRICS[:1])

            def export(project: str, rid: str, fmt: Any) -> bytes:
                return exporter.export(user, E, project, rid, None, "http://bench/report", fmt).content

            size_kb = len(export(P, report_id, "html")) / 1024  # also warms SQLite and matplotlib
            html_s = _median_s(lambda: export(P, report_id, "html"))
            big_s = _median_s(lambda: export(BIG, big_id, "html"))
            pdf_s = None
            if importlib.util.find_spec("weasyprint") is not None:
                pdf_s = _median_s(lambda: export(P, report_id, "pdf"))
        finally:
            db.close()
    note = (
        f"{runs} runs x {steps} steps, 5 line panels (20 runs drawn each), SQLite, in-process, "
        f"median of {REPEAT}; seeded in {seed_s:.0f}s"
    )
    big_note = f"run set of {big_runs} runs x 200 steps; 20 drawn"
    b = "report_export"
    results = [
        Result(b, "HTML export, 5 line panels", html_s, "s", "< 5", f"{note}; {size_kb:.0f} KiB"),
        Result(b, f"HTML export, 1 line panel over {big_runs} runs", big_s, "s", "< 2", big_note),
    ]
    if pdf_s is not None:
        results.append(Result(b, "PDF export, 5 line panels", pdf_s, "s", "< 10", note))
    return results


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.4g} {r.unit} (target {r.target}) {r.note}")
