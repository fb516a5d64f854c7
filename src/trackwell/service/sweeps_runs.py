"""Where runs meet their sweep: the run upsert (a run joins its sweep) and the run's record batches
(a stop the controller asked for). Both run inside the run service's own transactions.

- ``join_sweep``: a run upsert carrying ``sweep_id`` marks its proposal ``started``. A run id the
  sweep never proposed joins as a trial of its own (its params read from its config). A lease that
  expired (and was re-issued) refuses its run with 409; an unknown sweep is 404 naming
  ``sweep_id``. It takes the sweep's row lock, so it and a lease's expiry never cross.
- ``apply_stop``: a run whose proposal has a stop requested is answered ``stop_requested`` in its
  record acks, and when its exit arrives it ends ``stopped`` with the reason in its summary
  (``_sweep_stop_reason``), whatever state the exit named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trackwell.schema.errors import Conflict, NotFound
from trackwell.schema.runs import RunOut, RunUpsert
from trackwell.service.sweep_engine import SweepSpec, params_key
from trackwell.service.sweeps_trials import spec_of
from trackwell.store.base import Database, NewProposal, ProposalChanges, RunChanges, RunKey

STOP_REASON_KEY = "_sweep_stop_reason"
_MISSING = object()


def join_sweep(db: Database, conn: Any, key: RunKey, fields: RunUpsert, now: float) -> None:
    """Called by the run upsert, before the run is created or resumed (and before its row lock:
    locks are taken sweep first, then run, everywhere)."""
    sweep_id = fields.sweep_id
    if sweep_id is None:
        return
    sweep = db.sweeps.get_sweep(conn, key.entity, key.project, sweep_id, lock=True)
    if sweep is None:
        raise NotFound(
            f"Sweep {sweep_id} does not exist in {key.entity}/{key.project}",
            field="sweep_id",
            hint="check WANDB_SWEEP_ID and that the run logs to the sweep's entity and project",
        )
    proposal = db.sweeps.get_proposal(conn, sweep.pk, key.run_id)
    existing = db.runs.get_run(conn, key)
    if proposal is None:
        config = dict(existing.run.config) if existing is not None else {}
        config.update(fields.config or {})
        params = params_from_config(spec_of(sweep.config), config)
        new = NewProposal(key.run_id, params, params_key(params), "started", now, started_at=now)
        db.sweeps.add_proposal(conn, sweep.pk, new)
        if existing is not None and existing.run.sweep_id != sweep.id:  # a resumed run joins
            db.sweeps.attach_runs(conn, sweep.project_pk, [key.run_id], sweep.id)
        return
    if proposal.state == "expired":
        raise Conflict(
            f"Run {key.run_id} was refused by sweep {sweep_id}: its lease expired before the run "
            "started (its agent stopped heartbeating) and its parameters went to another run",
            field="sweep_id",
            hint="start trials from a running agent (trackwell agent); this run id is no longer in the sweep",
        )
    if proposal.state == "leased":
        changes = ProposalChanges(state="started", started_at=now, updated_at=now)
    elif proposal.started_at is None:
        changes = ProposalChanges(started_at=now, updated_at=now)
    elif existing is None:
        changes = ProposalChanges(updated_at=now)  # its run is created again: a change to the trial
    else:
        return
    db.sweeps.update_proposals(conn, sweep.pk, [proposal.pk], changes)


def params_from_config(spec: SweepSpec, config: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep's parameters as the run's config holds them (flat names; nested ones by path).
    A parameter the config lacks is left out."""
    params: dict[str, Any] = {}
    for p in spec.params:
        value: Any = config
        for part in p.path or (p.name,):
            value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
        if isinstance(value, Mapping) and set(value) == {"value"}:
            value = value["value"]  # wandb's {"value": v} form
        if value is not _MISSING:
            params[p.name] = value
    return params


def apply_stop(db: Database, conn: Any, run: RunOut, changes: RunChanges) -> bool:
    """For a record batch of a sweep's run: whether a stop is requested; an exit in this batch
    becomes ``stopped`` with the reason in the summary."""
    if run.sweep_id is None:
        return False
    proposal = db.sweeps.run_stop(conn, run.sweep_id, run.id)
    if proposal is None or not proposal.stop_requested:
        return False
    if changes.state is not None and changes.state != "running":
        changes.state = "stopped"
        summary = dict(changes.summary if changes.summary is not None else run.summary)
        summary[STOP_REASON_KEY] = proposal.stop_reason
        changes.summary = summary
    return True


def end_stopped_run(
    db: Database, conn: Any, key: RunKey, reason: str | None, exit_code: int, now: float
) -> None:
    """The agent reports a stopped trial ended but its run is still ``running`` (or was marked
    ``crashed``): the program was killed before its exit record. It ends ``stopped`` with the reason."""
    stored = db.runs.get_run(conn, key, lock=True)
    if stored is None or stored.run.state not in ("running", "crashed"):
        return
    summary = {**stored.run.summary, STOP_REASON_KEY: reason}
    changes = RunChanges(
        state="stopped", summary=summary, exit_code=exit_code, finished_at=now, updated_at=now
    )
    db.runs.update_run(conn, stored.pk, changes)


def leave_sweep(db: Database, conn: Any, key: RunKey, sweep_id: str) -> None:
    """Before a run of a sweep is deleted (taking the sweep's lock before the run's): its trial
    changes, so every server process re-reads it (a deleted run no longer counts)."""
    sweep = db.sweeps.get_sweep(conn, key.entity, key.project, sweep_id, lock=True)
    if sweep is not None:
        db.sweeps.touch_run(conn, sweep.pk, key.run_id)
