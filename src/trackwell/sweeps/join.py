"""What ``trackwell.init()`` does inside a sweep trial (W&B's protocol, docs/sweeps.md step 3).

An agent (``trackwell.agent()`` in process, ``trackwell agent`` through a subprocess) starts a
trial with ``WANDB_SWEEP_ID``, ``WANDB_RUN_ID`` (assigned by the server), ``WANDB_SWEEP_PARAM_PATH``
(the proposed parameters) and ``WANDB_PROJECT``/``WANDB_ENTITY`` (the sweep's) in the environment.
:func:`join_sweep` then, as wandb does:

- takes the server's run id and the sweep's project and entity, whatever ``init()`` was given (W&B
  puts a trial's run in its sweep's project: ``init(project="other")`` is ignored, with wandb's
  warning);
- merges the parameters into the config ``init()`` was given; they win for the same keys and keep
  their types (ints stay ints, nested dicts stay nested);
- and, once the run exists (:meth:`Trial.attach`), locks those keys in ``run.config``: a later
  change is ignored with wandb's warning "Config item 'x' was locked by 'sweep' (ignored update)."

The run upsert carries ``sweep_id`` (``Settings.sweep_id``, from ``WANDB_SWEEP_ID``), which makes the
server mark the proposal started. Cheap to import: ``init()`` imports this module in every process;
it reads the environment only and loads the parameter file's YAML reader inside a trial only.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from trackwell.sdk import term
from trackwell.sdk.settings import Settings
from trackwell.sweeps.params import PARAM_PATH_ENV, read_params

SWEEP_ID_ENV = "WANDB_SWEEP_ID"
RUN_ID_ENV = "WANDB_RUN_ID"
PROJECT_ENV = "WANDB_PROJECT"
ENTITY_ENV = "WANDB_ENTITY"
LOCKED_BY = "sweep"

# run id -> the run init() started for that trial in this process (the in-process agent looks its
# trial's run up here to finish it or stop it); entries are taken by the agent.
_joined: dict[str, Any] = {}
_joined_lock = threading.Lock()


class Trial:
    """The sweep trial this process's ``init()`` is starting a run for (a plain class: a
    dataclass would cost every ``import trackwell`` a millisecond)."""

    __slots__ = ("params", "run_id", "sweep_id")

    def __init__(self, sweep_id: str, run_id: str | None, params: dict[str, Any]) -> None:
        self.sweep_id = sweep_id
        self.run_id = run_id
        self.params = params

    def attach(self, run: Any) -> None:
        """Lock the parameters in the new run's config and tell an in-process agent the run exists."""
        config = getattr(run, "config", None)
        lock = getattr(config, "_lock", None)
        if lock is not None:
            lock(self.params, LOCKED_BY)
        if self.run_id is not None:
            with _joined_lock:
                _joined[self.run_id] = run


def join_sweep(
    settings: Settings, config: dict[str, Any], environ: Any = None
) -> tuple[Settings, dict[str, Any], Trial | None]:
    """``(settings, config, trial)`` for ``init()``: unchanged outside a sweep (``trial`` None)."""
    env = os.environ if environ is None else environ
    param_path = env.get(PARAM_PATH_ENV)
    sweep_id = env.get(SWEEP_ID_ENV) or settings.sweep_id
    if not param_path or not sweep_id:
        return settings, config, None
    params = read_params(param_path)
    run_id = env.get(RUN_ID_ENV) or None
    forced: dict[str, Any] = {"sweep_id": sweep_id, "run_id": run_id}
    for name, var, what in (("project", PROJECT_ENV, "project"), ("entity", ENTITY_ENV, "entity")):
        value = env.get(var) or None
        given = getattr(settings, name)
        if value is not None and given is not None and given != value:
            term.termwarn(f"Ignoring {what} '{given}' when running a sweep.")
        forced[name] = value
    if run_id is not None and settings.run_id not in (None, run_id):
        term.termwarn("Ignoring run_id when running a sweep.")
    merged = dict(config)
    merged.update(params)
    return settings.updated(**forced), merged, Trial(sweep_id, run_id, params)


def take_joined(run_id: str) -> Any:
    """The run ``init()`` started for trial ``run_id`` in this process, if any (removed)."""
    with _joined_lock:
        return _joined.pop(run_id, None)


def peek_joined(run_id: str) -> Any:
    """Like :func:`take_joined`, leaving it registered (a stop arriving mid-trial)."""
    with _joined_lock:
        return _joined.get(run_id)
