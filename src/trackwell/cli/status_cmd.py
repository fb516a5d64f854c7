"""``trackwell status``: what the SDK would do here, and whether it can.

Shows the settings in effect (never the API key: only where it comes from), whether the server
answers, who the key belongs to, and how many local runs still wait for ``trackwell sync``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trackwell.cli.sync_cmd import find_unsynced
from trackwell.schema.errors import TrackwellError
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.local_server import read_local_key, running_server_url
from trackwell.sdk.login import stored_key
from trackwell.sdk.settings import Settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "status", help="settings in effect, server, user and unsynced runs", description=__doc__
    )
    parser.add_argument("--dir", type=Path, help="where to look for run dirs (default: the run root)")
    parser.set_defaults(func=run)


def _key_source(settings: Settings) -> tuple[str | None, str]:
    if settings.api_key:
        return settings.api_key, "environment or settings"
    if settings.base_url is None:
        key = read_local_key(settings.data_dir)
        return key, "local server's key" if key else "none (the local server creates one)"
    key = stored_key(settings, settings.base_url)
    return key, "stored by `trackwell login`" if key else "none: run `trackwell login`"


def _server(settings: Settings) -> tuple[str | None, str]:
    if settings.base_url is None:
        url = running_server_url(settings.data_dir)
        return url, (f"local, running at {url}" if url else "local, not running (init() starts it)")
    with ApiClient(settings.base_url, None, timeout=settings.http_timeout) as client:
        ok = client.healthz()
    return (settings.base_url if ok else None), (
        f"{settings.base_url} ({'reachable' if ok else 'NOT reachable'})"
    )


def _user(url: str | None, key: str | None, settings: Settings) -> str:
    if url is None or key is None:
        return "-"
    try:
        with ApiClient(url, key, timeout=settings.http_timeout) as client:
            viewer = client.viewer()
    except TrackwellError as exc:
        return f"unknown ({exc.message})"
    return f"{viewer.username} (entity {viewer.entity})"


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve()
    key, key_source = _key_source(settings)
    url, server = _server(settings)
    root = args.dir or settings.root_dir / "trackwell"
    try:
        unsynced_text = str(len(find_unsynced(root))) + " run(s)"
    except TrackwellError as exc:
        unsynced_text = f"unknown ({exc.message})"
    rows = [
        ("mode", settings.mode),
        ("server", server),
        ("data dir", str(settings.data_dir) if settings.base_url is None else "-"),
        ("api key", key_source),
        ("user", _user(url, key, settings)),
        ("entity", settings.entity or "(the user's default)"),
        ("project", settings.project or "(uncategorized)"),
        ("run dirs", str(root)),
        ("unsynced", unsynced_text),
        ("config dir", str(settings.config_dir)),
    ]
    for label, value in rows:
        print(f"{label + ':':<12}{value}")
    return 0
