"""The sweep controller through a real server on loopback (SQLite and PostgreSQL): parallel agents
(threads and processes, one server or two) get distinct proposals, a 500-point grid driven by 8
agents ends with exactly 500 runs, and run_cap holds under parallelism."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.backends import BACKENDS
from tests.fixtures.live_server import LiveServer
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.sweep_agent import HttpAgent

ROOT = Path(__file__).resolve().parents[2]
ENTITY = "me"


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    extra: list[str] = []
    cluster: PostgresCluster | None = None
    database = "t_" + uuid.uuid4().hex[:12]
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        extra = ["--database-url", cluster.create_database(database)]
    live = LiveServer(tmp_path / "data", extra_args=[*extra, "--sweep-heartbeat-seconds", "0.2"]).start()
    try:
        yield live
    finally:
        live.stop()
        if cluster is not None:
            cluster.drop_database(database)


def create_sweep(server: LiveServer, project: str, config: dict[str, Any]) -> dict[str, Any]:
    with server.client() as api:
        response = api.post(f"/api/v1/sweeps/{ENTITY}/{project}", json={"config": config})
        assert response.status_code == 201, response.text
        return dict(response.json())


def sweep_runs(api: httpx.Client, project: str, sweep_id: str) -> list[dict[str, Any]]:
    filters = json.dumps({"sweep": sweep_id})
    found: list[dict[str, Any]] = []
    while True:
        page = api.get(
            f"/api/v1/runs/{ENTITY}/{project}",
            params={"filters": filters, "limit": 1000, "offset": len(found)},
        ).json()
        found += page["runs"]
        if len(found) >= page["total"]:
            return found


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors
    return results


def test_parallel_heartbeats_from_8_threads_get_distinct_proposals(server: LiveServer) -> None:
    config = {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}, "c": {"values": ["a", "b"]}}}
    sweep = create_sweep(server, "par", config)
    agents = [HttpAgent(server.url, server.api_key, ENTITY, "par", sweep["id"]) for _ in range(8)]

    def lease(i: int) -> list[dict[str, Any]]:
        return [c for _ in range(5) for c in agents[i].heartbeat()["commands"] if c["type"] == "run"]

    leases = [c for batch in in_threads(8, lease) for c in batch]
    for agent in agents:
        agent.close()
    assert len(leases) == 40
    assert len({c["run_id"] for c in leases}) == 40
    assert len({c["args"]["x"]["value"] for c in leases}) == 40


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_500_point_grid_with_8_parallel_agents_ends_with_exactly_500_runs(server: LiveServer) -> None:
    config = {
        "method": "grid",
        "metric": {"name": "loss"},
        "parameters": {"a": {"values": list(range(25))}, "b": {"values": list(range(20))}},
    }
    sweep = create_sweep(server, "grid", config)
    agents = [HttpAgent(server.url, server.api_key, ENTITY, "grid", sweep["id"]) for _ in range(8)]
    done = [t for batch in in_threads(8, lambda i: agents[i].run_until_exit()) for t in batch]
    for agent in agents:
        agent.close()
    assert len(done) == 500
    assert sorted((p["a"], p["b"]) for _, p in done) == [(a, b) for a in range(25) for b in range(20)]
    with server.client() as api:
        runs = sweep_runs(api, "grid", sweep["id"])
        out = api.get(f"/api/v1/sweeps/{ENTITY}/grid/{sweep['id']}").json()
    assert len(runs) == 500 and {r["state"] for r in runs} == {"finished"}
    assert len({(r["config"]["a"], r["config"]["b"]) for r in runs}) == 500
    assert (out["state"], out["run_count"], out["expected_run_count"]) == ("finished", 500, 500)
    assert out["state_reason"].startswith("grid exhausted")
    assert out["best_value"] == 0.0 and out["best_run_id"] is not None


def test_run_cap_is_exact_with_8_parallel_agents(server: LiveServer) -> None:
    config = {"method": "random", "run_cap": 21, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep = create_sweep(server, "cap", config)
    agents = [HttpAgent(server.url, server.api_key, ENTITY, "cap", sweep["id"]) for _ in range(8)]
    done = [t for batch in in_threads(8, lambda i: agents[i].run_until_exit()) for t in batch]
    for agent in agents:
        agent.close()
    assert len(done) == 21
    with server.client() as api:
        assert len(sweep_runs(api, "cap", sweep["id"])) == 21
        out = api.get(f"/api/v1/sweeps/{ENTITY}/cap/{sweep['id']}").json()
    assert (out["state"], out["state_reason"], out["run_count"]) == ("finished", "run_cap 21 reached", 21)


def _agent_processes(urls: list[str], key: str, project: str, sweep_id: str, count: int) -> list[Any]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fixtures.sweep_agent",
                urls[i % len(urls)],
                key,
                ENTITY,
                project,
                sweep_id,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(count)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        results += json.loads(out)
    return results


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_agent_processes_get_distinct_proposals_and_finish_the_grid(server: LiveServer) -> None:
    config = {"method": "grid", "metric": {"name": "loss"}, "parameters": {"a": {"values": list(range(60))}}}
    sweep = create_sweep(server, "procs", config)
    done = _agent_processes([server.url], server.api_key, "procs", sweep["id"], 4)
    assert sorted(p["a"] for _, p in done) == list(range(60))
    assert len({run_id for run_id, _ in done}) == 60


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(400)
def test_agents_on_two_server_processes_share_one_grid(tmp_path: Path, postgres_url: str) -> None:
    first = LiveServer(tmp_path / "a", extra_args=["--database-url", postgres_url]).start()
    try:
        second = LiveServer(tmp_path / "b", extra_args=["--database-url", postgres_url]).start()
        try:
            config = {"method": "grid", "parameters": {"a": {"values": list(range(40))}}}
            sweep = create_sweep(first, "two", config)
            done = _agent_processes([first.url, second.url], first.api_key, "two", sweep["id"], 4)
        finally:
            second.stop()
    finally:
        first.stop()
    assert sorted(p["a"] for _, p in done) == list(range(40))


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(400)
def test_a_process_with_the_grid_cached_sees_runs_deleted_through_another(
    tmp_path: Path, postgres_url: str
) -> None:
    first = LiveServer(tmp_path / "a", extra_args=["--database-url", postgres_url]).start()
    try:
        second = LiveServer(tmp_path / "b", extra_args=["--database-url", postgres_url]).start()
        try:
            sweep = create_sweep(
                first, "cached", {"method": "grid", "parameters": {"i": {"values": list(range(6))}}}
            )
            agent = HttpAgent(first.url, first.api_key, ENTITY, "cached", sweep["id"])
            ran = {p["i"]: run_id for run_id, p in agent.run_until_exit()}  # first's cache holds the grid
            with second.client() as api:
                for i in (2, 5):
                    api.delete(f"/api/v1/runs/{ENTITY}/cached/{ran[i]}").raise_for_status()
                resumed = api.patch(
                    f"/api/v1/sweeps/{ENTITY}/cached/{sweep['id']}", json={"state": "running"}
                )
                assert resumed.status_code == 200, resumed.text
            again = HttpAgent(first.url, first.api_key, ENTITY, "cached", sweep["id"])
            assert sorted(p["i"] for _, p in again.run_until_exit()) == [2, 5]
            agent.close()
            again.close()
        finally:
            second.stop()
    finally:
        first.stop()
