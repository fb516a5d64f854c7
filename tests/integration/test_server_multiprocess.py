"""Several server processes on one PostgreSQL database behave as one server.

Two real ``trackwell server`` processes share a throwaway database. Two uploaders send the same
run's records, one to each process, in overlapping batches and at the same time (as an SDK that
retries against a load balancer would): every record must be stored exactly once, and a gap must
be answered with the same ``expected_seq`` by either process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.live_server import LiveServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

RECORDS = 60


@pytest.fixture
def servers(tmp_path: Path, postgres_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    first = LiveServer(tmp_path / "a", extra_args=["--database-url", postgres_url]).start()
    try:
        second = LiveServer(tmp_path / "b", extra_args=["--database-url", postgres_url]).start()
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


def _history(seq: int) -> dict[str, Any]:
    return {"kind": "history", "seq": seq, "step": seq, "timestamp": 1.0 + seq, "runtime": seq,
            "values": {"x": seq, "nested": {"y": seq * 2}}}  # fmt: skip


def _upload(client: httpx.Client, url: str, session: str, errors: list[str]) -> None:
    """Send overlapping batches in order, retrying from expected_seq on a gap, as the SDK does."""
    start = 0
    try:
        while start < RECORDS:
            batch = [_history(seq) for seq in range(max(0, start - 3), min(RECORDS, start + 7))]
            response = client.post(url, json={"session_id": session, "records": batch})
            if response.status_code == 409:
                start = response.json()["error"]["expected_seq"]
                continue
            response.raise_for_status()
            start = max(start + 4, response.json()["applied_through"] + 1 - 3)
    except Exception as exc:  # reported by the test thread
        errors.append(repr(exc))


def test_two_processes_apply_each_record_once(servers: tuple[LiveServer, LiveServer]) -> None:
    first, second = servers
    run = "/api/v1/runs/me/shared/r1"
    # API keys live in the shared database: the first server's key works on the second
    with first.client() as a, httpx.Client(base_url=second.url, headers=first.headers, timeout=30) as b:
        created = a.put(run, json={"session_id": "s1"}).json()
        assert b.put(run, json={"session_id": "s1", "resume": "allow"}).json()["resumed"] is True
        assert created["next_seq"] == 0

        errors: list[str] = []
        threads = [
            threading.Thread(target=_upload, args=(client, run + "/records", "s1", errors))
            for client in (a, b, a, b)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=100)
        assert errors == []

        rows = a.get(run + "/history/rows", params={"limit": 1000}).json()["rows"]
        assert [row["_step"] for row in rows] == list(range(RECORDS))
        assert [row["nested"]["y"] for row in rows] == [2 * s for s in range(RECORDS)]
        state = b.get(run).json()
        assert state["history_count"] == RECORDS and state["last_step"] == RECORDS - 1

        # both processes see the same applied_through: a gap is refused identically by either
        gap = {"session_id": "s1", "records": [_history(RECORDS + 5)]}
        for client in (a, b):
            response = client.post(run + "/records", json=gap)
            assert response.status_code == 409
            assert response.json()["error"]["expected_seq"] == RECORDS
        # and a reconnecting session is told where to continue by either process
        assert b.put(run, json={"session_id": "s1", "resume": "allow"}).json()["next_seq"] == RECORDS
