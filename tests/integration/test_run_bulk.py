"""Archived runs and bulk changes (issue 16) on a live server over SQLite and PostgreSQL: who may
archive which runs, what archived runs leave (lists, counts, grouped charts, ``Api().runs()``) and
keep (the run, its history), and a bulk move that takes a run's history to its new project.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.apis import Api
from trackwell.sdk.settings import Settings
from trackwell.store.base import Role

TEAM = "lab"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"bulk-{request.param}") / "data") as live:
        yield live


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    roles: dict[str, Role] = {"mia": "member", "max": "member", "ann": "admin", "vic": "viewer"}
    clients = {
        who: httpx.Client(
            base_url=server.url,
            headers=make_user(server, who, admin=False, role=role, entity=TEAM),
            timeout=30,
        )
        for who, role in roles.items()
    }
    yield clients
    for client in clients.values():
        client.close()


def _project() -> str:
    return "p-" + uuid.uuid4().hex[:8]


def _log(client: httpx.Client, project: str, run_id: str, loss: float, optimizer: str = "adam") -> None:
    url = f"/api/v1/runs/{TEAM}/{project}/{run_id}"
    body = {"session_id": "s-" + run_id, "config": {"optimizer": optimizer}}
    client.put(url, json=body).raise_for_status()
    record = {
        "kind": "history",
        "seq": 0,
        "step": 0,
        "timestamp": 1000.0,
        "runtime": 0,
        "values": {"loss": loss},
    }
    client.post(url + "/records", json={"session_id": "s-" + run_id, "records": [record]}).raise_for_status()
    client.patch(url, json={"summary": {"loss": loss}}).raise_for_status()


def _bulk(client: httpx.Client, project: str, action: str, ids: list[str], **more: object) -> httpx.Response:
    return client.post(f"/api/v1/runs/{TEAM}/{project}/bulk", json={"run_ids": ids, "action": action, **more})


def _listed(client: httpx.Client, project: str, filters: object = None) -> list[str]:
    params = {} if filters is None else {"filters": json.dumps(filters)}
    answer = client.get(f"/api/v1/runs/{TEAM}/{project}", params=params)
    answer.raise_for_status()
    return sorted(r["id"] for r in answer.json()["runs"])


def test_a_member_archives_their_own_run_but_not_another_members(people: dict[str, httpx.Client]) -> None:
    mia, max_, ann, vic = people["mia"], people["max"], people["ann"], people["vic"]
    project = _project()
    _log(mia, project, "mia-1", 1.0)
    _log(max_, project, "max-1", 2.0)
    refused = _bulk(mia, project, "archive", ["mia-1", "max-1"])
    assert refused.status_code == 403, refused.text
    assert "max-1" in refused.json()["error"]["message"] and "mia-1" not in refused.json()["error"]["message"]
    assert _listed(mia, project) == ["max-1", "mia-1"]  # all or nothing
    assert _bulk(mia, project, "archive", ["mia-1"]).json()["changed"] == ["mia-1"]
    assert _bulk(vic, project, "archive", ["mia-1"]).status_code == 403  # a viewer changes nothing
    assert _bulk(ann, project, "archive", ["max-1"]).status_code == 200  # the team's admin: any run
    assert _listed(mia, project) == []
    assert _bulk(max_, project, "unarchive", ["max-1"]).json()["changed"] == ["max-1"]


def test_archiving_unarchiving_and_moving_are_in_the_audit_log(
    server: LiveServer, people: dict[str, httpx.Client]
) -> None:
    mia = people["mia"]
    project = _project()
    _log(mia, project, "mia-a", 1.0)
    _bulk(mia, project, "archive", ["mia-a"]).raise_for_status()
    _bulk(mia, project, "unarchive", ["mia-a"]).raise_for_status()
    _bulk(mia, project, "move", ["mia-a"], to_project=project + "-2").raise_for_status()
    admin = {"Authorization": f"Bearer {server.api_key}"}
    events = httpx.get(f"{server.url}/api/v1/admin/audit", params={"limit": 1000}, headers=admin).json()
    mine = [
        (e["action"], e["actor"], e["detail"]) for e in events if e["target"] == f"{TEAM}/{project}/mia-a"
    ]
    assert sorted(mine, key=str) == sorted(
        [
            ("run.archive", "mia", None),
            ("run.unarchive", "mia", None),
            ("run.move", "mia", {"to_project": project + "-2"}),
        ],
        key=str,
    )


def test_members_edit_notes_and_tags_of_any_run_of_the_team(people: dict[str, httpx.Client]) -> None:
    mia, max_, vic = people["mia"], people["max"], people["vic"]
    project = _project()
    _log(max_, project, "max-1", 1.0)
    edited = mia.patch(f"/api/v1/runs/{TEAM}/{project}/max-1", json={"notes": "looks good", "tags": ["a"]})
    assert edited.status_code == 200 and edited.json()["notes"] == "looks good"
    tagged = _bulk(mia, project, "add_tags", ["max-1"], tags=["b"])
    assert tagged.status_code == 200 and tagged.json()["changed"] == ["max-1"]
    assert mia.get(f"/api/v1/runs/{TEAM}/{project}/max-1").json()["tags"] == ["a", "b"]
    assert _bulk(vic, project, "add_tags", ["max-1"], tags=["c"]).status_code == 403


def test_archived_runs_leave_lists_counts_and_grouped_charts_but_are_kept(
    server: LiveServer, people: dict[str, httpx.Client], tmp_path: Path
) -> None:
    mia = people["mia"]
    project = _project()
    for run_id, loss, opt in (("r1", 1.0, "adam"), ("r2", 3.0, "adam"), ("r3", 5.0, "sgd")):
        _log(mia, project, run_id, loss, opt)
    assert _bulk(mia, project, "archive", ["r2", "r3"]).status_code == 200
    assert _listed(mia, project) == ["r1"]
    assert _listed(mia, project, {"archived": True}) == ["r2", "r3"]
    assert _listed(mia, project, {"archived": {"$in": [True, False]}}) == ["r1", "r2", "r3"]
    counts = {
        p["name"]: p["run_count"]
        for p in mia.get("/api/v1/projects", params={"entity": TEAM}).json()["projects"]
    }
    assert counts[project] == 1
    grouped = {"group_by": ["config.optimizer"], "keys": ["loss"]}
    series = mia.post(f"/api/v1/projects/{TEAM}/{project}/group-series", json=grouped).json()
    assert series["total_runs"] == 1 and [g["values"] for g in series["groups"]] == [["adam"]]
    assert series["groups"][0]["series"][0]["mean"] == [1.0]  # r2's 3.0 is not in the mean
    summary = mia.post(
        f"/api/v1/projects/{TEAM}/{project}/group-summary",
        json={"group_by": ["config.optimizer"], "fields": ["summary.loss"]},
    ).json()
    assert summary["total_runs"] == 1
    # Kept: the run and its history are still there, by name.
    run = mia.get(f"/api/v1/runs/{TEAM}/{project}/r2").json()
    assert run["archived_at"] is not None
    points = mia.get(f"/api/v1/runs/{TEAM}/{project}/r2/history/series", params={"keys": "loss"}).json()
    assert points["series"][0]["values"] == [3.0]
    # The public API: the default list leaves them out; a filter on archived asks for them.
    key = mia.headers["Authorization"].removeprefix("Bearer ")
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=server.url, api_key=key)
    with Api(settings=settings) as api:
        assert [r.id for r in api.runs(f"{TEAM}/{project}")] == ["r1"]
        assert sorted(r.id for r in api.runs(f"{TEAM}/{project}", filters={"archived": True})) == ["r2", "r3"]


def test_bulk_move_takes_history_along_and_names_colliding_ids(people: dict[str, httpx.Client]) -> None:
    mia, max_ = people["mia"], people["max"]
    source, target = _project(), _project()
    _log(mia, source, "m1", 0.25)
    _log(mia, source, "m2", 0.5)
    _log(max_, target, "m2", 9.0)
    clash = _bulk(mia, source, "move", ["m1", "m2"], to_project=target)
    assert clash.status_code == 409 and "m2" in clash.json()["error"]["message"]
    assert _listed(mia, source) == ["m1", "m2"]
    moved = _bulk(mia, source, "move", ["m1"], to_project=target)
    assert moved.status_code == 200, moved.text
    assert _listed(mia, source) == ["m2"] and _listed(mia, target) == ["m1", "m2"]
    points = mia.get(f"/api/v1/runs/{TEAM}/{target}/m1/history/series", params={"keys": "loss"}).json()
    assert points["series"][0]["values"] == [0.25]
    assert mia.get(f"/api/v1/runs/{TEAM}/{source}/m1").status_code == 404
    again = _bulk(mia, source, "move", ["m1"], to_project=target)  # a retry of the same request
    assert again.status_code == 200 and again.json()["unchanged"] == ["m1"]


def test_bulk_delete_and_bad_requests(people: dict[str, httpx.Client]) -> None:
    mia = people["mia"]
    project = _project()
    _log(mia, project, "d1", 1.0)
    _log(mia, project, "d2", 1.0)
    assert _bulk(mia, project, "delete", ["d1"]).json()["changed"] == ["d1"]
    assert _listed(mia, project, {"archived": {"$in": [True, False]}}) == ["d2"]
    too_many = _bulk(mia, project, "archive", [f"r{i}" for i in range(1001)])
    assert too_many.status_code in (400, 422) and "run_ids" in too_many.text
    assert _bulk(mia, project, "add_tags", ["d2"]).status_code == 400  # no tags
    assert _bulk(mia, project, "archive", ["nope"]).status_code == 404
