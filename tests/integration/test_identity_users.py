"""Users, keys and the viewer over HTTP on a real server (loopback; SQLite and PostgreSQL): what a
server admin and an ordinary user may do, clear 4xx for bad input, and keys that appear only when
made."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.identity import API
from tests.fixtures.identity import error_of as _error
from tests.fixtures.identity import unique_name as _name
from tests.fixtures.live_server import LiveServer


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server, once on SQLite and once on PostgreSQL."""
    with server_on_backend(request, tmp_path_factory.mktemp(f"identity-{request.param}") / "data") as live:
        yield live


def test_viewer_names_the_caller_their_entity_and_teams(server: LiveServer, api: httpx.Client) -> None:
    me = api.get(f"{API}/viewer").json()
    assert me["is_admin"] is True and me["kind"] == "user" and me["entity"] == me["username"]
    team = _name("vision")
    api.post(f"{API}/teams", json={"name": team}).raise_for_status()
    teams = api.get(f"{API}/viewer").json()["teams"]
    assert {"name": team, "role": "admin"} in teams


def test_admin_creates_reads_updates_and_deletes_a_user(api: httpx.Client) -> None:
    local = _name("ada")
    created = api.post(f"{API}/users", json={"email": f"{local}@Example.org"})
    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["username"], user["email"], user["is_admin"], user["disabled"]) == (
        local,
        f"{local}@example.org",
        False,
        False,
    )
    # The username defaults to the email's local part, made unique.
    again = api.post(f"{API}/users", json={"email": f"{local}@other.org"}).json()
    assert again["username"] == f"{local}-2"
    assert api.get(f"{API}/users/{local}@EXAMPLE.org").json()["username"] == local
    assert local in {u["username"] for u in api.get(f"{API}/users").json()}
    changed = api.patch(f"{API}/users/{local}", json={"display_name": "Ada L.", "admin": True}).json()
    assert (changed["display_name"], changed["is_admin"]) == ("Ada L.", True)
    assert api.delete(f"{API}/users/{local}").status_code == 204
    _error(api.get(f"{API}/users/{local}"), 404)
    _error(api.post(f"{API}/users", json={"email": f"{local}@other.org"}), 409)


def test_a_non_admin_cannot_manage_users_and_sees_only_themselves(
    server: LiveServer, api: httpx.Client
) -> None:
    bob = _name("bob")
    headers = make_user(server, bob, admin=False)
    with server.client() as client:
        error = _error(client.post(f"{API}/users", json={"email": "x@y.org"}, headers=headers), 403)
        assert "server admin" in error["message"]
        _error(client.get(f"{API}/users", headers=headers), 403)
        _error(client.patch(f"{API}/users/{bob}", json={"admin": True}, headers=headers), 403)
        _error(client.delete(f"{API}/users/{bob}", headers=headers), 403)
        assert client.get(f"{API}/users/{bob}", headers=headers).json()["username"] == bob
        admin_name = api.get(f"{API}/viewer").json()["username"]
        _error(client.get(f"{API}/users/{admin_name}", headers=headers), 404)  # names do not leak
    denied = api.get(f"{API}/admin/audit", params={"action": "access.denied"}).json()
    assert any(e["actor"] == bob and e["outcome"] == "denied" for e in denied)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a b@x.org"}, "email"),
        ({"email": "a\x00b@x.org"}, "email"),
        ({"email": "x" * 400 + "@x.org"}, "email"),
        ({"email": "a@x.org", "username": "../etc/passwd"}, "username"),
        ({"email": "a@x.org", "username": "ünïcode"}, "username"),
        ({"email": "a@x.org", "username": "a" * 65}, "username"),
        ({"email": "a@x.org", "username": "a/b"}, "username"),
        ({"email": "a@x.org", "username": ".."}, "username"),
        ({"email": "a@x.org", "admin": "yes please"}, "admin"),
    ],
)
def test_bad_user_input_is_a_clear_400_naming_the_field(
    api: httpx.Client, body: dict[str, object], field: str
) -> None:
    error = _error(api.post(f"{API}/users", json=body), 400)
    assert field in (error.get("field") or "") + error["message"]
    assert "a@x.org" not in {u["email"] for u in api.get(f"{API}/users").json()}  # nothing changed


def test_keys_are_shown_once_listed_by_prefix_and_revoked(server: LiveServer, api: httpx.Client) -> None:
    carol = _name("carol")
    headers = make_user(server, carol, admin=False)
    with server.client() as client:
        made = client.post(f"{API}/users/{carol}/keys", json={"description": "laptop"}, headers=headers)
        assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
        key = made.json()
        assert key["key"].startswith("tw-") and len(key["key"]) == 43
        assert key["key_prefix"] == key["key"][:7] and key["name"] == "laptop"
        new_headers = {"Authorization": f"Bearer {key['key']}"}
        assert client.get(f"{API}/viewer", headers=new_headers).json()["username"] == carol
        listed = client.get(f"{API}/users/{carol}/keys", headers=headers)
        assert key["key"] not in listed.text
        entry = next(k for k in listed.json() if k["id"] == key["id"])
        assert (entry["key_prefix"], entry["revoked_at"]) == (key["key_prefix"], None)
        assert entry["last_used_at"] is not None
        # Someone else's key: not found, whoever asks by id or by value.
        dave_headers = make_user(server, _name("dave"), admin=False)
        _error(client.delete(f"{API}/keys/{key['id']}", headers=dave_headers), 404)
        _error(client.post(f"{API}/keys/revoke", json={"key": key["key"]}, headers=dave_headers), 404)
        _error(client.get(f"{API}/users/{carol}/keys", headers=dave_headers), 404)
        _error(client.post(f"{API}/users/{carol}/keys", json={}, headers=dave_headers), 404)
        assert client.post(f"{API}/keys/revoke", json={"key": key["key"]}, headers=headers).status_code == 204
        _error(client.get(f"{API}/viewer", headers=new_headers), 401)  # at once, in this process
        second = client.post(f"{API}/users/{carol}/keys", json={}, headers=headers).json()
        assert api.delete(f"{API}/keys/{second['id']}").status_code == 204  # a server admin may
        revoked = {
            k["id"]: k["revoked_at"] for k in client.get(f"{API}/users/{carol}/keys", headers=headers).json()
        }
        assert revoked[key["id"]] is not None and revoked[second["id"]] is not None
    audit = api.get(f"{API}/admin/audit", params={"limit": 1000}).text
    assert key["key"] not in audit and second["key"] not in audit
    assert key["key_prefix"] in audit
    # Nowhere else either: not in any other answer about the user, nor in the server's log.
    for path in ("/viewer", "/users", f"/users/{carol}", f"/users/{carol}/keys", "/teams"):
        assert key["key"] not in api.get(API + path).text, path
    assert key["key"] not in server.log_tail(100_000) and second["key"] not in server.log_tail(100_000)


def test_a_disabled_users_keys_stop_and_work_again_when_enabled(
    server: LiveServer, api: httpx.Client
) -> None:
    erin = _name("erin")
    headers = make_user(server, erin, admin=False)
    with server.client() as client:
        assert client.get(f"{API}/viewer", headers=headers).status_code == 200
        api.patch(f"{API}/users/{erin}", json={"disabled": True}).raise_for_status()
        _error(client.get(f"{API}/viewer", headers=headers), 401)
        api.patch(f"{API}/users/{erin}", json={"disabled": False}).raise_for_status()
        assert client.get(f"{API}/viewer", headers=headers).status_code == 200


def test_an_admin_cannot_lock_themselves_out(api: httpx.Client) -> None:
    me = api.get(f"{API}/viewer").json()["username"]
    assert _error(api.patch(f"{API}/users/{me}", json={"disabled": True}), 409)["field"] == "disabled"
    assert _error(api.patch(f"{API}/users/{me}", json={"admin": False}), 409)["field"] == "admin"
    _error(api.delete(f"{API}/users/{me}"), 409)


def test_display_names_take_any_script_but_no_control_characters(api: httpx.Client) -> None:
    name = _name("uni")
    api.post(f"{API}/users", json={"email": f"{name}@x.org"}).raise_for_status()
    changed = api.patch(f"{API}/users/{name}", json={"display_name": "Ada 模型 über 🚀"})
    assert changed.json()["display_name"] == "Ada 模型 über 🚀"
    for bad in ("tab\tname", "nul\x00", "x" * 257, " "):
        assert _error(api.patch(f"{API}/users/{name}", json={"display_name": bad}), 400)
    assert api.get(f"{API}/users/{name}").json()["display_name"] == "Ada 模型 über 🚀"


def test_bad_paths_and_key_bodies_are_clear_4xx(server: LiveServer, api: httpx.Client) -> None:
    name = _name("paths")
    headers = make_user(server, name, admin=False)
    with server.client() as client:
        too_long = client.post(f"{API}/users/{name}/keys", json={"description": "d" * 129}, headers=headers)
        assert _error(too_long, 400)["field"] in ("description", "body.description")
        assert (
            client.post(
                f"{API}/users/{name}/keys", json={"description": "笔记本 💻"}, headers=headers
            ).json()["name"]
            == "笔记本 💻"
        )
    # Traversal and odd names in the path never reach anything but "not found" or a 400.
    for path in (
        "/users/..%2F..%2Fetc%2Fpasswd",
        "/users/%00",
        "/users/" + "a" * 400,
        "/keys/0",
        "/keys/-1",
        "/keys/abc",
    ):
        response = api.get(API + path) if path.startswith("/users") else api.delete(API + path)
        assert response.status_code in (400, 404, 405), (path, response.status_code, response.text)
    for bad_team in ("..%2F..%2Fetc", "%2E%2E", "a%3Ab"):
        assert api.get(f"{API}/teams/{bad_team}").status_code in (400, 404)
    _error(api.post(f"{API}/keys/revoke", json={"key": ""}), 400)
    _error(api.post(f"{API}/keys/revoke", json={"key": "tw-\x00"}), 404)
    _error(api.post(f"{API}/teams", json={"name": _name("t"), "admin_username": "nul\x00"}), 400)
    _error(api.post(f"{API}/users/{name}/keys", json={"description": "line\nbreak"}), 400)
    _error(api.get(f"{API}/admin/audit", params={"action": "x\x00"}), 400)
    _error(api.post(f"{API}/keys/revoke", json={"key": "tw-" + "x" * 40}), 404)


def test_a_user_made_with_a_password_signs_in_with_it(server: LiveServer, api: httpx.Client) -> None:
    name = _name("pw")
    weak = api.post(f"{API}/users", json={"email": f"{name}@x.org", "password": "short"})
    assert _error(weak, 400)["field"] == "password"
    assert _error(api.get(f"{API}/users/{name}"), 404)  # nothing was made
    password = "correct horse battery staple"
    made = api.post(f"{API}/users", json={"email": f"{name}@x.org", "password": password})
    assert made.status_code == 201, made.text
    with httpx.Client(base_url=server.url) as browser:
        signed_in = browser.post(f"{API}/session", json={"username": name, "password": password})
        assert signed_in.status_code == 200, signed_in.text
    audit = api.get(f"{API}/admin/audit", params={"action": "user.create", "limit": 1000}).text
    assert password not in audit and "short" not in audit
