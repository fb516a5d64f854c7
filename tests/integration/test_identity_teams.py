"""Teams over HTTP on a real server (loopback; SQLite and PostgreSQL): creating them, roles (who
may change them, a team keeps an admin), service accounts whose keys log to the team, invite links
that work once, the audit log (server admins, paged) and storage per project."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.artifacts import body, collection_url, database_url, make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.identity import API
from tests.fixtures.identity import error_of as _error
from tests.fixtures.identity import unique_name as _name
from tests.fixtures.live_server import LiveServer
from trackwell.schema.errors import InvalidArgument
from trackwell.service.audit import AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.identity_invites import Invites
from trackwell.service.ui_session import SessionService, load_or_create_secret
from trackwell.store.sql.database import open_database


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server, once on SQLite and once on PostgreSQL."""
    with server_on_backend(request, tmp_path_factory.mktemp(f"identity-{request.param}") / "data") as live:
        yield live


@pytest.fixture
def team(server: LiveServer) -> tuple[str, dict[str, str], dict[str, str], str]:
    """A team made by an ordinary user (its admin) with a second user as a member."""
    owner, member = _name("owner"), _name("member")
    owner_headers = make_user(server, owner, admin=False)
    member_headers = make_user(server, member, admin=False)
    name = _name("team")
    with server.client() as client:
        made = client.post(f"{API}/teams", json={"name": name}, headers=owner_headers)
        assert made.status_code == 201, made.text
        assert made.json() == {"name": name, "role": "admin", "members_count": 1}
        added = client.put(
            f"{API}/teams/{name}/members/{member}", json={"role": "member"}, headers=owner_headers
        )
        assert added.status_code == 200, added.text
    return name, owner_headers, member_headers, member


def test_members_see_their_team_and_outsiders_do_not(
    server: LiveServer, team: tuple[str, dict[str, str], dict[str, str], str]
) -> None:
    name, owner_headers, member_headers, member = team
    outsider = make_user(server, _name("outsider"), admin=False)
    with server.client() as client:
        detail = client.get(f"{API}/teams/{name}", headers=member_headers).json()
        assert [(m["role"], m["kind"]) for m in detail["members"]] == [
            ("member", "user"),
            ("admin", "user"),
        ] or [(m["role"], m["kind"]) for m in detail["members"]] == [("admin", "user"), ("member", "user")]
        listed = client.get(f"{API}/teams", headers=member_headers).json()
        assert {"name": name, "role": "member", "members_count": 2} in listed
        _error(client.get(f"{API}/teams/{name}", headers=outsider), 404)
        assert name not in {t["name"] for t in client.get(f"{API}/teams", headers=outsider).json()}
        viewer = client.get(f"{API}/viewer", headers=member_headers).json()
        assert {"name": name, "role": "member"} in viewer["teams"]


def test_only_team_admins_change_roles_and_a_team_keeps_an_admin(
    server: LiveServer, team: tuple[str, dict[str, str], dict[str, str], str], api: httpx.Client
) -> None:
    name, owner_headers, member_headers, member = team
    owner = httpx.get(f"{server.url}{API}/viewer", headers=owner_headers).json()["username"]
    with server.client() as client:
        error = _error(
            client.put(
                f"{API}/teams/{name}/members/{member}", json={"role": "admin"}, headers=member_headers
            ),
            403,
        )
        assert "admin" in error["message"]
        _error(client.delete(f"{API}/teams/{name}/members/{owner}", headers=member_headers), 403)
        last = _error(
            client.put(f"{API}/teams/{name}/members/{owner}", json={"role": "member"}, headers=owner_headers),
            409,
        )
        assert "last admin" in last["message"]
        _error(client.delete(f"{API}/teams/{name}/members/{owner}", headers=owner_headers), 409)
        _error(
            client.put(f"{API}/teams/{name}/members/{member}", json={"role": "owner"}, headers=owner_headers),
            400,
        )
        _error(
            client.put(
                f"{API}/teams/{name}/members/nobody-{uuid.uuid4().hex[:4]}",
                json={"role": "viewer"},
                headers=owner_headers,
            ),
            404,
        )
        promoted = client.put(
            f"{API}/teams/{name}/members/{member}", json={"role": "admin"}, headers=owner_headers
        )
        assert promoted.json()["role"] == "admin"
        # Two admins now: the first may step down, and then leave on their own.
        assert (
            client.put(
                f"{API}/teams/{name}/members/{owner}", json={"role": "viewer"}, headers=owner_headers
            ).status_code
            == 200
        )
        assert client.delete(f"{API}/teams/{name}/members/{owner}", headers=owner_headers).status_code == 204
        _error(client.get(f"{API}/teams/{name}", headers=owner_headers), 404)
    changes = api.get(f"{API}/admin/audit", params={"action": "role.change", "limit": 1000}).json()
    mine = [e for e in changes if e["target"] == f"team:{name}"]
    assert [e["detail"]["role"] for e in mine][:3] == [None, "viewer", "admin"]  # newest first


@pytest.mark.parametrize("bad", ["../etc", "a/b", "x" * 129, "tab\there", "", " ", "..", "a%2fb", "what?"])
def test_bad_team_names_are_a_clear_400(api: httpx.Client, bad: str) -> None:
    error = _error(api.post(f"{API}/teams", json={"name": bad}), 400)
    assert "name" in (error.get("field") or "") + error["message"]


def test_team_names_are_unique_and_a_personal_entity_is_no_team(
    server: LiveServer, api: httpx.Client
) -> None:
    name = _name("dup")
    api.post(f"{API}/teams", json={"name": name}).raise_for_status()
    _error(api.post(f"{API}/teams", json={"name": name}), 409)
    person = _name("person")
    make_user(server, person, admin=False)
    _error(api.post(f"{API}/teams", json={"name": person}), 409)
    _error(api.get(f"{API}/teams/{person}"), 404)


def test_creating_a_team_adopts_an_entity_that_only_runs_made(api: httpx.Client) -> None:
    name = _name("logged-first")
    api.put(f"{API}/runs/{name}/p/r1", json={"session_id": "s"}).raise_for_status()  # the zero-setup way
    made = api.post(f"{API}/teams", json={"name": name})
    assert made.status_code == 201, made.text
    assert [m["role"] for m in api.get(f"{API}/teams/{name}").json()["members"]] == ["admin"]
    assert api.get(f"{API}/runs/{name}/p/r1").status_code == 200  # its runs are still there


def test_a_service_account_cannot_become_a_server_admin(
    server: LiveServer, team: tuple[str, dict[str, str], dict[str, str], str], api: httpx.Client
) -> None:
    name, owner_headers, _, _ = team
    bot = httpx.post(
        f"{server.url}{API}/teams/{name}/service-accounts", json={"description": "ci"}, headers=owner_headers
    ).json()["username"]
    assert _error(api.patch(f"{API}/users/{bot}", json={"admin": True}), 409)["field"] == "admin"
    assert api.get(f"{API}/users/{bot}").json()["is_admin"] is False


def test_a_server_admin_makes_a_team_for_someone_else(server: LiveServer, api: httpx.Client) -> None:
    lead = _name("lead")
    lead_headers = make_user(server, lead, admin=False)
    name = _name("made-for")
    made = api.post(f"{API}/teams", json={"name": name, "admin_username": lead})
    assert made.json() == {"name": name, "role": None, "members_count": 1}
    assert {"name": name, "role": "admin", "members_count": 1} in httpx.get(
        f"{server.url}{API}/teams", headers=lead_headers
    ).json()


def test_a_service_account_key_is_shown_once_and_logs_to_the_team(
    server: LiveServer, team: tuple[str, dict[str, str], dict[str, str], str], api: httpx.Client
) -> None:
    name, owner_headers, member_headers, _ = team
    with server.client() as client:
        _error(
            client.post(
                f"{API}/teams/{name}/service-accounts", json={"description": "ci"}, headers=member_headers
            ),
            403,
        )
        made = client.post(
            f"{API}/teams/{name}/service-accounts", json={"description": "ci"}, headers=owner_headers
        )
        assert made.status_code == 201, made.text
        account = made.json()
        bot = {"Authorization": f"Bearer {account['api_key']}"}
        me = client.get(f"{API}/viewer", headers=bot).json()
        assert (me["username"], me["kind"], me["entity"], me["is_admin"]) == (
            account["username"],
            "service",
            name,
            False,
        )
        run = client.put(f"{API}/runs/{name}/ci/r1", json={"session_id": "s"}, headers=bot)
        assert run.status_code in (200, 201), run.text
        members = client.get(f"{API}/teams/{name}", headers=owner_headers).json()["members"]
        assert {"username": account["username"], "kind": "service", "role": "member"}.items() <= next(
            m for m in members if m["username"] == account["username"]
        ).items()
        assert account["api_key"] not in client.get(f"{API}/teams/{name}", headers=owner_headers).text
    audit = api.get(f"{API}/admin/audit", params={"limit": 1000}).text
    assert account["api_key"] not in audit and account["username"] in audit


def test_an_invite_link_works_once_and_only_a_team_admin_makes_one(
    server: LiveServer, team: tuple[str, dict[str, str], dict[str, str], str]
) -> None:
    name, owner_headers, member_headers, _ = team
    with server.client() as client:
        _error(
            client.post(f"{API}/teams/{name}/invites", json={"role": "viewer"}, headers=member_headers), 403
        )
        _error(client.post(f"{API}/teams/{name}/invites", json={"role": "root"}, headers=owner_headers), 400)
        _error(
            client.post(f"{API}/teams/{name}/invites", json={"email": "no at sign"}, headers=owner_headers),
            400,
        )
        made = client.post(
            f"{API}/teams/{name}/invites",
            json={"email": "new@x.org", "role": "viewer"},
            headers=owner_headers,
        )
        assert made.status_code == 201, made.text
    invite = made.json()
    assert invite["url"].startswith(server.url) and invite["url"].endswith("/invite#token=" + invite["token"])
    assert "?" not in invite["url"]  # the token rides in the fragment, which browsers never send
    # Redeemed as POST /invites/accept does, with the server's own secret and database.
    db = open_database(database_url(server))
    try:
        signer = SessionService(db, AuthService(db), load_or_create_secret(server.data_dir))
        invites = Invites(db, signer, AuditLog(db))
        grant = invites.redeem(invite["token"])
        assert (grant.team, grant.role, grant.email) == (name, "viewer", "new@x.org")
        with pytest.raises(InvalidArgument):
            invites.redeem(invite["token"])  # once only
        with pytest.raises(InvalidArgument):
            invites.redeem(invite["token"][:-3] + "AAA")  # a changed token
        for garbage in ("", "no-dot", "é.ü", invite["token"] + "\x00"):
            with pytest.raises(InvalidArgument):
                invites.redeem(garbage)
    finally:
        db.close()


def test_audit_log_is_for_server_admins_and_pages_newest_first(server: LiveServer, api: httpx.Client) -> None:
    for _ in range(3):
        api.post(f"{API}/teams", json={"name": _name("audited")}).raise_for_status()
    first = api.get(f"{API}/admin/audit", params={"limit": 2, "action": "team.create"}).json()
    assert len(first) == 2 and first[0]["id"] > first[1]["id"]
    assert all(
        e["action"] == "team.create" and e["outcome"] == "ok" and e["ip"] == "127.0.0.1" for e in first
    )
    page = api.get(
        f"{API}/admin/audit", params={"limit": 2, "action": "team.create", "before": first[1]["id"]}
    ).json()
    assert page and page[0]["id"] < first[1]["id"]
    _error(api.get(f"{API}/admin/audit", params={"limit": 0}), 400)
    plain = make_user(server, _name("plain"), admin=False)
    _error(httpx.get(f"{server.url}{API}/admin/audit", headers=plain), 403)
    _error(httpx.get(f"{server.url}{API}/admin/storage", headers=plain), 403)


def test_storage_usage_counts_runs_files_artifacts_and_history_per_project(api: httpx.Client) -> None:
    entity = _name("usage")
    run = f"{API}/runs/{entity}/proj/r1"
    api.put(run, json={"session_id": "s"}).raise_for_status()
    rows = [
        {"seq": i, "kind": "history", "step": i, "timestamp": 1.0 + i, "runtime": i, "values": {"x": i}}
        for i in range(5)
    ]
    api.post(run + "/records", json={"session_id": "s", "records": rows}).raise_for_status()
    api.put(f"{API}/runs/{entity}/proj/r2", json={"session_id": "s2"}).raise_for_status()
    api.put(run + "/files/config.yaml", content=b"lr: 0.1\n").raise_for_status()  # 8 bytes
    version = body(api, {"a.bin": b"x" * 100, "b.bin": b"y" * 20})
    made = api.post(collection_url(entity, "proj", "data") + "/versions", json=version)
    assert made.status_code == 200, made.text
    usage = api.get(f"{API}/admin/storage").json()
    mine = next(u for u in usage if u["entity"] == entity)
    assert mine == {
        "entity": entity,
        "project": "proj",
        "runs": 2,
        "files_bytes": 8,
        "artifacts_bytes": 120,
        "history_rows": 5,
    }


def test_with_team_creation_off_only_a_server_admin_creates_teams(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data", extra_args=["--no-team-creation"]).start()
    try:
        plain = make_user(live, "plain", admin=False)
        with live.client() as client:
            error = _error(client.post(f"{API}/teams", json={"name": "mine"}, headers=plain), 403)
            assert "server admin" in error["message"] and error["hint"]
            assert client.post(f"{API}/teams", json={"name": "mine"}).status_code == 201  # the admin
    finally:
        live.stop()
