"""Reading history back through the public Api: full-resolution ``run.history(samples=None)``,
``scan_history()``, the JSON row pages they replaced, and ``trackwell export``.

What it does: one run of N rows x 5 scalars is logged by the real SDK (offline), synced through a
real server into SQLite (and into a throwaway PostgreSQL cluster when ``initdb`` exists), then read
back over HTTP as a user would:

* ``run.history(samples=None)`` (a pandas DataFrame of every row), median of 3;
* ``list(run.scan_history())`` (a dict per row), and a 100,000-row window of it;
* the JSON row pages (``GET .../history/rows``, 10,000 rows a page) that ``scan_history`` read before,
  decoded the same way, for comparison;
* ``trackwell export`` of the project to Parquet and to CSV.

Seeding a million rows takes about a minute: ``READBACK_BENCH_DATA=/some/dir`` keeps the synced data
directories there and later runs with the same size reuse them.

Run: ``.venv/bin/python -m benchmarks.readback_bench [--quick]`` (quick: 100,000 rows). Targets
(issue 9): history(samples=None) of 1,000,000 rows x 5 metrics < 1 s, scan_history() < 2 s.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
from tests.fixtures.live_server import LiveServer
from tests.fixtures.postgres import postgres_available, start_cluster

import trackwell
from benchmarks.common import Result
from trackwell.apis import Api
from trackwell.apis.values import decode_row
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.settings import Settings
from trackwell.sdk.sync import sync_run_dirs

KEYS = 5
PROJECT = "readback"


def _offline_run(root: Path, rows: int) -> tuple[Path, str]:
    settings = trackwell.Settings(console="off", disable_stats=True, quiet=True, silent=True)
    run = trackwell.init(project=PROJECT, dir=str(root), mode="offline", settings=settings)
    for i in range(rows):
        run.log({"loss": 1.0 / (i + 1), "acc": math.sin(i), "lr": 0.001, "epoch": i // 1000, "grad": i * 0.5})
    run.finish()
    return Path(run.dir).parent, run.id


@contextmanager
def _servers(rows: int, keep: Path | None) -> Iterator[list[tuple[str, LiveServer, str]]]:
    """(backend, server, run id) for SQLite and, when installed, PostgreSQL, seeded or reused."""
    with tempfile.TemporaryDirectory(prefix="tw-readback-") as tmp:
        root = keep / f"rows-{rows}" if keep is not None else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        run_file = root / "run-id"
        fresh = not run_file.exists()
        if fresh:
            _, run_id = _offline_run(root / "runs", rows)
        else:
            run_id = run_file.read_text().strip()
        started: list[tuple[str, LiveServer, str]] = []
        cluster = None
        try:
            started.append(("sqlite", LiveServer(root / "sqlite").start(), run_id))
            if postgres_available():
                cluster = start_cluster()
                url = cluster.create_database("readback")
                started.append(
                    (
                        "postgresql",
                        LiveServer(root / "pg", extra_args=["--database-url", url]).start(),
                        run_id,
                    )
                )
            for backend, server, _ in started:
                if fresh or backend == "postgresql":  # the throwaway cluster is new each time
                    for progress in run_dir_of(root).glob("*.twlog.sync"):
                        progress.unlink()
                    (result,) = sync_run_dirs([run_dir_of(root)], _client_factory(server))
                    if not result.synced:
                        raise RuntimeError(f"sync into {backend} failed: {result.error}")
            run_file.write_text(run_id)
            yield started
        finally:
            for _, server, _ in started:
                server.stop()
            if cluster is not None:
                cluster.stop()


def _client_factory(server: LiveServer) -> Callable[[], ApiClient]:
    return lambda: ApiClient(server.url, server.api_key, timeout=300)


def run_dir_of(root: Path) -> Path:
    (run_dir,) = [p for p in (root / "runs" / "trackwell").glob("offline-run-*") if p.is_dir()]
    return run_dir


def _server_cpu(server: LiveServer) -> float:
    assert server.process is not None
    times = psutil.Process(server.process.pid).cpu_times()
    return float(times.user + times.system)


def _timed(fn: Callable[[], Any], repeat: int, server: LiveServer) -> tuple[float, float, Any]:
    """Median wall seconds, median CPU seconds (client and server together: on a busy machine
    wall time mostly measures waiting), and the last result."""
    walls, cpus = [], []
    out = None
    for _ in range(repeat):
        start, cpu, server_cpu = time.perf_counter(), time.process_time(), _server_cpu(server)
        out = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu + _server_cpu(server) - server_cpu)
    return statistics.median(walls), statistics.median(cpus), out


def _json_scan(api: Api, path: tuple[str, str, str], max_step: int | None) -> int:
    """What scan_history did before: JSON pages of rows, each row decoded."""
    count = 0
    cursor: int | None = None
    while True:
        page = api.client.history_rows(*path, min_step=cursor, max_step=max_step, limit=10_000)
        count += sum(1 for _ in map(decode_row, page.rows))
        if page.next_min_step is None:
            return count
        cursor = page.next_min_step


def _cpu_note(cpu: float) -> str:
    load = os.getloadavg()[0]
    return f"; CPU {cpu:.2f} s (client + server); load average {load:.1f} on {os.cpu_count()} cores"


def _export(server: LiveServer, out: Path, fmt: str) -> float:
    from trackwell.cli.export_cmd import export_project

    start = time.perf_counter()
    with ApiClient(server.url, server.api_key, timeout=300) as client:
        export_project(client, "", PROJECT, out, fmt, quiet=True)
    return time.perf_counter() - start


def measure(rows: int, keep: Path | None) -> list[Result]:
    results: list[Result] = []
    note = f"{rows:,} rows x {KEYS} metrics"
    with _servers(rows, keep) as servers, tempfile.TemporaryDirectory(prefix="tw-readback-home-") as home:
        for backend, server, run_id in servers:
            settings = Settings.resolve({"HOME": home}, base_url=server.url, api_key=server.api_key)
            with Api(settings=settings) as api:
                run = api.run(f"{PROJECT}/{run_id}")
                path = (api.default_entity, PROJECT, run_id)
                frame_s, frame_cpu, frame = _timed(lambda r=run: r.history(samples=None), 3, server)
                assert frame.shape == (rows, KEYS + 3), frame.shape
                scan_s, scan_cpu, count = _timed(lambda r=run: sum(1 for _ in r.scan_history()), 3, server)
                assert count == rows
                window = min(rows, 100_000)
                window_s, window_cpu, _ = _timed(
                    lambda r=run, w=window: sum(1 for _ in r.scan_history(max_step=w)), 3, server
                )
                json_s, json_cpu, json_count = _timed(lambda a=api, p=path: _json_scan(a, p, None), 1, server)
                assert json_count == rows
                results += [
                    Result("readback", f"{backend}: run.history(samples=None), every row as a DataFrame",
                           frame_s, "s", "< 1" if rows >= 1_000_000 else "", note + _cpu_note(frame_cpu)),
                    Result("readback", f"{backend}: scan_history(), every row as a dict", scan_s, "s",
                           "< 2" if rows >= 1_000_000 else "", note + _cpu_note(scan_cpu)),
                    Result("readback", f"{backend}: scan_history() of {window:,} rows", window_s, "s", "",
                           f"the first {window:,} steps of the same run" + _cpu_note(window_cpu)),
                    Result("readback", f"{backend}: before: JSON row pages, every row as a dict", json_s, "s",
                           "", note + "; GET .../history/rows, 10,000 rows a page" + _cpu_note(json_cpu)),
                ]  # fmt: skip
                if backend == "sqlite":
                    with tempfile.TemporaryDirectory(prefix="tw-export-") as out:
                        parquet_s = _export(server, Path(out) / "p", "parquet")
                        csv_s = _export(server, Path(out) / "c", "csv")
                    results += [
                        Result(
                            "readback", f"{backend}: trackwell export to Parquet", parquet_s, "s", "", note
                        ),
                        Result("readback", f"{backend}: trackwell export to CSV", csv_s, "s", "", note),
                    ]
    return results


def main(quick: bool = False) -> list[Result]:
    """Entry point for ``benchmarks.run_all``."""
    keep = os.environ.get("READBACK_BENCH_DATA")
    return measure(100_000 if quick else 1_000_000, Path(keep) if keep else None)


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.3f} {r.unit} {('(target ' + r.target + ')') if r.target else ''}")
