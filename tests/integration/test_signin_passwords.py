"""Password sign-in on a real server: an admin sets a password (policy errors name the rule), the user
signs in with username or email, changes it, and guessing is slowed per account and per address
(429 with Retry-After), every attempt in the audit log and no password anywhere in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.server_db import server_database
from trackwell.store.sql.database import SqlDatabase

PASSWORD = "correct horse battery staple"


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    return live_server


@pytest.fixture
def db(server: LiveServer) -> Iterator[SqlDatabase]:
    with server_database(server) as database:
        yield database


def _user(server: LiveServer) -> str:
    return str(httpx.get(f"{server.url}/api/v1/viewer", headers=server.headers).json()["username"])


def _set_password(server: LiveServer, username: str, password: str) -> httpx.Response:
    return httpx.put(f"{server.url}/api/v1/users/{username}/password", json={"password": password},
                     headers=server.headers)  # fmt: skip


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/v1/session", json={"username": username, "password": password})


def test_policy_errors_name_the_field_and_the_rule(server: LiveServer) -> None:
    me = _user(server)
    short = _set_password(server, me, "short")
    assert short.status_code == 400
    error = short.json()["error"]
    assert error["field"] == "password" and "at least 12" in error["message"]
    assert "short" not in short.text.replace("too short", "")  # the password itself is not echoed
    named = _set_password(server, me, f"my name is {me} ok")
    assert named.status_code == 400 and "username" in named.json()["error"]["message"]
    assert _set_password(server, me, "aaaaaaaaaaaaaaaa").status_code == 400  # too few different characters


def test_sign_in_with_username_or_email_and_a_wrong_password_says_nothing_more(
    server: LiveServer, db: SqlDatabase
) -> None:
    me = _user(server)
    assert _set_password(server, me, PASSWORD).status_code == 204
    with db.begin() as conn:
        user = db.users.get_user(conn, me)
        assert user is not None
        db.users.update_user(conn, user.id, email="Root.User@Example.test")
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        answer = _sign_in(browser, me, PASSWORD)
        assert answer.status_code == 200 and answer.json()["username"] == me
        assert "trackwell_session" in answer.cookies
        assert browser.get("/api/v1/session").json()["username"] == me
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        assert _sign_in(browser, "root.user@example.test", PASSWORD).json()["username"] == me
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        wrong = _sign_in(browser, me, PASSWORD + "!")
        unknown = _sign_in(browser, "nobody-here", PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
        assert browser.get("/api/v1/session").status_code == 401
    with db.read() as conn:
        events = db.users.audit_events(conn, action="login", limit=20)
        stored = db.users.password_hash(conn, user.id)
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert {(e.outcome, (e.detail or {}).get("method")) for e in events} >= {
        ("ok", "password"),
        ("failed", "password"),
    }
    assert all(PASSWORD not in str(e.detail) for e in events)
    assert PASSWORD not in server.log_tail(500)


def test_change_your_own_password(server: LiveServer) -> None:
    me = _user(server)
    assert _set_password(server, me, PASSWORD).status_code == 204
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        csrf = _sign_in(browser, me, PASSWORD).json()["csrf_token"]
        change = "/api/v1/session/password"
        headers = {"X-CSRF-Token": csrf}
        missing = browser.put(change, json={"new_password": "a brand new passphrase"}, headers=headers)
        assert missing.status_code == 400 and missing.json()["error"]["field"] == "current_password"
        new = "a brand new passphrase"
        wrong = browser.put(change, json={"current_password": "nope", "new_password": new}, headers=headers)
        assert wrong.status_code == 403
        done = browser.put(change, json={"current_password": PASSWORD, "new_password": new}, headers=headers)
        assert done.status_code == 204
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        assert _sign_in(browser, me, PASSWORD).status_code == 401
        assert _sign_in(browser, me, "a brand new passphrase").status_code == 200


def test_guessing_one_account_is_slowed_down(server: LiveServer, db: SqlDatabase) -> None:
    me = _user(server)
    assert _set_password(server, me, PASSWORD).status_code == 204
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        answers = [_sign_in(browser, me.upper() if i % 2 else me, f"guess number {i:04d}") for i in range(10)]
        assert [a.status_code for a in answers] == [401] * 10
        limited = _sign_in(browser, me, PASSWORD)  # even the right password waits
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) == 60
        error = limited.json()["error"]
        assert error["code"] == "too_many_requests" and "for this account" in error["message"]
        # Another account from the same address is not locked out by it.
        assert _sign_in(browser, "someone-else", PASSWORD).status_code == 401
    with db.read() as conn:
        throttled = db.users.audit_events(conn, action="login.throttled", limit=5)
    assert throttled and throttled[0].target == me and throttled[0].outcome == "denied"


def test_guessing_from_one_address_is_slowed_down(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        codes = [
            browser.post("/api/v1/session", json={"api_key": f"tw-{i:040d}"}).status_code for i in range(31)
        ]
    assert codes[:30] == [401] * 30 and codes[30] == 429
    # An API key (not a sign-in) still works from that address: only sign-in attempts are limited.
    assert httpx.get(f"{server.url}/api/v1/viewer", headers=server.headers).status_code == 200


def test_admin_route_needs_a_server_admin(server: LiveServer) -> None:
    anonymous = httpx.put(f"{server.url}/api/v1/users/x/password", json={"password": PASSWORD})
    assert anonymous.status_code == 401
    assert _set_password(server, "no-such-user", PASSWORD).status_code == 404


def test_disabling_an_account_ends_its_sessions_and_refuses_its_password(server: LiveServer) -> None:
    admin = httpx.Client(base_url=server.url, headers=server.headers, timeout=30)
    with admin:
        admin.post("/api/v1/users", json={"email": "eve@example.test"}).raise_for_status()
        assert _set_password(server, "eve", PASSWORD).status_code == 204
        with httpx.Client(base_url=server.url, timeout=30) as browser:
            assert _sign_in(browser, "eve", PASSWORD).status_code == 200
            admin.patch("/api/v1/users/eve", json={"disabled": True}).raise_for_status()
            assert browser.get("/api/v1/session").status_code == 401
            assert _sign_in(browser, "eve", PASSWORD).status_code == 401


def test_password_sign_in_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKWELL_PASSWORD_SIGNIN", "false")
    server = LiveServer(tmp_path / "no-passwords").start()
    try:
        assert httpx.get(f"{server.url}/api/v1/auth/methods").json()["password"] is False
        with httpx.Client(base_url=server.url, timeout=30) as browser:
            refused = _sign_in(browser, "root", PASSWORD)
        assert refused.status_code == 400 and "turned off" in refused.json()["error"]["message"]
    finally:
        server.stop()
