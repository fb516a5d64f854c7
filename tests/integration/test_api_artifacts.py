"""``Api()``'s artifact calls against a live server: names in every form wandb accepts, lazy
paginators of types, collections and versions, a run's logged and used artifacts, and the errors
(class and message) wandb users catch.

Each runs on SQLite and PostgreSQL. The versions are seeded over HTTP the way the SDK's saver sends
them (blobs first, then the ``ArtifactCreate`` body; lineage through an ``artifact_use`` run-log
record), so these tests check the query API alone; the SDK's own path is exercised by the CLI and
example tests.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from tests.integration.test_api_client import seed_run
from trackwell.apis import Api
from trackwell.apis.artifacts import ArtifactCollection, Artifacts
from trackwell.apis.artifacts_http import artifact_client
from trackwell.errors import CommError
from trackwell.schema.artifact_rules import manifest_digest
from trackwell.schema.errors import InvalidArgument
from trackwell.schema.records import ArtifactUseRecord, RecordBatch
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.settings import Settings
from trackwell.sdk.transport import TransportError

PROJECT = "art-q"


def seed_version(
    client: ApiClient,
    entity: str,
    project: str,
    name: str,
    type_: str,
    files: dict[str, bytes],
    **fields: Any,
) -> dict[str, Any]:
    """One version as the SDK's saver creates it: missing blobs PUT, then ``POST .../versions``."""
    artifacts = artifact_client(client)
    contents: dict[str, dict[str, Any]] = {}
    for path, data in files.items():
        sha = hashlib.sha256(data).hexdigest()
        if artifacts.missing_blobs([sha]):
            artifacts.put_blob(sha, data, len(data))
        contents[path] = {"digest": sha, "size": len(data)}
    body = {
        "client_id": uuid.uuid4().hex,
        "type": type_,
        "digest": manifest_digest({p: str(e["digest"]) for p, e in contents.items()}),
        "manifest": {"version": 1, "storage_policy": "trackwell-sha256-v1", "contents": contents},
        **fields,
    }
    return artifacts.create_version(entity, project, name, body)


def mark_used(client: ApiClient, entity: str, project: str, run_id: str, version_id: str) -> None:
    """``run.use_artifact``'s record, sent in a session of its own (as ``trackwell sync`` would)."""
    batch = RecordBatch(
        session_id=uuid.uuid4().hex, records=[ArtifactUseRecord(seq=0, artifact_id=version_id)]
    )
    client.post_records(entity, project, run_id, batch.model_dump_json().encode())


@dataclass
class Seeded:
    entity: str
    raw_v0: dict[str, Any]
    raw_v1: dict[str, Any]
    net_v0: dict[str, Any]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Paging and ordering are SQL: every test runs on SQLite and on PostgreSQL."""
    with server_on_backend(request, tmp_path_factory.mktemp(f"artq-{request.param}") / "data") as live:
        yield live


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> Iterator[Seeded]:
    with ApiClient(server.url, server.api_key, timeout=30) as client:
        entity = client.viewer().entity
        seed_run(client, entity, PROJECT, "producer", display_name="make-data")
        seed_run(client, entity, PROJECT, "consumer", display_name="train")
        raw_v0 = seed_version(
            client, entity, PROJECT, "raw-data", "dataset", {"a.txt": b"one"}, run_id="producer"
        )
        raw_v1 = seed_version(
            client,
            entity,
            PROJECT,
            "raw-data",
            "dataset",
            {"a.txt": b"two", "b/c.txt": b"three"},
            aliases=["best"],
            tags=["clean"],
            description="second cut",
            run_id="producer",
        )
        for i in range(3):
            seed_version(client, entity, PROJECT, f"ds-{i}", "dataset", {"x.txt": f"ds {i}".encode()})
        net_v0 = seed_version(
            client, entity, PROJECT, "net", "model", {"w.bin": b"\0" * 64}, run_id="consumer"
        )
        mark_used(client, entity, PROJECT, "consumer", raw_v1["id"])
        yield Seeded(entity, raw_v0, raw_v1, net_v0)


def settings_for(server: LiveServer, home: Path, url: str | None = None) -> Settings:
    return Settings.resolve({"HOME": str(home)}, base_url=url or server.url, api_key=server.api_key)


@pytest.fixture
def api(server: LiveServer, seeded: Seeded, tmp_path: Path) -> Iterator[Api]:
    with Api(settings=settings_for(server, tmp_path)) as api:
        yield api


def test_artifact_by_every_name_form(api: Api, seeded: Seeded, server: LiveServer, tmp_path: Path) -> None:
    full = api.artifact(f"{seeded.entity}/{PROJECT}/raw-data:v1")
    assert (full.name, full.version, full.type) == ("raw-data:v1", "v1", "dataset")
    assert full.qualified_name == f"{seeded.entity}/{PROJECT}/raw-data:v1"
    assert full.digest == seeded.raw_v1["digest"] and full.size == len(b"two") + len(b"three")
    assert "best" in full.aliases and full.description == "second cut"
    assert api.artifact(f"{PROJECT}/raw-data:best").version == "v1"
    assert api.artifact(f"{PROJECT}/raw-data:v0").digest == seeded.raw_v0["digest"]
    assert api.artifact(f"{PROJECT}/raw-data").version == "v1"  # no alias: latest
    assert api.artifact(f"{PROJECT}/raw-data:latest", type="dataset").version == "v1"
    # The Api's project fills a bare name, as wandb's overrides do.
    with Api(overrides={"project": PROJECT}, settings=settings_for(server, tmp_path)) as scoped:
        assert scoped.artifact("raw-data:latest").version == "v1"
        assert [a.version for a in scoped.artifacts("dataset", "raw-data")] == ["v1", "v0"]


def test_unknown_artifacts_raise_what_wandb_users_catch_naming_what_exists(api: Api) -> None:
    with pytest.raises(CommError) as missing:
        api.artifact(f"{PROJECT}/nope:latest")
    assert isinstance(missing.value, ValueError)  # wandb's ValueError under WANDB_DEBUG
    text = str(missing.value)
    assert "artifact membership 'nope:latest' not found" in text and PROJECT in text
    with pytest.raises(CommError) as alias:
        api.artifact(f"{PROJECT}/raw-data:nightly")
    assert "nightly" in str(alias.value) and "best" in str(alias.value)  # the server names what exists
    with pytest.raises(ValueError, match="specified but this artifact is of type dataset"):
        api.artifact(f"{PROJECT}/raw-data:v0", type="model")
    # No project in the name and none set: wandb's "uncategorized", named in the error.
    with pytest.raises(CommError, match="'uncategorized' was searched: write 'project/name:alias'"):
        api.artifact("raw-data:latest")


def test_artifact_exists_and_collection_exists(api: Api, server: LiveServer, tmp_path: Path) -> None:
    assert api.artifact_exists(f"{PROJECT}/raw-data:best")
    assert api.artifact_exists(f"{PROJECT}/raw-data:v0", type="dataset")
    assert not api.artifact_exists(f"{PROJECT}/raw-data:v9")
    assert not api.artifact_exists(f"{PROJECT}/raw-data:v0", type="model")
    assert not api.artifact_exists(f"{PROJECT}/nothing:latest")
    assert api.artifact_collection_exists(f"{PROJECT}/net", "model")
    assert not api.artifact_collection_exists(f"{PROJECT}/net", "dataset")
    assert not api.artifact_collection_exists(f"{PROJECT}/nothing", "model")
    # A server that cannot be reached is an error, not "does not exist".
    dead = settings_for(server, tmp_path, url="http://127.0.0.1:9")
    with Api(overrides={"entity": "someone"}, settings=dead) as offline, pytest.raises(TransportError):
        offline.artifact_exists(f"{PROJECT}/raw-data:v0")


def test_types_and_their_collections(api: Api) -> None:
    types = api.artifact_types(PROJECT)
    assert sorted(t.name for t in types) == ["dataset", "model"]
    by_name = {t.name: t for t in types}
    assert sorted(c.name for c in by_name["dataset"].collections()) == ["ds-0", "ds-1", "ds-2", "raw-data"]
    assert [c.name for c in by_name["model"].collections()] == ["net"]
    model = api.artifact_type("model", PROJECT)
    assert model.name == "model" and model.collection("net").type == "model"
    with pytest.raises(CommError, match="types: dataset, model"):
        api.artifact_type("checkpoint", PROJECT)


def test_collections_page_lazily_with_len_index_and_slices(api: Api) -> None:
    colls = api.artifact_collections(PROJECT, "dataset", per_page=2)
    assert colls.objects == []  # nothing fetched before it is used
    assert len(colls) == 4 and len(colls.objects) == 2  # len() costs one page
    first = next(iter(colls))
    assert isinstance(first, ArtifactCollection) and len(colls.objects) == 2
    assert colls[3].name in {"ds-0", "ds-1", "ds-2", "raw-data"} and len(colls.objects) == 4
    assert sorted(c.name for c in colls) == ["ds-0", "ds-1", "ds-2", "raw-data"]
    assert len(colls[1:3]) == 2 and colls[-1] is colls.objects[-1]
    assert next(colls).name == colls.objects[0].name  # wandb's next(paginator)
    assert [c.name for c in api.artifact_collections(PROJECT, "model")] == ["net"]
    one_by_one = api.artifact_collections(PROJECT, "dataset", per_page=1)
    assert len(one_by_one[0:2]) == 2 and len(one_by_one.objects) == 2  # only the pages asked for
    assert one_by_one[2] is one_by_one.objects[2] and len(one_by_one.objects) == 3
    assert len(one_by_one[-2:]) == 2 and len(one_by_one.objects) == 4  # from the end: everything


def test_collection_attributes_versions_edit_and_delete(api: Api, seeded: Seeded) -> None:
    coll = api.artifact_collection("dataset", f"{PROJECT}/raw-data")
    assert (coll.name, coll.type, coll.entity, coll.project) == (
        "raw-data",
        "dataset",
        seeded.entity,
        PROJECT,
    )
    assert {"best", "latest"} <= set(coll.aliases) and coll.is_sequence()
    assert coll.created_at and coll.created_at.endswith("Z")
    versions = coll.artifacts(per_page=1)
    assert isinstance(versions, Artifacts) and len(versions) == 2
    assert [a.version for a in versions] == ["v1", "v0"]  # newest first
    coll.description = "raw inputs, one file per cut"
    coll.save()
    assert (
        api.artifact_collection("dataset", f"{PROJECT}/raw-data").description
        == "raw inputs, one file per cut"
    )
    with pytest.raises(CommError, match="is of type 'dataset', not 'model'"):
        api.artifact_collection("model", f"{PROJECT}/raw-data")
    with pytest.raises(CommError, match="raw-data"):  # the error lists what the project holds
        api.artifact_collection("dataset", f"{PROJECT}/missing")
    doomed = api.artifact_collection("dataset", f"{PROJECT}/ds-2")
    doomed.delete()
    assert not api.artifact_collection_exists(f"{PROJECT}/ds-2", "dataset")
    assert not api.artifact_exists(f"{PROJECT}/ds-2:v0")


def test_artifacts_of_a_collection_with_tags_and_the_older_name(api: Api) -> None:
    versions = api.artifacts("dataset", f"{PROJECT}/raw-data", per_page=1)
    assert versions[0].version == "v1" and len(versions.objects) == 1
    assert [a.version for a in versions] == ["v1", "v0"] and len(versions) == 2
    assert [a.version for a in api.artifacts("dataset", f"{PROJECT}/raw-data", tags=["clean"])] == ["v1"]
    assert [a.version for a in api.artifacts("dataset", f"{PROJECT}/raw-data", tags="nope")] == []
    assert [a.version for a in api.artifact_versions("dataset", f"{PROJECT}/raw-data")] == ["v1", "v0"]
    with pytest.raises(CommError, match="not 'model'"):
        list(api.artifacts("model", f"{PROJECT}/raw-data"))
    with pytest.raises(CommError, match="'missing' not found"):
        list(api.artifacts("dataset", f"{PROJECT}/missing"))


def test_a_runs_logged_and_used_artifacts(api: Api, seeded: Seeded) -> None:
    producer = api.run(f"{PROJECT}/producer")
    logged = producer.logged_artifacts(per_page=1)
    assert len(logged) == 2
    assert sorted(a.name for a in logged) == ["raw-data:v0", "raw-data:v1"]
    consumer = api.run(f"{PROJECT}/consumer")
    assert [a.name for a in consumer.used_artifacts()] == ["raw-data:v1"]
    assert [a.name for a in consumer.logged_artifacts()] == ["net:v0"]
    assert len(producer.used_artifacts()) == 0 and list(producer.used_artifacts()) == []


def test_paginator_arguments_are_checked(api: Api) -> None:
    with pytest.raises(InvalidArgument, match="per_page"):
        api.artifact_collections(PROJECT, "dataset", per_page=0)
    default = api.artifact_collections(PROJECT, "model", per_page=None)  # wandb: None = the default
    assert default.per_page == 50 and [c.name for c in default] == ["net"]
    # A project with no artifacts is empty, not an error (as in wandb).
    assert list(api.artifact_types("ghost")) == [] and len(api.artifact_collections("ghost", "model")) == 0


def test_public_run_use_artifact_records_lineage(api: Api, server: LiveServer) -> None:
    with ApiClient(server.url, server.api_key) as client:
        seed_run(client, api.default_entity, PROJECT, "reader", display_name="analysis")
    reader = api.run(f"{PROJECT}/reader")
    model = api.artifact(f"{PROJECT}/net:v0")
    assert reader.use_artifact(model, use_as="the model") is model
    assert [a.name for a in reader.used_artifacts()] == ["net:v0"]
    assert "analysis" in [r.name for r in model.used_by()]
    assert api.run(f"{PROJECT}/reader").state == "finished"  # using is no sign of life
    with pytest.raises(ValueError, match="Only existing artifacts"):
        reader.use_artifact(object())


def test_wandbs_tidy_up_recipe_deletes_versions_without_aliases(api: Api, server: LiveServer) -> None:
    with ApiClient(server.url, server.api_key) as client:
        for content in (b"old", b"older", b"newest"):
            seed_version(client, api.default_entity, PROJECT, "tidy", "scratch", {"f": content})
    # W&B users' clean-up script: every version of a type without an alias goes.
    project = api.project(PROJECT)
    for artifact_type in project.artifacts_types():
        if artifact_type.name != "scratch":
            continue
        for collection in artifact_type.collections():
            for version in collection.artifacts():
                if len(version.aliases) == 0:
                    version.delete()
    left = api.artifacts("scratch", f"{PROJECT}/tidy")
    assert [(a.version, a.aliases) for a in left] == [("v2", ["latest"])] and len(left) == 1


def test_use_artifact_on_a_crashed_run_leaves_it_crashed(tmp_path: Path) -> None:
    """Recording lineage after the fact is no sign of life: the run keeps its state and heartbeat."""
    live = LiveServer(tmp_path / "data", extra_args=["--heartbeat-timeout", "1"]).start()
    try:
        with ApiClient(live.url, live.api_key) as client:
            entity = client.viewer().entity
            seed_run(client, entity, PROJECT, "lost", finish=False)
            stored = seed_version(client, entity, PROJECT, "inputs", "dataset", {"f": b"x"})
        with Api(settings=settings_for(live, tmp_path)) as api:
            run = api.run(f"{PROJECT}/lost")
            for _ in range(100):
                if run.load().state == "crashed":
                    break
                time.sleep(0.1)
            assert run.state == "crashed"
            heartbeat = run.heartbeat_at
            run.use_artifact(api.artifact(f"{PROJECT}/inputs:v0"))
            after = api.run(f"{PROJECT}/lost")
            assert (after.state, after.heartbeat_at) == ("crashed", heartbeat)
            assert [a.id for a in after.used_artifacts()] == [stored["id"]]
    finally:
        live.stop()
