"""Artifact versions on a real server, on SQLite and PostgreSQL: create, dedup, retries, incremental
versions, manifests and files, aliases (protected ones too), edits, deletes, collections and the
errors that say what to fix."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.artifacts import body, collection_url, make_run, make_user, put_blob
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.schema.artifact_rules import manifest_digest


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"artifacts-{request.param}") / "data") as live:
        yield live


@pytest.fixture
def project() -> str:
    return "p-" + uuid.uuid4().hex[:8]


@pytest.fixture
def coll(api: httpx.Client, project: str) -> str:
    entity = api.get("/api/v1/viewer").json()["entity"]
    return collection_url(entity, project, "data")


def _create(api: httpx.Client, url: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = api.post(url + "/versions", json=payload)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _aliases(version: dict[str, Any]) -> list[str]:
    return [a["alias"] for a in version["aliases"]]


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["error"]
    return detail


def test_create_then_read_version_manifest_and_files(api: httpx.Client, coll: str) -> None:
    files = {"a.txt": b"hello\n", "dir/b.bin": bytes(range(256)) * 40}
    payload = body(api, files, description="raw", metadata={"rows": 2}, tags=["t"], ttl_seconds=3600)
    v0 = _create(api, coll, payload | {"aliases": ["best"]})
    assert (v0["version"], v0["version_index"], v0["created"], v0["type"]) == ("v0", 0, True, "dataset")
    assert v0["qualified_name"].endswith("/data:v0") and v0["name"] == "data"
    assert v0["digest"] == payload["digest"] and v0["file_count"] == 2 and v0["size"] == 6 + 10240
    assert (v0["description"], v0["metadata"], v0["tags"], v0["ttl_seconds"]) == (
        "raw",
        {"rows": 2},
        ["t"],
        3600,
    )
    assert _aliases(v0) == ["latest", "best"] and v0["state"] == "COMMITTED" and v0["logged_by"] is None

    for ref in ("v0", "latest", "best", v0["id"]):
        assert api.get(f"{coll}/versions/{ref}").json()["id"] == v0["id"]
    assert api.get(f"/api/v1/artifacts/by-id/{v0['id']}").json()["qualified_name"] == v0["qualified_name"]

    manifest = api.get(f"{coll}/versions/v0/manifest").json()
    assert sorted(manifest["contents"]) == ["a.txt", "dir/b.bin"]
    entry = manifest["contents"]["a.txt"]
    assert entry["digest"] == hashlib.sha256(b"hello\n").hexdigest() and entry["size"] == 6
    assert entry["birth_artifact_id"] == v0["id"]

    whole = api.get(f"{coll}/versions/latest/files/dir/b.bin")
    assert whole.status_code == 200 and whole.content == files["dir/b.bin"]
    assert whole.headers["content-security-policy"].startswith("sandbox;")  # no scripts, no origin
    part = api.get(f"{coll}/versions/v0/files/dir/b.bin", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == files["dir/b.bin"][10:20]
    assert part.headers["content-range"] == "bytes 10-19/10240"
    assert api.get(f"{coll}/versions/v0/files/a.txt", headers={"Range": "bytes=99-"}).status_code == 416
    missing = _error(api.get(f"{coll}/versions/v0/files/nope.txt"), 404)
    assert "nope.txt" in missing["message"]


def test_equal_content_is_one_version_and_moves_latest_and_aliases(api: httpx.Client, coll: str) -> None:
    first = body(api, {"a.txt": b"one"})
    v0 = _create(api, coll, first)
    v1 = _create(api, coll, body(api, {"a.txt": b"two"}))
    assert v1["version"] == "v1" and _aliases(v1) == ["latest"]
    again = _create(api, coll, first | {"client_id": uuid.uuid4().hex, "aliases": ["prod"]})
    assert again["id"] == v0["id"] and again["created"] is False
    assert _aliases(again) == ["latest", "prod"]
    assert _aliases(api.get(f"{coll}/versions/v1").json()) == []
    listed = api.get(coll + "/versions").json()
    assert listed["total"] == 2 and [v["version"] for v in listed["versions"]] == ["v1", "v0"]
    page = api.get(coll + "/versions", params={"limit": 1, "offset": 1}).json()
    assert [v["version"] for v in page["versions"]] == ["v0"]


def test_a_retried_create_answers_the_same_version(api: httpx.Client, coll: str) -> None:
    payload = body(api, {"a.txt": b"retry me"})
    first = _create(api, coll, payload)
    again = _create(api, coll, payload)
    assert again["id"] == first["id"] and again["created"] is True
    assert api.get(coll + "/versions").json()["total"] == 1


def test_bad_creates_are_refused_with_the_field_to_fix(api: httpx.Client, coll: str) -> None:
    payload = body(api, {"a.txt": b"x"})
    assert _error(api.post(coll + "/versions", json=payload | {"digest": "0" * 64}), 400)["field"] == "digest"
    bad_path = body(api, {"../escape": b"x"})
    assert "not allowed" in _error(api.post(coll + "/versions", json=bad_path), 400)["message"]
    bad_alias = _error(api.post(coll + "/versions", json=payload | {"aliases": ["v3"]}), 400)
    assert bad_alias["field"] == "aliases"
    assert _error(api.post(coll + "/versions", json=payload | {"type": "wandb-x"}), 400)["field"] == "type"
    bad_name = api.post(coll.rsplit("/", 1)[0] + "/bad name/versions", json=payload)
    assert "bad name" in _error(bad_name, 400)["message"]
    ghost = body(None, {"never-uploaded.txt": uuid.uuid4().bytes, "other.txt": uuid.uuid4().bytes})
    missing = _error(api.post(coll + "/versions", json=ghost), 409)
    assert missing["code"] == "missing_blobs"
    for entry in ghost["manifest"]["contents"].values():
        assert entry["digest"] in missing["message"]
    no_run = _error(api.post(coll + "/versions", json=payload | {"run_id": "no-such-run"}), 404)
    assert no_run["field"] == "run_id"
    assert api.get(coll + "/versions").status_code == 404  # nothing was made


def test_one_name_has_one_type(api: httpx.Client, coll: str) -> None:
    _create(api, coll, body(api, {"a.txt": b"d"}, "dataset"))
    clash = _error(api.post(coll + "/versions", json=body(api, {"a.txt": b"m"}, "model")), 409)
    assert "'dataset'" in clash["message"] and "'model'" in clash["message"] and clash["field"] == "type"


def test_references_are_listed_not_served(api: httpx.Client, coll: str) -> None:
    v0 = _create(api, coll, body(api, {"a.txt": b"a"}, refs={"remote.csv": "s3://bucket/remote.csv"}))
    entry = api.get(f"{coll}/versions/v0/manifest").json()["contents"]["remote.csv"]
    assert entry["ref"] == "s3://bucket/remote.csv" and entry["birth_artifact_id"] is None
    assert v0["file_count"] == 2
    assert "s3://bucket/remote.csv" in _error(api.get(f"{coll}/versions/v0/files/remote.csv"), 404)["message"]


def test_incremental_version_adds_to_overrides_and_removes_from_its_base(
    api: httpx.Client, coll: str
) -> None:
    v0 = _create(api, coll, body(api, {"keep.txt": b"k", "change.txt": b"old", "drop.txt": b"d"}))
    patch = body(api, {"change.txt": b"new", "add.txt": b"a"}, base_version="v0", removed=["drop.txt"])
    v1 = _create(api, coll, patch)
    manifest = api.get(f"{coll}/versions/v1/manifest").json()["contents"]
    assert sorted(manifest) == ["add.txt", "change.txt", "keep.txt"]
    assert manifest["change.txt"]["digest"] == hashlib.sha256(b"new").hexdigest()
    assert manifest["keep.txt"]["birth_artifact_id"] == v0["id"]
    assert manifest["add.txt"]["birth_artifact_id"] == v1["id"]
    assert v1["file_count"] == 3 and v1["digest"] != patch["digest"]  # the whole manifest's digest
    missing_base = _error(
        api.post(coll + "/versions", json=patch | {"client_id": "x" * 10, "base_version": "v9"}), 404
    )
    assert missing_base["field"] == "base_version" and "v0" in missing_base["message"]


def test_incremental_first_version_builds_on_nothing(api: httpx.Client, coll: str) -> None:
    """wandb: ``Artifact(..., incremental=True)`` on a name with no versions makes its v0."""
    first = _create(api, coll, body(api, {"a.txt": b"a"}, base_version="latest"))
    assert first["version"] == "v0" and first["file_count"] == 1
    second = _create(api, coll, body(api, {"b.txt": b"b"}, base_version="latest"))
    assert second["version"] == "v1" and second["file_count"] == 2


def test_a_miss_says_what_exists(api: httpx.Client, coll: str) -> None:
    _create(api, coll, body(api, {"a.txt": b"a"}) | {"aliases": ["best"]})
    miss = _error(api.get(f"{coll}/versions/v7"), 404)
    assert "v0" in miss["message"] and "best" in miss["message"] and "latest" in miss["message"]
    other = coll.rsplit("/", 1)[0] + "/dta"
    assert "data" in _error(api.get(other), 404)["message"]


def test_aliases_move_and_edits_keep_what_is_not_given(api: httpx.Client, coll: str) -> None:
    _create(api, coll, body(api, {"a.txt": b"1"}) | {"aliases": ["staging"]})
    _create(api, coll, body(api, {"a.txt": b"2"}))
    edited = api.patch(f"{coll}/versions/v1", json={"aliases": ["staging", "best"], "description": "d2"})
    assert edited.status_code == 200, edited.text
    assert _aliases(edited.json()) == ["latest", "best", "staging"] and edited.json()["description"] == "d2"
    assert _aliases(api.get(f"{coll}/versions/v0").json()) == []
    kept = api.patch(
        f"{coll}/versions/v1", json={"metadata": {"acc": 0.5}, "tags": ["x"], "ttl_seconds": 60}
    ).json()
    assert (kept["description"], kept["metadata"], kept["tags"], kept["ttl_seconds"]) == (
        "d2",
        {"acc": 0.5},
        ["x"],
        60,
    )
    assert _aliases(kept) == ["latest", "best", "staging"]
    cleared = api.patch(f"{coll}/versions/v1", json={"aliases": []}).json()
    assert _aliases(cleared) == ["latest"]  # latest is the server's


def test_protected_aliases_move_only_for_an_admin(server: LiveServer, api: httpx.Client, coll: str) -> None:
    user = make_user(server, "not-admin-" + uuid.uuid4().hex[:6], admin=False)
    with httpx.Client(base_url=server.url, headers=user, timeout=30) as plain:
        made = plain.post(coll + "/versions", json=body(plain, {"a.txt": b"1"}) | {"aliases": ["production"]})
        assert "'production'" in _error(made, 403)["message"]
        _create(plain, coll, body(plain, {"a.txt": b"1"}))
        assert api.patch(f"{coll}/versions/v0", json={"aliases": ["production"]}).status_code == 200
        _create(plain, coll, body(plain, {"a.txt": b"2"}))
        moved = plain.patch(f"{coll}/versions/v1", json={"aliases": ["production"]})
        assert _error(moved, 403)["field"] == "aliases"
        removed = plain.patch(f"{coll}/versions/v0", json={"aliases": []})
        assert "production" in _error(removed, 403)["message"]
        assert _error(plain.delete(f"{coll}/versions/v0", params={"delete_aliases": True}), 403)
        assert plain.patch(f"{coll}/versions/v0", json={"aliases": ["production", "mine"]}).status_code == 200
        assert "'admin'" in _error(plain.delete(coll), 403)["message"]  # deletes need entity admin
    version = api.get(f"{coll}/versions/production").json()
    assert version["version"] == "v0" and {"alias": "production", "protected": True} in version["aliases"]
    assert api.patch(f"{coll}/versions/v1", json={"aliases": ["production"]}).status_code == 200
    assert api.get(f"{coll}/versions/production").json()["version"] == "v1"


def test_delete_refuses_aliases_unless_asked_and_latest_moves_back(api: httpx.Client, coll: str) -> None:
    _create(api, coll, body(api, {"a.txt": b"1"}))
    _create(api, coll, body(api, {"a.txt": b"2"}) | {"aliases": ["best"]})
    refused = _error(api.delete(f"{coll}/versions/v1"), 409)
    assert "best" in refused["message"] and refused["field"] == "delete_aliases"
    assert api.delete(f"{coll}/versions/v1", params={"delete_aliases": True}).status_code == 204
    assert api.get(f"{coll}/versions/latest").json()["version"] == "v0"
    assert api.delete(f"{coll}/versions/v0").status_code == 204  # only 'latest': no user alias
    assert api.get(coll).json()["version_count"] == 0
    assert _create(api, coll, body(api, {"a.txt": b"3"}))["version"] == "v2"  # numbers never reused


def test_collections_types_and_their_edits(api: httpx.Client, project: str) -> None:
    entity = api.get("/api/v1/viewer").json()["entity"]
    for name, type_ in (("raw", "dataset"), ("clean", "dataset"), ("net", "model")):
        _create(api, collection_url(entity, project, name), body(api, {"f": name.encode()}, type_))
    base = f"/api/v1/artifacts/{entity}/{project}"
    assert api.get(base + "/types").json()["types"] == [
        {"name": "dataset", "collection_count": 2},
        {"name": "model", "collection_count": 1},
    ]
    datasets = api.get(base + "/collections", params={"type": "dataset"}).json()
    assert datasets["total"] == 2 and [c["name"] for c in datasets["collections"]] == ["clean", "raw"]
    raw = datasets["collections"][1]
    assert (raw["kind"], raw["version_count"], raw["latest_version"], raw["aliases"]) == (
        "sequence",
        1,
        "v0",
        ["latest"],
    )
    assert api.get(base + "/collections", params={"kind": "portfolio"}).json()["total"] == 0
    url = collection_url(entity, project, "raw")
    assert api.patch(url, json={"description": "the raw data"}).json()["description"] == "the raw data"
    assert api.patch(url, json={}).json()["description"] == "the raw data"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(base + "/collections").json()["total"] == 2


def test_a_version_of_ten_thousand_files_reads_fast(api: httpx.Client, coll: str) -> None:
    blob = put_blob(api, b"shared bytes")
    contents = {f"shard/{i:05d}.txt": {"digest": blob, "size": 12} for i in range(10_000)}
    digest = manifest_digest(dict.fromkeys(contents, blob))
    payload = {
        "client_id": uuid.uuid4().hex,
        "type": "dataset",
        "digest": digest,
        "manifest": {"contents": contents},
    }
    started = time.perf_counter()
    created = _create(api, coll, payload)
    create_s = time.perf_counter() - started
    started = time.perf_counter()
    manifest = api.get(f"{coll}/versions/v0/manifest").json()
    read_s = time.perf_counter() - started
    assert created["file_count"] == 10_000 and len(manifest["contents"]) == 10_000
    assert create_s < 10 and read_s < 3, (create_s, read_s)
    started = time.perf_counter()
    again = _create(api, coll, payload | {"client_id": uuid.uuid4().hex})
    assert again["created"] is False and time.perf_counter() - started < 3


def test_versions_logged_by_runs_name_them(api: httpx.Client, coll: str, project: str) -> None:
    entity = api.get("/api/v1/viewer").json()["entity"]
    make_run(api, entity, project, "producer", job_type="prep", display_name="prep run")
    made = _create(api, coll, body(api, {"a.txt": b"from a run"}, run_id="producer"))
    assert made["logged_by"] == {
        "entity": entity,
        "project": project,
        "run_id": "producer",
        "name": "prep run",
        "job_type": "prep",
        "state": "running",
    }


def test_a_server_setting_protects_more_aliases(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data", extra_args=["--protected-alias", "staging"]).start()
    try:
        user = make_user(live, "someone", admin=False)
        url = collection_url("someone", "p", "data")
        with httpx.Client(base_url=live.url, headers=user, timeout=30) as plain:
            for alias in ("staging", "production"):
                refused = plain.post(url + "/versions", json=body(plain, {"a": b"a"}) | {"aliases": [alias]})
                assert f"'{alias}'" in _error(refused, 403)["message"]
            assert plain.post(
                url + "/versions", json=body(plain, {"a": b"a"}) | {"aliases": ["best"]}
            ).is_success
    finally:
        live.stop()
