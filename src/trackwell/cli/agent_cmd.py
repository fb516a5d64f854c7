"""``trackwell agent SWEEP_ID [--count N]``: run a sweep's trials on this machine, each as a
subprocess of the sweep's ``command`` (wandb's ``wandb agent``; the loop is
:class:`trackwell.sweeps.cli_agent.CliAgent`, the command line :mod:`trackwell.sweeps.macros`).

Start it in the folder that holds the sweep's ``program``: a relative program is found from the
agent's working folder, as in W&B. Any number of agents, on any number of machines, can work on one
sweep; the server never gives two of them the same trial.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from trackwell.cli.sweep_cmd import sweep_path
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.settings import Settings
from trackwell.sweeps.cli_agent import AgentOptions, CliAgent
from trackwell.sweeps.client import SweepClient


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "agent",
        help="run a sweep's trials here, each as a subprocess of its program",
        description="Run trials of a sweep on this machine (wandb's `wandb agent`). Each trial is "
        "the sweep's `command` (default `${env} ${interpreter} ${program} ${args}`) started in this "
        "folder with the proposed parameters; its run joins the sweep.",
        epilog="environment: WANDB_AGENT_KILL_DELAY (seconds from SIGTERM to SIGKILL for a stopped "
        "trial, default 30), WANDB_AGENT_DISABLE_FLAPPING=true (go on after 3 early failures), "
        "WANDB_AGENT_MAX_INITIAL_FAILURES (default 5); TRACKWELL_AGENT_* spellings win.",
    )
    parser.add_argument("sweep_id", metavar="SWEEP_ID", help="'id', 'project/id' or 'entity/project/id'")
    parser.add_argument(
        "--count", type=int, help="the number of trials to run, then end (default: until done)"
    )
    parser.add_argument("--project", "-p", help="the sweep's project when SWEEP_ID does not name it")
    parser.add_argument("--entity", "-e", help="the sweep's entity when SWEEP_ID does not name it")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.count is not None and args.count < 1:
        raise InvalidArgument(f"--count must be at least 1, got {args.count}", field="--count")
    options = AgentOptions.from_env(os.environ, count=args.count)
    settings = Settings.resolve()
    client = SweepClient.from_settings(settings)
    try:
        entity, project, sweep_id = sweep_path(
            client, settings, args.sweep_id, entity=args.entity, project=args.project
        )
        agent = CliAgent(client, entity, project, sweep_id, options=options, root_dir=settings.root_dir)
        try:
            return agent.run()
        except NotFound:
            if agent.agent_id:
                raise
            raise NotFound(
                f"no sweep {entity}/{project}/{sweep_id} on {client.base_url}",
                hint="use the path `trackwell sweep` printed (entity/project/id), or pass --project/--entity",
            ) from None
    finally:
        client.close()
