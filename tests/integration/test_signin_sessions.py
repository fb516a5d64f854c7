"""Two server processes on one database behave as one for browser sessions: a one-time sign-in link
redeemed on one is refused by the other, and a session signed out on one is refused by both.

The two processes share the database and the session secret (as several processes of one
deployment do: one data directory, or one PostgreSQL database with the secret copied); what must
be remembered, used links and sign-outs, is in the database (``UserStore.add_nonce``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from trackwell.service.ui_session import SECRET_FILE


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'a' / 'trackwell.db'}"
    else:
        database_url = str(request.getfixturevalue("postgres_url"))
    first = LiveServer(tmp_path / "a", extra_args=["--database-url", database_url]).start()
    try:
        (tmp_path / "b").mkdir()
        shutil.copy2(tmp_path / "a" / SECRET_FILE, tmp_path / "b" / SECRET_FILE)
        second = LiveServer(tmp_path / "b", extra_args=["--database-url", database_url]).start()
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


def _link(server: LiveServer) -> str:
    response = httpx.post(f"{server.url}/api/v1/session/login-link", headers=server.headers)
    response.raise_for_status()
    return str(response.json()["url"])


def test_a_link_used_on_one_process_is_refused_by_the_other(servers: tuple[LiveServer, LiveServer]) -> None:
    first, second = servers
    link = _link(first)
    token_path = link.removeprefix(first.url)
    with httpx.Client(base_url=second.url, timeout=30) as browser:
        used = browser.get(token_path, follow_redirects=False)
        assert used.status_code == 303 and "trackwell_session" in used.cookies
    with httpx.Client(base_url=first.url, timeout=30) as other_browser:
        again = other_browser.get(token_path, follow_redirects=False)
        assert again.status_code == 401
        assert again.json()["error"]["message"] == "This sign-in link was already used"


def test_a_signed_out_session_is_refused_by_both(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    first, second = servers
    with httpx.Client(base_url=first.url, timeout=30) as browser:
        info = browser.post("/api/v1/session", json={"api_key": first.api_key}).json()
        cookie = browser.cookies["trackwell_session"]
    on_first = httpx.Client(base_url=first.url, cookies={"trackwell_session": cookie}, timeout=30)
    on_second = httpx.Client(base_url=second.url, cookies={"trackwell_session": cookie}, timeout=30)
    with on_first, on_second:
        assert on_second.get("/api/v1/session").status_code == 200  # one session, either process
        out = on_second.delete("/api/v1/session", headers={"X-CSRF-Token": info["csrf_token"]})
        assert out.status_code == 204
        assert on_first.get("/api/v1/session").status_code == 401
        assert on_second.get("/api/v1/session").status_code == 401
        assert on_first.get("/api/v1/projects").status_code == 401
