"""A hostile ``$regex`` in a runs filter, sent to a real server on loopback, on SQLite and PostgreSQL.

Any key holder can send a filter, and it is matched against every run of the project inside the
database. ``(a+)+$`` against ``"aaaa...b"`` backtracks exponentially in Python's ``re`` (what SQLite
used to call): 30 a's took minutes and held a worker. Now the answer comes at once, the server
keeps answering others meanwhile, and a pattern no linear-time engine can run is a 400 naming the
field and the fix.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer

HOSTILE = "a" * 50_000 + "b"
# pattern -> the runs it selects: "plain" holds "aaa", "victim" 50,000 a's and a b.
CATASTROPHIC = {
    "(a+)+$": {"plain"},
    "(a|aa)+$": {"plain"},
    "(a|a)+$": {"plain"},
    "(.*a){20}$": set(),
    "^(a?){30}a{30}$": set(),
}


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"regex-{request.param}") / "data") as live:
        with live.client() as api:
            for run_id, value in [("victim", HOSTILE), ("plain", "aaa")]:
                body = {"session_id": uuid.uuid4().hex, "display_name": value[:60], "notes": value}
                body["config"] = {"s": value}
                assert api.put(f"/api/v1/runs/me/regex/{run_id}", json=body).status_code == 200
        yield live


def _ids(api: httpx.Client, filters: dict[str, object]) -> httpx.Response:
    return api.get("/api/v1/runs/me/regex", params={"filters": json.dumps(filters)})


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_answer_at_once_with_the_right_runs(server: LiveServer, pattern: str) -> None:
    with server.client() as api:
        for field in ("notes", "config.s"):
            started = time.monotonic()
            response = _ids(api, {field: {"$regex": pattern}})
            elapsed = time.monotonic() - started
            assert response.status_code == 200, response.text
            assert {r["id"] for r in response.json()["runs"]} == CATASTROPHIC[pattern]
            assert elapsed < 2.0, f"{pattern} on {field} took {elapsed:.1f} s"


def test_the_server_answers_others_while_a_hostile_filter_runs(server: LiveServer) -> None:
    answered: list[float] = []

    def hammer() -> None:
        with server.client() as api:
            for _ in range(20):
                _ids(api, {"notes": {"$regex": "(a|aa)+$", "$options": "i"}})

    worker = threading.Thread(target=hammer)
    worker.start()
    try:
        with server.client() as api:
            while worker.is_alive() and len(answered) < 50:
                started = time.monotonic()
                assert api.get("/api/v1/runs/me/regex/plain").status_code == 200
                answered.append(time.monotonic() - started)
    finally:
        worker.join(60)
    assert not worker.is_alive()
    assert answered and max(answered) < 2.0


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(a)\\1", ["back-reference", "$regex"]),
        ("a(?=b)", ["look-around"]),
        ("(?i)a", ['$options: "i"']),
        ("\\bword", ["\\b", "([^A-Za-z0-9_]|$)"]),
        ("a{1,1000}", ["above 255"]),
        ("(.*){255}", ["too large once compiled"]),
    ],
)
def test_patterns_no_linear_engine_can_run_are_a_clear_400(
    server: LiveServer, pattern: str, words: list[str]
) -> None:
    with server.client() as api:
        response = _ids(api, {"display_name": {"$regex": pattern}})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "filters"
    text = f"{error['message']} {error['hint']}"
    for word in words:
        assert word in text
    assert "RE2 syntax" in error["hint"]
