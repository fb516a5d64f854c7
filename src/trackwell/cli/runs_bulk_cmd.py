"""``trackwell runs archive|unarchive|tag|untag|move|delete``: change many runs of a project at once
(``POST /api/v1/runs/{entity}/{project}/bulk``, one transaction, all or nothing; docs/runs.md)."""

from __future__ import annotations

import argparse
from typing import Any

from trackwell.apis import Api
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.settings import Settings

_HELP = {
    "archive": "hide runs from the runs table, charts and lists (restorable)",
    "unarchive": "show archived runs again",
    "tag": "add tags to runs",
    "untag": "remove tags from runs",
    "move": "move runs, with everything they logged, to another project of the entity",
    "delete": "delete runs permanently, with their history",
}
_ACTION = {"tag": "add_tags", "untag": "remove_tags"}
BULK_COMMANDS = tuple(_HELP)


def register_bulk(actions: Any) -> None:
    for name, help_text in _HELP.items():
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("project", help="'entity/project' or 'project'")
        parser.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="the runs' ids (at most 1000)")
        if name in ("tag", "untag"):
            parser.add_argument("--tag", action="append", required=True, dest="tags", help="repeat for more")
        if name == "move":
            parser.add_argument("--to", required=True, dest="to_project", help="the project to move them to")
        if name == "delete":
            parser.add_argument("--yes", action="store_true", help="do not ask (deleting cannot be undone)")
        parser.set_defaults(func=run_bulk, bulk_action=name)


def run_bulk(args: argparse.Namespace) -> int:
    name = args.bulk_action
    if name == "delete" and not args.yes:
        raise InvalidArgument(
            f"deleting {len(args.run_ids)} runs cannot be undone",
            field="--yes",
            hint="add --yes, or archive them",
        )
    body: dict[str, Any] = {"run_ids": args.run_ids, "action": _ACTION.get(name, name)}
    if getattr(args, "tags", None):
        body["tags"] = args.tags
    if getattr(args, "to_project", None):
        body["to_project"] = args.to_project
    with Api(settings=Settings.resolve()) as api:
        entity, project = api._project_path(args.project)
        result = api.client.bulk_runs(entity, project, body)
    changed, unchanged = result["changed"], result["unchanged"]
    print(f"{name}: {len(changed)} changed, {len(unchanged)} already so, in {entity}/{project}")
    return 0
