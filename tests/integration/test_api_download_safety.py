"""Client downloads cannot escape their folder, whatever file names a (hostile) server sends.

The attack: a server on loopback answers a run's file list with names like ``../../evil``, an
absolute path, or a name through a symlink; before the fix ``run.file(name).download(root=)``,
``run.files()`` downloads and ``trackwell.restore`` wrote the server's bytes there.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

import trackwell
from trackwell.apis import Api, UnsafeDownloadError
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.settings import Settings

HOSTILE_NAMES = [
    "../../evil.txt",
    "media/../../../evil.txt",
    "/tmp/trackwell-hostile-absolute.txt",
    "C:/evil.txt",
    "..\\..\\evil.txt",
    "nul\x00.txt",
    "link/evil.txt",  # through a symlink inside the download folder that points out of it
]
RUN = {
    "id": "r1",
    "entity": "e",
    "project": "p",
    "display_name": "r1",
    "state": "finished",
    "created_at": 1.0,
    "updated_at": 1.0,
    "summary": {"preds": {"_type": "table-file", "path": "../../evil.txt"}},
}


class Hostile(BaseHTTPRequestHandler):
    """Answers like a trackwell server, but names its files to climb out of the client's folder."""

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/files"):
            files = [
                {"path": name, "size": 4, "sha256": "0" * 64, "updated_at": 1.0, "url": "/x"}
                for name in [*HOSTILE_NAMES, "ok/fine.txt"]
            ]
            self._send(json.dumps({"files": files}).encode(), "application/json")
        elif "/files/" in path:
            self._send(b"PWND", "application/octet-stream")
        elif path == "/api/v1/runs/e/p/r1":
            self._send(json.dumps(RUN).encode(), "application/json")
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hostile_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def api(hostile_url: str, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=hostile_url, api_key="k" * 40)
    with Api(settings=settings) as a:
        yield a


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """``(download folder, a folder outside it)``; the download folder holds a symlink out."""
    root = tmp_path / "a" / "b" / "downloads"
    outside = tmp_path / "outside"
    root.mkdir(parents=True)
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    return root, outside


def written_outside(tmp_path: Path, root: Path) -> list[Path]:
    return [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_symlink() and root not in p.parents and p.read_bytes() == b"PWND"
    ]


def test_file_download_refuses_every_name_that_leaves_the_folder(
    api: Api, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = folders
    run = api.run("e/p/r1")
    files = {f.name: f for f in run.files()}
    for name in HOSTILE_NAMES:
        with pytest.raises(UnsafeDownloadError, match="refusing to download") as caught:
            files[name].download(root=root, replace=True)
        assert isinstance(caught.value, InvalidArgument)  # the domain error a caller already catches
    assert written_outside(tmp_path, root) == []
    assert not Path("/tmp/trackwell-hostile-absolute.txt").exists()
    # A name that stays inside is downloaded as before.
    assert files["ok/fine.txt"].download(root=root).read_bytes() == b"PWND"


def test_downloading_all_files_stops_at_the_first_hostile_name(
    api: Api, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = folders
    with pytest.raises(UnsafeDownloadError):
        for f in api.run("e/p/r1").files():
            f.download(root=root, replace=True)
    assert written_outside(tmp_path, root) == []


def test_run_table_refuses_a_table_path_that_leaves_the_folder(
    api: Api, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = folders
    with pytest.raises(UnsafeDownloadError):
        api.run("e/p/r1").table("preds", root=root)
    assert written_outside(tmp_path, root) == []


def test_restore_refuses_a_name_that_leaves_the_folder(
    api: Api, hostile_url: str, folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = folders
    monkeypatch.setenv("TRACKWELL_BASE_URL", hostile_url)
    monkeypatch.setenv("TRACKWELL_API_KEY", "k" * 40)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("../../evil.txt", "link/evil.txt", "/tmp/trackwell-hostile-absolute.txt"):
        with pytest.raises(UnsafeDownloadError):
            trackwell.restore(name, run_path="e/p/r1", root=root, replace=True)
    assert written_outside(tmp_path, root) == []
    restored = trackwell.restore("ok/fine.txt", run_path="e/p/r1", root=root)
    assert restored is not None and restored.read() == "PWND"
    restored.close()
