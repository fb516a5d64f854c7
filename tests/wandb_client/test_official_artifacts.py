"""Artifacts of the official client on a Trackwell server (sections 3.6 and 3.7): ``log_artifact``
with files, a directory and aliases, a new version when a file changes, no new version for equal
content, ``use_artifact`` by ``latest``/``vN``/alias with its lineage, ``download()`` byte for byte,
``wandb.Api().artifact(...)``, and a ``wandb.Table`` (a ``run_table`` artifact) read back. What the
client saves is a Trackwell artifact version like any other: checked through Trackwell's own API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import ok, run_official

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
    "version": v1.version, "type": v1.type, "metadata": v1.metadata, "aliases": sorted(v1.aliases),
    "size": v1.size, "digest": v1.digest, "files": sorted(f.name for f in v1.files()),
}
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
        manifest = http.get(f"{base}/versions/v1/manifest").json()
        assert len(manifest["contents"]["model.bin"]["digest"]) == 64  # stored by SHA-256
        v0_manifest = http.get(f"{base}/versions/v0/manifest").json()
        assert v0_manifest["contents"]["model.bin"]["digest"] == manifest["contents"]["model.bin"]["digest"]
