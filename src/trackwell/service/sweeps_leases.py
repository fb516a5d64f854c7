"""Leases: what an agent's heartbeat is answered, decided inside one transaction that holds the
sweep's row lock (so two agents, or two server processes, never decide from the same view).

One heartbeat, in order: renew the leases of the run ids the agent lists in ``running``; take in
the trials it reports ``finished``; read every trial; mark leases that ran out (agent silent for
``lease_seconds``, run never started) ``expired``; finish the sweep when ``metric.target`` is
reached; stop this agent's trials that a cancel or hyperband stops; lease one proposal when asked
(an expired lease's params first, re-issued once under a new run id; else the engine's
``propose``), never past ``run_cap``; finish the sweep when a grid is exhausted or ``run_cap`` is
reached and no lease is outstanding; tell the agent to exit when the sweep is over and it runs
nothing.
"""

from __future__ import annotations

import dataclasses
import secrets
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trackwell.schema.sweeps import AgentCommands, AgentHeartbeat, ExitCommand, RunCommand, StopCommand
from trackwell.service.sweep_engine import Proposal, SweepSpec, Trial, params_key, propose, runs_to_stop
from trackwell.service.sweep_engine.propose import wire_args
from trackwell.service.sweeps_cache import Entry, TrialCache
from trackwell.service.sweeps_runs import end_stopped_run
from trackwell.service.sweeps_trials import (
    ENDED,
    HistoryCache,
    TrialView,
    best_trial,
    build_trials,
    spec_of,
    target_reached,
)
from trackwell.store.base import (
    Database,
    NewProposal,
    ProposalChanges,
    RunKey,
    StoredAgent,
    StoredSweep,
    SweepChanges,
    TrialRow,
)

_ID_CHARS = string.ascii_lowercase + string.digits
CANCEL_REASON = "sweep cancelled"


def random_id(length: int = 8) -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(length))


@dataclass(frozen=True)
class Controller:
    """What the sweep service and its heartbeats share: settings, clock and the history cache."""

    db: Database
    clock: Callable[[], float]
    lease_seconds: float
    heartbeat_seconds: float
    cache: HistoryCache = field(default_factory=HistoryCache)
    trials: TrialCache = field(default_factory=TrialCache)


@dataclass
class Decision:
    """A heartbeat's answer in the making, and the sweep state it leaves."""

    state: str
    reason: str | None
    commands: list[RunCommand | StopCommand | ExitCommand] = field(default_factory=list)

    def finish(self, reason: str) -> None:
        self.state, self.reason = "finished", reason


def heartbeat(
    ctl: Controller, conn: Any, sweep: StoredSweep, agent: StoredAgent, hb: AgentHeartbeat
) -> tuple[AgentCommands, Entry | None]:
    """The agent's commands; ``sweep`` was read with its row lock held by ``conn``'s transaction.
    Also the trial rows to keep in the process's cache once the transaction has committed."""
    db, now = ctl.db, ctl.clock()
    spec = spec_of(sweep.config)
    running = list(dict.fromkeys(hb.running))
    if running:
        db.sweeps.renew_leases(conn, sweep.pk, running, now + ctl.lease_seconds)
    metric = _metric_needed(spec)
    entry: Entry | None = None
    if metric is None and sweep.state == "running":  # only changed rows are read (sweeps_cache)
        rows, entry = ctl.trials.rows(db, conn, sweep)
    else:
        rows = db.sweeps.trial_rows(conn, sweep, metric)
    rows = _take_finished(ctl, conn, sweep, rows, hb.finished, now)
    has_running = any(r.run_state == "running" for r in rows)
    hyperband = spec.early_terminate is not None and has_running

    def build(some: Sequence[TrialRow]) -> list[TrialView]:
        return build_trials(db, conn, spec, some, now, ctl.cache, with_history=hyperband)

    if entry is not None:
        views, entry = ctl.trials.views(entry, spec, rows, build)
    else:
        views = build(rows)
    views = expire_leases(ctl, conn, sweep, views, now)
    decision = Decision(sweep.state, sweep.state_reason)
    if decision.state == "running":
        best_id, best = best_trial(spec, views)
        if target_reached(spec, best):
            assert spec.metric is not None
            decision.finish(f"metric.target {spec.metric.target} reached by run {best_id} ({best})")
    decision.commands += _stops(ctl, conn, sweep.pk, spec, decision.state, views, agent, running, now)
    started = 0
    # A heartbeat that wants nothing still closes a grid that ran out or a run_cap that was reached
    # (an agent ending at its count says so last): the sweep must not stay "running" forever.
    if decision.state == "running" and (hb.want_run or spec.method == "grid" or spec.run_cap is not None):
        command = _lease(ctl, conn, sweep, spec, views, agent, decision, now, give=hb.want_run)
        if command is not None:
            decision.commands.append(command)
            started = 1
    agent_state = None
    if decision.state in ("finished", "cancelled") and not running and not started:
        decision.commands.append(ExitCommand(reason=decision.reason or f"the sweep is {decision.state}"))
        agent_state = "finished"
    elif not hb.want_run and not running and not started:
        agent_state = "finished"  # an agent ending at its count (or on Ctrl-C) says so last
    elif agent.state != "running":
        agent_state = "running"  # it came back
    if (decision.state, decision.reason) != (sweep.state, sweep.state_reason):
        changes = SweepChanges(state=decision.state, state_reason=decision.reason or "", updated_at=now)
        db.sweeps.update_sweep(conn, sweep.pk, changes)
    db.sweeps.touch_agent(conn, agent.pk, now, started=started, state=agent_state)
    answer = AgentCommands(
        commands=decision.commands,
        sweep_state=decision.state,
        heartbeat_seconds=_next_beat(ctl, spec, bool(running) or started > 0),
    )
    return answer, entry


# Hyperband judges a trial at its milestones, and its stop travels back on a heartbeat: an agent
# running a trial of such a sweep beats at least this often, so a trial of a few seconds is still
# stopped while it runs (the default period is 5 s).
HYPERBAND_BEAT_SECONDS = 1.0


def _next_beat(ctl: Controller, spec: SweepSpec, busy: bool) -> float:
    """The period for the agent's next heartbeats; ``busy``: it runs a trial or is given one now."""
    if spec.early_terminate is not None and busy:
        return min(ctl.heartbeat_seconds, HYPERBAND_BEAT_SECONDS)
    return ctl.heartbeat_seconds


def _metric_needed(spec: SweepSpec) -> str | None:
    """The metric, when this heartbeat's decisions depend on values (bayes, a target, hyperband):
    grid and random leases need only the trials' params and states, a cheaper read."""
    metric = spec.metric
    if metric is None:
        return None
    if spec.method == "bayes" or metric.target is not None or spec.early_terminate is not None:
        return metric.name
    return None


def _take_finished(
    ctl: Controller, conn: Any, sweep: StoredSweep, rows: list[TrialRow], finished: dict[str, int], now: float
) -> list[TrialRow]:
    """Trials the agent reports ended become ``done``; one whose run never started (its program
    ended before ``init()``) stays a failed trial with no value, not a lease to re-issue; a stopped
    one whose run sent no exit (killed) ends ``stopped``."""
    if not finished:
        return rows
    out, done = [], []
    for row in rows:
        p = row.proposal
        if p.run_id in finished and p.state in ("leased", "started"):
            done.append(p.pk)
            if p.stop_requested and row.run_state in ("running", "crashed"):
                key = RunKey(sweep.entity, sweep.project, p.run_id)
                end_stopped_run(ctl.db, conn, key, p.stop_reason, finished[p.run_id], now)
                row = dataclasses.replace(row, run_state="stopped")
            row = dataclasses.replace(row, proposal=dataclasses.replace(p, state="done"))
        out.append(row)
    ctl.db.sweeps.update_proposals(conn, sweep.pk, done, ProposalChanges(state="done", updated_at=now))
    return out


def expire_leases(
    ctl: Controller, conn: Any, sweep: StoredSweep, views: list[TrialView], now: float
) -> list[TrialView]:
    """Leases that ran out with no run become ``expired`` (re-issued by the next lease). Whether
    the run exists is asked afresh: a lease whose run exists is never expired (it is ``started``)."""
    expiring = [v for v in views if v.expiring]
    if not expiring:
        return views
    keys = [RunKey(sweep.entity, sweep.project, v.row.proposal.run_id) for v in expiring]
    exists = {key.run_id for key in ctl.db.runs.find_runs(conn, keys)}
    gone = [v.row.proposal.pk for v in expiring if v.row.proposal.run_id not in exists]
    alive = [v.row.proposal.pk for v in expiring if v.row.proposal.run_id in exists]
    db = ctl.db.sweeps
    db.update_proposals(conn, sweep.pk, gone, ProposalChanges(state="expired", updated_at=now))
    db.update_proposals(
        conn, sweep.pk, alive, ProposalChanges(state="started", started_at=now, updated_at=now)
    )
    out = []
    for v in views:
        if v.expiring:
            p = v.row.proposal
            state = "started" if p.run_id in exists else "expired"
            row = dataclasses.replace(v.row, proposal=dataclasses.replace(p, state=state))
            trial = Trial(run_id=p.run_id, params=p.params, state="running") if state == "started" else None
            v = TrialView(row, trial)
        out.append(v)
    return out


def _live(v: TrialView) -> bool:
    return v.trial is not None and v.trial.state not in ENDED


def _stops(
    ctl: Controller,
    conn: Any,
    sweep_pk: int,
    spec: SweepSpec,
    state: str,
    views: Sequence[TrialView],
    agent: StoredAgent,
    running: Sequence[str],
    now: float,
) -> list[RunCommand | StopCommand | ExitCommand]:
    """Stop commands for this agent's live trials that a cancel or hyperband stops; each stop is
    recorded on its proposal (reason, and the flag the run's record acks answer with)."""
    flagged: dict[int, str] = {}
    if state == "cancelled":
        for v in views:
            if _live(v) and v.row.proposal.run_id in running and not v.row.proposal.stop_requested:
                flagged[v.row.proposal.pk] = CANCEL_REASON
    elif spec.early_terminate is not None:
        trials = [v.trial for v in views if v.trial is not None]
        by_run = {v.row.proposal.run_id: v for v in views}
        for run_id, reason in runs_to_stop(spec, trials):
            found = by_run.get(run_id)
            if found is not None and not found.row.proposal.stop_requested:
                flagged[found.row.proposal.pk] = reason
    for pk, reason in flagged.items():
        ctl.db.sweeps.update_proposals(
            conn, sweep_pk, [pk], ProposalChanges(stop_requested=True, stop_reason=reason, updated_at=now)
        )
    commands: list[RunCommand | StopCommand | ExitCommand] = []
    for v in views:
        p = v.row.proposal
        why = flagged.get(p.pk) or (p.stop_reason if p.stop_requested else None)
        # Repeated while the agent still lists the run: a lost answer must not lose the stop.
        if why is not None and _live(v) and p.run_id in running:
            commands.append(StopCommand(run_id=p.run_id, reason=why))
    return commands


def _lease(
    ctl: Controller,
    conn: Any,
    sweep: StoredSweep,
    spec: SweepSpec,
    views: Sequence[TrialView],
    agent: StoredAgent,
    decision: Decision,
    now: float,
    *,
    give: bool,
) -> RunCommand | None:
    """One new lease for the agent (``give``), or only the sweep's end when nothing is left."""
    counted = [v for v in views if v.trial is not None]
    outstanding = any(v.pending_lease for v in views)
    if spec.run_cap is not None and len(counted) >= spec.run_cap:
        if not outstanding:
            decision.finish(f"run_cap {spec.run_cap} reached")
        return None
    if not give and spec.method != "grid":
        return None  # only a grid can tell it is exhausted without proposing (bayes would fit its GP)
    reissue = _expired_to_reissue(ctl, conn, spec, views, now) if give else None
    if reissue is not None:
        source, again = reissue
        return _insert_lease(ctl, conn, sweep, spec, again, agent, now, source, source.grid_index)
    seed = (sweep.seed + len(views) * 7919) % (2**31 - 1)
    proposal = propose(spec, [v.trial for v in counted if v.trial is not None], seed=seed)
    if proposal is None:
        if not outstanding:
            decision.finish(f"grid exhausted: every one of its {_grid_size(views)} points ran")
        return None
    if not give:
        return None
    grid_index = proposal.info.get("grid_index")
    return _insert_lease(ctl, conn, sweep, spec, proposal, agent, now, None, grid_index)


def _grid_size(views: Sequence[TrialView]) -> int:
    return len({v.row.proposal.params_key for v in views if v.trial is not None})


def _expired_to_reissue(
    ctl: Controller, conn: Any, spec: SweepSpec, views: Sequence[TrialView], now: float
) -> tuple[Any, Proposal] | None:
    """The oldest expired lease not re-issued yet; each is re-issued once, and never when a trial
    already holds its grid point."""
    held = {v.row.proposal.params_key for v in views if v.trial is not None}
    for v in views:
        p = v.row.proposal
        if p.state != "expired" or p.reissued:
            continue
        ctl.db.sweeps.update_proposals(
            conn, p.sweep_pk, [p.pk], ProposalChanges(reissued=True, updated_at=now)
        )
        if spec.method == "grid" and p.params_key in held:
            continue
        return p, Proposal(params=dict(p.params), args=wire_args(spec, p.params))
    return None


def _insert_lease(
    ctl: Controller,
    conn: Any,
    sweep: StoredSweep,
    spec: SweepSpec,
    proposal: Proposal,
    agent: StoredAgent,
    now: float,
    source: Any,
    grid_index: Any,
) -> RunCommand:
    run_id = _new_run_id(ctl, conn, sweep)
    ctl.db.sweeps.add_proposal(
        conn,
        sweep.pk,
        NewProposal(
            run_id=run_id,
            params=dict(proposal.params),
            params_key=params_key(proposal.params),
            state="leased",
            now=now,
            grid_index=grid_index if isinstance(grid_index, int) else None,
            agent_pk=agent.pk,
            lease_expires_at=now + ctl.lease_seconds,
            reissue_of=source.pk if source is not None else None,
        ),
    )
    return RunCommand(run_id=run_id, args=proposal.args, program=spec.program)


def _new_run_id(ctl: Controller, conn: Any, sweep: StoredSweep) -> str:
    """A run id no run of the project and no trial of the sweep uses."""
    while True:
        run_id = random_id()
        taken = ctl.db.runs.find_runs(conn, [RunKey(sweep.entity, sweep.project, run_id)])
        if not taken and ctl.db.sweeps.get_proposal(conn, sweep.pk, run_id) is None:
            return run_id
