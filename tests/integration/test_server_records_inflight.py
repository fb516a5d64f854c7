"""Two record batches of one session in flight at once (the SDK's uploader pipelines): a later batch
that reaches the server first waits for the earlier one instead of answering ``sequence_gap``;
acks and rows come out in order, and a resent copy of a batch still in flight is applied once."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx

from tests.fixtures.live_server import LiveServer


def _block(seq: int, first_step: int, n: int) -> dict[str, Any]:
    steps = list(range(first_step, first_step + n))
    return {
        "seq": seq,
        "kind": "history_block",
        "steps": steps,
        "timestamps": [1000.0 + s for s in steps],
        "runtimes": [float(s) for s in steps],
        "columns": {"loss": [1.0 / (s + 1) for s in steps]},
    }


class _HeldBody:
    """A request body sent in two halves: the second only once ``release`` is set, so the request
    is in flight (its body half read by the server) for as long as the test wants."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.first_half_sent = threading.Event()
        self.release = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        half = len(self.body) // 2
        yield self.body[:half]
        self.first_half_sent.set()
        assert self.release.wait(30)
        yield self.body[half:]


def _post_in_thread(
    server: LiveServer, url: str, body: Any, out: dict[str, httpx.Response]
) -> threading.Thread:
    def post() -> None:
        with server.client() as client:
            headers = {"Content-Type": "application/json"}
            out["response"] = client.post(url, content=body, headers=headers)

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def _new_run(api: httpx.Client) -> tuple[str, str]:
    url = f"/api/v1/runs/me/inflight/{uuid.uuid4().hex[:12]}"
    session = uuid.uuid4().hex
    api.put(url, json={"session_id": session}).raise_for_status()
    return url, session


def test_a_later_batch_waits_for_the_earlier_one_in_flight(server: LiveServer, api: httpx.Client) -> None:
    url, session = _new_run(api)
    api.post(url + "/records", json={"session_id": session, "records": [_block(0, 0, 10)]}).raise_for_status()
    earlier = {"session_id": session, "records": [_block(1, 10, 5000)]}
    later = {"session_id": session, "records": [_block(2, 5010, 10), _block(3, 5020, 10)]}
    held = _HeldBody(json.dumps(earlier).encode())
    first: dict[str, httpx.Response] = {}
    second: dict[str, httpx.Response] = {}
    t1 = _post_in_thread(server, url + "/records", held, first)
    assert held.first_half_sent.wait(30)
    time.sleep(0.2)  # the server has the earlier request (half its body) in hand
    t2 = _post_in_thread(server, url + "/records", json.dumps(later).encode(), second)
    t2.join(0.5)
    waited = t2.is_alive()
    held.release.set()
    assert waited, f"the later batch did not wait: {second.get('response') and second['response'].text}"
    t1.join(30)
    t2.join(30)
    assert first["response"].status_code == 200 and first["response"].json()["applied_through"] == 1
    assert second["response"].status_code == 200, second["response"].text
    assert second["response"].json()["applied_through"] == 3
    rows = api.get(url + "/history/rows", params={"limit": 10_000}).json()["rows"]
    assert [r["_step"] for r in rows] == list(range(5030))
    assert api.get(url).json()["history_count"] == 5030


def test_a_copy_of_a_batch_in_flight_is_applied_once(server: LiveServer, api: httpx.Client) -> None:
    # What a retry after a lost answer looks like: the same records again while the first request
    # is still being read. Whichever gets there first applies them; the other skips them.
    url, session = _new_run(api)
    batch = {"session_id": session, "records": [_block(0, 0, 3000), _block(1, 3000, 3000)]}
    body = json.dumps(batch).encode()
    held = _HeldBody(body)
    first: dict[str, httpx.Response] = {}
    t1 = _post_in_thread(server, url + "/records", held, first)
    assert held.first_half_sent.wait(30)
    try:
        retry = api.post(url + "/records", content=body, headers={"Content-Type": "application/json"})
    finally:
        held.release.set()
    assert retry.status_code == 200 and retry.json()["applied_through"] == 1
    t1.join(30)
    assert first["response"].status_code == 200 and first["response"].json()["applied_through"] == 1
    assert api.get(url).json()["history_count"] == 6000
    rows = api.get(url + "/history/rows", params={"limit": 10_000}).json()["rows"]
    assert [r["_step"] for r in rows] == list(range(6000))


def test_a_real_gap_is_still_answered_at_once(api: httpx.Client) -> None:
    url, session = _new_run(api)
    started = time.monotonic()
    response = api.post(url + "/records", json={"session_id": session, "records": [_block(4, 0, 10)]})
    assert response.status_code == 409 and response.json()["error"]["expected_seq"] == 0
    assert time.monotonic() - started < 2.0  # nothing in flight could fill it: no waiting
