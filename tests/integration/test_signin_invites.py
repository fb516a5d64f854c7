"""Accepting a team invite on a real server: without an account it makes one (password policy first,
so a refused password does not spend the link) and signs it in; signed in, the user joins; a link
works once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.server_db import server_database
from trackwell.store.sql.database import SqlDatabase

PASSWORD = "a long enough passphrase"


@pytest.fixture
def db(live_server: LiveServer) -> Iterator[SqlDatabase]:
    with server_database(live_server) as database:
        yield database


def _invite(server: LiveServer, team: str, role: str, email: str | None = None) -> str:
    admin = httpx.Client(base_url=server.url, headers=server.headers, timeout=30)
    with admin:
        if admin.get(f"/api/v1/teams/{team}").status_code == 404:
            admin.post("/api/v1/teams", json={"name": team}).raise_for_status()
        made = admin.post(f"/api/v1/teams/{team}/invites", json={"email": email, "role": role})
        made.raise_for_status()
        return str(made.json()["token"])


def _roles(db: SqlDatabase, username: str) -> dict[str, str]:
    with db.read() as conn:
        user = db.users.get_user(conn, username)
        assert user is not None
        return dict(db.users.roles_of(conn, user.id))


def test_a_new_person_makes_an_account_and_joins(live_server: LiveServer, db: SqlDatabase) -> None:
    token = _invite(live_server, "vision", "member", email="Dana.Scully@example.test")
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        weak = browser.post("/api/v1/invites/accept", json={"token": token, "password": "short"})
        assert weak.status_code == 400 and weak.json()["error"]["field"] == "password"
        joined = browser.post("/api/v1/invites/accept", json={"token": token, "password": PASSWORD})
        assert joined.status_code == 200, joined.text  # the refused password did not spend the link
        assert joined.json()["username"] == "Dana.Scully"  # from the invite's email
        assert browser.get("/api/v1/session").json()["username"] == "Dana.Scully"
    assert _roles(db, "Dana.Scully")["vision"] == "member"
    with db.read() as conn:
        made = db.users.get_user(conn, "Dana.Scully")
        assert made is not None and made.email == "dana.scully@example.test"
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        replay = browser.post("/api/v1/invites/accept", json={"token": token, "password": PASSWORD})
        assert replay.status_code == 400 and "used already" in replay.json()["error"]["message"]
        assert browser.post(
            "/api/v1/session", json={"username": "Dana.Scully", "password": PASSWORD}
        ).is_success


def test_a_chosen_username_must_be_free_and_valid(live_server: LiveServer) -> None:
    token = _invite(live_server, "vision", "viewer")
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        taken = browser.post(
            "/api/v1/invites/accept", json={"token": token, "username": "vision", "password": PASSWORD}
        )
        assert taken.status_code == 409 and taken.json()["error"]["field"] == "username"
        bad = browser.post(
            "/api/v1/invites/accept", json={"token": token, "username": "a/b", "password": PASSWORD}
        )
        assert bad.status_code == 400 and bad.json()["error"]["field"] == "username"
        ok = browser.post(
            "/api/v1/invites/accept", json={"token": token, "username": "fox", "password": PASSWORD}
        )
        assert ok.status_code == 200 and ok.json()["username"] == "fox"


def test_a_signed_in_user_joins_with_their_account(live_server: LiveServer, db: SqlDatabase) -> None:
    token = _invite(live_server, "audio", "admin")
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        me = browser.post("/api/v1/session", json={"api_key": live_server.api_key}).json()
        no_csrf = browser.post("/api/v1/invites/accept", json={"token": token})
        assert no_csrf.status_code == 403
        joined = browser.post(
            "/api/v1/invites/accept", json={"token": token}, headers={"X-CSRF-Token": me["csrf_token"]}
        )
        assert joined.status_code == 200 and joined.json()["username"] == me["username"]
    assert _roles(db, me["username"])["audio"] == "admin"


def test_a_changed_token_is_refused(live_server: LiveServer) -> None:
    token = _invite(live_server, "vision", "member")
    body, _, mac = token.partition(".")
    forged = body[:-2] + ("AA" if not body.endswith("AA") else "BB") + "." + mac
    answer = httpx.post(
        f"{live_server.url}/api/v1/invites/accept", json={"token": forged, "password": PASSWORD}
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "token"


def _signed_in(server: LiveServer, username: str, db: SqlDatabase, email: str) -> tuple[httpx.Client, str]:
    """A browser signed in as a new non-admin user with ``email`` (made through the admin routes)."""
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=30) as admin:
        admin.post("/api/v1/users", json={"email": email, "username": username}).raise_for_status()
        key = admin.post(f"/api/v1/users/{username}/keys", json={"description": "t"}).json()["key"]
    browser = httpx.Client(base_url=server.url, timeout=30)
    csrf = browser.post("/api/v1/session", json={"api_key": key}).json()["csrf_token"]
    return browser, csrf


def test_an_invite_for_an_email_is_refused_to_another_account_and_stays_unspent(
    live_server: LiveServer, db: SqlDatabase
) -> None:
    token = _invite(live_server, "nlp", "member", email="gus@example.test")
    browser, csrf = _signed_in(live_server, "hal", db, "hal@example.test")
    with closing(browser):
        refused = browser.post(
            "/api/v1/invites/accept", json={"token": token}, headers={"X-CSRF-Token": csrf}
        )
        assert refused.status_code == 403 and "gus@example.test" in refused.json()["error"]["message"]
    assert "nlp" not in _roles(db, "hal")
    gus, gus_csrf = _signed_in(live_server, "gus", db, "Gus@Example.test")
    with closing(gus):
        joined = gus.post("/api/v1/invites/accept", json={"token": token}, headers={"X-CSRF-Token": gus_csrf})
        assert joined.status_code == 200, joined.text  # the refusal did not spend the link
    assert _roles(db, "gus")["nlp"] == "member"


def test_an_invite_never_lowers_a_role_and_applies_at_once(live_server: LiveServer, db: SqlDatabase) -> None:
    browser, csrf = _signed_in(live_server, "ivy", db, "ivy@example.test")
    with closing(browser):
        member = _invite(live_server, "robotics", "member")
        assert browser.get("/api/v1/teams/robotics").status_code == 404  # not a member yet (roles now cached)
        joined = browser.post(
            "/api/v1/invites/accept", json={"token": member}, headers={"X-CSRF-Token": csrf}
        )
        assert joined.is_success, joined.text
        csrf = joined.json()["csrf_token"]  # accepting starts a fresh session
        # at once: the new member reads the team's page in the same process, no cache period
        assert browser.get("/api/v1/teams/robotics").status_code == 200
        viewer = _invite(live_server, "robotics", "viewer")
        again = browser.post("/api/v1/invites/accept", json={"token": viewer}, headers={"X-CSRF-Token": csrf})
        assert again.is_success, again.text
    assert _roles(db, "ivy")["robotics"] == "member"
