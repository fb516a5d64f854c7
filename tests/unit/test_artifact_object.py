"""The Artifact object built without a server: names, files, folders, new files, digests, errors.

Real files in a temporary folder; the per-machine hash cache and staging folder are private to
each test (``TRACKWELL_CACHE_DIR``/``TRACKWELL_STAGING_DIR``).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import trackwell as wandb
from trackwell.artifacts.exceptions import ArtifactFinalizedError, ArtifactNotLoggedError
from trackwell.schema.artifact_rules import manifest_digest
from trackwell.schema.errors import InvalidArgument


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    monkeypatch.chdir(tmp_path)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def handbook_files() -> dict[str, bytes]:
    """The files of handbook example 08 (data/raw and checkpoints/model.pt)."""
    files = {}
    Path("data/raw").mkdir(parents=True)
    for i in range(3):
        data = "".join(f"{i},{j},{(i * j) % 7}\n" for j in range(1000)).encode()
        Path(f"data/raw/part-{i}.csv").write_bytes(data)
        files[f"part-{i}.csv"] = data
    Path("checkpoints").mkdir()
    Path("checkpoints/model.pt").write_bytes(bytes(range(256)) * 4096)
    return files


def test_handbook_example_digest_size_and_manifest_without_a_server() -> None:
    files = handbook_files()
    dataset = wandb.Artifact(name="raw-data", type="dataset")
    dataset.add_dir("data/raw")
    expected = {name: sha(data) for name, data in files.items()}
    assert {p: e.digest for p, e in dataset.manifest.entries.items()} == expected
    assert dataset.digest == manifest_digest(expected)
    assert dataset.size == sum(len(d) for d in files.values())
    assert dataset.name == "raw-data" and dataset.type == "dataset" and dataset.state == "PENDING"
    assert dataset.id is None

    model = wandb.Artifact(name="fraud-model", type="model")
    entry = model.add_file("checkpoints/model.pt")
    model.metadata = {"framework": "pytorch", "stage": "candidate"}
    assert entry.path == "model.pt" and entry.size == 256 * 4096
    assert entry.digest == sha(bytes(range(256)) * 4096)
    assert model.metadata == {"framework": "pytorch", "stage": "candidate"}
    wire = model.manifest.to_manifest_json()
    assert wire["contents"] == {"model.pt": {"digest": entry.digest, "size": 256 * 4096}}


def test_pitfall_example_builds_the_same_digest_twice() -> None:
    Path("data/customer_churn").mkdir(parents=True)
    Path("data/customer_churn/churn.csv").write_text(
        "".join(f"{i},{i % 2},{i * 0.5}\n" for i in range(20000))
    )
    digests = set()
    for _ in range(2):
        artifact = wandb.Artifact(name="customer-churn-dataset", type="dataset")
        artifact.add_dir("data/customer_churn")
        digests.add(artifact.digest)
    assert len(digests) == 1


def test_building_never_imports_pydantic_and_import_trackwell_loads_no_artifact_code(tmp_path: Path) -> None:
    Path("f.txt").write_text("x")
    code = (
        "import sys, trackwell as wandb\n"
        "assert 'trackwell.artifacts.artifact' not in sys.modules\n"
        "a = wandb.Artifact('d', 'dataset'); a.add_file('f.txt'); a.add_dir('.', name='all')\n"
        "with a.new_file('n.txt', mode='w') as f: f.write('hi')\n"
        "print(a.digest)\n"
        "assert 'pydantic' not in sys.modules, 'pydantic was imported'\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=os.environ
    )
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip()) == 64


@pytest.mark.parametrize("name", ["bad name", "a/b", "a:b", "", "x" * 129])
def test_bad_names_raise_value_error_naming_the_rule(name: str) -> None:
    with pytest.raises(ValueError, match="artifact name") as info:
        wandb.Artifact(name, "dataset")
    assert isinstance(info.value, InvalidArgument)
    assert "letters, digits" in str(info.value)


@pytest.mark.parametrize("type_", ["wandb-history", "trackwell-x", "has space", ""])
def test_bad_types_are_refused(type_: str) -> None:
    with pytest.raises(ValueError, match="artifact type"):
        wandb.Artifact("data", type_)


@pytest.mark.parametrize("bad", ["../escape.txt", "/abs/path.txt", "a/../../b", "a//b", "a\\b"])
def test_entry_names_never_escape_a_folder(bad: str) -> None:
    Path("f.txt").write_text("x")
    artifact = wandb.Artifact("data", "dataset")
    with pytest.raises(ValueError, match="artifact entry name") as info:
        artifact.add_file("f.txt", name=bad)
    assert "relative path inside the artifact" in str(info.value)
    with pytest.raises(ValueError, match="artifact entry name"), artifact.new_file(bad) as f:
        f.write("x")
    assert len(artifact.manifest) == 0


def test_same_name_same_content_is_a_no_op_other_content_an_error_unless_overwrite() -> None:
    Path("a.txt").write_text("one")
    Path("b.txt").write_text("two")
    artifact = wandb.Artifact("data", "dataset")
    first = artifact.add_file("a.txt", name="x.txt")
    assert artifact.add_file("a.txt", name="x.txt") is first
    with pytest.raises(ValueError, match="already added with other content"):
        artifact.add_file("b.txt", name="x.txt")
    artifact.add_file("b.txt", name="x.txt", overwrite=True)
    assert artifact.get_entry("x.txt").digest == sha(b"two")


def test_add_dir_prefix_merge_and_remove() -> None:
    Path("d/sub").mkdir(parents=True)
    Path("d/a.txt").write_text("a")
    Path("d/sub/b.txt").write_text("b")
    artifact = wandb.Artifact("data", "dataset")
    artifact.add_dir("d", name="files/")
    assert sorted(artifact.manifest.entries) == ["files/a.txt", "files/sub/b.txt"]
    Path("d/a.txt").write_text("changed")
    with pytest.raises(ValueError, match="already added"):
        artifact.add_dir("d", name="files")
    artifact.add_dir("d", name="files", merge=True)
    assert artifact.get_entry("files/a.txt").digest == sha(b"changed")
    artifact.remove("files/sub")
    assert sorted(artifact.manifest.entries) == ["files/a.txt"]
    artifact.remove(artifact.get_entry("files/a.txt"))
    with pytest.raises(FileNotFoundError):
        artifact.remove("files")
    with pytest.raises(ValueError, match="not a folder"):
        artifact.add_dir("d/a.txt")
    with pytest.raises(ValueError, match="not a file"):
        artifact.add_file("d")


def test_new_file_is_added_on_exit_and_mode_x_refuses_a_second_one() -> None:
    artifact = wandb.Artifact("notes", "text")
    with artifact.new_file("docs/readme.md") as f:
        f.write("hello")
    entry = artifact.get_entry("docs/readme.md")
    assert entry.digest == sha(b"hello") and entry.size == 5
    with pytest.raises(ValueError, match="already created"), artifact.new_file("docs/readme.md") as f:
        f.write("again")
    with artifact.new_file("docs/readme.md", mode="w") as f:
        f.write("replaced")
    assert artifact.get_entry("docs/readme.md").digest == sha(b"replaced")


def test_is_tmp_names_the_file_by_its_content() -> None:
    Path("weights.v1.bin").write_bytes(b"w")
    artifact = wandb.Artifact("m", "model")
    entry = artifact.add_file("weights.v1.bin", is_tmp=True)
    assert entry.path == f"{sha(b'w')[:20]}.v1.bin"


def test_bad_policy_is_refused() -> None:
    Path("f").write_text("x")
    with pytest.raises(ValueError, match="policy"):
        wandb.Artifact("m", "model").add_file("f", policy="sometimes")  # type: ignore[arg-type]


def test_metadata_is_json_with_numpy_values_converted_and_bad_values_named() -> None:
    np = pytest.importorskip("numpy")
    artifact = wandb.Artifact(
        "m", "model", metadata={"n": np.int64(3), "x": np.float32(0.5), "v": np.arange(3), "p": Path("a/b")}
    )
    assert artifact.metadata == {"n": 3, "x": 0.5, "v": [0, 1, 2], "p": "a/b"}
    with pytest.raises(ValueError, match=r"metadata\['opt.fn'\]") as info:
        artifact.metadata = {"opt": {"fn": object()}}
    assert isinstance(info.value, InvalidArgument) and info.value.field == "metadata.opt.fn"
    with pytest.raises(ValueError, match="must be a dict"):
        artifact.metadata = ["not", "a", "dict"]  # type: ignore[assignment]


def test_logged_only_properties_raise_wandbs_error_before_logging() -> None:
    artifact = wandb.Artifact("m", "model")
    names = ("version", "entity", "project", "aliases", "tags", "file_count", "created_at")
    for attr in (*names, "qualified_name"):
        named = "entity" if attr == "qualified_name" else attr  # as wandb: it reads entity first
        with pytest.raises(ArtifactNotLoggedError, match=f"'Artifact.{named}' used before"):
            getattr(artifact, attr)
        assert not hasattr(artifact, attr)
    with pytest.raises(ArtifactNotLoggedError):
        artifact.wait()
    with pytest.raises(ArtifactNotLoggedError):
        artifact.download()
    from trackwell.errors import ArtifactNotLoggedError as Public

    assert Public is ArtifactNotLoggedError and issubclass(Public, AttributeError)


def test_ttl_accepts_a_positive_timedelta_or_none() -> None:
    artifact = wandb.Artifact("m", "model")
    assert artifact.ttl is None
    artifact.ttl = datetime.timedelta(days=2)
    assert artifact.ttl == datetime.timedelta(days=2)
    with pytest.raises(ValueError, match="positive"):
        artifact.ttl = datetime.timedelta(seconds=-1)
    with pytest.raises(ValueError, match="timedelta"):
        artifact.ttl = 30  # type: ignore[assignment]


def test_adding_to_a_logged_artifact_raises_finalized_error() -> None:
    Path("f.txt").write_text("x")
    artifact = wandb.Artifact("m", "model")
    artifact.add_file("f.txt")
    artifact._to_record("c" * 32, run_id=None, aliases=[], tags=[], missing=set())
    for call in (
        lambda: artifact.add_file("f.txt", name="g.txt"),
        lambda: artifact.add_dir("."),
        lambda: artifact.remove("f.txt"),
        lambda: artifact.add_reference("file:///etc/hostname"),
    ):
        with pytest.raises(ArtifactFinalizedError, match="logged artifact"):
            call()
    from trackwell.errors import ArtifactFinalizedError as Public

    assert Public is ArtifactFinalizedError


def test_from_server_names_aliases_and_lazy_summary() -> None:
    version = {
        "id": "ver-1",
        "entity": "team",
        "project": "proj",
        "name": "raw-data",
        "type": "dataset",
        "version": "v3",
        "version_index": 3,
        "qualified_name": "team/proj/raw-data:v3",
        "digest": "d" * 64,
        "size": 123,
        "file_count": 2,
        "metadata": {"rows": 10},
        "tags": ["t"],
        "aliases": [{"alias": "latest"}, {"alias": "v3"}, {"alias": "best", "protected": False}],
        "ttl_seconds": 60,
        "state": "COMMITTED",
        "created_at": 0.0,
        "updated_at": 60.0,
    }
    artifact = wandb.Artifact._from_server(version)
    assert artifact.name == "raw-data:v3" and artifact.version == "v3" and artifact.id == "ver-1"
    assert artifact.qualified_name == "team/proj/raw-data:v3" and artifact.source_name == "raw-data:v3"
    assert artifact.aliases == ["latest", "best"] and artifact.tags == ["t"]
    assert artifact.digest == "d" * 64 and artifact.size == 123 and artifact.file_count == 2
    assert artifact.created_at == "1970-01-01T00:00:00Z" and artifact.updated_at == "1970-01-01T00:01:00Z"
    assert artifact.ttl == datetime.timedelta(seconds=60) and artifact.state == "COMMITTED"
    artifact._set_manifest({"contents": {"a.txt": {"digest": "e" * 64, "size": 123}}})
    assert artifact.get_entry("a.txt").size == 123
    with pytest.raises(ArtifactFinalizedError):
        artifact.add_reference("https://example.com/x")
    with pytest.raises(ValueError, match="alias"):
        artifact.aliases = ["v9"]
    linked = wandb.Artifact._from_server(
        {**version, "name": "prod-models", "version": "v0", "source": "team/proj/raw-data:v3"}
    )
    assert linked.name == "prod-models:v0" and linked.source_name == "raw-data:v3"
    assert linked.source_qualified_name == "team/proj/raw-data:v3"
    assert linked.is_link and not artifact.is_link


def test_apply_saved_fills_a_logged_draft() -> None:
    Path("f.txt").write_text("x")
    artifact = wandb.Artifact("m", "model")
    artifact.add_file("f.txt")
    digest = artifact.digest
    artifact._apply_saved(
        {
            "id": "i",
            "entity": "e",
            "project": "p",
            "name": "m",
            "type": "model",
            "version": "v0",
            "digest": digest,
            "size": 1,
            "file_count": 1,
            "aliases": [{"alias": "latest"}],
            "state": "COMMITTED",
            "created_at": 1.0,
            "updated_at": 1.0,
        }
    )
    assert artifact.name == "m:v0" and artifact.aliases == ["latest"] and artifact.digest == digest
    assert artifact.get_entry("f.txt").local_path is not None  # the local manifest is kept
