"""A server shared on the network posts webhooks to the outside and to private networks, never to
itself or the machine's link-local services (cloud metadata): a project writer must not be able to
make it request ``http://169.254.169.254/...`` on their behalf. A server on loopback posts anywhere."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from trackwell.service.alert_delivery import AlertDeliveryWorker
from trackwell.service.webhook_destinations import RefusedDestination, check_destination
from trackwell.store.sql.database import open_database


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/x",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://[fe80::1]/hook",
    ],
)
def test_loopback_link_local_and_unspecified_addresses_are_refused_naming_the_fix(url: str) -> None:
    with pytest.raises(RefusedDestination, match="--webhooks-to-local-addresses"):
        check_destination(url)


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "https://192.168.0.7/hook", "http://172.16.0.1/x"])
def test_private_networks_stay_reachable_for_a_companys_own_chat_server(url: str) -> None:
    check_destination(url)


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        _Receiver.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    _Receiver.bodies = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/SECRET-PATH"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("local", [False, True])
def test_the_worker_of_a_shared_server_refuses_its_own_loopback(
    tmp_path: Path, receiver: str, local: bool
) -> None:
    db = open_database(f"sqlite:///{tmp_path}/t.db")
    with db.begin() as conn:
        hook = db.alert_rules.add_webhook(conn, "team", "p", "ops", receiver, 1.0)
        db.alert_rules.enqueue(conn, hook.id, None, {"title": "t", "text": "x", "level": "INFO"}, 1.0)
    worker = AlertDeliveryWorker(db, lambda: None, threading.Event(), local_destinations=local)
    assert worker.deliver_due() == 1
    with db.read() as conn:
        (delivery,) = db.alert_rules.list_deliveries(conn, "team", "p", 10)
    db.close()
    if local:
        assert delivery.status == "delivered" and len(_Receiver.bodies) == 1
    else:
        assert _Receiver.bodies == [] and delivery.status != "delivered"
        assert delivery.last_error is not None and "loopback" in delivery.last_error
        assert "SECRET-PATH" not in delivery.last_error
