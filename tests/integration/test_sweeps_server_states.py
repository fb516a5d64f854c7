"""Sweep states, leases, stops and errors through a real server on loopback (SQLite and PostgreSQL):
lease expiry re-issued once with the late run refused, a grid resumed after deleting runs re-runs
only those, hyperband stops a run that then ends ``stopped``, ``metric.target`` finishes the sweep,
pause/resume/stop/cancel, prior runs, 4 bayes agents at once, and every error answer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.backends import BACKENDS
from tests.fixtures.live_server import LiveServer
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.sweep_agent import HttpAgent, flat_params
from tests.integration.test_sweeps_server import ENTITY, in_threads, sweep_runs

LEASE = 2.0


def _start(request: pytest.FixtureRequest, data_dir: Path, *args: str) -> tuple[LiveServer, Any]:
    extra: list[str] = []
    cleanup = None
    if request.param == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        database = "t_" + uuid.uuid4().hex[:12]
        extra = ["--database-url", cluster.create_database(database)]

        def cleanup() -> None:
            cluster.drop_database(database)

    return LiveServer(data_dir, extra_args=[*extra, *args]).start(), cleanup


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, cleanup = _start(request, tmp_path_factory.mktemp("sweeps"), "--sweep-heartbeat-seconds", "0.2")
    try:
        yield live
    finally:
        live.stop()
        if cleanup is not None:
            cleanup()


@pytest.fixture(params=BACKENDS)
def short_lease_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    live, cleanup = _start(request, tmp_path / "data", "--sweep-lease-seconds", str(LEASE))
    try:
        yield live
    finally:
        live.stop()
        if cleanup is not None:
            cleanup()


@pytest.fixture
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def _project() -> str:
    return "p-" + uuid.uuid4().hex[:8]


def _create(api: httpx.Client, project: str, config: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = api.post(f"/api/v1/sweeps/{ENTITY}/{project}", json={"config": config, **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _patch(api: httpx.Client, project: str, sweep_id: str, **body: Any) -> httpx.Response:
    return api.patch(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep_id}", json=body)


def _get(api: httpx.Client, project: str, sweep_id: str) -> dict[str, Any]:
    return dict(api.get(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep_id}").json())


def _types(answer: dict[str, Any]) -> list[str]:
    return [c["type"] for c in answer["commands"]]


def _runs(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in answer["commands"] if c["type"] == "run"]


_OPEN: list[HttpAgent] = []


@pytest.fixture(autouse=True)
def _close_agents() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _agent(server: LiveServer, project: str, sweep_id: str) -> HttpAgent:
    agent = HttpAgent(server.url, server.api_key, ENTITY, project, sweep_id)
    _OPEN.append(agent)
    return agent


def test_an_expired_lease_is_reissued_once_and_the_late_run_is_refused(
    short_lease_server: LiveServer,
) -> None:
    server, project = short_lease_server, _project()
    with server.client() as api:
        sweep = _create(api, project, {"method": "grid", "parameters": {"i": {"values": [0, 1]}}})
    gone, alive = _agent(server, project, sweep["id"]), _agent(server, project, sweep["id"])
    (lost,) = _runs(gone.heartbeat())  # this agent dies before init()
    time.sleep(LEASE + 0.5)
    (again,) = _runs(alive.heartbeat())
    assert again["args"] == lost["args"] and again["run_id"] != lost["run_id"]
    (other,) = _runs(alive.heartbeat(running=[again["run_id"]]))
    assert other["args"] != lost["args"]
    late = gone.start_run(lost["run_id"], flat_params(lost["args"]))
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["field"] == "sweep_id" and "expired" in error["message"] and sweep["id"] in error["message"]
    assert _runs(alive.heartbeat(running=[again["run_id"], other["run_id"]])) == []  # re-issued once only
    for command in (again, other):
        alive.start_run(command["run_id"], flat_params(command["args"])).raise_for_status()
        alive.finish(command["run_id"], 0)
    time.sleep(LEASE + 0.5)  # runs that exist are never expired nor re-issued, however long
    answer = alive.heartbeat(finished={again["run_id"]: 0, other["run_id"]: 0})
    assert _types(answer) == ["exit"] and answer["sweep_state"] == "finished"
    with server.client() as api:
        runs = sweep_runs(api, project, sweep["id"])
    assert sorted(r["config"]["i"] for r in runs) == [0, 1] and lost["run_id"] not in {r["id"] for r in runs}


def test_resuming_a_grid_after_deleting_runs_reruns_only_those(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    sweep = _create(api, project, {"method": "grid", "parameters": {"i": {"values": list(range(6))}}})
    agent = _agent(server, project, sweep["id"])
    first = {p["i"]: run_id for run_id, p in agent.run_until_exit()}
    assert sorted(first) == list(range(6)) and _get(api, project, sweep["id"])["state"] == "finished"
    refused = _patch(api, project, sweep["id"], state="running")
    assert refused.status_code == 409 and "every point" in refused.json()["error"]["message"]
    for i in (1, 4):
        api.delete(f"/api/v1/runs/{ENTITY}/{project}/{first[i]}").raise_for_status()
    assert _patch(api, project, sweep["id"], state="running").json()["state"] == "running"
    again = _agent(server, project, sweep["id"]).run_until_exit()
    assert sorted(p["i"] for _, p in again) == [1, 4]
    runs = {r["config"]["i"]: r["id"] for r in sweep_runs(api, project, sweep["id"])}
    assert sorted(runs) == list(range(6)) and all(runs[i] == first[i] for i in (0, 2, 3, 5))
    assert _get(api, project, sweep["id"])["run_count"] == 6


def test_hyperband_stops_a_bad_run_which_ends_stopped_with_the_reason(
    server: LiveServer, api: httpx.Client
) -> None:
    project = _project()
    config = {
        "method": "random",
        "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {"x": {"min": 0.0, "max": 1.0}},
        "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 3},
    }
    sweep = _create(api, project, config)
    good = _agent(server, project, sweep["id"])
    for _ in range(3):
        (command,) = _runs(good.heartbeat())
        good.start_run(command["run_id"], flat_params(command["args"])).raise_for_status()
        good.log(command["run_id"], [1.0, 0.9, 0.8, 0.7])
        good.finish(command["run_id"], 4)
        good.heartbeat(finished={command["run_id"]: 0}, want_run=False)
    bad = _agent(server, project, sweep["id"])
    (command,) = _runs(bad.heartbeat())
    run_id = command["run_id"]
    bad.start_run(run_id, flat_params(command["args"])).raise_for_status()
    assert bad.log(run_id, [5.0])["stop_requested"] is False
    assert bad.heartbeat(running=[run_id], want_run=False)["commands"] == []  # before its first milestone
    assert bad.log(run_id, [6.0], first_seq=1)["stop_requested"] is False
    answer = bad.heartbeat(running=[run_id], want_run=False)
    (stop,) = answer["commands"]
    assert stop["type"] == "stop" and stop["run_id"] == run_id and stop["reason"].startswith("hyperband")
    assert bad.heartbeat(running=[run_id], want_run=False)["commands"] == [stop]  # repeated until it ends
    assert bad.log(run_id, [7.0], first_seq=2)["stop_requested"] is True
    bad.finish(run_id, 3, state="killed", exit_code=143)
    run = api.get(f"/api/v1/runs/{ENTITY}/{project}/{run_id}").json()
    assert run["state"] == "stopped" and run["summary"]["_sweep_stop_reason"] == stop["reason"]
    listed = {
        r["run_id"]: r
        for r in api.get(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep['id']}/runs").json()["runs"]
    }
    assert listed[run_id]["state"] == "stopped" and listed[run_id]["stop_reason"] == stop["reason"]
    assert bad.heartbeat(finished={run_id: 143}, want_run=False)["commands"] == []


def test_reaching_the_metric_target_finishes_the_sweep(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    config = {
        "method": "random",
        "metric": {"name": "acc", "goal": "maximize", "target": 0.9},
        "parameters": {"x": {"min": 0.0, "max": 1.0}},
    }
    sweep = _create(api, project, config)
    one, two = _agent(server, project, sweep["id"]), _agent(server, project, sweep["id"])
    (first,) = _runs(one.heartbeat())
    (second,) = _runs(two.heartbeat())
    for command in (first, second):
        one.start_run(command["run_id"], flat_params(command["args"])).raise_for_status()
    one.log(first["run_id"], [0.5, 0.95, 0.7], metric="acc")
    answer = two.heartbeat(running=[second["run_id"]])
    assert answer["sweep_state"] == "finished" and answer["commands"] == []  # the running trial goes on
    out = _get(api, project, sweep["id"])
    assert (
        "target" in out["state_reason"]
        and out["best_run_id"] == first["run_id"]
        and out["best_value"] == 0.95
    )
    assert _types(one.heartbeat()) == ["exit"]


def test_a_sweep_finishes_when_its_run_cap_is_reached_and_the_last_trial_is_reported(
    server: LiveServer, api: httpx.Client
) -> None:
    """An agent that stops at its count asks for nothing more: its last heartbeat (want_run false,
    the trial finished) still ends a sweep whose run_cap is reached, as the sweep page shows."""
    project = _project()
    config = {"method": "random", "run_cap": 2, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep = _create(api, project, config)
    agent = _agent(server, project, sweep["id"])
    ran: list[str] = []
    for _ in range(2):
        (command,) = _runs(agent.heartbeat(finished=dict.fromkeys(ran[-1:], 0)))
        agent.start_run(command["run_id"], flat_params(command["args"])).raise_for_status()
        agent.finish(command["run_id"], seq=0)
        ran.append(command["run_id"])
    assert _get(api, project, sweep["id"])["state"] == "running"  # the last trial is not reported yet
    answer = agent.heartbeat(finished={ran[-1]: 0}, want_run=False)
    assert answer["sweep_state"] == "finished" and _types(answer) == ["exit"]
    out = _get(api, project, sweep["id"])
    assert out["state"] == "finished" and "run_cap 2" in out["state_reason"] and out["run_count"] == 2
    agents = api.get(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep['id']}/agents").json()
    assert [a["state"] for a in agents] == ["finished"]


def test_an_agent_that_ends_at_its_count_is_finished_not_running(
    server: LiveServer, api: httpx.Client
) -> None:
    """The sweep page counts running agents: one that stopped at its count (its last heartbeat wants
    nothing and runs nothing) is finished, and one that comes back is running again."""
    project = _project()
    sweep = _create(api, project, {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    agent = _agent(server, project, sweep["id"])
    (command,) = _runs(agent.heartbeat())
    agent.start_run(command["run_id"], flat_params(command["args"])).raise_for_status()
    agent.finish(command["run_id"], seq=0)

    def states() -> list[str]:
        return [a["state"] for a in api.get(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep['id']}/agents").json()]

    assert states() == ["running"]
    agent.heartbeat(finished={command["run_id"]: 0}, want_run=False)
    assert states() == ["finished"] and _get(api, project, sweep["id"])["state"] == "running"
    agent.heartbeat()
    assert states() == ["running"]


def test_pause_resume_stop_and_cancel(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    sweep = _create(api, project, {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    agent = _agent(server, project, sweep["id"])
    assert _patch(api, project, sweep["id"], state="paused").json()["state"] == "paused"
    answer = agent.heartbeat()
    assert answer["commands"] == [] and answer["sweep_state"] == "paused"
    assert _patch(api, project, sweep["id"], state="running").json()["state"] == "running"
    (command,) = _runs(agent.heartbeat())
    run_id = command["run_id"]
    agent.start_run(run_id, flat_params(command["args"])).raise_for_status()
    stopped = _patch(api, project, sweep["id"], state="finished").json()
    assert (stopped["state"], stopped["state_reason"]) == ("finished", "stopped by request")
    assert agent.heartbeat(running=[run_id])["commands"] == []  # finished: the running trial goes on
    assert _patch(api, project, sweep["id"], state="cancelled").json()["state"] == "cancelled"
    answer = agent.heartbeat(running=[run_id])
    assert answer["commands"] == [{"type": "stop", "run_id": run_id, "reason": "sweep cancelled"}]
    agent.finish(run_id, 0, state="killed", exit_code=143)
    assert api.get(f"/api/v1/runs/{ENTITY}/{project}/{run_id}").json()["state"] == "stopped"
    assert _types(agent.heartbeat(finished={run_id: 143})) == ["exit"]
    refused = _patch(api, project, sweep["id"], state="running")
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "state"
    agents = api.get(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep['id']}/agents").json()
    assert [(a["id"], a["state"], a["runs_started"]) for a in agents] == [(agent.id, "finished", 1)]


def test_prior_runs_join_the_sweep_and_hold_their_grid_points(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    api.put(
        f"/api/v1/runs/{ENTITY}/{project}/old", json={"session_id": "s", "config": {"i": 1}}
    ).raise_for_status()
    sweep = _create(
        api, project, {"method": "grid", "parameters": {"i": {"values": [0, 1, 2]}}}, prior_runs=["old"]
    )
    assert sweep["run_count"] == 1
    done = _agent(server, project, sweep["id"]).run_until_exit()
    assert sorted(p["i"] for _, p in done) == [0, 2]
    assert sorted(r["id"] for r in sweep_runs(api, project, sweep["id"])) == sorted(
        ["old", *(r for r, _ in done)]
    )


def test_four_bayes_agents_at_once_get_four_distinct_proposals(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    config = {
        "method": "bayes",
        "metric": {"name": "loss"},
        "parameters": {
            "lr": {"min": 0.0001, "max": 0.1, "distribution": "log_uniform_values"},
            "n": {"min": 1, "max": 8},
        },
    }
    sweep = _create(api, project, config)
    agents = [_agent(server, project, sweep["id"]) for _ in range(4)]
    leased = [c for batch in in_threads(4, lambda i: _runs(agents[i].heartbeat())) for c in batch]
    assert len(leased) == 4
    assert len({(c["args"]["lr"]["value"], c["args"]["n"]["value"]) for c in leased}) == 4


def test_errors_name_the_problem_and_store_nothing(server: LiveServer, api: httpx.Client) -> None:
    project = _project()
    bad = {
        "method": "grid",
        "metric": {"name": "x", "goal": "minimise"},
        "parameters": {"lr": {"min": 0.1, "max": 0.01}},
    }
    response = api.post(f"/api/v1/sweeps/{ENTITY}/{project}", json={"config": bad})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_sweep_config" and len(error["problems"]) >= 2
    assert any("goal" in p for p in error["problems"]) and any("lr" in p for p in error["problems"])
    assert api.get(f"/api/v1/sweeps/{ENTITY}/{project}").json()["sweeps"] == []
    missing = api.get(f"/api/v1/sweeps/{ENTITY}/{project}/nosuch00")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "sweep_id"
    sweep = _create(api, project, {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    nobody = api.post(f"/api/v1/sweeps/{ENTITY}/{project}/{sweep['id']}/agents/nobody/heartbeat", json={})
    assert nobody.status_code == 404 and nobody.json()["error"]["field"] == "agent_id"
    wrong = api.put(f"/api/v1/runs/{ENTITY}/{project}/r1", json={"session_id": "s", "sweep_id": "nosuch00"})
    assert wrong.status_code == 404 and wrong.json()["error"]["field"] == "sweep_id"
    assert api.get(f"/api/v1/runs/{ENTITY}/{project}/r1").status_code == 404
    changed = _patch(
        api, project, sweep["id"], config={"method": "grid", "parameters": {"x": {"values": [1]}}}
    )
    assert changed.status_code == 400 and changed.json()["error"]["field"] == "config"
    updated = _patch(
        api,
        project,
        sweep["id"],
        config={"method": "random", "run_cap": 5, "parameters": {"x": {"min": 0.0, "max": 2.0}}},
    )
    assert updated.status_code == 200 and updated.json()["expected_run_count"] == 5
    listed = api.get(f"/api/v1/sweeps/{ENTITY}/{project}").json()["sweeps"]
    assert [s["id"] for s in listed] == [sweep["id"]]


def test_a_sweep_answers_its_parsed_parameters_for_the_ui(server: LiveServer, api: httpx.Client) -> None:
    """The sweep page draws its axes from what the server parsed (one set of inference rules):
    flat nested names, the inferred distribution, log scale, categorical values, ranges in values
    (W&B's v1 log_uniform gives exponents), constants left out."""
    config = {
        "method": "random",
        "parameters": {
            "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2},
            "old": {"distribution": "log_uniform", "min": 0, "max": 1},
            "opt": {
                "parameters": {"name": {"values": ["adam", "sgd"]}, "momentum": {"min": 0.5, "max": 0.99}}
            },
            "layers": {"min": 1, "max": 4},
            "epochs": {"value": 3},
        },
    }
    out = _create(api, _project(), config)
    params = {p["name"]: p for p in out["parameters"]}
    assert list(params) == ["lr", "old", "opt.name", "opt.momentum", "layers"]  # the config's order
    assert params["lr"]["log_scale"] and params["lr"]["min"] == 1e-5 and params["lr"]["max"] == 1e-2
    assert (
        params["old"]["log_scale"]
        and params["old"]["min"] == 1.0
        and abs(params["old"]["max"] - 2.718281828) < 1e-6
    )
    assert params["opt.name"]["distribution"] == "categorical" and params["opt.name"]["values"] == [
        "adam",
        "sgd",
    ]
    assert params["layers"]["distribution"] == "int_uniform" and not params["layers"]["log_scale"]
    assert params["opt.momentum"]["distribution"] == "uniform"
