"""Alerts delivered to webhooks, through a live server, to a real HTTP receiver on loopback:
``run.alert`` as Slack JSON, the rules (a run that raises, a crashed run, a metric crossing a
threshold once), retries after a 500, giving up, and the URL never shown back or logged."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.backends import BACKENDS
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at

SECRET = "T0AAAAAAA/B0BBBBBBB/XyZsecretWebhookToken9876"


class Receiver:
    """A tiny webhook receiver: keeps each JSON body; answers the statuses queued, then 200."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"receiver says no")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{SECRET}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A live server on each SQL backend, retrying deliveries after 0.2 s, crashing silent runs at 2 s."""
    extra = ["--alert-retry-seconds", "0.2", "--heartbeat-timeout", "2"]
    if request.param == "postgresql":
        extra += ["--database-url", request.getfixturevalue("postgres_url")]
    live = LiveServer(tmp_path / "data", extra_args=extra).start()
    yield live
    live.stop()


@pytest.fixture
def env(tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    yield point_sdk_at(server, tmp_path, monkeypatch)
    trackwell.finish()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def api(server: LiveServer, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    with server.client() as client:
        answer = client.request(method, f"/api/v1/alerts/{path}", json=body)
    assert answer.status_code == status, answer.text
    assert SECRET not in answer.text
    return answer.json() if answer.content else None


def entity(server: LiveServer) -> str:
    with server.client() as client:
        return str(client.get("/api/v1/viewer").json()["entity"])


def add_webhook(server: LiveServer, project: str, url: str) -> int:
    hook = api(
        server, "POST", f"{entity(server)}/{project}/webhooks", {"name": "#ml-alerts", "url": url}, 201
    )
    assert hook["url_hint"] == "127.0.0.1/…9876"
    return int(hook["id"])


def deliveries(server: LiveServer, project: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api(server, "GET", f"{entity(server)}/{project}/deliveries")["deliveries"]
    return found


def test_run_alert_is_posted_as_slack_json_with_the_run_link(
    env: dict[str, str], server: LiveServer, receiver: Receiver, tmp_path: Path
) -> None:
    add_webhook(server, "hooks", receiver.url)
    run = trackwell.init(project="hooks", name="lr-sweep-3", dir=tmp_path)
    run.alert("Low accuracy", "accuracy 0.21 < 0.3 at step 3", level=trackwell.AlertLevel.WARN)
    run.finish()

    body = wait_for(lambda: receiver.bodies and receiver.bodies[0], "the webhook post")
    assert (
        body["text"] == "[WARN] Low accuracy: accuracy 0.21 &lt; 0.3 at step 3"
        or "Low accuracy" in body["text"]
    )
    assert body["blocks"][0]["text"]["text"] == "Low accuracy"
    assert "accuracy 0.21 &lt; 0.3 at step 3" in body["blocks"][1]["text"]["text"]
    context = body["blocks"][2]["elements"][0]["text"]
    assert "*WARN*" in context and f"{server.url}/{run.entity}/hooks/runs/{run.id}|" in context
    assert "lr-sweep-3" in context
    done = wait_for(
        lambda: [d for d in deliveries(server, "hooks") if d["status"] == "delivered"], "delivered"
    )
    assert (
        done[0]["title"] == "Low accuracy"
        and done[0]["attempts"] == 1
        and done[0]["webhook_name"] == "#ml-alerts"
    )
    feed = api(server, "GET", f"{run.entity}/hooks/feed")["alerts"]
    assert [(a["run_id"], a["run_name"], a["title"], a["level"]) for a in feed] == [
        (run.id, "lr-sweep-3", "Low accuracy", "WARN")
    ]
    assert len(receiver.bodies) == 1


def test_a_run_that_raises_is_delivered_by_the_run_failed_rule(
    env: dict[str, str], server: LiveServer, receiver: Receiver, tmp_path: Path
) -> None:
    hook = add_webhook(server, "fails", receiver.url)
    e = entity(server)
    api(server, "POST", f"{e}/fails/rules", {"kind": "run_failed", "webhook_ids": [hook]}, 201)
    script = (
        "import trackwell\n"
        "run = trackwell.init(project='fails', name='doomed')\n"
        "raise ValueError('bad batch')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=server.sdk_env(tmp_path / "cfg"), cwd=tmp_path)
    assert done.returncode == 1

    body = wait_for(lambda: receiver.bodies and receiver.bodies[0], "the run_failed post")
    assert body["blocks"][0]["text"]["text"] == "Run doomed failed"
    assert "ValueError: bad batch" in body["text"] and "[ERROR]" in body["text"]
    feed = api(server, "GET", f"{e}/fails/feed")["alerts"]
    assert [a["title"] for a in feed] == ["Run doomed failed"]


def test_a_crashed_run_is_delivered_by_the_run_crashed_rule(server: LiveServer, receiver: Receiver) -> None:
    hook = add_webhook(server, "crashes", receiver.url)
    e = entity(server)
    api(
        server,
        "POST",
        f"{e}/crashes/rules",
        {"kind": "run_crashed", "level": "WARN", "webhook_ids": [hook]},
        201,
    )
    with server.client() as client:  # a run that starts, then goes silent (the process was killed)
        made = client.put(
            f"/api/v1/runs/{e}/crashes/silent1", json={"session_id": "s1", "display_name": "silent"}
        )
        assert made.status_code in (200, 201), made.text

    body = wait_for(
        lambda: receiver.bodies and receiver.bodies[0], "the run_crashed post (heartbeat timeout 2 s)"
    )
    assert body["blocks"][0]["text"]["text"] == "Run silent crashed" and "[WARN]" in body["text"]
    with server.client() as client:
        assert client.get(f"/api/v1/runs/{e}/crashes/silent1").json()["state"] == "crashed"


def test_a_threshold_crossed_many_times_alerts_once_per_run(
    env: dict[str, str], server: LiveServer, receiver: Receiver, tmp_path: Path
) -> None:
    hook = add_webhook(server, "thresholds", receiver.url)
    e = entity(server)
    rule = {"kind": "metric_threshold", "metric_key": "loss", "op": "<", "value": 0.5, "webhook_ids": [hook]}
    api(server, "POST", f"{e}/thresholds/rules", rule, 201)
    # a disabled rule that would match never fires
    api(server, "POST", f"{e}/thresholds/rules", rule | {"op": ">", "value": 0, "enabled": False}, 201)
    run = trackwell.init(project="thresholds", dir=tmp_path)
    for step in range(40):
        run.log({"loss": 1.0 / (step + 1), "acc": step / 40})
        if step % 10 == 0:
            time.sleep(0.3)  # several batches: the rule sees the crossing in more than one
    run.finish()

    wait_for(lambda: receiver.bodies, "the threshold post")
    time.sleep(1.5)  # a second post would arrive by now (poll 1 s)
    assert len(receiver.bodies) == 1
    assert receiver.bodies[0]["blocks"][0]["text"]["text"] == "loss < 0.5"
    # "latest value": the last loss of the batch that crossed, with its step
    said = re.search(r"loss = ([0-9.e-]+) at step (\d+), crossing < 0.5$", receiver.bodies[0]["text"])
    assert said is not None and float(said[1]) == pytest.approx(1.0 / (int(said[2]) + 1), rel=1e-5)
    assert float(said[1]) < 0.5
    assert [a["title"] for a in api(server, "GET", f"{e}/thresholds/feed")["alerts"]] == ["loss < 0.5"]


def test_a_500_is_retried_and_a_receiver_that_keeps_failing_is_given_up_with_the_error(
    server: LiveServer, receiver: Receiver
) -> None:
    hook = add_webhook(server, "retries", receiver.url)
    e = entity(server)
    receiver.statuses = [500]
    api(server, "POST", f"{e}/retries/webhooks/{hook}/test", None, 202)
    done = wait_for(lambda: [d for d in deliveries(server, "retries") if d["status"] == "delivered"], "retry")
    assert done[0]["attempts"] == 2 and len(receiver.bodies) == 2
    assert receiver.bodies[1]["blocks"][0]["text"]["text"] == "Test alert"

    receiver.statuses = [500] * 10
    api(server, "POST", f"{e}/retries/webhooks/{hook}/test", None, 202)
    failed = wait_for(
        lambda: [d for d in deliveries(server, "retries") if d["status"] == "failed"], "give up"
    )
    assert failed[0]["attempts"] == 5 and failed[0]["last_error"] == "HTTP 500: receiver says no"
    log = (server.data_dir / "server.log").read_text(encoding="utf-8")
    assert "giving up" in log and "127.0.0.1/…9876" in log
    assert SECRET not in log and "XyZsecret" not in log


def test_webhooks_are_checked_and_rules_validated_naming_the_field(server: LiveServer) -> None:
    e = entity(server)
    with server.client() as client:
        bad_url = client.post(
            f"/api/v1/alerts/{e}/p/webhooks", json={"name": "x", "url": "ftp://example.com/x"}
        )
        assert bad_url.status_code == 400 and bad_url.json()["error"]["field"] == "url"
        nul = client.post(
            f"/api/v1/alerts/{e}/p/webhooks", json={"name": "a\x00b", "url": "https://example.com/x"}
        )
        assert nul.status_code in (400, 422) and "control characters" in nul.text
        no_key = client.post(
            f"/api/v1/alerts/{e}/p/rules", json={"kind": "metric_threshold", "op": ">", "value": 1}
        )
        assert no_key.status_code in (400, 422) and "metric_key" in no_key.text
        stray = client.post(f"/api/v1/alerts/{e}/p/rules", json={"kind": "run_failed", "webhook_ids": [999]})
        assert stray.status_code == 400 and stray.json()["error"]["field"] == "webhook_ids"
        made = client.post(f"/api/v1/alerts/{e}/p/rules", json={"kind": "run_crashed"}).json()
        paused = client.put(
            f"/api/v1/alerts/{e}/p/rules/{made['id']}", json={"kind": "run_crashed", "enabled": False}
        )
        assert paused.json()["enabled"] is False
        assert client.delete(f"/api/v1/alerts/{e}/p/rules/{made['id']}").status_code == 204
        assert client.get(f"/api/v1/alerts/{e}/p/rules").json() == {"rules": []}


@pytest.mark.postgres
@pytest.mark.slow
def test_two_server_processes_on_one_database_post_each_delivery_once(
    tmp_path: Path, postgres_url: str, receiver: Receiver
) -> None:
    first = LiveServer(tmp_path / "a", extra_args=["--database-url", postgres_url]).start()
    try:
        second = LiveServer(tmp_path / "b", extra_args=["--database-url", postgres_url]).start()
        try:
            hook = add_webhook(first, "shared", receiver.url)
            e = entity(first)
            for i in range(30):  # both workers race to claim these
                api(first if i % 2 else second, "POST", f"{e}/shared/webhooks/{hook}/test", None, 202)
            wait_for(
                lambda: len([d for d in deliveries(first, "shared") if d["status"] == "delivered"]) == 30,
                "30 deliveries",
            )
            time.sleep(1.5)  # a double post would arrive by now (each worker polls every second)
            assert len(receiver.bodies) == 30
            assert all(d["attempts"] == 1 for d in deliveries(second, "shared"))
        finally:
            second.stop()
    finally:
        first.stop()
