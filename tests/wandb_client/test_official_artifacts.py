"""Artifacts of the official client on a Trackwell server (sections 3.6 and 3.7): ``log_artifact``
with files, a directory and aliases, a new version when a file changes, no new version for equal
content, ``use_artifact`` by ``latest``/``vN``/alias with its lineage, ``download()`` byte for byte,
``wandb.Api().artifact(...)``, and a ``wandb.Table`` (a ``run_table`` artifact) read back. What the
client saves is a Trackwell artifact version like any other: checked through Trackwell's own API."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx

from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import ok, run_official, run_trackwell
from trackwell.server.access_log import redact_secrets

MODEL = bytes(range(256)) * 40  # binary, and the same in every version: uploaded once

LOG = """
import json, os, wandb
os.makedirs("data/sub", exist_ok=True)
open("data/a.txt", "w").write("hello\\n")
open("data/sub/b.txt", "w").write("bee\\n")
open("model.bin", "wb").write(bytes(range(256)) * 40)

def dataset(**kw):
    art = wandb.Artifact("dataset", type="dataset", **kw)
    art.add_file("model.bin")
    art.add_dir("data", name="data")
    return art

out = {}
run = wandb.init(project="arts", name="producer")
first = dataset(description="first cut", metadata={"k": 1})
run.log_artifact(first, aliases=["best"])
first.wait()
out["v0"] = [first.version, first.digest]
open("data/a.txt", "w").write("hello again\\n")
second = dataset(metadata={"k": 2})
run.log_artifact(second)
second.wait()
out["v1"] = [second.version, second.digest]
again = dataset(metadata={"k": 2})
run.log_artifact(again)
again.wait()
out["again"] = again.version
run.log({"tbl": wandb.Table(columns=["x", "y"], data=[[1, "a"], [2, "b"]])})
out["run_id"] = run.id
run.finish()
print("FACTS" + json.dumps(out))
"""

USE = """
import json, os, wandb
out = {}
run = wandb.init(project="arts", name="consumer", job_type="eval")
roots = {}
for ref in ("dataset:latest", "dataset:v0", "dataset:best"):
    art = run.use_artifact(ref)
    roots[ref] = art.download(root=os.path.join("dl", ref.replace(":", "-")))
    out[ref] = art.version
run.finish()
out["roots"] = roots
api = wandb.Api()
entity = api.default_entity
v1 = api.artifact(f"{entity}/arts/dataset:v1")
out["api"] = {
    "version": v1.version, "type": v1.type, "metadata": dict(v1.metadata), "aliases": sorted(v1.aliases),
    "size": v1.size, "digest": v1.digest, "files": sorted(f.name for f in v1.files()),
}
v0 = api.artifact(f"{entity}/arts/dataset:v0")
out["used_by"] = [r.id for r in v0.used_by()]
out["logged_by"] = v1.logged_by().id
out["logged"] = sorted(a.name for a in api.run(f"{entity}/arts/" + PRODUCER).logged_artifacts())
out["types"] = sorted(t.name for t in api.artifact_types(f"{entity}/arts"))
out["type"] = api.artifact_type("run_table", f"{entity}/arts").name
out["collections"] = sorted(c.name for c in api.artifact_collections(f"{entity}/arts", "dataset"))
out["versions"] = sorted(a.version for a in api.artifacts("dataset", f"{entity}/arts/dataset"))
v1.aliases.append("prod")
v1.metadata["note"] = "edited"
v1.save()
prod = api.artifact(f"{entity}/arts/dataset:prod")
out["saved"] = [prod.version, sorted(prod.aliases), prod.metadata]
table = api.artifact(f"{entity}/arts/run-" + PRODUCER + "-tbl:latest").get("tbl")
out["table"] = [table.columns, table.data]
out["entity"] = entity
print("FACTS" + json.dumps(out))
"""


def _facts(proc: Any) -> dict[str, Any]:
    return json.loads(proc.stdout.split("FACTS", 1)[1].strip().splitlines()[0])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_log_use_download_and_fetch_artifacts_with_the_official_client(
    live_server: LiveServer, tmp_path: Path
) -> None:
    logged = _facts(ok(run_official(live_server, tmp_path, LOG)))
    assert logged["v0"][0] == "v0" and logged["v1"][0] == "v1"
    assert logged["v0"][1] != logged["v1"][1]
    assert logged["again"] == "v1"  # equal content: no new version, as on W&B

    used = _facts(ok(run_official(live_server, tmp_path, USE.replace("PRODUCER", repr(logged["run_id"])))))
    assert [used["dataset:latest"], used["dataset:v0"], used["dataset:best"]] == ["v1", "v0", "v0"]
    latest = _files(tmp_path / used["roots"]["dataset:latest"])
    assert latest == {"model.bin": MODEL, "data/a.txt": b"hello again\n", "data/sub/b.txt": b"bee\n"}
    assert _files(tmp_path / used["roots"]["dataset:v0"])["data/a.txt"] == b"hello\n"

    api = used["api"]
    assert api["version"] == "v1" and api["type"] == "dataset" and api["metadata"] == {"k": 2}
    assert "latest" in api["aliases"] and "best" not in api["aliases"]
    assert api["size"] == len(MODEL) + len(b"hello again\n") + len(b"bee\n")
    assert api["digest"] == logged["v1"][1]  # wandb's MD5 manifest digest, the same both ways
    assert api["files"] == ["data/a.txt", "data/sub/b.txt", "model.bin"]
    assert used["table"] == [["x", "y"], [[1, "a"], [2, "b"]]]
    assert used["logged_by"] == logged["run_id"] and len(used["used_by"]) == 1
    assert used["type"] == "run_table"
    assert (used["types"], used["collections"], used["versions"]) == (
        ["dataset", "run_table"],
        ["dataset"],
        ["v0", "v1"],
    )
    assert used["logged"] == ["dataset:v0", "dataset:v1", f"run-{logged['run_id']}-tbl:v0"]
    assert used["saved"] == ["v1", ["latest", "prod"], {"k": 2, "note": "edited"}]

    # The same versions through Trackwell's own API: one storage path, lineage both ways.
    entity = used["entity"]
    base = f"/api/v1/artifacts/{entity}/arts/collections/dataset"
    with live_server.client() as http:
        versions = http.get(f"{base}/versions").json()["versions"]
        by_name = {v["version"]: v for v in versions}
        assert sorted(by_name) == ["v0", "v1"]
        assert {a["alias"] for a in by_name["v0"]["aliases"]} >= {"best"}
        assert {a["alias"] for a in by_name["v1"]["aliases"]} >= {"latest"}
        assert by_name["v1"]["logged_by"]["run_id"] == logged["run_id"]
        assert by_name["v1"]["description"] is None and by_name["v0"]["description"] == "first cut"
        used_by = http.get(f"{base}/versions/v0/used-by").json()["runs"]
        assert [r["name"] for r in used_by] == ["consumer"]
        assert [r["run_id"] for r in used_by] == used["used_by"]
        manifest = http.get(f"{base}/versions/v1/manifest").json()
        assert len(manifest["contents"]["model.bin"]["digest"]) == 64  # stored by SHA-256
        v0_manifest = http.get(f"{base}/versions/v0/manifest").json()
        assert v0_manifest["contents"]["model.bin"]["digest"] == manifest["contents"]["model.bin"]["digest"]


CREATE = (
    "mutation C($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id state } } }"
)
TYPE_CHECK = """query T($e: String, $p: String) {
  project(name: $p, entityName: $e) { artifact(name: "ds:latest") { artifactType { name } } }
}"""
FILES = """mutation F($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) { files { edges { node { uploadUrl } } } }
}"""


def _gql(http: Any, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def test_upload_urls_are_the_permission_check_the_bytes_and_are_not_logged(live_server: LiveServer) -> None:
    """Without the client: what its requests would meet if it (or someone else) sent other ones."""
    from tests.fixtures.artifacts import make_user

    data = b"some bytes\n"
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    with live_server.client() as http:
        entity = _gql(http, "{ viewer { entity } }", {}).json()["data"]["viewer"]["entity"]
        create = {
            "entityName": entity,
            "projectName": "guarded",
            "artifactTypeName": "dataset",
            "artifactCollectionName": "ds",
            "digest": "0" * 32,
            "clientID": "c" * 32,
        }
        # The client's type check before a first log, in a project that does not exist yet: "new".
        fresh = _gql(http, TYPE_CHECK, {"e": entity, "p": "guarded"}).json()
        assert fresh == {"data": {"project": {"artifact": None}}}
        created = _gql(http, CREATE, {"input": create}).json()["data"]["createArtifact"]["artifact"]
        assert created["state"] == "PENDING"
        spec = {"artifactID": created["id"], "name": "a.txt", "md5": md5}
        answer = _gql(http, FILES, {"input": {"artifactFiles": [spec]}}).json()
        url = answer["data"]["createArtifactFiles"]["files"]["edges"][0]["node"]["uploadUrl"]
        token = url.rsplit("/", 1)[1]

        bare = httpx.Client(base_url=live_server.url)  # the client sends no Authorization header here
        assert bare.put(url, content=b"other bytes\n").status_code == 400  # not the announced MD5
        assert bare.put(url.replace(token, token[:-4] + "AAAA"), content=data).status_code == 403
        assert bare.put(url, content=data).status_code == 200
        assert bare.get(f"{live_server.url}/wandb/artifact-download/{token}").status_code == 403
        bare.close()
        again = _gql(http, FILES, {"input": {"artifactFiles": [spec]}}).json()
        assert again["data"]["createArtifactFiles"]["files"]["edges"][0]["node"]["uploadUrl"] is None

        viewer = make_user(live_server, "artviewer", admin=False, role="viewer", entity=entity)
        refused = _gql(http, CREATE, {"input": {**create, "clientID": "d" * 32}}, headers=viewer)
        assert refused.status_code == 403 and refused.json()["data"] == {"createArtifact": None}
        refused = _gql(http, FILES, {"input": {"artifactFiles": [spec]}}, headers=viewer)
        assert refused.status_code == 403  # an id made for someone else grants nothing
    assert token not in live_server.log_tail(400)
    for kind in ("artifact-files", "artifact-download"):  # what an access log would write
        assert redact_secrets(f"/wandb/{kind}/{token}") == f"/wandb/{kind}/[redacted]"


TRACKWELL_LOG = """
import trackwell as wandb
run = wandb.init(project="mixed", name="trackwell-sdk")
art = wandb.Artifact("weights", type="model")
with art.new_file("w.txt", mode="w") as f:
    f.write("trackwell bytes\\n")
run.log_artifact(art)
run.finish()
"""

WANDB_READ_AND_RELOG = """
import json, os, wandb
api = wandb.Api()
art = api.artifact(f"{api.default_entity}/mixed/weights:latest")
root = art.download(root="got")
out = {"version": art.version, "text": open(os.path.join(root, "w.txt")).read(), "digest": art.digest}
run = wandb.init(project="mixed", name="official")
same = wandb.Artifact("weights", type="model")
same.add_file(os.path.join(root, "w.txt"))
run.log_artifact(same)
same.wait()
out["relogged"] = [same.version, same.digest]
open("extra.txt", "w").write("more\\n")
more = wandb.Artifact("weights", type="model", incremental=True)  # added to the latest version
more.add_file("extra.txt")
run.log_artifact(more)
more.wait()
latest = api.artifact(f"{api.default_entity}/mixed/weights:latest")
out["incremental"] = [more.version, sorted(f.name for f in latest.files())]
run.finish()
print("FACTS" + json.dumps(out))
"""


def test_trackwell_sdk_versions_are_read_by_wandb_equal_content_is_one_version_and_incremental_adds(
    live_server: LiveServer, tmp_path: Path
) -> None:
    sdk_dir, official_dir = tmp_path / "sdk", tmp_path / "official"
    sdk_dir.mkdir()
    official_dir.mkdir()
    ok(run_trackwell(live_server, sdk_dir, TRACKWELL_LOG))
    facts = _facts(ok(run_official(live_server, official_dir, WANDB_READ_AND_RELOG)))
    # The MD5s wandb needs were computed from the stored blob; the file arrives byte for byte.
    assert facts["version"] == "v0" and facts["text"] == "trackwell bytes\n"
    # The same bytes logged by the official client: Trackwell's dedup answers the same version.
    assert facts["relogged"] == ["v0", facts["digest"]]
    assert facts["incremental"] == ["v1", ["extra.txt", "w.txt"]]
