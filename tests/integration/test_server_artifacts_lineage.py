"""Lineage and registry links on a real server, on SQLite and PostgreSQL: runs that logged and used
versions (``artifact_use`` records in the run's batches), the graph across several hops, a run's
artifacts, what deleting a run or a version does to them, and portfolio collections."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.fixtures.artifacts import body, collection_url, make_run, use
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"lineage-{request.param}") / "data") as live:
        yield live


class Project:
    """One fresh project of the viewer's entity, with helpers to log and use versions from runs."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        self.entity = api.get("/api/v1/viewer").json()["entity"]
        self.name = "p-" + uuid.uuid4().hex[:8]
        self.seqs: dict[str, int] = {}

    def coll(self, name: str) -> str:
        return collection_url(self.entity, self.name, name)

    def run(self, run_id: str, job_type: str | None = None) -> str:
        self.seqs[run_id] = 0
        return make_run(self.api, self.entity, self.name, run_id, job_type=job_type)

    def log(
        self, run_id: str | None, name: str, data: bytes, type_: str = "dataset", **fields: Any
    ) -> dict[str, Any]:
        payload = body(self.api, {"file.bin": data}, type_, run_id=run_id, **fields)
        response = self.api.post(self.coll(name) + "/versions", json=payload)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def use(self, run_id: str, version_id: str, used_as: str | None = None) -> dict[str, Any]:
        url = f"/api/v1/runs/{self.entity}/{self.name}/{run_id}"
        ack = use(self.api, url, version_id, self.seqs[run_id], used_as)
        self.seqs[run_id] += 1
        return ack

    def run_artifacts(self, run_id: str, direction: str) -> list[str]:
        url = f"/api/v1/runs/{self.entity}/{self.name}/{run_id}/artifacts"
        listed = self.api.get(url, params={"direction": direction}).json()
        return [v["qualified_name"].split("/")[-1] for v in listed["versions"]]

    def lineage(self, name: str, ref: str, depth: int) -> dict[str, Any]:
        response = self.api.get(f"{self.coll(name)}/versions/{ref}/lineage", params={"depth": depth})
        assert response.status_code == 200, response.text
        graph: dict[str, Any] = response.json()
        return graph


@pytest.fixture
def proj(api: httpx.Client) -> Project:
    return Project(api)


def _label(node: dict[str, Any]) -> str:
    """A version as 'name:vN', a run by its id (its label is its display name)."""
    return str(node["run"]["run_id"] if node["kind"] == "run" else node["label"])


def _labels(graph: dict[str, Any]) -> set[str]:
    return {_label(n) for n in graph["nodes"]}


def _edges(graph: dict[str, Any]) -> set[tuple[str, str, str]]:
    label = {n["id"]: _label(n) for n in graph["nodes"]}
    return {(label[e["source"]], e["kind"], label[e["target"]]) for e in graph["edges"]}


def _pipeline(proj: Project) -> dict[str, dict[str, Any]]:
    """prep -logged-> raw -used-> train -logged-> model -used-> eval -logged-> report."""
    for run_id, job in (("prep", "prep"), ("train", "train"), ("eval", "eval")):
        proj.run(run_id, job)
    raw = proj.log("prep", "raw", b"raw rows")
    proj.use("train", raw["id"], "input")
    model = proj.log("train", "model", b"weights", "model")
    proj.use("eval", model["id"])
    report = proj.log("eval", "report", b"scores", "report")
    return {"raw": raw, "model": model, "report": report}


def test_lineage_reaches_out_hop_by_hop_both_ways(proj: Project) -> None:
    _pipeline(proj)
    one = proj.lineage("model", "v0", 1)
    assert _labels(one) == {"model:v0", "train", "eval"}
    assert _edges(one) == {("train", "logged", "model:v0"), ("model:v0", "used", "eval")}
    two = proj.lineage("model", "latest", 2)
    assert _labels(two) == {"raw:v0", "train", "model:v0", "eval", "report:v0"}
    three = proj.lineage("model", "v0", 3)
    assert _labels(three) == _labels(two) | {"prep"} and not three["truncated"]
    assert ("raw:v0", "used", "train") in _edges(three) and ("prep", "logged", "raw:v0") in _edges(three)
    run_node = next(n for n in three["nodes"] if _label(n) == "train")
    assert run_node["id"] == f"run:{proj.entity}/{proj.name}/train" and run_node["run"]["job_type"] == "train"
    model_node = next(n for n in three["nodes"] if n["label"] == "model:v0")
    assert model_node["artifact"]["logged_by"]["run_id"] == "train"
    assert _labels(proj.lineage("model", "v0", 0)) == {"model:v0"}
    assert proj.api.get(f"{proj.coll('model')}/versions/v0/lineage", params={"depth": 99}).status_code == 400


def test_used_by_and_a_runs_artifacts(proj: Project) -> None:
    _pipeline(proj)
    used = proj.api.get(f"{proj.coll('raw')}/versions/v0/used-by").json()["runs"]
    assert [r["run_id"] for r in used] == ["train"]
    assert proj.run_artifacts("train", "used") == ["raw:v0"]
    assert proj.run_artifacts("train", "logged") == ["model:v0"]
    assert proj.run_artifacts("prep", "used") == []
    proj.log("train", "model", b"weights 2", "model")
    url = f"/api/v1/runs/{proj.entity}/{proj.name}/train/artifacts"
    page = proj.api.get(url, params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and [v["version"] for v in page["versions"]] == ["v1"]
    missing = proj.api.get(f"/api/v1/runs/{proj.entity}/{proj.name}/nope/artifacts")
    assert missing.status_code == 404


def test_a_use_is_one_edge_however_often_sent_and_an_unknown_one_warns(proj: Project) -> None:
    proj.run("reader")
    raw = proj.log(None, "raw", b"data")
    proj.use("reader", raw["id"])
    proj.use("reader", raw["id"], "again")
    ack = proj.use("reader", "no-such-version")
    assert ack["applied_through"] == 2 and "no-such-version" in ack["warnings"][0]
    assert proj.run_artifacts("reader", "used") == ["raw:v0"]


def test_an_artifact_record_is_a_marker(proj: Project) -> None:
    run_url = proj.run("logger")
    create = body(proj.api, {"a.txt": b"logged offline"}, run_id="logger")
    record = {
        "seq": 0,
        "kind": "artifact",
        "client_id": create["client_id"],
        "name": "later",
        "create": create,
    }
    ack = proj.api.post(run_url + "/records", json={"session_id": "s-logger", "records": [record]})
    assert ack.status_code == 200 and ack.json()["applied_through"] == 0, ack.text
    assert proj.api.get(proj.coll("later")).status_code == 404  # the saver makes the version, not the record
    made = proj.api.post(proj.coll("later") + "/versions", json=create).json()
    assert proj.run_artifacts("logger", "logged") == ["later:v0"] and made["logged_by"]["run_id"] == "logger"


def test_every_run_that_logged_equal_content_shows_it(proj: Project) -> None:
    proj.run("first")
    proj.run("second")
    v0 = proj.log("first", "data", b"same bytes")
    again = proj.log("second", "data", b"same bytes")
    assert again["id"] == v0["id"] and again["created"] is False
    assert again["logged_by"]["run_id"] == "first"
    assert proj.run_artifacts("first", "logged") == proj.run_artifacts("second", "logged") == ["data:v0"]
    graph = proj.lineage("data", "v0", 1)
    assert _edges(graph) == {("first", "logged", "data:v0"), ("second", "logged", "data:v0")}


def test_deleting_a_run_drops_its_edges_and_keeps_the_versions(proj: Project) -> None:
    versions = _pipeline(proj)
    assert proj.api.delete(f"/api/v1/runs/{proj.entity}/{proj.name}/train").status_code == 204
    model = proj.api.get(f"{proj.coll('model')}/versions/v0").json()
    assert model["id"] == versions["model"]["id"] and model["logged_by"] is None
    assert _labels(proj.lineage("model", "v0", 3)) == {"model:v0", "eval", "report:v0"}
    assert proj.api.get(f"{proj.coll('raw')}/versions/v0/used-by").json()["runs"] == []


@pytest.mark.slow
def test_lineage_stops_at_its_node_limit(proj: Project) -> None:
    shared = proj.log(None, "popular", b"everyone reads this")

    def reader(i: int) -> None:
        proj.run(f"reader-{i:03d}")
        proj.use(f"reader-{i:03d}", shared["id"])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(reader, range(505)))
    graph = proj.lineage("popular", "v0", 2)
    assert graph["truncated"] is True and len(graph["nodes"]) == 500
    assert len(graph["edges"]) == 499 and all(e["kind"] == "used" for e in graph["edges"])


def test_links_put_versions_in_a_registry_collection(proj: Project) -> None:
    proj.run("train")
    proj.run("deploy")
    v0 = proj.log("train", "model", b"weights 0", "model")
    v1 = proj.log("train", "model", b"weights 1", "model")
    api = proj.api
    link = api.post(
        f"{proj.coll('model')}/versions/v0/links", json={"target": "registry", "aliases": ["staging"]}
    )
    assert link.status_code == 200, link.text
    first = link.json()
    assert (first["name"], first["version"], first["created"]) == ("registry", "v0", True)
    assert first["source"] == v0["qualified_name"] and first["digest"] == v0["digest"]
    assert first["logged_by"]["run_id"] == "train" and [a["alias"] for a in first["aliases"]] == [
        "latest",
        "staging",
    ]
    again = api.post(
        f"{proj.coll('model')}/versions/v0/links", json={"target": f"{proj.name}/registry"}
    ).json()
    assert again["id"] == first["id"] and again["created"] is False

    full = f"{proj.entity}/{proj.name}/registry"
    second = api.post(f"{proj.coll('model')}/versions/{v1['id']}/links", json={"target": full}).json()
    assert second["version"] == "v1" and second["source"] == v1["qualified_name"]
    registry = api.get(proj.coll("registry")).json()
    assert (registry["kind"], registry["type"], registry["version_count"]) == ("portfolio", "model", 2)
    assert registry["latest_version"] == "v1"

    through = api.get(f"{proj.coll('registry')}/versions/staging").json()
    assert through["source"] == v0["qualified_name"]
    manifest = api.get(f"{proj.coll('registry')}/versions/staging/manifest").json()
    assert list(manifest["contents"]) == ["file.bin"]
    assert api.get(f"{proj.coll('registry')}/versions/staging/files/file.bin").content == b"weights 0"

    proj.use("deploy", through["id"])  # a use of the link is a use of its source
    assert [r["run_id"] for r in api.get(f"{proj.coll('model')}/versions/v0/used-by").json()["runs"]] == [
        "deploy"
    ]
    assert _labels(proj.lineage("registry", "staging", 1)) == {"model:v0", "train", "deploy"}


def test_links_refuse_wrong_targets_and_follow_deletes(proj: Project) -> None:
    proj.log(None, "model", b"m", "model")
    proj.log(None, "data", b"d", "dataset")
    api = proj.api
    onto_sequence = api.post(f"{proj.coll('model')}/versions/v0/links", json={"target": "data"})
    assert onto_sequence.status_code == 409 and "registry" in onto_sequence.json()["error"]["message"]
    api.post(f"{proj.coll('model')}/versions/v0/links", json={"target": "reg"}).raise_for_status()
    wrong_type = api.post(f"{proj.coll('data')}/versions/v0/links", json={"target": "reg"})
    assert wrong_type.status_code == 409 and "'model'" in wrong_type.json()["error"]["message"]
    with_alias = api.post(f"{proj.coll('model')}/versions/v0/links", json={"target": "reg:prod"})
    assert with_alias.status_code == 400 and with_alias.json()["error"]["field"] == "target"
    logged_into = api.post(proj.coll("reg") + "/versions", json=body(api, {"f": b"x"}, "model"))
    assert logged_into.status_code == 409 and "link" in logged_into.json()["error"]["hint"]
    other = f"{proj.entity}/other-{proj.name}/shared-reg"
    across = api.post(f"{proj.coll('model')}/versions/v0/links", json={"target": other}).json()
    assert across["qualified_name"] == f"{other}:v0"

    assert api.delete(f"{proj.coll('model')}/versions/v0").status_code == 204
    assert api.get(proj.coll("reg")).json()["version_count"] == 0
    assert api.get(f"/api/v1/artifacts/by-id/{across['id']}").status_code == 404
