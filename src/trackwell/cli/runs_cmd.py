"""``trackwell runs ls`` and ``trackwell runs show``: read runs from the terminal through ``Api``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from trackwell.apis import Api, Run
from trackwell.cli.options import parse_filter_option
from trackwell.cli.runs_bulk_cmd import BULK_COMMANDS, register_bulk
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.context.metadata import PATCH_FILE, reproduce_instructions
from trackwell.sdk.settings import Settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "runs",
        help="list, show, archive, tag or move runs",
        description="Read and change runs on the server.",
    )
    actions = parser.add_subparsers(
        dest="runs_action", metavar="{ls,show,reproduce," + ",".join(BULK_COMMANDS) + "}", required=True
    )
    ls = actions.add_parser("ls", help="list a project's runs as a table")
    ls.add_argument("project", nargs="?", help="'entity/project' or 'project' (default: WANDB_PROJECT)")
    ls.add_argument("--filter", help='MongoDB-style JSON, e.g. \'{"state": "finished"}\'')
    ls.add_argument("--order", default="-created_at", help="e.g. -created_at, +summary_metrics.loss")
    ls.add_argument("--limit", type=int, default=50, help="at most this many runs (default 50)")
    ls.set_defaults(func=run_ls)
    show = actions.add_parser("show", help="config, summary, state and files of one run")
    show.add_argument("path", help="'entity/project/run_id' or 'project/run_id'")
    show.set_defaults(func=run_show)
    again = actions.add_parser(
        "reproduce", help="the commands that rebuild a run's code state and start it again"
    )
    again.add_argument("path", help="'entity/project/run_id' or 'project/run_id'")
    again.add_argument(
        "--dir", type=Path, help="where to put the run's diff.patch (default ./reproduce-<id>)"
    )
    again.set_defaults(func=run_reproduce)
    register_bulk(actions)


def _ago(iso: str | None) -> str:
    return (iso or "-").replace("T", " ").rstrip("Z")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def run_ls(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InvalidArgument(f"--limit {args.limit} must be at least 1", field="--limit")
    with Api(settings=Settings.resolve()) as api:
        runs = api.runs(
            args.project,
            filters=parse_filter_option(args.filter),
            order=args.order,
            per_page=min(args.limit, 200),
        )
        rows = [["ID", "NAME", "STATE", "CREATED", "RUNTIME", "STEPS", "TAGS"]]
        for index, run in enumerate(runs):
            if index >= args.limit:
                break
            rows.append(
                [
                    run.id,
                    run.display_name,
                    run.state,
                    _ago(run.created_at),
                    _duration(run.runtime),
                    str(run.lastHistoryStep + 1),
                    ",".join(run.tags),
                ]
            )
        print(_table(rows))
        shown = len(rows) - 1
        print(f"\n{shown} of {len(runs)} runs in {runs.entity}/{runs.project}")
    return 0


def _block(title: str, values: dict[str, Any]) -> str:
    if not values:
        return f"{title}: (empty)"
    body = json.dumps(values, indent=2, sort_keys=True, default=str)
    return f"{title}:\n" + "\n".join("  " + line for line in body.splitlines())


def _describe(run: Run) -> str:
    lines = [
        f"run:      {'/'.join(run.path)}",
        f"name:     {run.display_name}",
        f"state:    {run.state}",
        f"created:  {_ago(run.created_at)}",
        f"runtime:  {_duration(run.runtime)}",
        f"steps:    {run.lastHistoryStep + 1}",
    ]
    for label, value in (("group", run.group), ("job type", run.job_type), ("notes", run.notes)):
        if value:
            lines.append(f"{label + ':':<10}{value}")
    if run.tags:
        lines.append(f"tags:     {', '.join(run.tags)}")
    lines.append(f"url:      {run.url}")
    lines.append(_block("config", run.config))
    lines.append(_block("summary", dict(run.summary)))
    files = run.files()
    lines.append("files:" if files else "files: (none)")
    lines.extend(f"  {f.name}  ({f.size} bytes)" for f in files)
    return "\n".join(lines)


def run_show(args: argparse.Namespace) -> int:
    with Api(settings=Settings.resolve()) as api:
        print(_describe(api.run(args.path)))
    return 0


def run_reproduce(args: argparse.Namespace) -> int:
    """Print ``git checkout <commit>``, ``git apply <patch>`` and the command line of a run, having
    downloaded its uncommitted diff next to you."""
    with Api(settings=Settings.resolve()) as api:
        run = api.run(args.path)
        folder = (args.dir or Path(f"reproduce-{run.id}")).resolve()
        patch = folder / PATCH_FILE
        if PATCH_FILE in {f.name for f in run.files()}:
            run.file(PATCH_FILE).download(root=folder, replace=True)
        print(f"# Reproduce {'/'.join(run.path)} ({run.display_name}), {run.state}")
        print(reproduce_instructions(run.metadata, patch_path=str(patch)))
        if run.config:
            print(f"# config: {json.dumps(run.config, sort_keys=True)}")
    return 0
