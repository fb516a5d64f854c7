"""``add_reference`` against real objects: local files and folders, a local HTTP server, and a
local S3-compatible endpoint (moto, ``tests/fixtures/s3.py``). Nothing is uploaded: references
are tracked by digest."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import trackwell as wandb
from tests.fixtures.live_server import LiveServer
from tests.fixtures.s3 import MotoS3
from tests.fixtures.sdk_env import point_sdk_at


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- file:// --------------------------------------------------------------------------------
def test_file_reference_to_a_file_and_a_folder(tmp_path: Path) -> None:
    (tmp_path / "share" / "sub").mkdir(parents=True)
    (tmp_path / "share" / "a.csv").write_bytes(b"1,2\n")
    (tmp_path / "share" / "sub" / "b.csv").write_bytes(b"3,4\n")
    artifact = wandb.Artifact("nfs-data", "dataset")
    [single] = artifact.add_reference((tmp_path / "share" / "a.csv").as_uri())
    assert single.path == "a.csv" and single.digest == sha(b"1,2\n") and single.size == 4
    assert single.ref == (tmp_path / "share" / "a.csv").as_uri() and single.local_path is None
    entries = artifact.add_reference((tmp_path / "share").as_uri(), name="all")
    assert {e.path: e.digest for e in entries} == {"all/a.csv": sha(b"1,2\n"), "all/sub/b.csv": sha(b"3,4\n")}
    record = artifact._to_record("c" * 32, run_id=None, aliases=[], tags=[], missing=None)
    assert record["local_paths"] == {}  # references are never uploaded


def test_file_reference_without_checksum_tracks_uri_size_and_mtime(tmp_path: Path) -> None:
    f = tmp_path / "big.bin"
    f.write_bytes(b"x" * 100)
    first = wandb.Artifact("r", "raw")
    [entry] = first.add_reference(f.as_uri(), checksum=False)
    assert entry.size == 100 and entry.digest != sha(b"x" * 100)
    same = wandb.Artifact("r", "raw")
    same.add_reference(f.as_uri(), checksum=False)
    assert same.digest == first.digest
    f.write_bytes(b"y" * 100)  # new mtime
    changed = wandb.Artifact("r", "raw")
    changed.add_reference(f.as_uri(), checksum=False)
    assert changed.digest != first.digest


def test_file_reference_errors_name_the_fix(tmp_path: Path) -> None:
    artifact = wandb.Artifact("r", "raw")
    with pytest.raises(ValueError, match="no file or folder"):
        artifact.add_reference((tmp_path / "missing").as_uri())
    with pytest.raises(ValueError, match="three slashes"):
        artifact.add_reference("file://somehost/data")
    with pytest.raises(ValueError, match="not a URI"):
        artifact.add_reference(str(tmp_path))
    (tmp_path / "d").mkdir()
    for i in range(3):
        (tmp_path / "d" / f"{i}").write_text(str(i))
    with pytest.raises(ValueError, match="max_objects"):
        artifact.add_reference((tmp_path / "d").as_uri(), max_objects=2)
    with pytest.raises(ValueError, match="artifact entry name"):
        artifact.add_reference((tmp_path / "d" / "0").as_uri(), name="../outside")
    assert len(artifact.manifest) == 0


# --- http(s):// ------------------------------------------------------------------------------
class _ETagHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        if self.path.endswith(".etag"):
            self.send_header("ETag", '"v1-abc"')
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_ETagHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_http_reference_uses_the_etag_or_hashes_the_content(http_root: tuple[str, Path]) -> None:
    base, root = http_root
    (root / "model.etag").write_bytes(b"weights")
    (root / "plain.txt").write_bytes(b"no etag here")
    artifact = wandb.Artifact("web", "model")
    [tagged] = artifact.add_reference(f"{base}/model.etag")
    assert tagged.digest == "v1-abc" and tagged.size == 7 and tagged.extra == {"etag": '"v1-abc"'}
    [hashed] = artifact.add_reference(f"{base}/plain.txt", name="notes/plain.txt")
    assert hashed.digest == sha(b"no etag here") and hashed.size == 12 and hashed.path == "notes/plain.txt"
    [unchecked] = artifact.add_reference(f"{base}/gone.bin", checksum=False)
    assert unchecked.digest == f"{base}/gone.bin"  # no request made
    with pytest.raises(ValueError, match="HTTP 404"):
        artifact.add_reference(f"{base}/gone.bin")


def test_http_reference_to_a_closed_port_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ValueError, match="could not be"):
        wandb.Artifact("web", "model").add_reference(f"http://127.0.0.1:{port}/x")


# --- s3:// -----------------------------------------------------------------------------------
def test_s3_reference_to_an_object_and_a_prefix(
    moto_s3: MotoS3, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_s3.endpoint)
    client = moto_s3.client()
    client.put_bucket_versioning(Bucket=s3_bucket, VersioningConfiguration={"Status": "Enabled"})
    put = client.put_object(Bucket=s3_bucket, Key="data/train/a.csv", Body=b"a,b\n")
    client.put_object(Bucket=s3_bucket, Key="data/train/sub/b.csv", Body=b"c,d\n")
    artifact = wandb.Artifact("s3-data", "dataset")
    [single] = artifact.add_reference(f"s3://{s3_bucket}/data/train/a.csv")
    assert single.path == "a.csv" and single.size == 4 and single.digest == put["ETag"].strip('"')
    assert (
        single.extra["versionID"] == put["VersionId"] and single.ref == f"s3://{s3_bucket}/data/train/a.csv"
    )
    entries = artifact.add_reference(f"s3://{s3_bucket}/data/train", name="train")
    assert sorted(e.path for e in entries) == ["train/a.csv", "train/sub/b.csv"]
    assert all(e.ref and e.ref.startswith(f"s3://{s3_bucket}/data/train/") for e in entries)
    with pytest.raises(ValueError, match="no object and no objects"):
        artifact.add_reference(f"s3://{s3_bucket}/nothing/here")
    with pytest.raises(ValueError, match="max_objects"):
        artifact.add_reference(f"s3://{s3_bucket}/data", name="capped", max_objects=1)
    [unchecked] = artifact.add_reference(f"s3://{s3_bucket}/data/x.bin", checksum=False)
    assert unchecked.digest == f"s3://{s3_bucket}/data/x.bin"


def test_s3_without_boto3_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "boto3", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'trackwell\[s3\]'"):
        wandb.Artifact("s3-data", "dataset").add_reference("s3://bucket/key")


# --- against a live server: objects read back, and references to another artifact's entries ---
def test_logged_table_is_rebuilt_by_get_and_entries_of_it_are_referenced_without_upload(
    server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.setenv("TRACKWELL_ARTIFACT_DIR", str(tmp_path / "artifacts"))
    monkeypatch.chdir(tmp_path)
    table = wandb.Table(columns=["id", "image"])
    table.add_data(7, wandb.Image(np.full((4, 4, 3), 200, dtype=np.uint8)))
    Path("weights.bin").write_bytes(b"w" * 5000)
    with wandb.init(project="refs", job_type="make") as run:
        source = wandb.Artifact("preds", "eval")
        source.add(table, "results")
        source.add_file("weights.bin")
        run.log_artifact(source).wait()
    with wandb.init(project="refs", job_type="read") as run:
        used = run.use_artifact("preds:latest")
        again = used.get("results")
        assert isinstance(again, wandb.Table) and again.columns == ["id", "image"]
        assert again.data[0][0] == 7 and isinstance(again.data[0][1], wandb.Image)
        derived = wandb.Artifact("derived", "eval")
        [entry] = derived.add_reference(used.get_entry("weights.bin"), name="from-preds/weights.bin")
        assert entry.birth_artifact_id is not None and entry.local_path is None
        record = derived._to_record("d" * 32, run_id=None, aliases=[], tags=[], missing=None)
        assert record["local_paths"] == {}  # the bytes are already on the server: nothing to send
        run.log_artifact(derived).wait()
    root = Path(wandb.Api().artifact("refs/derived:latest").download(root=str(tmp_path / "out")))
    assert (root / "from-preds" / "weights.bin").read_bytes() == b"w" * 5000
