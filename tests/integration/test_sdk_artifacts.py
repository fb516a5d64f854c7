"""The artifact SDK as wandb code uses it, against a real server on loopback: the handbook's flows
(log a dataset and a model, use and download, log the same folder twice), wandb's naming rules,
errors, lineage, links, models, and saving outside a run.

Bytes on the wire are counted by a forwarding proxy (``benchmarks/counting_proxy.py``) put between
the SDK and the server, not by the SDK's own counters.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.counting_proxy import CountingProxy

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import artifact_client, point_artifacts_at
from trackwell.artifacts.artifact import Artifact
from trackwell.artifacts.client import ArtifactClient
from trackwell.schema.errors import NotFound


@pytest.fixture
def sdk(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return point_artifacts_at(server, tmp_path, monkeypatch)


@pytest.fixture
def client(server: LiveServer) -> Iterator[ArtifactClient]:
    with artifact_client(server) as made:
        yield made


@pytest.fixture
def proxy(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch, sdk: dict[str, str]
) -> Iterator[CountingProxy]:
    """A counting proxy in front of the server; the SDK talks to it."""
    port = int(server.url.rsplit(":", 1)[1])
    counting = CountingProxy("127.0.0.1", port).start()
    monkeypatch.setenv("TRACKWELL_BASE_URL", counting.url)
    try:
        yield counting
    finally:
        counting.stop()


def _handbook_files(root: Path) -> None:
    (root / "data/raw").mkdir(parents=True, exist_ok=True)
    for i in range(3):
        (root / f"data/raw/part-{i}.csv").write_text("".join(f"{i},{j},{(i * j) % 7}\n" for j in range(1000)))
    (root / "checkpoints").mkdir(exist_ok=True)
    (root / "checkpoints/model.pt").write_bytes(bytes(range(256)) * 4096)


def test_log_a_dataset_and_a_model_then_use_and_download_them(
    sdk: dict[str, str], tmp_path: Path, client: ArtifactClient
) -> None:
    """Handbook examples 08 and 09: two artifacts logged by a training run, the model used and
    downloaded by a deploy run, bytes checked; lineage both ways."""
    _handbook_files(tmp_path)
    with trackwell.init(project="hb-08", job_type="train") as run:
        dataset = Artifact(name="raw-data", type="dataset")
        dataset.add_dir("data/raw")
        assert run.log_artifact(dataset) is dataset
        model = Artifact(name="fraud-model", type="model")
        model.add_file("checkpoints/model.pt")
        model.metadata = {"framework": "pytorch", "stage": "candidate"}
        run.log_artifact(model)
        train_id = run.id
    # finish() waited for both saves.
    assert (dataset.version, model.version) == ("v0", "v0")
    assert model.qualified_name.endswith("/hb-08/fraud-model:v0")
    assert not any((tmp_path / "staging").glob("*")), "staged copies are removed once uploaded"

    with trackwell.init(project="hb-08", job_type="deploy") as run:
        used = run.use_artifact("fraud-model:latest")
        artifact_dir = used.download()
        deploy_id = run.id
    assert Path(artifact_dir) == tmp_path / "artifacts" / "fraud-model:v0"
    assert (Path(artifact_dir) / "model.pt").read_bytes() == bytes(range(256)) * 4096
    assert used.metadata == {"framework": "pytorch", "stage": "candidate"}
    assert used.type == "model" and used.version == "v0"
    assert used.logged_by().id == train_id
    assert [r.id for r in used.used_by()] == [deploy_id]

    entity = client.viewer_entity()
    stored = client.get_version(entity, "hb-08", "raw-data", "latest")
    assert stored["file_count"] == 3 and stored["logged_by"]["run_id"] == train_id
    with trackwell.init(project="elsewhere") as run:  # another project names the artifact's
        assert run.use_artifact(f"{entity}/hb-08/raw-data:v0").id == dataset.id
        assert run.use_artifact("hb-08/fraud-model").id == model.id


def test_logging_the_same_folder_twice_makes_no_version_and_sends_no_file_bytes(
    proxy: CountingProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Handbook example 16: the second log of unchanged content answers the existing version,
    moves nothing but ``latest``, and not one blob byte crosses the wire."""
    data = tmp_path / "data/customer_churn"
    data.mkdir(parents=True)
    (data / "churn.csv").write_text("".join(f"{i},{i % 2},{i * 0.5}\n" for i in range(20000)))
    (data / "extra.csv").write_text("a,b\n" * 5000)

    def log_once() -> Artifact:
        with trackwell.init(project="hb-16", job_type="data-publish") as run:
            artifact = Artifact(name="customer-churn-dataset", type="dataset")
            artifact.add_dir(str(data))
            run.log_artifact(artifact)
        return artifact

    first = log_once()
    sent_first = proxy.blob_bytes
    assert sent_first >= (data / "churn.csv").stat().st_size + (data / "extra.csv").stat().st_size
    monkeypatch.setenv("TRACKWELL_SILENT", "false")
    capsys.readouterr()
    second = log_once()
    assert proxy.blob_bytes == sent_first, "unchanged files were sent again"
    assert (first.version, second.version) == ("v0", "v0")
    assert second.id == first.id
    err = capsys.readouterr().err
    assert 'Artifact "customer-churn-dataset" already exists with the same content.' in err
    assert err.count("already exists with the same content") == 1


def test_log_artifact_of_a_path_and_models_follow_wandb(sdk: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "model.pt").write_bytes(b"weights" * 1000)
    (tmp_path / "ckpt").mkdir()
    (tmp_path / "ckpt/a.bin").write_bytes(b"a" * 10)
    (tmp_path / "ckpt/b.bin").write_bytes(b"b" * 10)
    with trackwell.init(project="paths") as run:
        by_path = run.log_artifact(str(tmp_path / "model.pt"))
        folder = run.log_artifact(tmp_path / "ckpt", name="ckpt", type="checkpoint", aliases=["best"])
        model = run.log_model(tmp_path / "model.pt", name="clf")
        by_path.wait()
        folder.wait()
        model.wait()
        assert by_path.name == f"run-{run.id}-model.pt:v0" and by_path.type == "unspecified"
        assert folder.type == "checkpoint" and "best" in folder.aliases
        assert model.type == "model"
        with pytest.raises(ValueError, match="file, directory or external reference"):
            run.log_artifact(str(tmp_path / "nope.txt"))
    with trackwell.init(project="paths") as run:
        path = run.use_model("clf:latest")
        assert Path(path).name == "model.pt" and Path(path).read_bytes() == b"weights" * 1000
        ckpt = run.use_artifact("ckpt:best").download()
        assert sorted(os.listdir(ckpt)) == ["a.bin", "b.bin"]
        with pytest.raises(AssertionError, match="model"):
            run.use_model("ckpt:latest")


def test_use_artifact_names_what_is_wrong(sdk: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    with trackwell.init(project="errors") as run:
        artifact = Artifact("thing", "dataset")
        artifact.add_file(str(tmp_path / "x.txt"))
        run.log_artifact(artifact).wait()
        with pytest.raises(ValueError, match=r"of type 'dataset', not of type 'model'"):
            run.use_artifact("thing:latest", type="model")
        with pytest.raises(ValueError, match="not found") as missing:
            run.use_artifact("thing:v7")
        assert isinstance(missing.value, trackwell.CommError)
        with pytest.raises(ValueError, match="not found"):
            run.use_artifact("no-such-artifact:latest")


def test_an_artifact_logged_in_this_run_can_be_used_by_it(sdk: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    with trackwell.init(project="same-run") as run:
        artifact = Artifact("inputs", "dataset")
        artifact.add_file(str(tmp_path / "x.txt"))
        run.log_artifact(artifact)
        used = run.use_artifact(artifact)  # waits for the save, then records the use
        assert used.version == "v0"
        run_id = run.id
    assert [r.id for r in used.used_by()] == [run_id]
    assert used.logged_by().id == run_id


def test_checkout_verify_file_files_save_delete(sdk: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.txt").write_text("alpha")
    (tmp_path / "src/sub").mkdir()
    (tmp_path / "src/sub/b.txt").write_text("beta")
    (tmp_path / "one.txt").write_text("single")
    with trackwell.init(project="ops") as run:
        multi = Artifact("multi", "dataset")
        multi.add_dir(str(tmp_path / "src"))
        single = Artifact("single", "dataset")
        single.add_file(str(tmp_path / "one.txt"))
        run.log_artifact(multi)
        run.log_artifact(single)
    multi.wait()
    root = tmp_path / "co"
    multi.download(root=str(root))
    multi.verify(root=str(root))
    (root / "stray.txt").write_text("not mine")
    with pytest.raises(ValueError, match="stray.txt"):
        multi.verify(root=str(root))
    (root / "sub/b.txt").write_text("BETA")
    multi.checkout(root=str(root))
    assert not (root / "stray.txt").exists() and (root / "sub/b.txt").read_text() == "beta"
    (root / "sub/b.txt").unlink()
    (root / "sub/b.txt").write_text("bet4")
    with pytest.raises(ValueError, match="sub/b.txt"):
        multi.verify(root=str(root))
    subset = multi.download(root=str(tmp_path / "subset"), path_prefix="sub/")
    assert [p.name for p in Path(subset).rglob("*") if p.is_file()] == ["b.txt"]
    assert Path(single.file(root=str(tmp_path / "f"))).read_text() == "single"
    with pytest.raises(ValueError, match="single entry"):
        multi.file()
    listed = {f.name: f for f in multi.files()}
    assert sorted(listed) == ["a.txt", "sub/b.txt"] and listed["a.txt"].size == 5
    assert listed["a.txt"].url.endswith("/files/a.txt")

    multi.aliases.append("golden")
    multi.description = "two files"
    multi.save()
    with trackwell.init(project="ops") as run:
        again = run.use_artifact("multi:golden")
        assert again.description == "two files"
    with pytest.raises(Exception, match="(?i)alias"):
        again.delete()
    again.delete(delete_aliases=True)
    with trackwell.init(project="ops") as run, pytest.raises(ValueError, match="not found"):
        run.use_artifact("multi:v0")


def test_link_artifact_and_link_model(sdk: dict[str, str], tmp_path: Path, client: ArtifactClient) -> None:
    (tmp_path / "m.pt").write_bytes(b"m" * 100)
    with trackwell.init(project="links") as run:
        artifact = Artifact("clf", "model")
        artifact.add_file(str(tmp_path / "m.pt"))
        run.log_artifact(artifact)
        linked = run.link_artifact(artifact, "production-models", aliases=["production"])
        run.link_model(tmp_path / "m.pt", "fraud-detector", aliases=["staging"])
    assert linked.version == "v0" and "production" in linked.aliases
    entity = client.viewer_entity()
    out = client.get_version(entity, "links", "production-models", "production")
    assert out["source"].endswith("/links/clf:v0")
    registry = client.get_version(entity, "model-registry", "fraud-detector", "staging")
    assert registry["type"] == "model"
    with pytest.raises(ValueError, match="not a linked artifact"):
        artifact.unlink()
    linked.unlink()
    with pytest.raises(NotFound):
        client.get_version(entity, "links", "production-models", "production")
    assert client.get_version(entity, "links", "clf", "v0")["version"] == "v0"  # the source stays


def test_artifact_save_outside_a_run_starts_an_auto_run(
    sdk: dict[str, str], tmp_path: Path, server: LiveServer
) -> None:
    (tmp_path / "x.txt").write_text("standalone")
    artifact = Artifact("standalone", "dataset")
    artifact.add_file(str(tmp_path / "x.txt"))
    artifact.save(project="auto-runs")
    assert artifact.version == "v0" and artifact.project == "auto-runs"
    assert trackwell.run is None
    assert artifact.logged_by().job_type == "auto"


def test_module_level_functions_act_on_the_current_run(sdk: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "w.bin").write_bytes(b"w" * 64)
    with trackwell.init(project="module-level"):
        logged = trackwell.log_artifact(str(tmp_path / "w.bin"), name="weights", type="model")
        logged.wait()
        assert Path(trackwell.use_model("weights:latest")).read_bytes() == b"w" * 64
        assert trackwell.use_artifact("weights:v0").version == "v0"


def test_references_are_fetched_from_their_source_and_checked(sdk: dict[str, str], tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    from trackwell.artifacts.download import DigestMismatch

    served = tmp_path / "served"
    served.mkdir()
    (served / "remote.csv").write_text("r\n" * 100)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    (tmp_path / "local.txt").write_text("local bytes")
    (tmp_path / "loose.txt").write_text("not checksummed")
    try:
        with trackwell.init(project="refs") as run:
            artifact = Artifact("refs", "dataset")
            artifact.add_reference((tmp_path / "local.txt").as_uri())
            artifact.add_reference((tmp_path / "loose.txt").as_uri(), checksum=False)
            artifact.add_reference(f"http://127.0.0.1:{httpd.server_address[1]}/remote.csv")
            run.log_artifact(artifact)
        artifact.wait()
        root = Path(artifact.download(root=str(tmp_path / "one")))
        assert (root / "local.txt").read_text() == "local bytes"
        assert (root / "loose.txt").read_text() == "not checksummed"
        assert (root / "remote.csv").read_text() == "r\n" * 100

        (tmp_path / "local.txt").write_text("changed bytes")  # a checksummed reference that changed
        with pytest.raises(DigestMismatch, match="local.txt"):
            artifact.download(root=str(tmp_path / "two"))
        assert not (tmp_path / "two" / "local.txt").exists()
        (tmp_path / "local.txt").unlink()
        with pytest.raises(Exception, match="allow_missing_references"):
            artifact.download(root=str(tmp_path / "three"))
        root = Path(artifact.download(root=str(tmp_path / "four"), allow_missing_references=True))
        assert not (root / "local.txt").exists() and (root / "remote.csv").exists()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_training_run_with_artifacts_never_imports_pydantic(sdk: dict[str, str], tmp_path: Path) -> None:
    """Logging, waiting for, using and downloading an artifact stay on the plain-dict write path."""
    import subprocess
    import sys

    (tmp_path / "w.bin").write_bytes(b"w" * 1000)
    script = (
        "import sys, trackwell\n"
        "with trackwell.init(project='no-pydantic') as run:\n"
        "    a = trackwell.Artifact('w', 'model')\n"
        f"    a.add_file({str(tmp_path / 'w.bin')!r})\n"
        "    run.log_artifact(a).wait()\n"
        "    run.use_artifact('w:latest').download()\n"
        "print('pydantic' in sys.modules, any(m.startswith('trackwell.apis') for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **sdk}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
