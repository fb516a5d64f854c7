"""The sweep controller's guarantees on every SQL backend, through ``SweepService`` over a real
database: parallel heartbeats (threads, each its own connection) get distinct proposals, ``run_cap``
holds exactly, and leases expire and are re-issued once (a settable clock instead of sleeping)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from trackwell.schema.errors import Conflict, NotFound, SweepConfigInvalid
from trackwell.schema.records import RecordBatch
from trackwell.schema.runs import RunUpsert
from trackwell.schema.sweeps import AgentCreate, AgentHeartbeat, RunCommand, SweepCreate, SweepUpdate
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.service.sweeps import SweepService
from trackwell.store.base import RunKey
from trackwell.store.blobs.local import LocalBlobStore
from trackwell.store.sql.database import SqlDatabase


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sweeps(db: SqlDatabase, clock: Clock) -> SweepService:
    return SweepService(db, lease_seconds=60.0, clock=clock)


def _grid(n: int, **extra: Any) -> dict[str, Any]:
    return {"method": "grid", "parameters": {"i": {"values": list(range(n))}}, **extra}


def _run_commands(answer: Any) -> list[RunCommand]:
    return [c for c in answer.commands if isinstance(c, RunCommand)]


def _lease_in_parallel(sweeps: SweepService, sweep_id: str, agents: int, rounds: int) -> list[RunCommand]:
    ids = [sweeps.add_agent("e", "p", sweep_id, AgentCreate(host=f"h{i}")).id for i in range(agents)]
    got: list[RunCommand] = []
    errors: list[BaseException] = []
    start = threading.Barrier(agents)

    def agent(agent_id: str) -> None:
        start.wait()
        try:
            for _ in range(rounds):
                got.extend(_run_commands(sweeps.heartbeat("e", "p", sweep_id, agent_id, AgentHeartbeat())))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=agent, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return got


def test_parallel_heartbeats_from_8_threads_get_distinct_proposals(sweeps: SweepService) -> None:
    sweep = sweeps.create("e", "p", SweepCreate(config=_grid(40)))
    got = _lease_in_parallel(sweeps, sweep.id, agents=8, rounds=6)
    points = [c.args["i"]["value"] for c in got]
    assert len(got) == 40 and sorted(points) == list(range(40))
    assert len({c.run_id for c in got}) == 40
    # Every point is leased but none started: the grid is not over until the leases are.
    assert sweeps.get("e", "p", sweep.id).state == "running"


def test_run_cap_holds_exactly_under_parallel_heartbeats(sweeps: SweepService) -> None:
    config = {"method": "random", "run_cap": 13, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep = sweeps.create("e", "p", SweepCreate(config=config))
    got = _lease_in_parallel(sweeps, sweep.id, agents=8, rounds=4)
    assert len(got) == 13
    assert len({c.args["x"]["value"] for c in got}) == 13


def test_an_expired_lease_is_reissued_once_and_its_late_run_refused(
    db: SqlDatabase, sweeps: SweepService, clock: Clock
) -> None:
    runs = RunService(db, clock=clock)
    sweep = sweeps.create("e", "p", SweepCreate(config=_grid(3)))
    dead = sweeps.add_agent("e", "p", sweep.id, AgentCreate()).id
    alive = sweeps.add_agent("e", "p", sweep.id, AgentCreate()).id
    (lost,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, dead, AgentHeartbeat()))
    (kept,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, alive, AgentHeartbeat()))
    clock.now += 59.0
    sweeps.heartbeat("e", "p", sweep.id, alive, AgentHeartbeat(running=[kept.run_id], want_run=False))
    clock.now += 2.0  # the silent agent's lease ran out; the living agent's was renewed
    (again,) = _run_commands(
        sweeps.heartbeat("e", "p", sweep.id, alive, AgentHeartbeat(running=[kept.run_id]))
    )
    assert again.args == lost.args and again.run_id not in (lost.run_id, kept.run_id)
    (third,) = _run_commands(
        sweeps.heartbeat("e", "p", sweep.id, alive, AgentHeartbeat(running=[kept.run_id]))
    )
    assert third.args["i"]["value"] not in (lost.args["i"]["value"], kept.args["i"]["value"])
    # Nothing is left: the expired lease was re-issued once, not twice.
    assert _run_commands(sweeps.heartbeat("e", "p", sweep.id, dead, AgentHeartbeat())) == []
    with pytest.raises(Conflict) as refused:
        runs.upsert(RunKey("e", "p", lost.run_id), RunUpsert(session_id="s", sweep_id=sweep.id))
    assert refused.value.field == "sweep_id" and sweep.id in refused.value.message
    with pytest.raises(NotFound):
        runs.get(RunKey("e", "p", lost.run_id))
    # The kept lease's run starts fine, long after: its agent kept it alive.
    runs.upsert(RunKey("e", "p", kept.run_id), RunUpsert(session_id="s", sweep_id=sweep.id))
    listed = {r.run_id: r.state for r in sweeps.runs("e", "p", sweep.id).runs}
    assert listed == {kept.run_id: "running", again.run_id: "leased", third.run_id: "leased"}


def test_a_lease_whose_run_exists_never_expires(db: SqlDatabase, sweeps: SweepService, clock: Clock) -> None:
    runs = RunService(db, clock=clock)
    sweep = sweeps.create("e", "p", SweepCreate(config=_grid(2)))
    agent = sweeps.add_agent("e", "p", sweep.id, AgentCreate()).id
    (first,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat()))
    runs.upsert(RunKey("e", "p", first.run_id), RunUpsert(session_id="s", sweep_id=sweep.id))
    clock.now += 3600.0
    (second,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat()))
    assert second.args != first.args
    assert _run_commands(sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat())) == []


def test_stop_flag_reaches_record_acks_and_the_exit_ends_stopped(
    db: SqlDatabase, sweeps: SweepService, clock: Clock, tmp_path: Any
) -> None:
    runs, records = RunService(db, clock=clock), RecordService(db, LocalBlobStore(tmp_path), clock=clock)
    sweep = sweeps.create("e", "p", SweepCreate(config=_grid(2)))
    agent = sweeps.add_agent("e", "p", sweep.id, AgentCreate()).id
    (cmd,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat()))
    key = RunKey("e", "p", cmd.run_id)
    runs.upsert(key, RunUpsert(session_id="s", sweep_id=sweep.id, config={"i": 0}))
    batch = RecordBatch.model_validate({"session_id": "s", "records": []})
    assert records.apply(key, batch).stop_requested is False
    sweeps.update("e", "p", sweep.id, SweepUpdate(state="cancelled"))
    answer = sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat(running=[cmd.run_id]))
    assert [(c.type, getattr(c, "reason", None)) for c in answer.commands] == [("stop", "sweep cancelled")]
    assert records.apply(key, batch).stop_requested is True
    exit_record = {"seq": 0, "kind": "exit", "state": "killed", "exit_code": 143, "runtime": 1.0}
    records.apply(key, RecordBatch.model_validate({"session_id": "s", "records": [exit_record]}))
    run = runs.get(key)
    assert run.state == "stopped" and run.summary["_sweep_stop_reason"] == "sweep cancelled"
    done = sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat(finished={cmd.run_id: 143}))
    assert [c.type for c in done.commands] == ["exit"] and done.sweep_state == "cancelled"


def test_an_invalid_config_stores_nothing_and_lists_every_problem(
    db: SqlDatabase, sweeps: SweepService
) -> None:
    bad = {
        "method": "grid",
        "metric": {"name": "x", "goal": "minimise"},
        "parameters": {"a": {"min": 2, "max": 1}},
    }
    with pytest.raises(SweepConfigInvalid) as caught:
        sweeps.create("e", "p", SweepCreate(config=bad))
    assert len(caught.value.problems) >= 2
    assert sweeps.list_sweeps("e", "p").sweeps == []
    with pytest.raises(NotFound) as missing:
        sweeps.create("e", "p", SweepCreate(config=_grid(2), prior_runs=["nope"]))
    assert missing.value.field == "prior_runs.0"
    assert sweeps.list_sweeps("e", "p").sweeps == []


def test_a_stopped_trial_killed_before_its_exit_ends_stopped_from_the_agents_report(
    db: SqlDatabase, sweeps: SweepService, clock: Clock
) -> None:
    runs = RunService(db, clock=clock)
    sweep = sweeps.create("e", "p", SweepCreate(config=_grid(2)))
    agent = sweeps.add_agent("e", "p", sweep.id, AgentCreate()).id
    (cmd,) = _run_commands(sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat()))
    key = RunKey("e", "p", cmd.run_id)
    runs.upsert(key, RunUpsert(session_id="s", sweep_id=sweep.id))
    sweeps.update("e", "p", sweep.id, SweepUpdate(state="cancelled"))
    sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat(running=[cmd.run_id]))
    answer = sweeps.heartbeat("e", "p", sweep.id, agent, AgentHeartbeat(finished={cmd.run_id: -9}))
    run = runs.get(key)
    assert (run.state, run.exit_code, run.summary["_sweep_stop_reason"]) == ("stopped", -9, "sweep cancelled")
    assert [c.type for c in answer.commands] == ["exit"]


def test_a_run_the_sweep_never_proposed_joins_it_with_params_from_its_config(
    db: SqlDatabase, sweeps: SweepService, clock: Clock
) -> None:
    runs = RunService(db, clock=clock)
    config = {
        "method": "grid",
        "parameters": {"opt": {"parameters": {"lr": {"values": [0.1, 0.2]}}}, "n": {"value": 3}},
    }
    sweep = sweeps.create("e", "p", SweepCreate(config=config))
    runs.upsert(
        RunKey("e", "p", "own"),
        RunUpsert(session_id="s", sweep_id=sweep.id, config={"opt": {"lr": 0.2}, "n": 3}),
    )
    runs.upsert(RunKey("e", "p", "later"), RunUpsert(session_id="s", config={"opt": {"lr": 0.1}}))
    runs.upsert(RunKey("e", "p", "later"), RunUpsert(session_id="s2", resume="allow", sweep_id=sweep.id))
    listed = {r.run_id: r.params for r in sweeps.runs("e", "p", sweep.id).runs}
    assert listed == {"own": {"opt.lr": 0.2, "n": 3}, "later": {"opt.lr": 0.1}}
    assert runs.get(RunKey("e", "p", "later")).sweep_id == sweep.id
    assert sweeps.get("e", "p", sweep.id).run_count == 2
