"""``artifact._to_record``: the run-log record of ``log_artifact``, and the staging it does.

The ``create`` body must validate as ``schema.artifacts.ArtifactCreate`` (the test imports
pydantic; the SDK's path does not). Staging copies only mutable files whose digest the server
lacks, refuses a file changed since it was hashed, and ``release`` removes only its own copies.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import trackwell as wandb
from trackwell.artifacts import staging
from trackwell.artifacts.staging import FileChangedError
from trackwell.schema.artifact_rules import manifest_digest
from trackwell.schema.artifacts import ArtifactCreate
from trackwell.schema.records import ArtifactRecord

CLIENT_ID = "client-" + "0" * 25


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "staging"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build() -> wandb.Artifact:
    Path("mutable.bin").write_bytes(b"m" * 1000)
    Path("same.bin").write_bytes(b"m" * 1000)
    Path("frozen.bin").write_bytes(b"f" * 10)
    artifact = wandb.Artifact("model", "model", description="d", metadata={"k": 1})
    artifact.add_file("mutable.bin")
    artifact.add_file("same.bin")  # equal content: staged once
    artifact.add_file("frozen.bin", policy="immutable")
    artifact.add_reference(Path("frozen.bin").absolute().as_uri(), name="ref.bin")
    with artifact.new_file("notes.txt", mode="w") as f:
        f.write("n")
    return artifact


def test_create_body_validates_as_the_wire_model_and_the_record_as_artifact_record(
    private_dirs: Path,
) -> None:
    artifact = build()
    artifact.ttl = __import__("datetime").timedelta(hours=1)
    record = artifact._to_record(CLIENT_ID, run_id="run1", aliases=["best"], tags=["t1"], missing=set())
    body = ArtifactCreate.model_validate(record["create"])
    assert body.client_id == CLIENT_ID and body.type == "model" and body.run_id == "run1"
    assert body.aliases == ["best"] and body.tags == ["t1"] and body.ttl_seconds == 3600
    assert body.metadata == {"k": 1} and body.description == "d"
    contents = body.manifest.contents
    assert sorted(contents) == ["frozen.bin", "mutable.bin", "notes.txt", "ref.bin", "same.bin"]
    assert contents["ref.bin"].ref is not None and contents["mutable.bin"].ref is None
    assert body.digest == manifest_digest({p: e.digest for p, e in contents.items()}) == artifact.digest
    assert record["name"] == "model" and record["client_id"] == CLIENT_ID
    full = ArtifactRecord.model_validate({"seq": 0, "kind": "artifact", **record})
    assert full.create == record["create"]
    # Nothing missing on the server: nothing staged, every stored entry read in place.
    assert sorted(record["local_paths"]) == ["frozen.bin", "mutable.bin", "notes.txt", "same.bin"]
    assert not private_dirs.exists() or not [p for p in private_dirs.iterdir() if p.is_file()]


def test_only_mutable_files_the_server_lacks_are_staged_and_release_removes_only_copies(
    private_dirs: Path,
) -> None:
    artifact = build()
    missing = {sha(b"m" * 1000), sha(b"f" * 10)}
    record = artifact._to_record(CLIENT_ID, run_id=None, aliases=[], tags=[], missing=missing)
    local = record["local_paths"]
    assert Path(local["mutable.bin"]).parent == private_dirs
    assert local["same.bin"] == local["mutable.bin"]  # one copy for equal content
    assert local["frozen.bin"] == "frozen.bin"  # immutable: read in place, even though missing
    assert "notes.txt" in local and Path(local["notes.txt"]).parent != private_dirs  # not missing
    staged = Path(local["mutable.bin"])
    assert staged.read_bytes() == b"m" * 1000
    assert staged.stat().st_mode & 0o222 == 0  # a frozen copy: read-only
    Path("mutable.bin").write_bytes(b"training goes on")  # the copy is what will be uploaded
    assert staged.read_bytes() == b"m" * 1000
    staging.release(local)
    assert not staged.exists()
    assert Path("frozen.bin").exists() and Path("same.bin").exists()


def test_offline_stages_every_mutable_file_and_new_files_by_link(private_dirs: Path) -> None:
    artifact = build()
    record = artifact._to_record(CLIENT_ID, run_id=None, aliases=[], tags=[], missing=None)
    local = record["local_paths"]
    assert {p for p, f in local.items() if Path(f).parent == private_dirs} == {
        "mutable.bin",
        "same.bin",
        "notes.txt",
    }
    notes = Path(local["notes.txt"])
    assert notes.stat().st_nlink == 2  # a hard link to the artifact's own file, no copy
    del artifact  # its private folder goes; the staged link keeps the bytes for the upload
    import gc

    gc.collect()
    assert notes.read_text() == "n" and notes.stat().st_nlink == 1
    staging.release(local)
    assert [p for p in private_dirs.iterdir() if p.is_file()] == []


def test_a_file_changed_after_add_file_is_refused_and_nothing_stays_staged(private_dirs: Path) -> None:
    Path("a.bin").write_bytes(b"a")
    Path("b.bin").write_bytes(b"b")
    artifact = wandb.Artifact("m", "model")
    artifact.add_file("a.bin")
    artifact.add_file("b.bin")
    Path("b.bin").write_bytes(b"bb")
    with pytest.raises(FileChangedError, match="'b.bin'.*changed after it was added"):
        artifact._to_record(CLIENT_ID, run_id=None, aliases=[], tags=[], missing=None)
    assert [p for p in private_dirs.iterdir() if p.is_file()] == []
    Path("a.bin").unlink()
    fresh = wandb.Artifact("m", "model")
    Path("a.bin").write_bytes(b"a")
    fresh.add_file("a.bin")
    Path("a.bin").unlink()
    with pytest.raises(FileChangedError, match="was removed after it was added"):
        fresh._to_record(CLIENT_ID, run_id=None, aliases=[], tags=[], missing=None)


def test_bad_aliases_are_refused_with_wandbs_value_error() -> None:
    artifact = wandb.Artifact("m", "model")
    with pytest.raises(ValueError, match="alias 'v3' is not allowed"):
        artifact._to_record(CLIENT_ID, run_id=None, aliases=["v3"], tags=[], missing=set())
    with pytest.raises(ValueError, match="alias 'a/b'"):
        artifact._to_record(CLIENT_ID, run_id=None, aliases=["a/b"], tags=[], missing=set())


def test_skip_cache_entries_are_listed_for_the_saver() -> None:
    Path("ckpt.pt").write_bytes(b"c")
    Path("keep.pt").write_bytes(b"k")
    artifact = wandb.Artifact("m", "model")
    artifact.add_file("ckpt.pt", skip_cache=True)
    artifact.add_file("keep.pt")
    record = artifact._to_record(CLIENT_ID, run_id=None, aliases=[], tags=[], missing=set())
    assert record["skip_cache"] == ["ckpt.pt"]
