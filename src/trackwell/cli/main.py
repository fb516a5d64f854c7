"""The ``trackwell`` command: one argparse parser, one small module per subcommand.

Each subcommand module exposes ``register(subparsers)`` and sets ``func`` (taking the parsed args,
returning an exit code) with ``set_defaults``; this module only wires them together and turns
errors into one readable line and a non-zero exit code (no traceback for user mistakes).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import trackwell
from trackwell.cli import (
    admin_cmd,
    agent_cmd,
    artifact_cmd,
    export_cmd,
    login_cmd,
    report_cmd,
    runs_cmd,
    status_cmd,
    sweep_cmd,
    sync_cmd,
    ui_cmd,
)
from trackwell.schema.errors import TrackwellError

EPILOG = """\
examples:
  trackwell server                          run the server in the foreground (UI at http://127.0.0.1:7077)
  trackwell server stop                     stop the local server
  trackwell login --host https://tw.example.com KEY
                                            check a key and store it for that server (mode 0600)
  trackwell ui                              open the web UI, signed in (one-time link)
  trackwell status                          settings in effect, server, user, unsynced runs
  trackwell sync --all                      upload every offline or unfinished run under ./trackwell
  trackwell sync trackwell/offline-run-*    upload the given run dirs
  trackwell runs ls mnist --filter '{"config.lr": {"$gt": 0.01}}' --order -summary_metrics.acc
  trackwell runs show my-team/mnist/1a2b3c  config, summary, state and files of one run
  trackwell runs reproduce mnist/1a2b3c     git checkout, git apply <patch> and the command line
  trackwell export mnist --format parquet --out mnist-export
                                            every run's config, summary and history as files
  trackwell report export https://tw.example.com/me/mnist/reports/k3j9x2ab0q -o study.pdf
                                            a report as PDF (or .html: one static file)
  trackwell artifact put ./data -n mnist/raw-data -t dataset -a best
                                            upload a folder as a new version (deduplicated)
  trackwell artifact get mnist/raw-data:best --root ./data
  trackwell artifact ls mnist               each artifact's type, latest version, size and aliases
  trackwell artifact cache cleanup 10GB     trim the download cache to 10 GB
  trackwell sweep sweep.yaml                create a sweep; prints the agent command
  trackwell agent me/mnist/k3x9q2ab --count 10
                                            run 10 of the sweep's trials here
  trackwell sweep --pause me/mnist/k3x9q2ab pause (--resume, --stop, --cancel) a sweep
  trackwell admin users create ada@example.com
                                            a new user (server admins; docs/server.md)
  trackwell admin teams set-role vision ada member
                                            add a user to a team, or change their role
  trackwell admin keys create -d laptop     a new API key, printed once
  trackwell admin audit --action key.create
                                            security events of one kind, newest first

environment: WANDB_* variables are honoured (WANDB_API_KEY, WANDB_BASE_URL, WANDB_MODE, ...);
TRACKWELL_* variables take precedence over them.
"""


def build_parser(*, with_server: bool = True) -> argparse.ArgumentParser:
    """The full parser. ``with_server=False`` lists ``server`` without importing the server (FastAPI,
    SQLAlchemy: seconds of start-up that ``trackwell login`` or ``runs ls`` should not pay)."""
    parser = argparse.ArgumentParser(
        prog="trackwell",
        description="Trackwell: open, self-hosted experiment tracking (a drop-in for wandb).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"trackwell {trackwell.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if with_server:
        importlib.import_module("trackwell.cli.server_cmd").register(subparsers)
    else:
        subparsers.add_parser("server", help="run the trackwell server (see `trackwell server --help`)")
    for module in (
        login_cmd,
        status_cmd,
        sync_cmd,
        runs_cmd,
        export_cmd,
        report_cmd,
        artifact_cmd,
        sweep_cmd,
        agent_cmd,
        ui_cmd,
        admin_cmd,
    ):
        module.register(subparsers)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_server=_command(argv) == "server")
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args))
    except TrackwellError as exc:
        print(f"trackwell: error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"trackwell: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("trackwell: interrupted", file=sys.stderr)
        return 130
