"""History engine benchmark: ingest throughput, bytes per stored point, and chart reads.

Why it exists: the history store is the product's hot path (every ``log`` ends here, every chart
reads from here), and its design (docs/adr/0001-history-storage.md) is justified by these numbers.

What it does, on SQLite (file, WAL, ``synchronous=NORMAL`` as the local server runs it) and on a
throwaway PostgreSQL cluster (``tests/fixtures/postgres.py``, fsync off) when ``initdb`` exists:

* ingest: one run of N rows x 5 scalars appended through ``SqlHistoryStore.append`` in batches of
  1,000 rows, one transaction per batch (as the server applies record batches);
* size: database bytes (SQLite: file after a WAL checkpoint; PostgreSQL: the history tables with
  their indexes and TOAST) divided by the scalar points stored;
* reads of one metric over all N points: full resolution, and downsampled to 1,000 points.

Run: ``.venv/bin/python -m benchmarks.history_bench [--quick] [--rows N] [--backend sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, event, text

from benchmarks.common import Result
from trackwell.store.base import HistoryRow, SeriesQuery
from trackwell.store.history import SqlHistoryStore
from trackwell.store.sql.history_tables import HISTORY_TABLES
from trackwell.store.sql.metadata import metadata

BATCH_ROWS = 1_000
SCALARS = 5
T0 = 1_700_000_000.0


def make_rows(n: int, seed: int = 0) -> list[HistoryRow]:
    """Loss-like metrics as training loops log them: noisy float64, float32-derived values, a
    smooth schedule, an int counter, and a wall clock with jittered step times."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    loss = np.exp(-i / (n / 5)) + rng.normal(0, 0.02, n)
    acc = (1 - np.exp(-i / (n / 8)) + rng.normal(0, 0.01, n)).astype(np.float32).astype(np.float64)
    lr = 1e-3 * 0.5 * (1 + np.cos(np.pi * i / n))
    grad = rng.lognormal(0, 0.5, n)
    ts = T0 + np.cumsum(rng.normal(0.05, 0.005, n))
    cols = zip(loss.tolist(), acc.tolist(), lr.tolist(), grad.tolist(), ts.tolist(), strict=True)
    return [
        HistoryRow(
            step=s,
            timestamp=t,
            runtime=t - T0,
            values={"train/loss": lo, "train/acc": a, "lr": r, "grad_norm": g, "epoch": s // 10_000},
        )
        for s, (lo, a, r, g, t) in enumerate(cols)
    ]


@contextmanager
def sqlite_engine() -> Iterator[tuple[Engine, Callable[[Engine, bool], int]]]:
    with tempfile.TemporaryDirectory(prefix="trackwell-bench-") as tmp:
        path = Path(tmp) / "trackwell.db"
        engine = create_engine(f"sqlite:///{path}")

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        def size(eng: Engine, compact: bool) -> int:
            with eng.connect() as conn:
                if compact:
                    conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(p.stat().st_size for p in Path(tmp).glob("trackwell.db*"))

        try:
            yield engine, size
        finally:
            engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[tuple[Engine, Callable[[Engine, bool], int]]]:
    from tests.fixtures.postgres import start_cluster  # the test fixture's throwaway cluster

    cluster = start_cluster()
    engine = create_engine(cluster.create_database("bench"))

    def size(eng: Engine, compact: bool) -> int:
        # Rewriting open chunks leaves dead row versions: plain VACUUM makes their space reusable
        # (the steady state under autovacuum), VACUUM FULL shows the live data alone.
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM FULL" if compact else "VACUUM ANALYZE")
            total = 0
            for table in HISTORY_TABLES:
                query = text("SELECT pg_total_relation_size(CAST(:t AS regclass))")
                total += int(conn.execute(query, {"t": table.name}).scalar_one())
        return total

    try:
        yield engine, size
    finally:
        engine.dispose()
        cluster.stop()


def _median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds. CPU time (this process: SQLite runs in it, PostgreSQL does
    not) stays meaningful on a shared, busy machine where wall time mostly measures waiting."""
    fn()  # warm caches, as a chart refresh would find them
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def run_backend(name: str, rows: list[HistoryRow]) -> dict[str, float]:
    store = SqlHistoryStore()
    opener = sqlite_engine if name == "sqlite" else postgres_engine
    with opener() as (engine, size_of):
        metadata.create_all(engine, tables=list(HISTORY_TABLES))
        t, c = time.perf_counter(), time.process_time()
        for start in range(0, len(rows), BATCH_ROWS):
            with engine.begin() as conn:
                store.append(conn, 1, rows[start : start + BATCH_ROWS])
        ingest_s, ingest_cpu_s = time.perf_counter() - t, time.process_time() - c
        points = len(rows) * SCALARS
        db_bytes = size_of(engine, False)
        with engine.connect() as conn:
            full = SeriesQuery(keys=["train/loss"], samples=None)
            small = SeriesQuery(keys=["train/loss"], samples=1000)
            (check,) = store.series(conn, 1, small)
            assert check.total_points == len(rows) and len(check.steps) <= 1000
            full_ms, full_cpu = _median_ms(lambda: store.series(conn, 1, full), 3)
            small_ms, small_cpu = _median_ms(lambda: store.series(conn, 1, small), 7)
            # What a chart on a step axis asks (the UI's default): no wall times, so no row chunks.
            chart = SeriesQuery(keys=["train/loss"], samples=1000, timestamps=False)
            chart_ms, _ = _median_ms(lambda: store.series(conn, 1, chart), 7)
            live = SeriesQuery(keys=["train/loss"], min_step=len(rows) - 10, samples=1000)
            live_ms, _ = _median_ms(lambda: store.series(conn, 1, live), 7)
            page_ms, _ = _median_ms(lambda: store.rows(conn, 1, None, len(rows) // 2, None, 1000), 5)
        compact_bytes = size_of(engine, True)
    return {
        "rows": len(rows),
        "points": points,
        "ingest_points_per_s": points / ingest_s,
        "ingest_points_per_cpu_s": points / ingest_cpu_s,
        "bytes_per_point": db_bytes / points,
        "db_bytes": db_bytes,
        "bytes_per_point_compact": compact_bytes / points,
        "read_full_ms": full_ms,
        "read_full_cpu_ms": full_cpu,
        "read_1000_ms": small_ms,
        "read_1000_cpu_ms": small_cpu,
        "read_1000_steps_only_ms": chart_ms,
        "read_live_tail_ms": live_ms,
        "rows_page_1000_ms": page_ms,
    }


def _available(backend: str) -> bool:
    if backend == "sqlite":
        return True
    from tests.fixtures.postgres import postgres_available

    return postgres_available()


def measure(n_rows: int, backends: list[str]) -> dict[str, dict[str, float]]:
    rows = make_rows(n_rows)
    return {b: run_backend(b, rows) for b in backends if _available(b)}


def to_results(measured: dict[str, dict[str, float]]) -> list[Result]:
    out: list[Result] = []
    for backend, m in measured.items():
        n = f"{int(m['rows']):,} points"
        ingest_target = ">= 500000" if backend == "sqlite" else ""
        out += [
            Result("history", f"{backend}: ingest, 1,000 rows x 5 scalars per batch",
                   m["ingest_points_per_s"], "points/s", ingest_target),
            Result("history", f"{backend}: bytes per scalar point, as written", m["bytes_per_point"], "B",
                   "< 10"),
            Result("history", f"{backend}: bytes per scalar point, after VACUUM",
                   m["bytes_per_point_compact"], "B", "< 10"),
            Result("history", f"{backend}: read one metric, full resolution", m["read_full_ms"], "ms",
                   "< 500", n),
            Result("history", f"{backend}: read one metric, downsampled to 1,000", m["read_1000_ms"], "ms",
                   "< 50", n + ", with each point's wall time"),
            Result("history", f"{backend}: same, CPU ms in this process", m["read_1000_cpu_ms"], "ms"),
            Result("history", f"{backend}: same without wall times (a step-axis chart)",
                   m.get("read_1000_steps_only_ms", math.nan), "ms", "< 50", n),
            Result("history", f"{backend}: live tail read (last 10 steps)", m["read_live_tail_ms"], "ms"),
            Result("history", f"{backend}: rows page of 1,000", m["rows_page_1000_ms"], "ms"),
        ]  # fmt: skip
    return out


def main(quick: bool = False) -> list[Result]:
    """Entry point for ``benchmarks.run_all``."""
    return to_results(measure(100_000 if quick else 1_000_000, ["sqlite", "postgresql"]))


def _markdown(measured: dict[str, dict[str, float]]) -> str:
    lines = ["| backend | ingest points/s | B/point | B/point vacuumed | full read ms | 1,000-pt read ms"
             " | tail ms | page ms |", "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for b, m in measured.items():
        lines.append(
            f"| {b} | {m['ingest_points_per_s']:,.0f} | {m['bytes_per_point']:.2f}"
            f" | {m['bytes_per_point_compact']:.2f} | {m['read_full_ms']:.0f}"
            f" | {m['read_1000_ms']:.1f} | {m['read_live_tail_ms']:.1f} | {m['rows_page_1000_ms']:.1f} |"
        )
    return "\n".join(lines)


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=None, help="rows in the run (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    n = args.rows or (100_000 if args.quick else 1_000_000)
    measured = measure(n, args.backend or ["sqlite", "postgresql"])
    clean = {b: {k: (v if math.isfinite(v) else None) for k, v in m.items()} for b, m in measured.items()}
    print(json.dumps(clean, indent=2))
    print(_markdown(measured))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
