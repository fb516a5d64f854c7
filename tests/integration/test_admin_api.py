"""wandb's admin names (``Api().create_user``, ``User.generate_api_key``, ``Team.invite``, ...) and
``trackwell admin`` against a real server, on SQLite and PostgreSQL: what a script that manages a
W&B server does, end to end, including a member's key logging to the team with ``init()``."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import trackwell
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from tests.integration.test_api_client import seed_run
from trackwell.apis import Api, Team, User
from trackwell.cli.main import main as cli
from trackwell.errors import CommError
from trackwell.schema.errors import Conflict, InvalidArgument, PermissionDenied, Unauthorized
from trackwell.sdk.settings import Settings

WHOLE_KEY = re.compile(r"tw-[A-Za-z0-9]{40}")


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        yield live


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def api_for(server: LiveServer, home: Path, key: str) -> Api:
    """``Api(api_key=...)`` as a script would write it, pointed at the test server."""
    return Api({"base_url": server.url}, api_key=key, settings=Settings.resolve({"HOME": str(home)}))


@pytest.fixture
def admin(server: LiveServer, home: Path) -> Iterator[Api]:
    with api_for(server, home, server.api_key) as api:
        yield api


def test_the_local_user_is_a_server_admin_and_the_viewer_has_wandbs_fields(admin: Api) -> None:
    me = admin.viewer
    assert isinstance(me, User)
    assert me.admin and me.is_admin
    assert me.entity == admin.default_entity
    assert me.teams == []  # the personal entity is not a team


def test_create_user_then_keys_generate_list_and_revoke(admin: Api, server: LiveServer, home: Path) -> None:
    ada = admin.create_user("ada@example.com")
    assert (ada.username, ada.email, ada.admin) == ("ada", "ada@example.com", False)
    assert admin.user("ada@example.com").username == "ada"  # type: ignore[union-attr]
    assert admin.user("ada").email == "ada@example.com"  # type: ignore[union-attr]
    assert admin.user("nobody") is None  # wandb's answer for no match
    with pytest.raises(Conflict):
        admin.create_user("ADA@example.com")  # emails are one account, whatever their case

    key = ada.generate_api_key(description="laptop")
    assert WHOLE_KEY.fullmatch(key)
    with api_for(server, home, key) as as_ada:
        assert as_ada.viewer.username == "ada"
        assert not as_ada.viewer.admin
    assert ada.api_keys == [key[:7]]  # prefixes only: the server keeps the key's hash
    assert [(k.name, k.key_prefix) for k in ada.keys] == [("laptop", key[:7])]

    second = ada.generate_api_key()
    assert ada.delete_api_key(key) is True  # by the whole key, as wandb scripts pass it
    with api_for(server, home, key) as revoked, pytest.raises(Unauthorized):
        _ = revoked.viewer
    assert ada.api_keys == [second[:7]]
    assert ada.delete_api_key(second[:7]) is True  # by the prefix api_keys lists
    assert ada.api_keys == []
    with pytest.raises(ValueError, match="tw-zzzz"):
        ada.delete_api_key("tw-zzzz")


def test_only_a_server_admin_manages_users(admin: Api, server: LiveServer, home: Path) -> None:
    key = admin.create_user("bob@example.com").generate_api_key()
    with api_for(server, home, key) as bob:
        with pytest.raises(PermissionDenied) as denied:
            bob.create_user("eve@example.com", admin=True)
        assert denied.value.hint  # names who can do it
        assert bob.user("bob").username == "bob"  # type: ignore[union-attr]  # yourself: yes
        assert bob.user(admin.viewer.username) is None  # anyone else: not even whether they exist


def test_team_invite_roles_members_and_service_account(admin: Api, server: LiveServer, home: Path) -> None:
    admin.create_user("ada@example.com")
    team = admin.create_team("vision")
    assert isinstance(team, Team)
    assert admin.create_team("vision").name == "vision"  # exists: handed back, as in wandb
    me = admin.viewer.username
    assert {m.username: m.role for m in team.members} == {me: "admin"}

    assert team.invite("ada") is True
    assert {m.username: m.role for m in team.members}["ada"] == "member"
    assert team.invite("ada@example.com", role="viewer") is True  # by email; role changes
    ada = next(m for m in team.members if m.username == "ada")
    assert (ada.role, ada.admin, ada.account_type) == ("viewer", False, "USER")
    assert admin.user("ada").teams == ["vision"]  # type: ignore[union-attr]
    assert admin.user("ada").team_roles == {"vision": "viewer"}  # type: ignore[union-attr]
    with pytest.raises(InvalidArgument, match="disagree"):
        team.invite("ada", admin=True, role="viewer")
    assert team.invite("ghost") is False  # no such user: wandb's False (with a warning)

    assert team.invite("new.person@example.com") is True  # no account yet: an invite link
    assert team.last_invite is not None and team.last_invite["url"].startswith("http")

    assert ada.delete(remove_from_org=True) is True  # wandb's newer signature
    assert "ada" not in {m.username for m in admin.team("vision").members}
    assert admin.user("ada") is not None  # no organisations here: the user stays on the server

    ci = team.create_service_account("CI on main")
    assert ci.account_type == "SERVICE" and WHOLE_KEY.fullmatch(ci.api_key or "")
    with api_for(server, home, ci.api_key or "") as as_ci:
        assert as_ci.viewer.entity == "vision"

    only_admin = next(m for m in admin.team("vision").members if m.username == me)
    with pytest.raises(Conflict):
        only_admin.delete()  # a team keeps an admin


def test_a_members_key_logs_to_the_team_and_an_outsiders_is_refused_at_init(
    admin: Api, server: LiveServer, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = admin.create_team("nlp")
    member_key = admin.create_user("mia@example.com").generate_api_key("training box")
    outsider_key = admin.create_user("oli@example.com").generate_api_key()
    assert team.invite("mia") is True
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_BASE_URL", server.url)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")

    monkeypatch.setenv("TRACKWELL_API_KEY", member_key)
    run = trackwell.init(entity="nlp", project="bert", dir=tmp_path)
    run.log({"loss": 0.5})
    run.finish()
    logged = admin.runs("nlp/bert")
    assert [r.id for r in logged] == [run.id]

    monkeypatch.setenv("TRACKWELL_API_KEY", outsider_key)
    with pytest.raises(CommError) as refused:  # wandb's error for a server's refusal
        trackwell.init(entity="nlp", project="bert", dir=tmp_path)
    assert "not a member of the team 'nlp'" in str(refused.value)
    assert "invite" in str(refused.value)  # and the fix
    trackwell.finish()


def test_the_admin_cli(
    admin: Api,
    server: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRACKWELL_BASE_URL", server.url)
    monkeypatch.setenv("TRACKWELL_API_KEY", server.api_key)

    def run(*argv: str) -> str:
        assert cli(["admin", *argv]) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    assert "created user ada" in run("users", "create", "ada@example.com")
    # A password comes from stdin (or the terminal), never from argv.
    monkeypatch.setattr("sys.stdin", io.StringIO("first long passphrase\n"))
    run("users", "create", "bob@example.com", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("second long passphrase\n"))
    run("users", "set-password", "bob")
    for password, status in (("first long passphrase", 401), ("second long passphrase", 200)):
        answer = httpx.post(f"{server.url}/api/v1/session", json={"username": "bob", "password": password})
        assert answer.status_code == status
    assert "ada@example.com" in run("users", "ls")
    run("teams", "create", "vision")
    run("teams", "set-role", "vision", "ada", "viewer")
    assert re.search(r"ada\s+ada@example.com\s+viewer", run("teams", "show", "vision"))

    key = run("keys", "create", "ada", "-d", "ci").strip()  # the key alone on stdout
    assert WHOLE_KEY.fullmatch(key)
    assert re.search(rf"{re.escape(key[:7])}\s+ci\s", run("keys", "ls", "ada"))
    run("users", "disable", "ada")
    with api_for(server, tmp_path / "home", key) as disabled, pytest.raises(Unauthorized):
        _ = disabled.viewer
    run("users", "enable", "ada")
    run("keys", "revoke", key[:7], "--user", "ada")
    assert "revoked" in run("keys", "ls", "ada")

    events = run("audit", "--action", "key.create")
    assert "key.create" in events and key not in events and "ada" in events
    assert "role.change" in run("audit")
    seed_run(admin.client, admin.default_entity, "stored", "r1", rows=[{"loss": 1.0}])
    assert re.search(rf"{re.escape(admin.default_entity)}/stored\s+1\s", run("storage"))
