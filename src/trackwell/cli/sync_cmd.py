"""``trackwell sync PATH... | --all``: upload offline or interrupted runs from their run logs.

The work is the SDK's (``trackwell.sdk.sync``: replay each ``.twlog`` through the same uploader);
this module resolves the server and key once and hands the SDK a client factory.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from trackwell.schema.errors import InvalidArgument, TrackwellError
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.settings import Settings


def sync_module() -> ModuleType:
    """The SDK's sync module (imported on use: it pulls in the uploader)."""
    try:
        return importlib.import_module("trackwell.sdk.sync")
    except ModuleNotFoundError as exc:
        if exc.name != "trackwell.sdk.sync":
            raise
        raise TrackwellError("this trackwell build has no sync support (trackwell.sdk.sync)") from None


def find_unsynced(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return list(sync_module().find_run_dirs(root, unsynced_only=True))


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
    results = sync_module().sync_run_dirs(paths, factory, parallel=max(1, args.parallel))
    return _report(paths, results)


def _report(paths: list[Path], results: Any) -> int:
    """Print one line per run; exit 1 when any failed. Accepts a list or a path -> result mapping."""
    items = (
        list(results.items()) if isinstance(results, dict) else list(zip(paths, results or [], strict=False))
    )
    failed = 0
    for path, result in items:
        error = getattr(result, "error", None)
        failed += bool(error)
        print(f"{'FAILED' if error else 'synced'}  {path}" + (f": {error}" if error else ""))
    if not items:
        print(f"synced {len(paths)} run dir(s)")
    return 1 if failed else 0
