"""Saved views over HTTP on a real server: shared in the project, changed only by their owner or an
admin, unique names, validation that names the field."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.artifacts import make_user
from tests.fixtures.live_server import LiveServer

URL = "/api/v1/views/team/mnist"
LAYOUT = {
    "version": 1,
    "panels": [
        {"id": "auto:val/acc", "type": "line", "section": "val", "metrics": ["val/acc"], "auto": True},
        {"id": "bar-1", "type": "bar", "section": "Charts", "metric": "val/acc"},
    ],
    "removed": ["train/lr"],
}
STATE = {
    "filter": "lr>0.01",
    "group_by": "c:optimizer",
    "x_axis": "wall",
    "smoothing": "ema:0.6",
    "band": "std",
}


def _client(server: LiveServer, name: str) -> Iterator[httpx.Client]:
    headers = make_user(server, name, admin=False, entity="team")  # members of the team whose views these are
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def carol(server: LiveServer) -> Iterator[httpx.Client]:
    yield from _client(server, "carol")


@pytest.fixture(scope="module")
def dave(server: LiveServer) -> Iterator[httpx.Client]:
    yield from _client(server, "dave")


def test_a_view_is_shared_in_the_project_and_changed_only_by_its_owner_or_an_admin(
    api: httpx.Client, carol: httpx.Client, dave: httpx.Client
) -> None:
    made = carol.post(
        URL, json={"name": "best runs", "description": "lr sweep", "layout": LAYOUT, "state": STATE}
    )
    assert made.status_code == 201, made.text
    view = made.json()
    assert (view["owner"], view["can_edit"], view["state"], view["layout"]["removed"]) == (
        "carol",
        True,
        STATE | dict.fromkeys(("max_runs", "panel_search", "sort", "zoom", "legend", "table")),
        ["train/lr"],
    )
    view_url = f"{URL}/{view['id']}"

    listed = dave.get(URL).json()["views"]
    assert [(v["name"], v["owner"], v["can_edit"], v["description"]) for v in listed] == [
        ("best runs", "carol", False, "lr sweep")
    ]
    opened = dave.get(view_url).json()
    assert (
        opened["layout"]["panels"][1]["metric"] == "val/acc" and opened["state"]["group_by"] == "c:optimizer"
    )

    denied = dave.patch(view_url, json={"name": "dave's now"})
    assert denied.status_code == 403
    assert "only its owner (carol) or an admin" in denied.json()["error"]["message"]
    assert dave.delete(view_url).status_code == 403

    renamed = carol.patch(view_url, json={"name": "best lr", "state": {"filter": "lr>0.1"}})
    assert renamed.status_code == 200, renamed.text
    assert (
        renamed.json()["name"],
        renamed.json()["state"]["filter"],
        renamed.json()["state"]["group_by"],
    ) == (
        "best lr",
        "lr>0.1",
        None,
    )
    assert renamed.json()["updated_at"] >= view["updated_at"]
    assert len(renamed.json()["layout"]["panels"]) == 2  # not given: kept

    assert api.get(view_url).json()["can_edit"] is True  # the local user is an admin
    assert api.delete(view_url).status_code == 204
    gone = dave.get(view_url)
    assert gone.status_code == 404 and gone.json()["error"]["field"] == "view_id"


def test_names_are_unique_per_project(carol: httpx.Client, dave: httpx.Client) -> None:
    assert carol.post(URL, json={"name": "taken"}).status_code == 201
    clash = dave.post(URL, json={"name": " taken "})
    assert clash.status_code == 409
    assert clash.json()["error"]["field"] == "name" and "'taken'" in clash.json()["error"]["message"]
    assert dave.post("/api/v1/views/team/cifar", json={"name": "taken"}).status_code == 201
    other = dave.post(URL, json={"name": "dave's"}).json()
    assert dave.patch(f"{URL}/{other['id']}", json={"name": "taken"}).status_code == 409
    assert dave.get(f"/api/v1/views/team/cifar/{other['id']}").status_code == 404  # another project's


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"name": "x" * 129}, "name"),
        ({"name": "v", "description": "d" * 2001}, "description"),
        ({"name": "v", "state": {"band": "wide"}}, "state.band"),
        ({"name": "v", "state": {"max_runs": 0}}, "state.max_runs"),
        ({"name": "v", "state": {"colour": "red"}}, "state.colour"),
        (
            {"name": "v", "layout": {"version": 1, "panels": [{"id": "p", "type": "pie", "section": "x"}]}},
            "layout.panels",
        ),
    ],
)
def test_bad_views_are_refused_naming_the_field(
    carol: httpx.Client, body: dict[str, object], field: str
) -> None:
    r = carol.post(URL, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["field"] == field


def test_updates_and_ids_are_checked(carol: httpx.Client) -> None:
    view = carol.post(URL, json={"name": "checked"}).json()
    empty = carol.patch(f"{URL}/{view['id']}", json={})
    assert empty.status_code == 400 and "nothing to change" in empty.json()["error"]["message"]
    bad_id = carol.get(f"{URL}/NOT-AN-ID")
    assert bad_id.status_code == 400 and bad_id.json()["error"]["field"] == "view_id"


def test_a_layout_over_the_size_limit_is_refused(carol: httpx.Client) -> None:
    panels = [
        {"id": f"bar-{i}", "type": "bar", "section": "s" * 200, "metric": "m" * 500, "title": "t" * 200}
        for i in range(400)
    ]
    r = carol.post(URL, json={"name": "huge", "layout": {"version": 1, "panels": panels}})
    assert r.status_code == 413 and r.json()["error"]["field"] == "layout"


def test_views_need_credentials(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        assert anonymous.get(URL).status_code == 401
        assert anonymous.post(URL, json={"name": "x"}).status_code == 401
