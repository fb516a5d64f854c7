"""Artifact transfers when things go wrong or get big, against a real server: offline runs and
``trackwell sync``, a failed save kept for sync, a big upload cut off and resumed by sync, a corrupt
cache entry fetched again, a cached download of 10,000 files, two processes logging one name at
once, and a hostile server whose manifest tries to write outside the download folder.

The server uses 5 MiB upload parts (its minimum) and the SDK's multipart threshold is lowered to
1 MiB, so multipart uploads take a second, not minutes.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.counting_proxy import CountingProxy

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import artifact_client, point_artifacts_at
from trackwell.artifacts import uploads, workers
from trackwell.artifacts.artifact import Artifact
from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.file_cache import FileCache
from trackwell.schema.errors import InvalidArgument, NotFound, PermissionDenied
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.sync import find_run_dirs, sync_run_dirs
from trackwell.sdk.transport import TransportError

PART = 5 << 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("transfer") / "data", ["--upload-part-size", str(PART)]).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def sdk(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = point_artifacts_at(server, tmp_path, monkeypatch)
    monkeypatch.setattr(uploads, "MULTIPART_THRESHOLD", 1 << 20)
    return values


@pytest.fixture
def client(server: LiveServer) -> Iterator[ArtifactClient]:
    with artifact_client(server) as made:
        yield made


def _factory(server: LiveServer) -> Any:
    return lambda: ApiClient(server.url, server.api_key)


def _versions(client: ArtifactClient, project: str, name: str) -> list[str]:
    entity = client.viewer_entity()
    path = client.collection_path(entity, project, name) + "/versions"
    try:
        answer = client._get(path)
    except NotFound:
        return []
    return sorted(v["version"] for v in answer["versions"])


def _staged(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "staging").glob("*") if p.is_file()]


def test_offline_log_is_saved_by_trackwell_sync_once(
    sdk: dict[str, str], tmp_path: Path, client: ArtifactClient
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/a.csv").write_text("a\n" * 1000)
    (tmp_path / "data/b.csv").write_text("b\n" * 1000)
    with trackwell.init(project="offline-art", mode="offline") as run:
        artifact = Artifact("offline-data", "dataset")
        artifact.add_dir("data")
        run.log_artifact(artifact, aliases=["first"])
        run_dir = Path(run.dir).parent
        run_id = run.id
    assert len(_staged(tmp_path)) == 2, "offline, every mutable file is staged for the later upload"
    (tmp_path / "data/a.csv").write_text("changed after logging")  # the staged copy is what counts
    assert _versions(client, "offline-art", "offline-data") == []

    env = {**os.environ, **sdk}
    for _ in range(2):  # the second sync finds nothing left to save
        done = subprocess.run(
            [sys.executable, "-m", "trackwell", "sync", str(run_dir)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert _versions(client, "offline-art", "offline-data") == ["v0"]
    assert _staged(tmp_path) == []
    with trackwell.init(project="offline-art") as run:
        used = run.use_artifact("offline-data:first")
        root = Path(used.download())
    assert (root / "a.csv").read_text() == "a\n" * 1000
    assert used.logged_by().id == run_id


def test_a_failed_save_is_kept_and_saved_by_sync(
    sdk: dict[str, str],
    tmp_path: Path,
    client: ArtifactClient,
    server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "m.bin").write_bytes(os.urandom(3000))

    def refused(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise PermissionDenied("no artifacts for you (injected)")

    real_create = ArtifactClient.create_version
    monkeypatch.setattr(ArtifactClient, "create_version", refused)
    with trackwell.init(project="failed-save") as run:
        artifact = Artifact("kept", "model")
        artifact.add_file(str(tmp_path / "m.bin"))
        run.log_artifact(artifact)
        with pytest.raises(PermissionDenied, match="injected"):
            artifact.wait()
        run_dir = Path(run.dir).parent
    assert len(_staged(tmp_path)) == 1, "the staged copy stays until the artifact is saved"
    assert list(find_run_dirs(run_dir.parent)) == [run_dir], "`trackwell sync --all` finds it"
    monkeypatch.setattr(ArtifactClient, "create_version", real_create)
    [result] = sync_run_dirs([run_dir], _factory(server))
    assert result.synced, result.error
    assert _versions(client, "failed-save", "kept") == ["v0"]
    assert _staged(tmp_path) == []
    assert list(find_run_dirs(run_dir.parent)) == []
    [again] = sync_run_dirs([run_dir], _factory(server))
    assert again.synced and _versions(client, "failed-save", "kept") == ["v0"]


def test_a_big_upload_cut_off_resumes_at_sync_with_the_parts_not_done(
    sdk: dict[str, str],
    tmp_path: Path,
    client: ArtifactClient,
    server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * PART + 1000))
    real_put_part = ArtifactClient.put_part
    sent: list[int] = []

    def dies_at_part_3(
        self: ArtifactClient, upload_id: str, number: int, body: Any, n: int
    ) -> dict[str, Any]:
        if number == 3:
            raise TransportError("connection reset (injected)")
        sent.append(number)
        return real_put_part(self, upload_id, number, body, n)

    monkeypatch.setattr(ArtifactClient, "put_part", dies_at_part_3)
    monkeypatch.setattr(workers, "RETRY_FOR_S", 0.0)
    monkeypatch.setattr(uploads, "PARALLEL_PARTS", 1)
    with trackwell.init(project="resume-art") as run:
        artifact = Artifact("big", "model")
        artifact.add_file(str(big))
        run.log_artifact(artifact)
        with pytest.raises(TransportError, match="injected"):
            artifact.wait()
        run_dir = Path(run.dir).parent
    assert sent == [1, 2]

    def counting(self: ArtifactClient, upload_id: str, number: int, body: Any, n: int) -> dict[str, Any]:
        sent.append(number)
        return real_put_part(self, upload_id, number, body, n)

    sent.clear()
    monkeypatch.setattr(ArtifactClient, "put_part", counting)
    [result] = sync_run_dirs([run_dir], _factory(server))
    assert result.synced, result.error
    assert sorted(sent) == [3, 4]
    with trackwell.init(project="resume-art") as run:
        root = Path(run.use_artifact("big:latest").download(skip_cache=True))
    assert (root / "big.bin").read_bytes() == big.read_bytes()


def test_a_corrupt_cache_entry_is_fetched_again(proxy_sdk: CountingProxy, tmp_path: Path) -> None:
    data = os.urandom(50_000)
    (tmp_path / "w.bin").write_bytes(data)
    with trackwell.init(project="cache-art") as run:
        artifact = Artifact("weights", "model")
        artifact.add_file(str(tmp_path / "w.bin"))
        run.log_artifact(artifact)
    artifact.wait()

    def blob_gets() -> int:  # one blob's GET, or a framed read of several (here: of one)
        return proxy_sdk.requests["GET /api/v1/blobs/..."] + proxy_sdk.routes["POST /api/v1/blobs/read"]

    def blob_requests() -> int:
        return sum(n for route, n in proxy_sdk.requests.items() if "/api/v1/blobs/" in route)

    before = blob_requests()
    first = Path(artifact.download(root=str(tmp_path / "one")))
    assert (first / "w.bin").read_bytes() == data
    assert blob_requests() == before, "the upload filled the cache: no blob request at all"

    cache = FileCache(tmp_path / "cache" / "artifacts")
    sha = hashlib.sha256(data).hexdigest()
    cached = cache.path_for(sha)
    os.chmod(cached, 0o644)
    with open(cached, "r+b") as f:  # same size, other bytes: a disk error or an edit through a link
        f.write(b"X" * 100)
    second = Path(artifact.download(root=str(tmp_path / "two")))
    assert (second / "w.bin").read_bytes() == data
    assert blob_gets() == 1

    third = Path(artifact.download(root=str(tmp_path / "three")))
    assert (third / "w.bin").read_bytes() == data and blob_gets() == 1, "fetched again into the cache"
    artifact.download(root=str(tmp_path / "four"), skip_cache=True)
    assert blob_gets() == 2


@pytest.fixture
def proxy_sdk(
    server: LiveServer, sdk: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[CountingProxy]:
    counting = CountingProxy("127.0.0.1", int(server.url.rsplit(":", 1)[1])).start()
    monkeypatch.setenv("TRACKWELL_BASE_URL", counting.url)
    try:
        yield counting
    finally:
        counting.stop()


def _artifact_requests(proxy: CountingProxy) -> int:
    """Requests to the blob and artifact routes (the run's own record uploads left out)."""
    return sum(
        n for route, n in proxy.requests.items() if "/api/v1/blobs/" in route or "/artifacts/" in route
    )


@pytest.mark.slow
def test_a_cached_download_of_10000_files_asks_the_server_for_the_manifest_only(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """W&B users see "cached" downloads spend their time on a URL round trip per file: here the
    manifest is the one request, and every file is placed from the cache (by hard link: as root the
    cache's default is copies). How long it takes is the artifacts benchmark's to say
    (benchmarks/artifacts_bench.py, "cached download"), not a timed test's."""
    monkeypatch.setenv("TRACKWELL_CACHE_PLACE", "link")
    folder = tmp_path / "many"
    for i in range(100):
        sub = folder / f"d{i:02d}"
        sub.mkdir(parents=True)
        for j in range(100):
            (sub / f"f{j:02d}.txt").write_text(f"file {i}-{j}\n")
    with trackwell.init(project="many-files") as run:
        artifact = Artifact("many", "dataset")
        artifact.add_dir(str(folder))
        run.log_artifact(artifact)
    artifact.wait()
    # The download only goes through the counting proxy (it opens a connection per request: fine
    # for a few, not for the 10,000 uploads above).
    proxy = CountingProxy("127.0.0.1", int(server.url.rsplit(":", 1)[1])).start()
    monkeypatch.setenv("TRACKWELL_BASE_URL", proxy.url)
    try:
        with trackwell.init(project="many-files") as run:
            used = run.use_artifact("many:latest")
            before = _artifact_requests(proxy)
            root = Path(used.download(root=str(tmp_path / "out")))
            requests = _artifact_requests(proxy) - before
    finally:
        proxy.stop()
    assert sum(1 for p in root.rglob("*") if p.is_file()) == 10_000
    assert (root / "d42/f07.txt").read_text() == "file 42-7\n"
    assert requests == 1, f"{requests} requests: only the manifest should be asked for"
    placed = root / "d42/f07.txt"
    assert placed.stat().st_nlink > 1, "a cached file is placed by hard link, not fetched or copied"


_TWO = textwrap.dedent(
    """
    import sys, trackwell
    from trackwell.artifacts.artifact import Artifact
    with trackwell.init(project="race") as run:
        artifact = Artifact(sys.argv[1], "dataset")
        artifact.add_file(sys.argv[2])
        run.log_artifact(artifact)
    print(artifact.version, artifact.id)
    """
)


def test_two_processes_logging_one_name_at_once(
    sdk: dict[str, str], tmp_path: Path, client: ArtifactClient
) -> None:
    """Different content: two distinct versions. Equal content: one version for both."""
    for name in ("a/data.txt", "b/data.txt", "c/data.txt"):  # one entry name, data.txt
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_text("same" if not name.startswith("a") else "different")
    env = {**os.environ, **sdk}

    def both(name: str, first: str, second: str) -> list[tuple[str, str]]:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _TWO, name, str(tmp_path / f)], env=env, stdout=subprocess.PIPE
            )
            for f in (first, second)
        ]
        outs = [p.communicate(timeout=120)[0].decode().split() for p in procs]
        assert all(p.returncode == 0 for p in procs)
        return [(o[0], o[1]) for o in outs]

    distinct = both("race-distinct", "a/data.txt", "b/data.txt")
    assert sorted(v for v, _ in distinct) == ["v0", "v1"]
    assert _versions(client, "race", "race-distinct") == ["v0", "v1"]
    same = both("race-same", "b/data.txt", "c/data.txt")
    assert same[0] == same[1] and same[0][0] == "v0"
    assert _versions(client, "race", "race-same") == ["v0"]


class _Hostile:
    """A fake server: any version, whose manifest is ``contents``; blobs answer ``blob``."""

    def __init__(self, contents: dict[str, Any], blob: bytes = b"", framed: bool = False) -> None:
        hostile = self
        self.contents = contents
        self.blob = blob
        self.framed = framed  # answers POST /blobs/read (else the SDK falls back to GETs)

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, body: bytes, kind: str = "application/json") -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.endswith("/manifest"):
                    self._send(json.dumps({"version": 1, "contents": hostile.contents}).encode())
                else:
                    self._send(hostile.blob, "application/octet-stream")

            def do_POST(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["sha256"]
                if self.path.endswith("/blobs/read") and hostile.framed:
                    frames = b"".join(
                        b"%s %d\n%s" % (d.encode(), len(hostile.blob), hostile.blob) for d in asked
                    )
                    self._send(frames, "application/vnd.trackwell.blobs")
                    return
                self._send(json.dumps({"urls": {d: f"/api/v1/blobs/{d}" for d in asked}}).encode())

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def artifact(self) -> Artifact:
        version = {
            "id": "x1",
            "entity": "e",
            "project": "p",
            "name": "evil",
            "type": "dataset",
            "version": "v0",
        }
        return Artifact._from_server(version, client=ApiClient(self.url, "key"))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("name", ["../escape.txt", "a/../../escape.txt", "/tmp/escape.txt", "ok\\..\\..\\x"])
def test_a_hostile_manifest_cannot_write_outside_the_folder(
    name: str, sdk: dict[str, str], tmp_path: Path
) -> None:
    fake = _Hostile(
        {
            "fine.txt": {"digest": hashlib.sha256(b"").hexdigest(), "size": 0},
            name: {"digest": "0" * 64, "size": 1},
        }
    )
    try:
        with pytest.raises(InvalidArgument):
            fake.artifact().download(root=str(tmp_path / "dl" / "root"))
    finally:
        fake.close()
    assert not (tmp_path / "dl" / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()


def test_a_symlink_in_the_folder_does_not_lead_out(sdk: dict[str, str], tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    data = b"payload"
    fake = _Hostile({"link/x.txt": {"digest": hashlib.sha256(data).hexdigest(), "size": len(data)}}, data)
    try:
        with pytest.raises(InvalidArgument, match="outside the folder"):
            fake.artifact().download(root=str(root))
    finally:
        fake.close()
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("framed", [True, False], ids=["framed-read", "get"])
def test_bytes_that_do_not_match_their_digest_are_never_placed(
    sdk: dict[str, str], tmp_path: Path, framed: bool
) -> None:
    fake = _Hostile({"x.bin": {"digest": hashlib.sha256(b"good").hexdigest(), "size": 4}}, b"evil", framed)
    try:
        with pytest.raises(Exception, match="(?i)corrupt|hash|digest"):
            fake.artifact().download(root=str(tmp_path / "root"))
    finally:
        fake.close()
    assert not (tmp_path / "root" / "x.bin").exists()


_SLOW = textwrap.dedent(
    """
    import sys, time, trackwell
    from trackwell.artifacts.client import ArtifactClient
    real = ArtifactClient.write_blobs
    def slow(self, *args, **kwargs):  # a slow network: each request of blobs takes 2.5 s
        time.sleep(2.5)
        return real(self, *args, **kwargs)
    ArtifactClient.write_blobs = slow
    # While the run captures the console, stderr is a pipe: wait()'s line shows with capture off.
    with trackwell.init(project="tty-progress", settings={"console": "off"}) as run:
        first = trackwell.Artifact("waited", "dataset")
        first.add_file(sys.argv[1])
        run.log_artifact(first).wait()
        second = trackwell.Artifact("at-finish", "dataset")
        second.add_file(sys.argv[2])
        run.log_artifact(second)
    print("VERSIONS", first.version, second.version)
    """
)


def test_progress_shows_on_a_terminal_only(sdk: dict[str, str], tmp_path: Path) -> None:
    from tests.fixtures.pty_run import run_in_pty

    (tmp_path / "one.bin").write_bytes(os.urandom(200_000))
    (tmp_path / "two.bin").write_bytes(os.urandom(300_000))
    argv = [sys.executable, "-c", _SLOW, str(tmp_path / "one.bin"), str(tmp_path / "two.bin")]
    env = {**os.environ, **sdk, "TRACKWELL_SILENT": "false"}
    code, out = run_in_pty(argv, env, tmp_path)
    assert code == 0, out
    assert "VERSIONS v0 v0" in out
    assert "trackwell: saving waited" in out and "195.3 KiB/195.3 KiB" in out
    finish_lines = [line for line in out.split("\r") if "saving artifacts" in line]
    assert finish_lines and all("/293.0 KiB" in line for line in finish_lines)  # only what was pending
    assert "293.0 KiB/293.0 KiB" in finish_lines[-1]
    piped = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert piped.returncode == 0 and "VERSIONS v0 v0" in piped.stdout
    assert "saving" not in piped.stderr and "\r" not in piped.stderr


def test_a_run_started_while_the_server_was_away_saves_once_it_is_back(
    live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``log_artifact`` cannot ask what is missing, so it stages everything; the saver uploads once
    the server is back, and creates the version only after the run's uploader has created the run."""
    point_artifacts_at(live_server, tmp_path, monkeypatch)
    monkeypatch.setattr(workers, "BACKOFF_MAX", 0.5)
    (tmp_path / "d.bin").write_bytes(os.urandom(5000))
    live_server.stop()
    with trackwell.init(project="late-run") as run:
        artifact = Artifact("late", "dataset")
        artifact.add_file(str(tmp_path / "d.bin"))
        run.log_artifact(artifact)
        assert len(_staged(tmp_path)) == 1
        time.sleep(1.0)
        assert artifact.is_draft()  # not saved while the server is away
        live_server.start()
        artifact.wait(timeout=60)
        run_id = run.id
    assert artifact.version == "v0" and artifact.logged_by().id == run_id
    assert _staged(tmp_path) == []
