"""The authorization matrix (docs/adr/0003), on a live server over SQLite and PostgreSQL.

Two teams, a user in each role of team alpha (admin, member, viewer), its service account, a
member of team beta, a signed-in outsider and the server admin; alpha has a project of each
visibility (private, team, public) holding a run with history and a file, an artifact version, a
sweep and a saved view. Every action on every resource family is tried by every caller on every
project, and the answer is checked against the matrix: allowed -> the action's success status;
refused -> 404 when the caller may not even read the project (its name does not leak), 403 when
they may read it (naming the role needed), and 403 for a write by someone with no role in the team
(naming the team and the fix: what ``init(entity=team)`` shows).

The world is built once per backend; each action is one parametrized test that walks every caller
and visibility and reports every mismatch at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.access_world import (
    OTHER_TEAM,
    ROLE_IN_TEAM,
    SWEEP_CONFIG,
    TEAM,
    VISIBILITIES,
    World,
    build_world,
    project_of,
)
from tests.fixtures.artifacts import body, collection_url
from tests.fixtures.backends import BACKENDS, server_on_backend
from trackwell.store.base import Visibility

READ, WRITE, DELETE, ADMIN = "read", "write", "delete", "admin"
# Changing what another user made where the route first checks for a writer (a report, a link):
# an admin of the team may; anyone without a role is refused as a write is (403, naming the team).
OTHERS_AS_WRITE = "others_as_write"


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data = tmp_path_factory.mktemp(f"access-{request.param}") / "data"
    with server_on_backend(request, data) as server:
        built = build_world(server)
        try:
            yield built
        finally:
            built.close()


def expected(who: str, need: str, visibility: Visibility) -> int | None:
    """None when allowed, else the status of the refusal (the matrix of service/access.py)."""
    if who == "server_admin":
        return None
    role = ROLE_IN_TEAM[who]
    readable = role is not None or visibility == "public"
    allowed = {
        READ: readable,
        WRITE: role in ("admin", "member"),
        DELETE: role == "admin",
        ADMIN: role == "admin",
        OTHERS_AS_WRITE: role == "admin",
    }[need]
    if allowed:
        return None
    if need in (WRITE, OTHERS_AS_WRITE) and role is None:
        return 403
    return 403 if readable else 404


@dataclass(frozen=True)
class Act:
    need: str
    ok: int
    call: Callable[[httpx.Client, World, str], httpx.Response]  # (caller, world, "alpha/p-x")


def _run(path: str, run_id: str = "base") -> str:
    return f"/api/v1/runs/{path}/{run_id}"


def _fresh_admin_run(world: World, path: str) -> str:
    run_id = "r" + uuid.uuid4().hex[:10]
    world.client("server_admin").put(_run(path, run_id), json={"session_id": "s"}).raise_for_status()
    return _run(path, run_id)


def _fresh_version(world: World, path: str) -> str:
    entity, project = path.split("/")
    url = collection_url(entity, project, "scratch")
    admin = world.client("server_admin")
    made = admin.post(url + "/versions", json=body(admin, {"x.txt": uuid.uuid4().bytes}))
    made.raise_for_status()
    return f"{url}/versions/{made.json()['version']}"


def _own_run_deleted(client: httpx.Client, world: World, path: str) -> httpx.Response:
    url = _run(path, "own" + uuid.uuid4().hex[:8])
    made = client.put(url, json={"session_id": "s"})
    return made if made.status_code != 200 else client.delete(url)


def report_document(path: str, title: str = "Study") -> dict[str, object]:
    """A report whose one panel grid draws the project's runs (a loss chart)."""
    entity, project = path.split("/")
    panel = {"id": "loss", "type": "line", "section": "Charts", "metrics": ["loss"]}
    grid = {"type": "panel_grid", "runsets": [{"entity": entity, "project": project}], "panels": [panel]}
    text = {"type": "paragraph", "text": [{"text": "Loss goes down."}]}
    return {"title": title, "blocks": [text, grid]}


def _fresh_report(world: World, path: str) -> str:
    made = world.client("server_admin").post(f"/api/v1/reports/{path}", json=report_document(path))
    made.raise_for_status()
    return f"/api/v1/reports/{path}/{made.json()['id']}"


_SHARED_REPORTS: dict[tuple[str, str], str] = {}  # (server url, project path) -> report url


def _report(world: World, path: str) -> str:
    """One report per project, made once, that the read actions read."""
    key = (world.server.url, path)
    if key not in _SHARED_REPORTS:
        _SHARED_REPORTS[key] = _fresh_report(world, path)
    return _SHARED_REPORTS[key]


def _fresh_link(world: World, path: str) -> str:
    report = _fresh_report(world, path)
    made = world.client("server_admin").post(report + "/links")
    made.raise_for_status()
    return f"{report}/links/{made.json()['id']}"


FILTER = json.dumps({"$and": [{"state": {"$ne": "nothing"}}, {"config.lr": {"$gte": 0}}]})

ACTIONS: dict[str, Act] = {
    # runs
    "run.read": Act(READ, 200, lambda c, w, p: c.get(_run(p))),
    "run.list": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/runs/{p}")),
    "run.filter": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/runs/{p}", params={"filters": FILTER})),
    "run.output": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/output")),
    "run.create": Act(
        WRITE, 200, lambda c, w, p: c.put(_run(p, uuid.uuid4().hex[:12]), json={"session_id": "s"})
    ),
    "run.edit": Act(WRITE, 200, lambda c, w, p: c.patch(_run(p), json={"notes": "edited"})),
    "run.log": Act(
        WRITE, 200, lambda c, w, p: c.post(_run(p) + "/records", json={"session_id": "x", "records": []})
    ),
    "run.delete_own": Act(WRITE, 204, _own_run_deleted),
    "run.delete_other": Act(DELETE, 204, lambda c, w, p: c.delete(_fresh_admin_run(w, p))),
    # history
    "history.keys": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/history/keys")),
    "history.rows": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/history/rows")),
    "history.series": Act(
        READ, 200, lambda c, w, p: c.get(_run(p) + "/history/series", params={"keys": "loss"})
    ),
    "history.project_keys": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/projects/{p}/history-keys")),
    # files
    "files.list": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/files")),
    "files.download": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/files/notes.txt")),
    "files.upload": Act(WRITE, 200, lambda c, w, p: c.put(_run(p) + "/files/up.txt", content=b"x")),
    # artifacts
    "artifacts.collections": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/artifacts/{p}/collections")),
    "artifacts.manifest": Act(
        READ, 200, lambda c, w, p: c.get(collection_url(*p.split("/"), "data") + "/versions/v0/manifest")
    ),
    "artifacts.file": Act(
        READ, 200, lambda c, w, p: c.get(collection_url(*p.split("/"), "data") + "/versions/v0/files/a.txt")
    ),
    "artifacts.by_id": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/artifacts/by-id/{w.versions[p]}")),
    "artifacts.run_artifacts": Act(READ, 200, lambda c, w, p: c.get(_run(p) + "/artifacts")),
    "artifacts.create": Act(
        WRITE,
        200,
        lambda c, w, p: c.post(
            collection_url(*p.split("/"), "data") + "/versions", json=body(c, {"b.txt": b"y"})
        ),
    ),
    "artifacts.delete": Act(DELETE, 204, lambda c, w, p: c.delete(_fresh_version(w, p))),
    # sweeps
    "sweeps.list": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/sweeps/{p}")),
    "sweeps.read": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/sweeps/{p}/{w.sweeps[p]}")),
    "sweeps.create": Act(
        WRITE, 201, lambda c, w, p: c.post(f"/api/v1/sweeps/{p}", json={"config": SWEEP_CONFIG})
    ),
    # saved views and layouts
    "views.list": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/views/{p}")),
    "views.create": Act(
        WRITE, 201, lambda c, w, p: c.post(f"/api/v1/views/{p}", json={"name": uuid.uuid4().hex})
    ),
    "layouts.read": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/layouts/{p}")),
    # the query API's project queries
    "query.group_series": Act(
        READ,
        200,
        lambda c, w, p: c.post(
            f"/api/v1/projects/{p}/group-series", json={"keys": ["loss"], "group_by": ["config.lr"]}
        ),
    ),
    "query.importance": Act(
        READ, 200, lambda c, w, p: c.get(f"/api/v1/projects/{p}/importance", params={"metric": "loss"})
    ),
    # comments on runs (issue 16): readers read, writers comment
    "comments.list": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/comments/{p}/runs/base")),
    "comments.create": Act(
        WRITE, 201, lambda c, w, p: c.post(f"/api/v1/comments/{p}/runs/base", json={"text": "@admin look"})
    ),
    # the alerts page (issue 16): readers see feed, rules, webhooks (masked), deliveries; writers change
    "alerts.feed": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/alerts/{p}/feed")),
    "alerts.rules": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/alerts/{p}/rules")),
    "alerts.webhooks": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/alerts/{p}/webhooks")),
    "alerts.deliveries": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/alerts/{p}/deliveries")),
    "alerts.rule_create": Act(
        WRITE, 201, lambda c, w, p: c.post(f"/api/v1/alerts/{p}/rules", json={"kind": "run_failed"})
    ),
    "alerts.webhook_create": Act(
        WRITE,
        201,
        lambda c, w, p: c.post(
            f"/api/v1/alerts/{p}/webhooks", json={"name": "h", "url": "https://hooks.example/x"}
        ),
    ),
    # reports and their public links
    "report.list": Act(READ, 200, lambda c, w, p: c.get(f"/api/v1/reports/{p}")),
    "report.read": Act(READ, 200, lambda c, w, p: c.get(_report(w, p))),
    "report.versions": Act(READ, 200, lambda c, w, p: c.get(_report(w, p) + "/versions")),
    "report.create": Act(WRITE, 201, lambda c, w, p: c.post(f"/api/v1/reports/{p}", json=report_document(p))),
    "report.save": Act(
        WRITE, 200, lambda c, w, p: c.put(_fresh_report(w, p), json=report_document(p) | {"base_version": 1})
    ),
    "report.restore": Act(WRITE, 200, lambda c, w, p: c.post(_fresh_report(w, p) + "/versions/1/restore")),
    "report.delete_others": Act(OTHERS_AS_WRITE, 204, lambda c, w, p: c.delete(_fresh_report(w, p))),
    "report.link_create": Act(WRITE, 201, lambda c, w, p: c.post(_report(w, p) + "/links")),
    "report.link_list": Act(WRITE, 200, lambda c, w, p: c.get(_report(w, p) + "/links")),
    "report.link_revoke": Act(WRITE, 204, lambda c, w, p: c.delete(_fresh_link(w, p))),
    # the project itself
    "project.visibility": Act(
        ADMIN, 204, lambda c, w, p: c.put(f"/api/v1/projects/{p}/visibility", json={"visibility": _vis_of(p)})
    ),
}


def _vis_of(path: str) -> str:
    return path.rsplit("-", 1)[1]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_caller_gets_what_the_matrix_says(world: World, action: str) -> None:
    act = ACTIONS[action]
    wrong = []
    for visibility in VISIBILITIES:
        path = f"{TEAM}/{project_of(visibility)}"
        for who in ROLE_IN_TEAM:
            refusal = expected(who, act.need, visibility)
            answer = act.call(world.client(who), world, path)
            want = act.ok if refusal is None else refusal
            if answer.status_code != want:
                wrong.append(f"{who} on {visibility}: {answer.status_code} (want {want}) {answer.text[:160]}")
    assert not wrong, f"{action}:\n" + "\n".join(wrong)


def _readable(who: str) -> set[str]:
    return {project_of(v) for v in VISIBILITIES if expected(who, READ, v) is None}


def test_the_projects_list_shows_only_what_each_caller_may_read(world: World) -> None:
    for who in ROLE_IN_TEAM:
        listed = world.client(who).get("/api/v1/projects", params={"entity": TEAM}).json()["projects"]
        assert {p["name"] for p in listed} == _readable(who), who
        for project in listed:
            assert project["visibility"] == _vis_of(project["name"])
    others = world.client("outsider").get("/api/v1/projects", params={"search": "p-"}).json()["projects"]
    assert {(p["entity"], p["name"]) for p in others} == {(TEAM, "p-public")}


def test_a_series_query_answers_unreadable_runs_as_missing(world: World) -> None:
    runs = [{"entity": TEAM, "project": project_of(v), "run_id": "base"} for v in VISIBILITIES]
    for who in ROLE_IN_TEAM:
        answer = world.client(who).post("/api/v1/series/query", json={"runs": runs, "keys": ["loss"]})
        assert answer.status_code == 200, answer.text
        got = {r["project"]: r.get("error") is None for r in answer.json()["runs"]}
        assert {p for p, ok in got.items() if ok} == _readable(who), who
        missing = [r["error"] for r in answer.json()["runs"] if r.get("error")]
        assert all("does not exist" in e for e in missing)


def test_a_filter_never_reaches_a_project_the_caller_cannot_see(world: World) -> None:
    outsider = world.client("outsider")
    private = f"/api/v1/runs/{TEAM}/{project_of('private')}"
    for filters in (FILTER, json.dumps({"$or": [{"state": "running"}, {"state": {"$ne": "running"}}]})):
        refused = outsider.get(private, params={"filters": filters})
        assert refused.status_code == 404 and "p-private" in refused.json()["error"]["message"]
    public = outsider.get(f"/api/v1/runs/{TEAM}/{project_of('public')}", params={"filters": FILTER}).json()
    assert {r["project"] for r in public["runs"]} == {"p-public"} and public["total"] == 2


def test_lineage_leaves_out_runs_of_projects_the_caller_cannot_read(world: World) -> None:
    """A run of the private project used the public project's artifact: readers of the public
    project who cannot read the private one do not see that run, nor its edge."""
    admin = world.client("server_admin")
    version_id = world.versions[f"{TEAM}/p-public"]
    user_run = f"/api/v1/runs/{TEAM}/{project_of('private')}/user-{uuid.uuid4().hex[:6]}"
    admin.put(user_run, json={"session_id": "s-use"}).raise_for_status()
    use = {"seq": 0, "kind": "artifact_use", "artifact_id": version_id}
    admin.post(user_run + "/records", json={"session_id": "s-use", "records": [use]}).raise_for_status()
    version = collection_url(TEAM, "p-public", "data") + "/versions/v0"
    for who, sees in (("member", True), ("outsider", False), ("other_team", False)):
        client = world.client(who)
        used_by = client.get(version + "/used-by").json()["runs"]
        assert any(r["project"] == "p-private" for r in used_by) is sees, who
        graph = client.get(version + "/lineage").json()
        assert any("p-private" in n["id"] for n in graph["nodes"]) is sees, who
        assert all(e["source"] in {n["id"] for n in graph["nodes"]} for e in graph["edges"])


def test_runs_are_owned_by_who_created_them(world: World) -> None:
    path = f"{TEAM}/{project_of('team')}"
    member, other = world.client("member"), world.client("service")
    url = _run(path, "mine-" + uuid.uuid4().hex[:6])
    member.put(url, json={"session_id": "s"}).raise_for_status()
    refused = other.delete(url)
    assert refused.status_code == 403 and "'admin'" in refused.json()["error"]["message"]
    assert member.delete(url).status_code == 204


def test_writing_to_a_team_you_are_not_in_names_the_team_and_the_fix(world: World) -> None:
    answer = world.client("outsider").put(_run(f"{OTHER_TEAM}/p-team", "x1"), json={"session_id": "s"})
    error = answer.json()["error"]
    assert answer.status_code == 403 and f"'{OTHER_TEAM}'" in error["message"]
    assert "invite" in error["hint"] and error["field"] == "entity"
    missing = world.client("member").put(_run("no-such-team/p", "x1"), json={"session_id": "s"})
    error = missing.json()["error"]
    assert missing.status_code == 404 and "'no-such-team'" in error["message"]
    assert "create_team" in error["hint"]


def test_a_server_admin_logging_to_a_new_entity_creates_a_team(world: World) -> None:
    name = "new-team-" + uuid.uuid4().hex[:6]
    admin = world.client("server_admin")
    admin.put(_run(f"{name}/p", "x1"), json={"session_id": "s"}).raise_for_status()
    listed = admin.get("/api/v1/projects", params={"entity": name}).json()["projects"]
    assert [(p["name"], p["visibility"]) for p in listed] == [("p", "team")]


def test_a_personal_project_is_private_to_its_owner(world: World) -> None:
    member = world.client("member")
    mine = member.get("/api/v1/viewer").json()["entity"]
    member.put(_run(f"{mine}/own-work", "x1"), json={"session_id": "s"}).raise_for_status()
    listed = member.get("/api/v1/projects", params={"entity": mine}).json()["projects"]
    assert [(p["name"], p["visibility"]) for p in listed] == [("own-work", "private")]
    assert world.client("admin").get(_run(f"{mine}/own-work", "x1")).status_code == 404
    assert world.client("server_admin").get(_run(f"{mine}/own-work", "x1")).status_code == 200


SDK_SCRIPT = """
import sys, trackwell
try:
    run = trackwell.init(entity=sys.argv[1], project="sdk-check", mode="online")
except Exception as exc:
    print("REFUSED", type(exc).__name__, exc)
else:
    run.log({"x": 1})
    run.finish()
    print("LOGGED", run.entity)
"""


def _init_as(world: World, who: str, entity: str, tmp_path: Path) -> str:
    env = world.server.sdk_env(tmp_path / who) | {"TRACKWELL_API_KEY": world.keys[who]}
    done = subprocess.run(
        [sys.executable, "-c", SDK_SCRIPT, entity],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout + done.stderr


def test_init_with_a_team_refuses_a_non_member_at_init_naming_the_team_and_the_fix(
    world: World, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "postgresql" in request.node.callspec.id:
        pytest.skip("the SDK's side does not depend on the backend: checked once, on SQLite")
    refused = _init_as(world, "outsider", TEAM, tmp_path)
    assert "REFUSED CommError" in refused and f"'{TEAM}'" in refused and "invite" in refused, refused
    assert "LOGGED alpha" in _init_as(world, "member", TEAM, tmp_path)


def test_a_saved_view_is_changed_by_its_owner_or_an_admin_of_its_team(world: World) -> None:
    views = f"/api/v1/views/{TEAM}/{project_of('team')}"
    made = world.client("member").post(views, json={"name": "mine-" + uuid.uuid4().hex[:6]})
    assert made.status_code == 201, made.text
    view = f"{views}/{made.json()['id']}"
    refused = world.client("service").patch(view, json={"description": "not yours"})
    assert refused.status_code == 403 and "owner" in refused.json()["error"]["message"]
    as_admin = world.client("admin")
    assert as_admin.get(view).json()["can_edit"] is True
    assert as_admin.patch(view, json={"description": "tidied"}).status_code == 200
    assert world.client("member").delete(view).status_code == 204


def test_deleting_a_run_that_does_not_exist_is_not_found_for_readers_too(world: World) -> None:
    for who in ("member", "viewer", "outsider"):
        answer = world.client(who).delete(_run(f"{TEAM}/{project_of('team')}", "never-was"))
        assert answer.status_code == 404, (who, answer.text)


# --- the holder of a report's public link (docs/reports.md, "Sharing") ---------------------------

LINK_HEADER = "X-Trackwell-Report-Link"


def _link_holder(world: World, token: str) -> httpx.Client:
    """A caller with no key and no cookie, presenting only the link."""
    return httpx.Client(base_url=world.server.url, headers={LINK_HEADER: token}, timeout=30)


def test_a_public_link_reads_its_report_and_its_runsets_projects_only(world: World) -> None:
    drawn = f"{TEAM}/{project_of('private')}"  # the report's panels draw this private project
    report = _fresh_report(world, drawn)
    sibling = _fresh_report(world, drawn)
    made = world.client("member").post(report + "/links")
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    run = _run(drawn)
    with _link_holder(world, token) as holder:
        allowed = {
            "report": holder.get(report),
            "the linked report": holder.get("/api/v1/report-link"),
            "runs": holder.get(f"/api/v1/runs/{drawn}", params={"filters": FILTER}),
            "run": holder.get(run),
            "series": holder.get(run + "/history/series", params={"keys": "loss"}),
            "file": holder.get(run + "/files/notes.txt"),
            "keys": holder.get(f"/api/v1/projects/{drawn}/history-keys"),
            "views": holder.get(f"/api/v1/views/{drawn}"),
            "layout": holder.get(f"/api/v1/layouts/{drawn}"),
            "sweeps": holder.get(f"/api/v1/sweeps/{drawn}"),
            "artifacts": holder.get(f"/api/v1/artifacts/{drawn}/collections"),
            "artifact by id": holder.get(f"/api/v1/artifacts/by-id/{world.versions[drawn]}"),
            "group_series": holder.post(
                f"/api/v1/projects/{drawn}/group-series", json={"keys": ["loss"], "group_by": ["config.lr"]}
            ),
        }
        wrong = {name: a.status_code for name, a in allowed.items() if a.status_code != 200}
        assert not wrong, wrong
        assert allowed["report"].json()["title"] == "Study"
        assert allowed["the linked report"].json()["id"] == report.rsplit("/", 1)[1]
        not_found = {
            "another report": holder.get(sibling),
            "an old version": holder.get(report, params={"version": 1}),
            "versions": holder.get(report + "/versions"),
            "the reports list": holder.get(f"/api/v1/reports/{drawn}"),
            "links": holder.get(report + "/links"),
            "a public project": holder.get(f"/api/v1/runs/{TEAM}/{project_of('public')}"),
            "another team": holder.get(f"/api/v1/runs/{OTHER_TEAM}/p-team"),
            "an artifact elsewhere": holder.get(
                f"/api/v1/artifacts/by-id/{world.versions[f'{TEAM}/p-team']}"
            ),
            "comments": holder.get(f"/api/v1/comments/{drawn}/reports/{report.rsplit('/', 1)[1]}"),
            "the viewer": holder.get("/api/v1/viewer"),
            "the projects list": holder.get("/api/v1/projects"),
        }
        wrong = {name: a.status_code for name, a in not_found.items() if a.status_code != 404}
        assert not wrong, wrong
        forbidden = {
            "save": holder.put(report, json=report_document(drawn) | {"base_version": 1}),
            "delete": holder.delete(report),
            "new link": holder.post(report + "/links"),
            "new run": holder.put(_run(drawn, "by-link"), json={"session_id": "s"}),
            "edit run": holder.patch(run, json={"notes": "by link"}),
            "new report": holder.post(f"/api/v1/reports/{drawn}", json=report_document(drawn)),
            "a key": holder.post("/api/v1/teams", json={"name": "link-team"}),
        }
        wrong = {name: a.status_code for name, a in forbidden.items() if a.status_code != 403}
        assert not wrong, wrong
        runs = [{"entity": TEAM, "project": project_of(v), "run_id": "base"} for v in VISIBILITIES]
        queried = holder.post("/api/v1/series/query", json={"runs": runs, "keys": ["loss"]})
        assert queried.status_code == 200, queried.text
        assert {r["project"] for r in queried.json()["runs"] if not r.get("error")} == {"p-private"}
    with httpx.Client(base_url=world.server.url, timeout=30) as browser:  # an <img>: no header
        image = browser.get(run + "/files/notes.txt", params={"report_link": token})
        assert image.status_code == 200 and image.content == b"private notes"
        assert browser.post(report + "/links", params={"report_link": token}).status_code == 401
    assert world.client("member").get("/api/v1/report-link").status_code == 404


def test_a_revoked_link_reads_nothing_from_the_next_request(world: World) -> None:
    path = f"{TEAM}/{project_of('team')}"
    report = _fresh_report(world, path)
    member = world.client("member")
    made = member.post(report + "/links").json()
    with _link_holder(world, made["token"]) as holder:
        assert holder.get(report).status_code == 200
        listed = member.get(report + "/links")
        assert listed.status_code == 200 and made["token"] not in listed.text
        assert [link["id"] for link in listed.json()["links"]] == [made["id"]]
        assert listed.json()["links"][0]["last_used"] is not None
        assert member.delete(f"{report}/links/{made['id']}").status_code == 204
        for url in (report, _run(path)):
            gone = holder.get(url)
            assert gone.status_code == 404 and made["token"] not in gone.text, url
        assert member.get(report + "/links").json() == {"links": []}
    with _link_holder(world, "not-a-link") as stranger:
        assert stranger.get(report).status_code == 404


def test_a_link_holder_in_a_signed_in_browser_still_reads_only_as_the_link(world: World) -> None:
    """A key always wins over a link; without one, presenting a link narrows the caller to it."""
    path = f"{TEAM}/{project_of('private')}"
    report = _fresh_report(world, path)
    token = world.client("admin").post(report + "/links").json()["token"]
    admin_with_link = world.client("admin").get(report, headers={LINK_HEADER: token})
    assert admin_with_link.status_code == 200
    with _link_holder(world, token) as holder:
        assert holder.get(f"/api/v1/reports/{path}").status_code == 404
