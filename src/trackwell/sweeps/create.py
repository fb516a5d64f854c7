"""``trackwell.sweep()``: create a sweep on the server (W&B's ``wandb.sweep``), and wandb's
``controller()``, which here only names the server's controller.

``sweep`` is W&B's config as a dict, a callable returning one (wandb's signature), or (a
convenience) the path of a YAML file. It is validated on the server: every problem comes back at
once as :class:`~trackwell.schema.errors.SweepConfigInvalid`, and nothing is created. The server
is found or started exactly as ``init()`` finds it (no base URL configured: the local server).

The sweep's project: ``project=``, else ``WANDB_PROJECT``/``TRACKWELL_PROJECT``, else the config's
``project``, else the settings file, else "uncategorized" (``init()``'s default), as ``trackwell
sweep`` and wandb's CLI order them; the entity likewise, else the key's default entity. This
process remembers where each sweep it created lives, so ``trackwell.agent(sweep_id)`` with the bare
id finds it, as wandb's does (wandb does it by setting ``WANDB_PROJECT``; nothing here changes the
environment).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from trackwell.sdk import term
from trackwell.sdk.errors import UsageError
from trackwell.sdk.settings import Settings
from trackwell.sweeps.client import SweepClient, parse_sweep_path, sweep_url

DEFAULT_PROJECT = "uncategorized"  # init()'s

_created: dict[str, tuple[str, str]] = {}  # sweep id -> (entity, project), sweeps made here
_created_lock = threading.Lock()


def created_in(sweep_id: str) -> tuple[str, str] | None:
    """(entity, project) of a sweep this process created, else None."""
    with _created_lock:
        return _created.get(sweep_id)


def sweep(
    sweep: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | str | Path,
    entity: str | None = None,
    project: str | None = None,
    prior_runs: list[str] | None = None,
) -> str:
    """Create a sweep and return its id (wandb's ``wandb.sweep``); prints where to see it and how
    to start an agent (unless silent). ``prior_runs``: ids of existing runs of the project that
    count as the sweep's first trials."""
    config = config_of(sweep)
    settings = Settings.resolve()
    term.set_silent(settings.silent)
    # W&B's order, as `trackwell sweep` has it: argument, environment, the config's key, settings.
    project_name = project or _env("PROJECT") or _str(config.get("project")) or settings.project
    project_name = project_name or DEFAULT_PROJECT
    client = SweepClient.from_settings(settings)
    try:
        entity_name = entity or _env("ENTITY") or _str(config.get("entity")) or settings.entity
        entity_name = entity_name or client.viewer_entity()
        out = client.create_sweep(entity_name, project_name, config, list(prior_runs or []))
    finally:
        client.close()
    sweep_id = str(out["id"])
    entity_name, project_name = str(out.get("entity") or entity_name), str(out.get("project") or project_name)
    with _created_lock:
        _created[sweep_id] = (entity_name, project_name)
    for warning in out.get("warnings") or []:
        term.termwarn(f"sweep config: {warning}")
    path = f"{entity_name}/{project_name}/{sweep_id}"
    term.termlog(f"Created sweep with ID: {sweep_id}")
    term.termlog(f"View sweep at: {sweep_url(client.base_url, entity_name, project_name, sweep_id)}")
    term.termlog(f"Run sweep agent with: trackwell agent {path}")
    return sweep_id


def config_of(sweep: Any) -> dict[str, Any]:
    """The config dict of ``sweep()``'s argument (dict, callable returning a dict, YAML path)."""
    value = sweep() if callable(sweep) else sweep
    if isinstance(value, str | Path):
        import yaml

        try:
            value = yaml.safe_load(Path(value).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot read the sweep config file {value}: {exc.strerror or exc}") from None
    if not isinstance(value, Mapping):
        raise UsageError(
            f"sweep() takes a sweep config dict (or a callable returning one), got {type(value).__name__}; "
            "e.g. {'method': 'random', 'parameters': {'lr': {'values': [0.1, 0.01]}}}"
        )
    return dict(value)


def _env(name: str) -> str | None:
    return os.environ.get(f"TRACKWELL_{name}") or os.environ.get(f"WANDB_{name}") or None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class Controller:
    """wandb's local controller object. Trackwell's controller runs on the server for every sweep
    (``controller: {type: local}`` included), so this one only watches: ``run()`` waits until the
    sweep is finished or cancelled, ``done()`` says whether it is."""

    def __init__(self, entity: str, project: str, sweep_id: str, client: SweepClient) -> None:
        self.sweep_id = sweep_id
        self._where = (entity, project, sweep_id)
        self._client = client

    @property
    def sweep(self) -> dict[str, Any]:
        return self._client.get_sweep(*self._where)

    def done(self) -> bool:
        return self.sweep.get("state") in ("finished", "cancelled")

    def run(self, verbose: bool = False, print_status: bool = True, **_: Any) -> None:
        if print_status:
            term.termlog(f"sweep {self.sweep_id} is controlled by the server; waiting for it to finish")
        while not self.done():
            time.sleep(2.0)


def controller(
    sweep_id_or_config: str | Mapping[str, Any] | None = None,
    entity: str | None = None,
    project: str | None = None,
) -> Controller:
    """wandb's ``wandb.controller()``: a config creates the sweep first; see :class:`Controller`."""
    if sweep_id_or_config is None:
        raise UsageError("controller() needs a sweep id or a sweep config")
    if isinstance(sweep_id_or_config, Mapping):
        sweep_id_or_config = sweep(sweep_id_or_config, entity=entity, project=project)
    settings = Settings.resolve()
    path = parse_sweep_path(sweep_id_or_config, entity, project)
    known = created_in(path.sweep_id)
    client = SweepClient.from_settings(settings)
    entity_name = path.entity or (known[0] if known else None) or settings.entity or client.viewer_entity()
    project_name = path.project or (known[1] if known else None) or settings.project or DEFAULT_PROJECT
    return Controller(entity_name, project_name, path.sweep_id, client)
