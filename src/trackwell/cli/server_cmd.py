"""``trackwell server``: run the tracking server in the foreground; ``trackwell server stop``.

The data directory defaults to ``TRACKWELL_DATA_DIR`` or ``~/.trackwell``: the same place the SDK
looks for a local server, so ``trackwell server`` and ``trackwell.init()`` find each other.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from trackwell.schema.artifact_rules import DEFAULT_PROTECTED_ALIASES
from trackwell.server.server_file import SERVER_FILE, pid_alive, read_server_file
from trackwell.server.settings import ServerSettings
from trackwell.server.signin_settings import signin_settings_from_env


def default_data_dir() -> Path:
    return Path(os.environ.get("TRACKWELL_DATA_DIR") or Path.home() / ".trackwell").expanduser()


def register(subparsers: Any) -> None:
    """Add ``server`` (and ``server stop``) to the ``trackwell`` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "server", help="run the trackwell server", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7077, help="port (default 7077; 0 = any free port)")
    parser.add_argument("--data-dir", type=Path, help="default: $TRACKWELL_DATA_DIR or ~/.trackwell")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in the data dir)")
    parser.add_argument(
        "--blob-url",
        help="where file bytes go: a directory, file:///path, s3://bucket/prefix (default <data-dir>/blobs)",
    )
    parser.add_argument(
        "--upload-part-size",
        type=int,
        default=64 << 20,
        help="bytes per part of resumable blob uploads (default 64 MiB, at least 5 MiB)",
    )
    parser.add_argument(
        "--heartbeat-timeout",
        type=float,
        default=120.0,
        help="seconds of silence before a running run is marked crashed (default 120)",
    )
    parser.add_argument(
        "--sweep-lease-seconds",
        type=float,
        default=120.0,
        help="seconds a sweep proposal stays leased to a silent agent before it is re-issued (default 120)",
    )
    parser.add_argument(
        "--sweep-heartbeat-seconds",
        type=float,
        default=5.0,
        help="how often sweep agents heartbeat (default 5)",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("TRACKWELL_PUBLIC_URL"),
        help="URL users open the UI at, for links in alert messages (default: $TRACKWELL_PUBLIC_URL, "
        "else the address served)",
    )
    parser.add_argument(
        "--alert-retry-seconds",
        type=float,
        default=30.0,
        help="first wait before retrying a failed webhook delivery, doubling each time (default 30)",
    )
    parser.add_argument(
        "--webhooks-to-local-addresses",
        action="store_true",
        help="post alert webhooks to loopback and link-local addresses too (a server bound to loopback "
        "always does; one shared on the network refuses them by default: docs/alerts.md)",
    )
    parser.add_argument(
        "--max-batch-bytes",
        type=int,
        default=64 << 20,
        help="largest record batch accepted, after gzip decoding (default 64 MiB)",
    )
    parser.add_argument(
        "--max-request-bytes",
        type=int,
        default=64 << 20,
        help="largest request body of the JSON routes (default 64 MiB; uploads keep their own limits)",
    )
    parser.add_argument(
        "--protected-alias",
        action="append",
        default=[],
        metavar="ALIAS",
        help="an artifact alias only admins may move, besides 'production' (repeat for more)",
    )
    parser.add_argument(
        "--no-team-creation",
        dest="allow_team_creation",
        action="store_false",
        help="only server admins create teams (default: any signed-in user may, as on W&B)",
    )
    parser.set_defaults(func=run_server)
    actions = parser.add_subparsers(dest="server_action", metavar="{stop}")
    stop = actions.add_parser("stop", help="stop the server recorded in the data dir")
    stop.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    stop.set_defaults(func=stop_server)


def run_server(args: argparse.Namespace) -> int:
    # Imported here, not at the top: it loads the web stack (~2 s), which every other
    # ``trackwell`` command (and ``server stop``) would otherwise pay for at start-up.
    from trackwell.server.process import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = ServerSettings(
        data_dir=(args.data_dir or default_data_dir()).expanduser().resolve(),
        database_url=args.database_url,
        blob_url=args.blob_url,
        upload_part_size=args.upload_part_size,
        heartbeat_timeout=args.heartbeat_timeout,
        max_batch_bytes=args.max_batch_bytes,
        max_request_bytes=args.max_request_bytes,
        sweep_lease_seconds=args.sweep_lease_seconds,
        sweep_heartbeat_seconds=args.sweep_heartbeat_seconds,
        protected_aliases=DEFAULT_PROTECTED_ALIASES | set(args.protected_alias),
        allow_team_creation=args.allow_team_creation,
        public_url=args.public_url,
        alert_retry_seconds=args.alert_retry_seconds,
        webhooks_to_local_addresses=args.webhooks_to_local_addresses,
        local=args.host in ("127.0.0.1", "localhost", "::1"),
        signin=signin_settings_from_env(os.environ),  # TRACKWELL_OIDC_*: docs/server.md, single sign-on
    )
    return serve(settings, args.host, args.port, _say)


def stop_server(args: argparse.Namespace, wait: float = 15.0) -> int:
    data_dir = (getattr(args, "data_dir", None) or default_data_dir()).expanduser().resolve()
    info = read_server_file(data_dir)
    if info is None:
        _say(f"No trackwell server is recorded in {data_dir}")
        return 0
    pid = int(info.get("pid", 0))
    if pid <= 0 or not pid_alive(pid):
        (data_dir / SERVER_FILE).unlink(missing_ok=True)
        _say(f"The server recorded in {data_dir} (pid {pid}) was not running; cleaned up")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not pid_alive(pid) or read_server_file(data_dir) is None:
            _say(f"Stopped the trackwell server at {info.get('url')} (pid {pid})")
            return 0
        time.sleep(0.1)
    _say(f"The server (pid {pid}) did not stop within {wait:.0f} s; try 'kill -9 {pid}'")
    return 1


def _say(message: str) -> None:
    print(message, flush=True)
    sys.stdout.flush()
