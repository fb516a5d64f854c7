"""``trackwell sync PATH... | --all``: upload offline or interrupted runs from their run logs.

The work is the SDK's (``trackwell.sdk.sync``: replay each ``.twlog`` through the same uploader);
this module resolves the server and key once and hands the SDK a client factory. On a terminal a
progress line shows runs done, bytes sent, rate and time left (``sdk.progress``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.progress import Progress
from trackwell.sdk.settings import Settings
from trackwell.sdk.sync import SyncResult, find_run_dirs, run_logs, sync_run_dirs, unsent_bytes


def find_unsynced(root: Path) -> list[Path]:
    return list(find_run_dirs(root, unsynced_only=True))


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sync",
        help="upload offline or interrupted runs",
        description="Upload run dirs written offline or cut off before their upload finished. "
        "Safe to repeat: records already on the server are skipped.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="run dirs (trackwell/offline-run-...)")
    parser.add_argument("--all", action="store_true", help="every unsynced run dir under --dir")
    parser.add_argument("--dir", type=Path, help="folder holding run dirs (default: ./trackwell)")
    parser.add_argument("--parallel", type=int, default=4, help="runs uploaded at once (default 4)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if bool(args.paths) == bool(args.all):
        raise InvalidArgument("give run dirs or --all (not both)", hint="e.g. `trackwell sync --all`")
    settings = Settings.resolve()
    if args.all:
        root = args.dir or settings.root_dir / "trackwell"
        paths = find_unsynced(root)
        if not paths:
            print(f"nothing to sync under {root}")
            return 0
    else:
        missing = [p for p in args.paths if not p.is_dir()]
        if missing:
            raise InvalidArgument(f"{missing[0]} is not a run dir", field="paths")
        paths = list(args.paths)
    endpoint = resolve_endpoint(settings)
    factory: Callable[[], ApiClient] = lambda: endpoint.client(timeout=settings.http_timeout)  # noqa: E731
    total = sum(unsent_bytes(log) for path in paths for log in run_logs(path))
    quiet = args.quiet or settings.silent or settings.quiet
    with Progress(
        "syncing", total_items=len(paths), total_bytes=total, enabled=False if quiet else None
    ) as bar:
        results = sync_run_dirs(paths, factory, parallel=max(1, args.parallel), progress=bar)
    return _report(results)


def _report(results: list[SyncResult]) -> int:
    """One line per run dir; exit code 1 when any failed."""
    for result in results:
        status = "synced" if result.synced else "FAILED"
        detail = f": {result.error}" if result.error else ""
        if result.corrupt:
            detail += f" (warning: {result.corrupt})"
        print(f"{status}  {result.path}{detail}")
    failed = sum(not r.synced for r in results)
    print(f"{len(results) - failed} of {len(results)} run dir(s) synced")
    return 1 if failed else 0
