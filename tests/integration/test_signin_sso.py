"""Single sign-on against a real OpenID Connect provider (panva's oidc-provider on loopback) and a real
server process: the whole authorization-code flow with PKCE over HTTP, accounts made on first
sign-in, groups mapped to team roles, and the answers to a forged state, a replayed callback, a
wrong nonce and a tampered ID token."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.oidc import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    callback_url,
    free_port,
    oidc_provider,
)
from tests.fixtures.server_db import server_database
from trackwell.schema.errors import Unauthorized
from trackwell.service.oidc import OidcClient
from trackwell.service.oidc_config import OidcConfig
from trackwell.service.ui_session import SessionService
from trackwell.store.sql.database import SqlDatabase, open_database

ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice-sub": {"preferred_username": "alice", "email": "alice@example.test", "email_verified": True,
                  "name": "Alice Liddell", "groups": ["ml-admins", "ml-staff"]},
    "bob-sub": {"email": "bob.builder@example.test", "email_verified": True, "groups": ["ml-staff"]},
    # Claims another's name and (unverified) email: must get neither the account nor the email.
    "mallory-sub": {"preferred_username": "alice", "email": "alice@example.test", "email_verified": False},
    "carol-sub": {"email": "carol@example.test", "email_verified": True},
}  # fmt: skip


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Provider, LiveServer]]:
    port = free_port()
    callback = f"http://127.0.0.1:{port}/api/v1/auth/oidc/callback"
    workdir = tmp_path_factory.mktemp("sso")
    with oidc_provider([callback], ACCOUNTS, workdir) as provider:
        env = provider.env(TRACKWELL_OIDC_GROUPS_CLAIM="groups",
                           TRACKWELL_OIDC_TEAM_MAP="ml-admins=ml:admin,ml-staff=ml:member")  # fmt: skip
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)  # the server process inherits them (the CLI reads TRACKWELL_OIDC_*)
        try:
            server = LiveServer(workdir / "server", port=port).start()
        finally:
            for k, v in saved.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
        try:
            yield provider, server
        finally:
            server.stop()


@pytest.fixture
def db(sso: tuple[Provider, LiveServer]) -> Iterator[SqlDatabase]:
    with server_database(sso[1]) as database:
        yield database


_open: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def _browser(server: LiveServer) -> httpx.Client:
    """A browser: its own cookie jar (closed after the test)."""
    _open.append(httpx.Client(base_url=server.url, timeout=30))
    return _open[-1]


def _sign_in(server: LiveServer, login: str, next_path: str = "/") -> tuple[httpx.Client, httpx.Response]:
    browser = _browser(server)
    url = callback_url(browser, f"{server.url}/api/v1/auth/oidc/login?next={next_path}", login, server.url)
    return browser, browser.get(url)


def test_sign_in_page_offers_the_provider(sso: tuple[Provider, LiveServer]) -> None:
    methods = httpx.get(f"{sso[1].url}/api/v1/auth/methods").json()
    assert methods == {"api_key": True, "password": True,
                       "oidc": {"name": "Test IdP", "login_url": "/api/v1/auth/oidc/login"}}  # fmt: skip


def test_login_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(
    sso: tuple[Provider, LiveServer],
) -> None:
    provider, server = sso
    response = httpx.get(f"{server.url}/api/v1/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}" == provider.issuer
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert "openid" in query["scope"].split()
    assert CLIENT_SECRET not in response.headers["location"]
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_first_sign_in_makes_the_account_and_maps_groups_to_team_roles(
    sso: tuple[Provider, LiveServer], db: SqlDatabase
) -> None:
    provider, server = sso
    browser, response = _sign_in(server, "alice-sub", "/ml/vision")
    assert response.status_code == 303 and response.headers["location"] == "/ml/vision"
    session = browser.get("/api/v1/session").json()
    assert session["username"] == "alice" and session["is_admin"] is False
    with db.read() as conn:
        alice = db.users.get_user(conn, "alice")
        assert alice is not None
        assert (alice.email, alice.display_name) == ("alice@example.test", "Alice Liddell")
        assert db.users.roles_of(conn, alice.id)["ml"] == "admin"  # highest of her two groups
        events = db.users.audit_events(conn, action="login", limit=5)
    assert any(e.actor == "alice" and e.outcome == "ok" and e.detail == {"method": "sso"} for e in events)

    # The same identity signs in to the same account; the provider's groups change her role.
    provider.set_accounts(ACCOUNTS | {"alice-sub": ACCOUNTS["alice-sub"] | {"groups": ["ml-staff"]}})
    try:
        again, response = _sign_in(server, "alice-sub")
        assert again.get("/api/v1/session").json()["username"] == "alice"
        with db.read() as conn:
            assert db.users.roles_of(conn, alice.id)["ml"] == "member"
        provider.set_accounts(ACCOUNTS | {"alice-sub": ACCOUNTS["alice-sub"] | {"groups": []}})
        _sign_in(server, "alice-sub")
        with db.read() as conn:
            assert "ml" not in db.users.roles_of(conn, alice.id)  # no mapped group: no membership
    finally:
        provider.set_accounts(ACCOUNTS)


def test_username_from_the_email_and_never_someone_elses(
    sso: tuple[Provider, LiveServer], db: SqlDatabase
) -> None:
    server = sso[1]
    _sign_in(server, "alice-sub")
    bob, _ = _sign_in(server, "bob-sub")
    assert bob.get("/api/v1/session").json()["username"] == "bob.builder"  # the email's local part
    mallory, _ = _sign_in(server, "mallory-sub")
    assert mallory.get("/api/v1/session").json()["username"] == "alice-2"
    with db.read() as conn:
        made = db.users.get_user(conn, "alice-2")
        assert made is not None and made.email is None  # alice's email stays hers alone


def test_a_verified_email_links_an_existing_account(
    sso: tuple[Provider, LiveServer], db: SqlDatabase
) -> None:
    server = sso[1]
    with db.begin() as conn:
        db.users.create_user(conn, "carol-local", is_admin=False, now=1.0, email="Carol@example.test")
    browser, _ = _sign_in(server, "carol-sub")
    assert browser.get("/api/v1/session").json()["username"] == "carol-local"


def test_a_forged_state_is_refused(sso: tuple[Provider, LiveServer]) -> None:
    server = sso[1]
    browser = _browser(server)
    url = callback_url(browser, f"{server.url}/api/v1/auth/oidc/login", "alice-sub", server.url)
    forged = url.replace("state=", "state=x")
    response = browser.get(forged)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?error=")
    assert "state" in parse_qs(urlsplit(response.headers["location"]).query)["error"][0]
    assert browser.get("/api/v1/session").status_code == 401


def test_a_callback_from_another_browser_or_a_replay_is_refused(sso: tuple[Provider, LiveServer]) -> None:
    server = sso[1]
    victim = _browser(server)
    url = callback_url(victim, f"{server.url}/api/v1/auth/oidc/login", "alice-sub", server.url)
    attacker = _browser(server)  # no flow cookie: login CSRF is refused
    refused = attacker.get(url)
    assert "no sign-in in progress" in parse_qs(urlsplit(refused.headers["location"]).query)["error"][0]
    cookie = victim.cookies.get("trackwell_oidc")
    assert victim.get(url).headers["location"] == "/"
    replay = _browser(server)
    replay.cookies.set("trackwell_oidc", cookie or "", path="/api/v1/auth/oidc/callback")
    again = replay.get(url)
    assert "already used" in parse_qs(urlsplit(again.headers["location"]).query)["error"][0]


def test_the_provider_refuses_a_wrong_pkce_verifier(sso: tuple[Provider, LiveServer], tmp_path: Path) -> None:
    provider, server = sso
    client, signer, database = _in_process_client(provider, tmp_path)
    try:
        browser = _browser(server)
        start = client.begin(f"{server.url}/api/v1/auth/oidc/callback", "/")
        url = callback_url(browser, start.url, "alice-sub", server.url)
        flow = signer.verify("oidc", start.flow_cookie)
        assert flow is not None
        wrong = signer.sign("oidc", flow | {"v": secrets.token_urlsafe(48)})
        with pytest.raises(Unauthorized, match="refused the code"):
            client.finish(wrong, _query(url), f"{server.url}/api/v1/auth/oidc/callback")
    finally:
        database.close()


def test_a_wrong_nonce_is_refused(sso: tuple[Provider, LiveServer], tmp_path: Path) -> None:
    provider, server = sso
    client, signer, database = _in_process_client(provider, tmp_path)
    try:
        start = client.begin(f"{server.url}/api/v1/auth/oidc/callback", "/")
        url = callback_url(_browser(server), start.url, "alice-sub", server.url)
        flow = signer.verify("oidc", start.flow_cookie)
        assert flow is not None
        other_nonce = signer.sign("oidc", flow | {"n": "not-the-nonce-sent"})
        with pytest.raises(Unauthorized, match="ID token is not valid.*nonce"):
            client.finish(other_nonce, _query(url), f"{server.url}/api/v1/auth/oidc/callback")
    finally:
        database.close()


@pytest.mark.parametrize("tamper", ["claims", "signature", "alg_none"])
def test_a_tampered_id_token_is_refused(
    sso: tuple[Provider, LiveServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: str
) -> None:
    provider, server = sso
    client, _, database = _in_process_client(provider, tmp_path)
    real_exchange = client._exchange

    def tampered_exchange(*args: Any) -> dict[str, Any]:
        token = real_exchange(*args)  # the provider's real answer
        header, payload, signature = token["id_token"].split(".")
        if tamper == "claims":
            claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
            claims["sub"] = "bob-sub"  # become someone else, keeping alice's signature
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        elif tamper == "signature":
            signature = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
        else:
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            signature = ""
        return token | {"id_token": f"{header}.{payload}.{signature}"}

    monkeypatch.setattr(client, "_exchange", tampered_exchange)
    try:
        start = client.begin(f"{server.url}/api/v1/auth/oidc/callback", "/")
        url = callback_url(_browser(server), start.url, "alice-sub", server.url)
        with pytest.raises(Unauthorized, match="ID token is not valid"):
            client.finish(start.flow_cookie, _query(url), f"{server.url}/api/v1/auth/oidc/callback")
    finally:
        database.close()


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _in_process_client(provider: Provider, tmp_path: Path) -> tuple[OidcClient, SessionService, SqlDatabase]:
    """The server's own OIDC client in this process, so a test can hold its flow cookie's secret."""
    from trackwell.service.auth import AuthService

    database = open_database(f"sqlite:///{tmp_path / 'inproc.db'}")
    signer = SessionService(database, AuthService(database), secrets.token_bytes(32))
    config = OidcConfig(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        scopes="openid email profile groups")  # fmt: skip
    return OidcClient(config, signer, database), signer, database
