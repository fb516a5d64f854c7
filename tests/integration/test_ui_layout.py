"""Workspace layouts over HTTP on a real server: per user, validated, size-limited, resettable."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from trackwell.service.auth import AuthService
from trackwell.store.sql.database import open_database

URL = "/api/v1/layouts/team/mnist"
LAYOUT = {
    "version": 1,
    "panels": [
        {
            "id": "auto:val/acc",
            "type": "line",
            "section": "val",
            "metrics": ["val/acc"],
            "auto": True,
            "size": {"width": "full", "height": "large"},
        },
        {"id": "bar-1", "type": "bar", "section": "Charts", "metric": "val/acc"},
        {"id": "scatter-1", "type": "scatter", "section": "Charts", "x": "config.lr", "y": "summary.val/acc"},
    ],
    "removed": ["train/lr"],
}


def _second_user_key(server: LiveServer, username: str) -> str:
    """A second account with its own API key, made in the server's database (no API creates users)."""
    db = open_database(f"sqlite:///{server.data_dir / 'trackwell.db'}")
    try:
        with db.begin() as conn:
            user = db.users.create_user(conn, username, is_admin=False, now=1.0)
            # A member of the team whose project's layouts are under test (docs/adr/0003).
            if db.users.get_entity(conn, "team") is None:
                db.users.create_team(conn, "team", now=1.0)
            db.users.set_role(conn, "team", user.id, "member", now=1.0)
        return AuthService(db).create_key(user, "test")
    finally:
        db.close()


@pytest.fixture(scope="module")
def bob(server: LiveServer) -> Iterator[httpx.Client]:
    key = _second_user_key(server, "bob")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as c:
        yield c


def test_a_user_without_a_layout_gets_the_automatic_one(api: httpx.Client) -> None:
    r = api.get("/api/v1/layouts/team/never-touched")
    assert r.status_code == 200
    assert r.json() == {
        "entity": "team",
        "project": "never-touched",
        "saved": False,
        "updated_at": None,
        "layout": {"version": 1, "panels": [], "removed": [], "run_colors": None},
    }


def test_two_users_keep_separate_layouts(api: httpx.Client, bob: httpx.Client) -> None:
    put = api.put(URL, json=LAYOUT)
    assert put.status_code == 200, put.text
    mine = api.get(URL).json()
    assert mine["saved"] is True
    assert [p["id"] for p in mine["layout"]["panels"]] == ["auto:val/acc", "bar-1", "scatter-1"]
    assert mine["layout"]["panels"][0]["size"] == {"width": "full", "height": "large"}
    assert mine["layout"]["removed"] == ["train/lr"]
    theirs = bob.get(URL).json()
    assert theirs["saved"] is False
    assert theirs["layout"]["panels"] == []
    assert bob.put(URL, json={"version": 1, "panels": [LAYOUT["panels"][1]]}).status_code == 200
    assert [p["id"] for p in bob.get(URL).json()["layout"]["panels"]] == ["bar-1"]
    assert len(api.get(URL).json()["layout"]["panels"]) == 3


def test_reset_returns_to_the_automatic_layout(api: httpx.Client) -> None:
    assert api.put("/api/v1/layouts/team/resetme", json=LAYOUT).status_code == 200
    assert api.delete("/api/v1/layouts/team/resetme").status_code == 204
    assert api.get("/api/v1/layouts/team/resetme").json()["saved"] is False


def test_an_unknown_panel_type_is_refused_naming_the_types(api: httpx.Client) -> None:
    r = api.put(URL, json={"version": 1, "panels": [{"id": "p", "type": "pie", "section": "x"}]})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"] == "panels"
    assert "'pie'" in error["message"] and "line, bar, scatter" in error["message"]


def test_bad_documents_are_refused_naming_the_field(api: httpx.Client) -> None:
    r = api.put(URL, json={"version": 2, "panels": []})
    assert r.status_code == 400 and r.json()["error"]["field"] == "version"
    bad_size = {**LAYOUT["panels"][1], "size": {"width": "quarter"}}  # type: ignore[dict-item]
    r = api.put(URL, json={"version": 1, "panels": [bad_size]})
    assert r.status_code == 400 and r.json()["error"]["field"].startswith("panels.0.bar.size.width")
    twice = [LAYOUT["panels"][1], LAYOUT["panels"][1]]
    r = api.put(URL, json={"version": 1, "panels": twice})
    assert r.status_code == 400 and "appears twice" in r.json()["error"]["message"]


def test_a_layout_over_the_size_limit_is_refused(api: httpx.Client) -> None:
    panels = [
        {"id": f"bar-{i}", "type": "bar", "section": "s" * 200, "metric": "m" * 500, "title": "t" * 200}
        for i in range(400)
    ]
    r = api.put(URL, json={"version": 1, "panels": panels})
    assert r.status_code == 413
    assert "limit of 262144 bytes" in r.json()["error"]["message"]


def test_layouts_need_credentials(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        assert anonymous.get(URL).status_code == 401
        assert anonymous.put(URL, json=LAYOUT).status_code == 401
