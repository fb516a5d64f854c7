"""``trackwell login [KEY] [--host URL] [--relogin]``: check an API key and store it for a server."""

from __future__ import annotations

import argparse
from typing import Any

from trackwell.sdk.login import login
from trackwell.sdk.settings import Settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "login",
        help="check an API key and store it for a server",
        description="Verify an API key against the server and store it (credentials.json, mode 0600). "
        "Without KEY: WANDB_API_KEY, the stored key, or a hidden prompt.",
    )
    parser.add_argument(
        "key", nargs="?", help="the API key (prefer the prompt: keys in argv end up in history)"
    )
    parser.add_argument("--host", help="server URL, e.g. https://tw.example.com (default: local server)")
    parser.add_argument("--relogin", action="store_true", help="ignore the stored key and ask again")
    parser.add_argument("--no-verify", action="store_true", help="do not verify the server's TLS certificate")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve()
    login(args.key, relogin=args.relogin, host=args.host, verify=not args.no_verify, settings=settings)
    return 0
