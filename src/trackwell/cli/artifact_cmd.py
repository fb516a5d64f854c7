"""``trackwell artifact put|get|ls|cache cleanup``: artifacts from the terminal, with wandb's
command and flag names (``wandb artifact put PATH -n project/name -t dataset -a best``).

``put`` logs through the SDK's own path (a run with job type ``cli_put`` and ``log_artifact``, as
wandb's command does), so what it uploads is deduplicated and its lineage recorded like any run's.
``get`` and ``ls`` read through ``Api``; ``cache cleanup`` trims the download cache to a size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any

from trackwell.apis import Api
from trackwell.apis.artifacts_http import ArtifactRoutes
from trackwell.cli.runs_cmd import _table
from trackwell.schema.artifact_rules import parse_artifact_path
from trackwell.schema.artifacts import ArtifactCollectionOut
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.settings import Settings

DEFAULT_TYPE = "dataset"  # wandb's default for `artifact put`


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "artifact",
        help="upload, download and list artifacts; trim the artifact cache",
        description="Commands for artifacts (wandb's `wandb artifact ...`).",
    )
    actions = parser.add_subparsers(dest="artifact_action", metavar="{put,get,ls,cache}", required=True)

    put = actions.add_parser("put", help="upload a file or folder as a new artifact version")
    put.add_argument("path", help="a file, a folder, or a reference URI (s3://, https://, file://)")
    put.add_argument("--name", "-n", help="[entity/][project/]name (default: the file or folder name)")
    put.add_argument("--type", "-t", default=DEFAULT_TYPE, help=f"the artifact type (default {DEFAULT_TYPE})")
    put.add_argument(
        "--alias",
        "-a",
        action="append",
        default=None,
        help="an alias to give it; repeat for more (default latest)",
    )
    put.add_argument("--description", "-d", help="a description of this artifact")
    put.add_argument("--project", "-p", help="the project (default: from --name, else WANDB_PROJECT)")
    put.add_argument("--entity", "-e", help="the entity (default: from --name, else your default entity)")
    put.add_argument("--id", dest="run_id", help="log from this run id (resumed when it exists)")
    put.set_defaults(func=run_put)

    get = actions.add_parser("get", help="download an artifact version and print its folder")
    get.add_argument("path", help="[entity/][project/]name[:alias|:vN] (alias default latest)")
    get.add_argument("--root", help="the folder to download into (default ./artifacts/<name>:<version>)")
    get.add_argument("--type", help="the type the artifact must have")
    get.set_defaults(func=run_get)

    ls = actions.add_parser("ls", help="list a project's artifacts: type, latest version, size, aliases")
    ls.add_argument("project", nargs="?", help="'entity/project' or 'project' (default: WANDB_PROJECT)")
    ls.add_argument("--type", "-t", help="only artifacts of this type")
    ls.set_defaults(func=run_ls)

    cache = actions.add_parser("cache", help="commands for the artifact download cache")
    cache_actions = cache.add_subparsers(dest="cache_action", metavar="{cleanup}", required=True)
    cleanup = cache_actions.add_parser(
        "cleanup", help="remove least recently used files until the cache fits a size (e.g. 10GB)"
    )
    cleanup.add_argument("target_size", nargs="?", help="the size to shrink the cache to, e.g. 10GB, 500MB")
    cleanup.add_argument("--max-size", dest="max_size", help="the same as TARGET_SIZE")
    cleanup.add_argument(
        "--remove-temp",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also remove temporary files left by interrupted downloads",
    )
    cleanup.set_defaults(func=run_cache_cleanup)


def human_size(num: float) -> str:
    """``1.5MB``: wandb's ``to_human_size``, in powers of 1000 as ``parse_size`` reads them."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(num) < 1000 or unit == "TB":
            return f"{num:.0f}{unit}" if unit == "B" else f"{num:.1f}{unit}"
        num /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _log(message: str) -> None:
    print(f"trackwell: {message}", file=sys.stderr)


def _put_target(args: argparse.Namespace, settings: Settings) -> tuple[str | None, str, str]:
    """(entity, project, name) from --name ([entity/][project/]name), --entity, --project, settings."""
    raw = args.name or os.path.basename(os.path.normpath(args.path))
    if ":" in raw:
        raise InvalidArgument(
            f"--name {raw!r} holds ':'", field="--name", hint="give aliases with --alias/-a, not in the name"
        )
    entity, project, name, _ = parse_artifact_path(raw)
    project = project or args.project or settings.project
    if not project:
        raise InvalidArgument(
            f"no project for artifact {name!r}",
            field="--project",
            hint="pass --name project/name, --project, or set WANDB_PROJECT",
        )
    return entity or args.entity or settings.entity, project, name


def run_put(args: argparse.Namespace) -> int:
    import trackwell

    settings = Settings.resolve()
    entity, project, name = _put_target(args, settings)
    artifact = trackwell.Artifact(name=name, type=args.type, description=args.description)
    path = args.path
    if os.path.isdir(path):
        _log(f"uploading folder {path} to {project}/{name} ({args.type})")
        artifact.add_dir(path)
    elif os.path.isfile(path):
        _log(f"uploading file {path} to {project}/{name} ({args.type})")
        artifact.add_file(path)
    elif "://" in path:
        _log(f"logging reference {path} to {project}/{name} ({args.type})")
        artifact.add_reference(path)
    else:
        raise InvalidArgument(
            f"{path!r} is no file or folder",
            field="PATH",
            hint="give a file, a folder or a URI like s3://bucket/key",
        )
    aliases = args.alias or ["latest"]
    resume = "allow" if args.run_id else None
    run = trackwell.init(
        entity=entity,
        project=project,
        job_type="cli_put",
        config={"path": path},
        id=args.run_id,
        resume=resume,
    )
    try:
        run.log_artifact(artifact, aliases=aliases)
    finally:
        run.finish()
    artifact.wait()
    _log(f'uploaded; use it in a run with: run.use_artifact("{artifact.qualified_name}")')
    print(artifact.qualified_name)
    return 0


def run_get(args: argparse.Namespace) -> int:
    with Api(settings=Settings.resolve()) as api:
        artifact = api.artifact(args.path, type=args.type)
        _log(f"downloading {artifact.type} artifact {artifact.qualified_name}")
        folder = artifact.download(root=args.root)
        print(folder)
    return 0


def _latest_row(routes: ArtifactRoutes, entity: str, project: str, coll: ArtifactCollectionOut) -> list[str]:
    try:
        latest = routes.version(entity, project, coll.name, "latest")
    except NotFound:  # a collection whose versions were all deleted
        return [coll.type, coll.name, "-", "-", "-", ",".join(coll.aliases)]
    from trackwell.apis.files import iso_time

    updated = (iso_time(latest.updated_at) or "-").replace("T", " ").rstrip("Z")
    return [coll.type, coll.name, latest.version, human_size(latest.size), updated, ",".join(coll.aliases)]


def run_ls(args: argparse.Namespace) -> int:
    with Api(settings=Settings.resolve()) as api:
        entity, project = api._project_path(args.project)
        routes = ArtifactRoutes(api.client)
        if args.type is not None:
            api.artifact_type(args.type, f"{entity}/{project}")  # unknown type: an error naming the types
        rows = [["TYPE", "NAME", "LATEST", "SIZE", "UPDATED", "ALIASES"]]
        offset = 0
        while True:
            try:
                page = routes.collections(entity, project, type_name=args.type, limit=200, offset=offset)
            except NotFound:  # a project the server does not know holds no artifacts
                break
            rows += [_latest_row(routes, entity, project, c) for c in page.collections]
            offset += len(page.collections)
            if not page.collections or offset >= page.total:
                break
        if len(rows) == 1:
            print(f"no artifacts in {entity}/{project}" + (f" of type {args.type}" if args.type else ""))
            return 0
        print(_table(rows))
        print(f"\n{len(rows) - 1} artifacts in {entity}/{project}")
    return 0


def _remove_temp(root: Path) -> int:
    """Files left in the cache's ``tmp/`` by interrupted downloads (those idle for a minute: a
    download writing now is spared)."""
    freed = 0
    folder = root / "tmp"
    if folder.is_dir():
        idle = time.time() - 60
        for item in folder.iterdir():
            with contextlib.suppress(OSError):
                st = item.stat()
                if item.is_file() and st.st_mtime < idle:
                    item.unlink()
                    freed += st.st_size
    return freed


def run_cache_cleanup(args: argparse.Namespace) -> int:
    from trackwell.artifacts.file_cache import FileCache
    from trackwell.artifacts.storage_paths import parse_size

    sizes = {s for s in (args.target_size, args.max_size) if s is not None}
    if len(sizes) != 1:
        raise InvalidArgument(
            "give the size to shrink the cache to once (TARGET_SIZE or --max-size)",
            field="TARGET_SIZE",
            hint="e.g. trackwell artifact cache cleanup 10GB",
        )
    target = parse_size(sizes.pop(), field="TARGET_SIZE")
    cache = FileCache.default()
    reclaimed = cache.cleanup(target)
    if args.remove_temp:
        reclaimed += _remove_temp(cache.root)
    print(f"Reclaimed {human_size(reclaimed)} of space")
    _log(f"the cache ({cache.root}) now holds {human_size(cache.size())}")
    return 0
