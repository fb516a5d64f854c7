"""Secrets never come back in answers or logs: not after a bad key, a validation error or a server
error, and tokens in URLs are redacted from uvicorn's access log."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.fixtures.live_server import LiveServer
from trackwell.server.access_log import ACCESS_LOGGER
from trackwell.server.app import create_app
from trackwell.server.process import bind_socket
from trackwell.server.settings import ServerSettings

SECRET_KEY = "tw-secret-key-0123456789abcdef"
SECRET_COOKIE = "session-cookie-secret-value"


def _secret_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {SECRET_KEY}", "Cookie": f"trackwell_session={SECRET_COOKIE}"}


def _assert_no_secret(text: str) -> None:
    assert SECRET_KEY not in text and SECRET_COOKIE not in text


def test_a_bad_key_and_a_validation_error_do_not_echo_the_credentials(server: LiveServer) -> None:
    bad_key = httpx.get(server.url + "/api/v1/viewer", headers=_secret_headers())
    assert bad_key.status_code == 401
    with server.client() as api:
        run = "/api/v1/runs/me/secrets/r1"
        api.put(run, json={"session_id": "s"}).raise_for_status()
        # The right key, plus a secret-looking cookie and a body that is not a RunUpdate.
        invalid = api.patch(run, json={"tags": SECRET_KEY}, headers={"Cookie": _secret_headers()["Cookie"]})
        invalid_query = api.get(f"/api/v1/runs/me/secrets?limit={SECRET_KEY}")
    assert invalid.status_code == 400 and invalid.json()["error"]["field"] == "tags"
    assert invalid_query.status_code == 400 and invalid_query.json()["error"]["field"] == "limit"
    for answer in (bad_key, invalid, invalid_query):
        _assert_no_secret(answer.text)
        _assert_no_secret(str(answer.headers))
    _assert_no_secret(server.log_tail(400))


def test_a_server_error_answers_a_generic_message_and_logs_no_credentials(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path, static_dir=tmp_path / "no-ui"))

    @app.get("/api/v1/fails")
    def fails() -> None:
        raise RuntimeError("a bug deep in a service")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/api/v1/fails", headers=_secret_headers())

    with caplog.at_level(logging.ERROR, logger="trackwell.server"):
        answer = asyncio.run(call())
    assert answer.status_code == 500
    assert answer.headers["x-content-type-options"] == "nosniff"  # security headers on a 500 too
    assert answer.json()["error"]["message"] == "internal server error; the server log has the details"
    assert "a bug deep in a service" in caplog.text  # the details are in the log ...
    _assert_no_secret(answer.text)
    _assert_no_secret(caplog.text)  # ... without the request's credentials


@pytest.fixture
def access_logged_server(tmp_path: Path) -> Iterator[str]:
    """The app under uvicorn with its access log on, as a deployment might run it."""
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(create_app(ServerSettings(data_dir=tmp_path)), access_log=True, log_level="info")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_tokens_in_urls_are_redacted_from_the_access_log(access_logged_server: str) -> None:
    lines = _Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(lines)
    try:
        httpx.get(access_logged_server + f"/api/v1/session/login?token={SECRET_KEY}&next=/a")
        httpx.get(access_logged_server + f"/api/v1/runs/me/p?filters=%7B%7D&code={SECRET_COOKIE}")
        httpx.put(access_logged_server + f"/wandb/files/{SECRET_KEY}", content=b"x")
        httpx.get(access_logged_server + f"/public/reports/{SECRET_KEY}")  # a report's public link
        httpx.get(access_logged_server + "/healthz")
        deadline = time.monotonic() + 10
        while len(lines.lines) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        logger.removeHandler(lines)
    logged = "\n".join(lines.lines)
    assert "/api/v1/session/login?token=[redacted]&next=/a" in logged
    assert "/api/v1/runs/me/p?filters=%7B%7D&code=[redacted]" in logged
    assert '"PUT /wandb/files/[redacted] HTTP/1.1"' in logged
    assert '"GET /public/reports/[redacted] HTTP/1.1"' in logged
    assert "/healthz" in logged
    _assert_no_secret(logged)


def test_a_signed_token_of_any_text_is_refused_not_a_server_error(server: LiveServer) -> None:
    login = httpx.get(server.url + "/api/v1/session/login", params={"token": "å.x"})
    invite = {"token": "å.x", "username": "zed", "password": "Correct-horse-battery-9"}
    accept = httpx.post(server.url + "/api/v1/invites/accept", json=invite)
    assert login.status_code < 500 and accept.status_code < 500
