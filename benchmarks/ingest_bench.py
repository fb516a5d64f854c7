"""End-to-end ingest: how fast a run's logged points reach the database through the real path.

An offline run of N rows x 5 scalars is written by the SDK, then ``trackwell sync``'s uploader sends
its run log to a real server process (batches over HTTP, two in flight, not gzipped on loopback;
parsed, sequenced, stored column-wise), once on SQLite and once on a throwaway PostgreSQL cluster.
Points/s = 5N / wall time of the sync. Also reported: the SQLite database's size per stored point,
everything included.

Run: ``.venv/bin/python -m benchmarks.ingest_bench [--quick]``. Target (issue 2): >= 500,000 points/s
into SQLite.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.fixtures.live_server import LiveServer
from tests.fixtures.postgres import postgres_available, start_cluster

import trackwell
from benchmarks.common import Result
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.sync import sync_run_dirs

KEYS = 5


def _offline_run(root: Path, rows: int) -> Path:
    settings = trackwell.Settings(console="off", disable_stats=True, quiet=True, silent=True)
    run = trackwell.init(project="ingest", dir=str(root), mode="offline", settings=settings)
    for i in range(rows):
        run.log({"loss": 1.0 / (i + 1), "acc": math.sin(i), "lr": 0.001, "epoch": i // 1000, "grad": i * 0.5})
    run.finish()
    return Path(run.dir).parent


def _sync(server: LiveServer, run_dir: Path) -> float:
    def factory() -> ApiClient:
        return ApiClient(server.url, server.api_key, timeout=120)

    for progress in run_dir.glob("*.twlog.sync"):  # each target server starts from the log's first record
        progress.unlink()
    started = time.perf_counter()
    (result,) = sync_run_dirs([run_dir], factory)
    took = time.perf_counter() - started
    if not result.synced:
        raise RuntimeError(f"sync failed: {result.error}")
    return took


def main(quick: bool = False) -> list[Result]:
    rows = 100_000 if quick else 400_000
    points = rows * KEYS
    note = f"{rows:,} rows x {KEYS} scalars, offline run log synced"
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tw-ingest-") as tmp:
        root = Path(tmp)
        run_dir = _offline_run(root / "runs", rows)
        server = LiveServer(root / "sqlite").start()
        try:
            took = _sync(server, run_dir)
        finally:
            server.stop()
        db_bytes = sum(f.stat().st_size for f in (root / "sqlite").glob("trackwell.db*"))
        results.append(
            Result("ingest", "end-to-end ingest into SQLite", points / took, "points/s", ">= 500000", note)
        )
        results.append(
            Result(
                "ingest",
                "SQLite database size per stored point",
                db_bytes / points,
                "bytes",
                "< 10",
                "whole database file incl. metadata",
            )
        )
        if postgres_available():
            cluster = start_cluster()
            try:
                url = cluster.create_database("ingest_" + uuid.uuid4().hex[:8])
                pg = LiveServer(root / "pg", extra_args=["--database-url", url]).start()
                try:
                    took = _sync(pg, run_dir)
                finally:
                    pg.stop()
                results.append(
                    Result(
                        "ingest", "end-to-end ingest into PostgreSQL", points / took, "points/s", note=note
                    )
                )
            finally:
                cluster.stop()
    return results


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:,.1f} {r.unit} (target {r.target or '-'}) {r.note}")
