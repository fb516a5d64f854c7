"""Sweeps: the durable server-side controller behind ``/api/v1/sweeps`` (docs/sweeps.md).

Every use case is one transaction. Those that change what may be proposed (a heartbeat, a state
change, a run joining) hold the sweep's row lock (``SweepStore.get_sweep(lock=True)``), so N agents
on N machines, through any number of server processes, never get the same proposal and ``run_cap``
is never passed. The engine (``service/sweep_engine``) decides what to propose and whom to stop;
this module and ``sweeps_leases`` own state, leases and the database.

States: ``running`` (proposals handed out), ``paused`` (none), ``finished`` (W&B's ``--stop``, a
reached target or run_cap, an exhausted grid: no new runs, running ones go on), ``cancelled``
(running trials are told to stop; final).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.schema.sweeps import (
    AgentCommands,
    AgentCreate,
    AgentHeartbeat,
    AgentOut,
    SweepCreate,
    SweepList,
    SweepOut,
    SweepRunList,
    SweepUpdate,
)
from trackwell.service.sweep_engine import SweepSpec, params_key, parse_config, propose
from trackwell.service.sweeps_leases import CANCEL_REASON, Controller, expire_leases, heartbeat, random_id
from trackwell.service.sweeps_out import agent_out, run_list, sweep_out
from trackwell.service.sweeps_runs import params_from_config
from trackwell.service.sweeps_trials import HistoryCache, TrialView, build_trials, spec_of
from trackwell.store.base import (
    Database,
    NewProposal,
    NewSweep,
    ProposalChanges,
    RunKey,
    StoredSweep,
    SweepChanges,
    SweepIdTaken,
)

_ATTEMPTS = 8  # random ids tried before giving up (8 chars of 36: a clash is already ~1e-12)


class SweepService:
    def __init__(
        self,
        db: Database,
        *,
        lease_seconds: float = 120.0,
        heartbeat_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._ctl = Controller(db, clock, lease_seconds, heartbeat_seconds, HistoryCache())

    # -- sweeps --------------------------------------------------------------------------------------

    def create(self, entity: str, project: str, body: SweepCreate) -> SweepOut:
        """Validate the config (every problem in one ``SweepConfigInvalid``), then store the sweep
        and its prior runs in one transaction: nothing is stored on any error."""
        spec = parse_config(body.config)
        for _ in range(_ATTEMPTS):
            try:
                return self._create_once(entity, project, body, spec)
            except SweepIdTaken:
                continue
        raise Conflict("could not find a free sweep id", hint="try again")

    def _create_once(self, entity: str, project: str, body: SweepCreate, spec: SweepSpec) -> SweepOut:
        now = self._ctl.clock()
        new = NewSweep(
            id=random_id(),
            name=spec.name,
            description=spec.description,
            method=spec.method,
            state="running",
            config=dict(body.config),
            seed=secrets.randbelow(2**31 - 1),
            now=now,
        )
        with self._db.begin() as conn:
            sweep = self._db.sweeps.create_sweep(conn, entity, project, new)
            self._add_prior_runs(conn, sweep, spec, body.prior_runs, now)
            return self._out(conn, sweep, spec)

    def _add_prior_runs(
        self, conn: Any, sweep: StoredSweep, spec: SweepSpec, run_ids: list[str], now: float
    ) -> None:
        for i, run_id in enumerate(dict.fromkeys(run_ids)):
            stored = self._db.runs.get_run(conn, RunKey(sweep.entity, sweep.project, run_id))
            if stored is None:
                raise NotFound(
                    f"prior run {run_id} does not exist in {sweep.entity}/{sweep.project}",
                    field=f"prior_runs.{i}",
                    hint="name runs of the sweep's own project",
                )
            params = params_from_config(spec, stored.run.config)
            new = NewProposal(run_id, params, params_key(params), "prior", now, started_at=now)
            self._db.sweeps.add_proposal(conn, sweep.pk, new)
        if run_ids:
            self._db.sweeps.attach_runs(conn, sweep.project_pk, run_ids, sweep.id)

    def get(self, entity: str, project: str, sweep_id: str) -> SweepOut:
        with self._db.read() as conn:
            sweep = self._require(conn, entity, project, sweep_id)
            return self._out(conn, sweep, spec_of(sweep.config))

    def list_sweeps(self, entity: str, project: str) -> SweepList:
        with self._db.read() as conn:
            found = self._db.sweeps.list_sweeps(conn, entity, project)
            return SweepList(sweeps=[self._out(conn, s, spec_of(s.config)) for s in found])

    def runs(self, entity: str, project: str, sweep_id: str) -> SweepRunList:
        """The sweep's trials (leases not yet started included), best first."""
        with self._db.read() as conn:
            sweep = self._require(conn, entity, project, sweep_id)
            spec = spec_of(sweep.config)
            return run_list(spec, self._views(conn, sweep, spec))

    def update(self, entity: str, project: str, sweep_id: str, body: SweepUpdate) -> SweepOut:
        """A state change (pause, resume, stop = ``finished``, cancel) and/or a new config (W&B's
        ``--update``: the method and the parameter names stay)."""
        spec = parse_config(body.config) if body.config is not None else None
        with self._db.begin() as conn:
            sweep = self._require(conn, entity, project, sweep_id, lock=True)
            now = self._ctl.clock()
            changes = SweepChanges(updated_at=now)
            if spec is not None:
                assert body.config is not None
                _check_same_search(spec_of(sweep.config), spec)
                changes.config, changes.name, changes.description = (
                    dict(body.config),
                    spec.name,
                    spec.description,
                )
            current = spec or spec_of(sweep.config)
            if body.state is not None and body.state != sweep.state:
                self._change_state(conn, sweep, current, body.state, changes, now)
            self._db.sweeps.update_sweep(conn, sweep.pk, changes)
            sweep = self._require(conn, entity, project, sweep_id)
            return self._out(conn, sweep, current)

    def _change_state(
        self, conn: Any, sweep: StoredSweep, spec: SweepSpec, state: str, changes: SweepChanges, now: float
    ) -> None:
        if sweep.state == "cancelled":
            raise Conflict(
                f"Sweep {sweep.id} was cancelled; a cancelled sweep cannot change state",
                field="state",
                hint="create a new sweep (prior_runs can carry its runs over)",
            )
        changes.state, changes.state_reason = state, ""
        if state == "finished":
            changes.state_reason = "stopped by request"
        elif state == "cancelled":
            changes.state_reason = CANCEL_REASON
            self._flag_cancel(conn, sweep, spec, now)
        elif state == "running" and sweep.state == "finished":
            self._check_resumable(conn, sweep, spec, now)

    def _flag_cancel(self, conn: Any, sweep: StoredSweep, spec: SweepSpec, now: float) -> None:
        """Every live trial gets a stop request: agents get stop commands, runs stop_requested acks."""
        views = self._views(conn, sweep, spec)
        live = [
            v.row.proposal.pk
            for v in views
            if v.trial is not None
            and v.trial.state in ("pending", "running")
            and not v.row.proposal.stop_requested
        ]
        changes = ProposalChanges(stop_requested=True, stop_reason=CANCEL_REASON, updated_at=now)
        self._db.sweeps.update_proposals(conn, sweep.pk, live, changes)

    def _check_resumable(self, conn: Any, sweep: StoredSweep, spec: SweepSpec, now: float) -> None:
        views = expire_leases(self._ctl, conn, sweep, self._views(conn, sweep, spec), now)
        counted = [v.trial for v in views if v.trial is not None]
        if spec.run_cap is not None and len(counted) >= spec.run_cap:
            raise Conflict(
                f"Sweep {sweep.id} already has run_cap={spec.run_cap} runs; resuming would run none",
                field="state",
                hint="raise run_cap with a config update, then resume",
            )
        waiting = any(v.row.proposal.state == "expired" and not v.row.proposal.reissued for v in views)
        if spec.method == "grid" and not waiting and propose(spec, counted, seed=sweep.seed) is None:
            raise Conflict(
                f"Grid sweep {sweep.id} has run every point of its grid; resuming would run none",
                field="state",
                hint="delete the runs to repeat, or create a new sweep",
            )

    # -- agents --------------------------------------------------------------------------------------

    def add_agent(self, entity: str, project: str, sweep_id: str, body: AgentCreate) -> AgentOut:
        for _ in range(_ATTEMPTS):
            try:
                with self._db.begin() as conn:
                    sweep = self._require(conn, entity, project, sweep_id)
                    agent = self._db.sweeps.add_agent(
                        conn, sweep.pk, random_id(16), body.host, body.name, body.count, self._ctl.clock()
                    )
                    return agent_out(agent, sweep.id, self._ctl.clock(), self._ctl.lease_seconds)
            except SweepIdTaken:
                continue
        raise Conflict("could not find a free agent id", hint="try again")

    def agents(self, entity: str, project: str, sweep_id: str) -> list[AgentOut]:
        with self._db.read() as conn:
            sweep = self._require(conn, entity, project, sweep_id)
            now = self._ctl.clock()
            found = self._db.sweeps.list_agents(conn, sweep.pk)
            return [agent_out(a, sweep.id, now, self._ctl.lease_seconds) for a in found]

    def heartbeat(
        self, entity: str, project: str, sweep_id: str, agent_id: str, body: AgentHeartbeat
    ) -> AgentCommands:
        with self._db.begin() as conn:
            sweep = self._require(conn, entity, project, sweep_id, lock=True)
            agent = self._db.sweeps.get_agent(conn, sweep.pk, agent_id)
            if agent is None:
                raise NotFound(
                    f"Agent {agent_id} is not an agent of sweep {sweep_id}",
                    field="agent_id",
                    hint="register the agent first (POST .../agents)",
                )
            answer, rows = heartbeat(self._ctl, conn, sweep, agent, body)
        if rows is not None:  # committed: this process may reuse what it read
            self._ctl.trials.keep(sweep.pk, rows)
        return answer

    # -- helpers -------------------------------------------------------------------------------------

    def _require(
        self, conn: Any, entity: str, project: str, sweep_id: str, *, lock: bool = False
    ) -> StoredSweep:
        sweep = self._db.sweeps.get_sweep(conn, entity, project, sweep_id, lock=lock)
        if sweep is None:
            raise NotFound(
                f"Sweep {entity}/{project}/{sweep_id} does not exist",
                field="sweep_id",
                hint="check the entity, project and sweep id (trackwell sweep prints them)",
            )
        return sweep

    def _views(self, conn: Any, sweep: StoredSweep, spec: SweepSpec) -> list[TrialView]:
        rows = self._db.sweeps.trial_rows(conn, sweep, spec.metric.name if spec.metric else None)
        return build_trials(self._db, conn, spec, rows, self._ctl.clock(), self._ctl.cache)

    def _out(self, conn: Any, sweep: StoredSweep, spec: SweepSpec) -> SweepOut:
        return sweep_out(sweep, spec, self._views(conn, sweep, spec))


def _check_same_search(old: SweepSpec, new: SweepSpec) -> None:
    problems = []
    if new.method != old.method:
        problems.append(f"method is {old.method!r} for this sweep, not {new.method!r}")
    old_names, new_names = {p.name for p in old.params}, {p.name for p in new.params}
    if old_names != new_names:
        added, removed = sorted(new_names - old_names), sorted(old_names - new_names)
        what = "; ".join(
            part
            for part in (
                f"added {', '.join(added)}" if added else "",
                f"removed {', '.join(removed)}" if removed else "",
            )
            if part
        )
        problems.append(f"parameters must keep their names ({what})")
    if problems:
        raise InvalidArgument(
            "a config update cannot change the search: " + "; ".join(problems),
            field="config",
            hint="keep the method and parameter names; create a new sweep for another search",
        )
