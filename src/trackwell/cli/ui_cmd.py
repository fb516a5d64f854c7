"""``trackwell ui``: open the web UI, signed in, with a one-time link (as Jupyter does).

No page of the UI is open without credentials, not even on loopback (GPU machines are shared):
the link carries a single-use token that expires in minutes, asked for with your API key.
"""

from __future__ import annotations

import argparse
import webbrowser
from typing import Any

from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.settings import Settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ui", help="open the web UI signed in (a one-time sign-in link)", description=__doc__
    )
    parser.add_argument("--print", action="store_true", help="only print the link, do not open a browser")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    endpoint = resolve_endpoint(Settings.resolve())
    with endpoint.client() as client:
        link = client.login_link()
    print(f"Sign in to Trackwell (single use, expires in a few minutes):\n  {link.url}")
    if not args.print:
        try:
            webbrowser.open(link.url)
        except webbrowser.Error:
            pass  # no browser on this machine: the printed link is the way in
    return 0
