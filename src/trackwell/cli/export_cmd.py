"""``trackwell export PROJECT --format parquet|csv --out DIR``: a whole project's runs and histories
as files for pandas, DuckDB, spreadsheets.

Layout of ``DIR``::

    runs.parquet | runs.csv           one row per run: id, name, state, ..., config.<key>, summary.<key>
    history/<run_id>.parquet | .csv   every history row of the run, one column per key

Streamed: runs are read one at a time and each run's history page by page (the server's Arrow
pages, ``trackwell.apis.frames``), so memory stays one page whatever the project's size. Column
types are fixed per file (``export_columns``). CSV cells that a spreadsheet would run as a formula
are defused by the same rule as the table viewer's CSV export (``service.tables_csv``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackwell.apis import frames
from trackwell.apis.values import decode
from trackwell.cli.export_columns import Columns, rows_in_slices, runs_columns, runs_table
from trackwell.cli.options import parse_filter_option
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.progress import Progress
from trackwell.sdk.settings import Settings
from trackwell.service.tables_csv import csv_lines

FORMATS = ("parquet", "csv")
_RUNS_PAGE = 200
_CSV_SLICE = 65_536
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export a project's runs and histories to Parquet or CSV",
        description="Write a project's runs (config, summary) and every history row to files: "
        "runs.<format> and history/<run_id>.<format> under --out.",
    )
    parser.add_argument("project", help="'entity/project' or 'project'")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format (default parquet)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing)")
    parser.add_argument("--entity", help="the project's entity (default: yours)")
    parser.add_argument(
        "--filters",
        "--filter",
        dest="filters",
        help='MongoDB-style JSON over runs, e.g. \'{"state": "finished"}\'',
    )
    parser.add_argument("--keys", help="comma-separated history keys (default: every key)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve()
    entity, project = args.entity, args.project
    if "/" in project:
        if entity:
            raise InvalidArgument("give the entity in PROJECT or in --entity, not both", field="--entity")
        entity, project = project.split("/", 1)
    keys = [k for k in (args.keys or "").split(",") if k] or None
    quiet = args.quiet or settings.silent or settings.quiet
    with resolve_endpoint(settings).client(timeout=max(settings.http_timeout, 120.0)) as client:
        done = export_project(
            client,
            entity,
            project,
            args.out,
            args.format,
            filters=parse_filter_option(args.filters, "--filters"),
            keys=keys,
            quiet=quiet,
        )
    for key, count in sorted(done.dropped.items()):
        print(f"warning: {count} value(s) of {key!r} were not numbers and have no cell in its number column")
    print(f"exported {done.runs} run(s), {done.rows:,} history rows to {args.out}")
    return 0


@dataclass
class Exported:
    runs: int = 0
    rows: int = 0
    bytes: int = 0
    dropped: dict[str, int] = field(default_factory=dict)


def _runs(client: ApiClient, entity: str, project: str, filters: dict[str, Any] | None) -> Iterator[Any]:
    offset = 0
    while True:
        page = client.query_runs(
            entity, project, filters, order="+created_at", limit=_RUNS_PAGE, offset=offset
        )
        yield from page.runs
        offset += len(page.runs)
        if not page.runs or offset >= page.total:
            return


def _run_record(run: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "run_id": run.id,
        "name": run.display_name,
        "state": run.state,
        "group": run.group,
        "job_type": run.job_type,
        "tags": ",".join(run.tags),
        "notes": run.notes,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "runtime": run.runtime,
        "host": run.host,
        "exit_code": run.exit_code,
        "last_step": run.last_step,
    }
    for prefix, values in (("config", decode(run.config)), ("summary", decode(run.summary))):
        for key, value in values.items():
            record[f"{prefix}.{key}"] = value
    return record


def export_project(
    client: ApiClient,
    entity: str | None,
    project: str,
    out: Path,
    fmt: str,
    *,
    filters: dict[str, Any] | None = None,
    keys: list[str] | None = None,
    quiet: bool = False,
) -> Exported:
    """Write ``runs.<fmt>`` and ``history/<run_id>.<fmt>`` under ``out``; see the module doc."""
    if fmt not in FORMATS:
        raise InvalidArgument(f"format {fmt!r} is not one of {', '.join(FORMATS)}", field="--format")
    entity = entity or client.viewer_entity()
    runs = list(_runs(client, entity, project, filters))
    (out / "history").mkdir(parents=True, exist_ok=True)
    records = [_run_record(r) for r in runs]
    columns = runs_columns(records)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(runs_table(columns, records), out / "runs.parquet")
    else:
        _write_csv(out / "runs.csv", list(columns.kinds), iter([rows_of_records(columns, records)]))
    done = Exported(runs=len(runs))
    with Progress("exporting", total_items=len(runs), enabled=False if quiet else None) as bar:
        for stored in runs:
            target = out / "history" / f"{_UNSAFE.sub('_', stored.id)}.{fmt}"
            rows, dropped = _export_history(client, (entity, project, stored.id), keys, target, fmt)
            size = target.stat().st_size
            done.rows += rows
            done.bytes += size
            for key, count in dropped.items():
                done.dropped[key] = done.dropped.get(key, 0) + count
            bar.advance(items=1, nbytes=size)
    return done


def rows_of_records(columns: Columns, records: list[dict[str, Any]]) -> list[list[Any]]:
    return [[record.get(name) for name in columns.kinds] for record in records]


def _write_csv(path: Path, header: list[str], batches: Iterator[list[list[Any]]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        for text in csv_lines(header, batches):
            f.write(text)


def _export_history(
    client: ApiClient, path: tuple[str, str, str], keys: list[str] | None, target: Path, fmt: str
) -> tuple[int, dict[str, int]]:
    known = [(k.key, k.kind) for k in client.history_keys(*path).keys]
    if keys is not None:
        known = [(k, kind) for k, kind in known if k in keys]
    columns = Columns.for_history(known)
    pages = frames.pages(client, path, keys, min_step=None, max_step=None, stream="history")
    rows = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetWriter(target, columns.schema()) as writer:
            for page in pages:
                rows += page.num_rows
                writer.write_table(columns.arrow(page))
        return rows, columns.dropped

    def batches() -> Iterator[list[list[Any]]]:
        nonlocal rows
        for page in pages:
            rows += page.num_rows
            for start in range(0, page.num_rows, _CSV_SLICE):  # Python values for one slice at a time
                yield from rows_in_slices(columns.python_columns(page.slice(start, _CSV_SLICE)))

    _write_csv(target, list(columns.kinds), batches())
    return rows, columns.dropped
