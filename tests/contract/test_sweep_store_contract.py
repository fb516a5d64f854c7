"""Contract of ``SweepStore`` on every SQL backend: sweeps, proposals, agents, and the one read of a
sweep's trials (proposals joined with runs and the metric's per-run history stats)."""

from __future__ import annotations

import math

import pytest

from trackwell.schema.errors import Conflict
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import (
    HistoryRow,
    NewProposal,
    NewSweep,
    ProposalChanges,
    RunChanges,
    RunKey,
    StoredSweep,
    SweepChanges,
    SweepIdTaken,
)
from trackwell.store.sql.database import SqlDatabase

CONFIG = {"method": "random", "metric": {"name": "loss"}, "parameters": {"lr": {"min": 0.1, "max": 1.0}}}


def _sweep(db: SqlDatabase, sweep_id: str = "abcd1234", project: str = "p", now: float = 1.0) -> StoredSweep:
    new = NewSweep(sweep_id, "name", "desc", "random", "running", CONFIG, 42, now)
    with db.begin() as conn:
        return db.sweeps.create_sweep(conn, "ent", project, new)


def _lease(run_id: str, now: float = 2.0, **kwargs: object) -> NewProposal:
    return NewProposal(run_id, {"lr": 0.5}, '{"lr":0.5}', "leased", now, **kwargs)  # type: ignore[arg-type]


def test_a_sweep_reads_back_with_every_field_and_is_found_by_id_alone(db: SqlDatabase) -> None:
    created = _sweep(db)
    with db.read() as conn:
        got = db.sweeps.get_sweep(conn, "ent", "p", "abcd1234")
        anywhere = db.sweeps.find_sweep(conn, "abcd1234")
        assert db.sweeps.get_sweep(conn, "ent", "other", "abcd1234") is None
        assert db.sweeps.find_sweep(conn, "nope0000") is None
    assert got == anywhere == created
    assert (got.entity, got.project, got.name, got.description, got.method) == (
        "ent",
        "p",
        "name",
        "desc",
        "random",
    )
    assert (got.state, got.state_reason, got.config, got.seed, got.created_at) == (
        "running",
        None,
        CONFIG,
        42,
        1.0,
    )


def test_a_taken_sweep_id_is_refused_and_nothing_is_stored(db: SqlDatabase) -> None:
    _sweep(db)
    with pytest.raises(SweepIdTaken):
        _sweep(db, project="other")
    with db.read() as conn:
        assert db.sweeps.list_sweeps(conn, "ent", "other") == []


def test_sweeps_list_newest_first_per_project_and_update(db: SqlDatabase) -> None:
    _sweep(db, "aaaaaaaa", now=1.0)
    second = _sweep(db, "bbbbbbbb", now=2.0)
    _sweep(db, "cccccccc", project="q", now=3.0)
    with db.begin() as conn:
        db.sweeps.update_sweep(
            conn, second.pk, SweepChanges(state="finished", state_reason="why", updated_at=5.0)
        )
    with db.read() as conn:
        listed = db.sweeps.list_sweeps(conn, "ent", "p")
    assert [s.id for s in listed] == ["bbbbbbbb", "aaaaaaaa"]
    assert (listed[0].state, listed[0].state_reason, listed[0].updated_at) == ("finished", "why", 5.0)
    with db.begin() as conn:
        db.sweeps.update_sweep(conn, second.pk, SweepChanges(state="running", state_reason=""))
        assert db.sweeps.find_sweep(conn, "bbbbbbbb").state_reason is None  # type: ignore[union-attr]


def test_proposals_add_get_update_renew_and_refuse_a_duplicate_run_id(db: SqlDatabase) -> None:
    sweep = _sweep(db)
    with db.begin() as conn:
        agent = db.sweeps.add_agent(conn, sweep.pk, "agent0000000001", "host", "a", 3, 2.0)
        first = db.sweeps.add_proposal(
            conn, sweep.pk, _lease("r1", agent_pk=agent.pk, lease_expires_at=10.0, grid_index=7)
        )
        db.sweeps.add_proposal(conn, sweep.pk, _lease("r2", lease_expires_at=10.0))
    assert (first.run_id, first.params, first.state, first.grid_index, first.agent_pk) == (
        "r1",
        {"lr": 0.5},
        "leased",
        7,
        agent.pk,
    )
    assert not first.reissued and not first.stop_requested
    with pytest.raises(Conflict), db.begin() as conn:
        db.sweeps.add_proposal(conn, sweep.pk, _lease("r1"))
    with db.begin() as conn:
        db.sweeps.renew_leases(conn, sweep.pk, ["r1", "unknown"], 99.0)
        db.sweeps.update_proposals(
            conn, sweep.pk, [first.pk], ProposalChanges(stop_requested=True, stop_reason="hb")
        )
    with db.read() as conn:
        r1 = db.sweeps.get_proposal(conn, sweep.pk, "r1")
        r2 = db.sweeps.get_proposal(conn, sweep.pk, "r2")
        assert db.sweeps.run_stop(conn, "abcd1234", "r1") == r1
        assert db.sweeps.run_stop(conn, "zzzzzzzz", "r1") is None
    assert r1 is not None and r2 is not None
    assert (r1.lease_expires_at, r1.stop_requested, r1.stop_reason) == (99.0, True, "hb")
    assert r2.lease_expires_at == 10.0


def test_trial_rows_join_runs_and_the_metrics_stats_ignoring_nan(db: SqlDatabase) -> None:
    sweep = _sweep(db)
    with db.begin() as conn:
        for run_id in ("r1", "r2", "r3"):
            db.sweeps.add_proposal(conn, sweep.pk, _lease(run_id))
        pk = db.runs.create_run(conn, RunKey("ent", "p", "r1"), RunUpsert(session_id="s"), 3.0).pk
        rows = [HistoryRow(i, 1.0, 1.0, {"loss": v}) for i, v in enumerate([3.0, math.nan, 1.5, 2.0])]
        db.history.append(conn, pk, rows)
        db.runs.update_run(conn, pk, RunChanges(state="finished", history_count=4, summary={"loss": 0.25}))
        pk2 = db.runs.create_run(conn, RunKey("ent", "p", "r2"), RunUpsert(session_id="s"), 4.0).pk
        db.runs.update_run(conn, pk2, RunChanges(summary={"loss": "text"}))
        # a run of another project with the same id is not the trial's run
        db.runs.create_run(conn, RunKey("ent", "elsewhere", "r3"), RunUpsert(session_id="s"), 4.0)
    with db.read() as conn:
        found = db.sweeps.trial_rows(conn, sweep, "loss")
        bare = db.sweeps.trial_rows(conn, sweep, None)
    r1, r2, r3 = found
    assert (r1.run_pk, r1.run_state, r1.history_count, r1.vmin, r1.vmax, r1.last, r1.summary) == (
        pk,
        "finished",
        4,
        1.5,
        3.0,
        2.0,
        0.25,
    )
    assert (r2.run_pk, r2.run_state, r2.vmin, r2.summary) == (pk2, "running", None, None)
    assert (r3.run_pk, r3.run_state) == (None, None)
    assert [r.proposal.run_id for r in bare] == ["r1", "r2", "r3"] and bare[0].vmin is None


def test_attach_runs_sets_the_runs_sweep_id(db: SqlDatabase) -> None:
    sweep = _sweep(db)
    with db.begin() as conn:
        db.runs.create_run(conn, RunKey("ent", "p", "old"), RunUpsert(session_id="s"), 1.0)
        db.sweeps.attach_runs(conn, sweep.project_pk, ["old", "missing"], sweep.id)
        stored = db.runs.get_run(conn, RunKey("ent", "p", "old"))
    assert stored is not None and stored.run.sweep_id == "abcd1234"


def test_agents_add_list_touch_and_refuse_a_taken_id(db: SqlDatabase) -> None:
    sweep = _sweep(db)
    with db.begin() as conn:
        a = db.sweeps.add_agent(conn, sweep.pk, "a" * 16, "h1", "n1", None, 1.0)
        db.sweeps.add_agent(conn, sweep.pk, "b" * 16, None, None, 5, 2.0)
        db.sweeps.touch_agent(conn, a.pk, 9.0, started=2, state="finished")
        db.sweeps.touch_agent(conn, a.pk, 10.0, started=1)
    with pytest.raises(SweepIdTaken), db.begin() as conn:
        db.sweeps.add_agent(conn, sweep.pk, "a" * 16, None, None, None, 3.0)
    with db.read() as conn:
        agents = db.sweeps.list_agents(conn, sweep.pk)
        assert db.sweeps.get_agent(conn, sweep.pk, "c" * 16) is None
    assert [(x.id, x.host, x.count, x.state, x.heartbeat_at, x.runs_started) for x in agents] == [
        ("a" * 16, "h1", None, "finished", 10.0, 3),
        ("b" * 16, None, 5, "running", 2.0, 0),
    ]


def test_every_change_to_proposals_bumps_the_version_and_only_changed_rows_are_read_since(
    db: SqlDatabase,
) -> None:
    sweep = _sweep(db)
    with db.begin() as conn:
        assert db.sweeps.trials_version(conn, sweep.pk) == 0
        a = db.sweeps.add_proposal(conn, sweep.pk, _lease("a"))
        b = db.sweeps.add_proposal(conn, sweep.pk, _lease("b"))
        db.sweeps.add_proposal(conn, sweep.pk, _lease("c"))
        v = db.sweeps.trials_version(conn, sweep.pk)
    assert (a.version, b.version, v) == (1, 2, 3)
    with db.begin() as conn:
        db.sweeps.update_proposals(conn, sweep.pk, [a.pk], ProposalChanges(state="started"))
        db.sweeps.renew_leases(conn, sweep.pk, ["c"], 50.0)
        db.sweeps.touch_run(conn, sweep.pk, "b")
        db.sweeps.update_proposals(conn, sweep.pk, [], ProposalChanges(state="done"))  # nothing: no bump
    with db.read() as conn:
        assert db.sweeps.trials_version(conn, sweep.pk) == 6
        since = db.sweeps.trial_rows(conn, sweep, None, since_version=4)
        assert [r.proposal.run_id for r in since] == ["b", "c"]  # changed after version 4, oldest first
        assert [r.proposal.run_id for r in db.sweeps.trial_rows(conn, sweep, None, since_version=6)] == []
        assert db.sweeps.find_sweep(conn, sweep.id).trials_version == 6  # type: ignore[union-attr]
