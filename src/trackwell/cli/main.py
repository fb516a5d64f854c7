"""The ``trackwell`` command: one argparse parser, one small module per subcommand.

Each subcommand module exposes ``register(subparsers)`` and sets ``func`` (returning an exit code)
with ``set_defaults``; this module only wires them together.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import trackwell
from trackwell.cli import server_cmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trackwell", description="Trackwell experiment tracking.")
    parser.add_argument("--version", action="version", version=f"trackwell {trackwell.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    server_cmd.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args))
