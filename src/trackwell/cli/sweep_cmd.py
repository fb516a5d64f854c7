"""``trackwell sweep``: create a sweep from a YAML config, change its state, or update its config,
with wandb's command and flags (``wandb sweep config.yaml``, ``wandb sweep --pause ID``, ...).

Creating prints the sweep's id, its page and the command that starts an agent (W&B prints the same
three lines to stderr), and the sweep's path ``entity/project/id`` alone on stdout, so a script can
take it: ``SWEEP=$(trackwell sweep sweep.yaml)``. The project is, as in W&B: ``--project``, else
``WANDB_PROJECT``, else the config's ``project`` key, else the settings file, else ``uncategorized``;
the entity likewise, ending with the API key's default entity. A config the server refuses prints
every problem, each by its path, with exit code 1 and no traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trackwell.schema.errors import InvalidArgument, NotFound, SweepConfigInvalid
from trackwell.sdk.settings import Settings
from trackwell.sweeps.client import SweepClient, parse_sweep_path, sweep_url
from trackwell.sweeps.macros import unknown_macros

DEFAULT_PROJECT = "uncategorized"  # init()'s default: a sweep lands where its runs would
# wandb's flags -> the state the PATCH asks for
STATE_FLAGS: dict[str, tuple[str, str]] = {
    "pause": ("paused", "paused: running trials go on, no new ones until --resume"),
    "resume": ("running", "running again"),
    "stop": ("finished", "stopped: running trials finish, no new ones"),
    "cancel": ("cancelled", "cancelled: running trials are stopped"),
}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sweep",
        help="create a sweep from a YAML config; pause, resume, stop, cancel or update one",
        description="Create a hyperparameter sweep from a W&B sweep config (YAML), or change one "
        "(wandb's `wandb sweep`). Then start agents with `trackwell agent SWEEP_ID`.",
        epilog="examples:\n"
        "  trackwell sweep sweep.yaml                  create; prints the agent command\n"
        "  trackwell sweep --pause me/mnist/k3x9q2ab    no new trials until --resume\n"
        "  trackwell sweep --cancel k3x9q2ab -p mnist   stop the sweep and its running trials\n"
        "  trackwell sweep --update k3x9q2ab sweep.yaml change the config of a live sweep",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "target",
        metavar="CONFIG_YAML_OR_SWEEP_ID",
        help="a sweep config (YAML), or with a state flag the sweep",
    )
    parser.add_argument("--project", "-p", help="the project (default: WANDB_PROJECT, the config's project)")
    parser.add_argument("--entity", "-e", help="the entity (default: WANDB_ENTITY, the config's entity)")
    parser.add_argument("--name", help="the sweep's name (sets the config's name)")
    parser.add_argument("--program", help="the program agents run (sets the config's program)")
    parser.add_argument(
        "--prior_run",
        "-R",
        dest="prior_runs",
        action="append",
        default=None,
        help="id of an existing run of the project to count as a trial; repeat for more",
    )
    parser.add_argument("--update", metavar="SWEEP_ID", help="give the sweep SWEEP_ID this config")
    actions = parser.add_mutually_exclusive_group()
    for flag, (_, effect) in STATE_FLAGS.items():
        actions.add_argument(f"--{flag}", action="store_true", help=f"the sweep is {effect}")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = next((flag for flag in STATE_FLAGS if getattr(args, flag)), None)
    if action is not None and args.update:
        raise InvalidArgument(f"--{action} and --update cannot be combined", hint="give one of them")
    settings = Settings.resolve()
    client = SweepClient.from_settings(settings)
    try:
        if action is not None:
            return change_state(client, settings, args, action)
        config = load_config(Path(args.target))
        if args.name:
            config["name"] = args.name
        if args.program:
            config["program"] = args.program
        if args.update:
            return update(client, settings, args, config)
        return create(client, settings, args, config)
    finally:
        client.close()


def load_config(path: Path) -> dict[str, Any]:
    """The YAML file as a dict (``yaml.safe_load``), or an error that names the file and the fix."""
    import yaml  # here: ~20 ms that every other `trackwell` command would pay at start-up

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        hint = "give the path of a sweep config (YAML)"
        if path.suffix not in (".yaml", ".yml"):
            hint += "; to pause, resume, stop or cancel a sweep, add --pause/--resume/--stop/--cancel"
        raise InvalidArgument(f"cannot read sweep config {path}: {exc.strerror or exc}", hint=hint) from None
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidArgument(f"sweep config {path} is not valid YAML{at}: {problem}") from None
    if config is None:
        raise InvalidArgument(f"sweep config {path} is empty", hint="see docs/sweeps.md for the keys")
    if not isinstance(config, dict):
        raise InvalidArgument(
            f"sweep config {path} holds a {type(config).__name__}, not a mapping of keys",
            hint="write keys such as method:, metric:, parameters: at the top level",
        )
    return config


def project_and_entity(
    args: argparse.Namespace, settings: Settings, config: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[str | None, str]:
    """W&B's order: flag, environment, the config's key, settings file, default."""

    def env(name: str) -> str | None:
        return environ.get(f"TRACKWELL_{name}") or environ.get(f"WANDB_{name}") or None

    def key(name: str) -> str | None:
        value = config.get(name)
        return value if isinstance(value, str) and value else None

    project = args.project or env("PROJECT") or key("project") or settings.project or DEFAULT_PROJECT
    entity = args.entity or env("ENTITY") or key("entity") or settings.entity
    return entity, project


def sweep_path(
    client: SweepClient, settings: Settings, text: str, *, entity: str | None, project: str | None
) -> tuple[str, str, str]:
    """``(entity, project, id)`` of a sweep named ``id``, ``project/id`` or ``entity/project/id``;
    parts not in the path come from the flags, then the settings, then the defaults."""
    path = parse_sweep_path(text, entity, project)
    found_entity = path.entity or settings.entity or client.viewer_entity()
    return found_entity, path.project or settings.project or DEFAULT_PROJECT, path.sweep_id


def create(client: SweepClient, settings: Settings, args: argparse.Namespace, config: dict[str, Any]) -> int:
    entity, project = project_and_entity(args, settings, config, os.environ)
    entity = entity or client.viewer_entity()
    _say(f"Creating sweep from: {args.target}")
    try:
        sweep = client.create_sweep(entity, project, config, prior_runs=args.prior_runs)
    except SweepConfigInvalid as exc:
        return _refused(args.target, exc)
    _warn(sweep, config)
    path = f"{sweep['entity']}/{sweep['project']}/{sweep['id']}"
    _say(f"Created sweep with ID: {sweep['id']}")
    _say(f"View sweep at: {sweep_url(client.base_url, sweep['entity'], sweep['project'], sweep['id'])}")
    _say(f"Run sweep agent with: trackwell agent {shlex.quote(path)}")
    print(path)
    return 0


def update(client: SweepClient, settings: Settings, args: argparse.Namespace, config: dict[str, Any]) -> int:
    entity, project, sweep_id = sweep_path(
        client, settings, args.update, entity=args.entity, project=args.project
    )
    _say(f"Updating sweep {entity}/{project}/{sweep_id} from: {args.target}")
    try:
        sweep = _named(client.update_sweep, entity, project, sweep_id, config=config)
    except SweepConfigInvalid as exc:
        return _refused(args.target, exc)
    _warn(sweep, config)
    _say(f"Updated sweep {entity}/{project}/{sweep_id} (state {sweep.get('state')})")
    return 0


def change_state(client: SweepClient, settings: Settings, args: argparse.Namespace, action: str) -> int:
    entity, project, sweep_id = sweep_path(
        client, settings, args.target, entity=args.entity, project=args.project
    )
    state, effect = STATE_FLAGS[action]
    sweep = _named(client.update_sweep, entity, project, sweep_id, state=state)
    _say(f"sweep {entity}/{project}/{sweep_id} {effect} (state: {sweep.get('state')})")
    return 0


def _named(call: Any, entity: str, project: str, sweep_id: str, **kwargs: Any) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = call(entity, project, sweep_id, **kwargs)
    except NotFound:
        raise NotFound(
            f"no sweep {entity}/{project}/{sweep_id} on the server",
            hint="use the path `trackwell sweep` printed, or pass --project/--entity",
        ) from None
    return answer


def _refused(source: str, exc: SweepConfigInvalid) -> int:
    count = f"{len(exc.problems)} problems" if len(exc.problems) != 1 else "1 problem"
    listed = "".join(f"\n  - {problem}" for problem in exc.problems)
    print(
        f"trackwell: error: sweep config {source} has {count}; nothing was created:{listed}", file=sys.stderr
    )
    return 1


def _warn(sweep: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    for warning in sweep.get("warnings") or []:
        _say(f"warning: {warning}")
    command = config.get("command")
    for token in unknown_macros(command if isinstance(command, list) else []):
        _say(f"warning: command token {token} is no macro: agents replace it with nothing (as W&B does)")


def _say(message: str) -> None:
    print(f"trackwell: {message}", file=sys.stderr)
