"""``trackwell artifact put|get|ls|cache cleanup`` run as a user would (``python -m trackwell`` in a
subprocess) against a live server: the SDK's own log path, deduplication, downloads through the
cache, a readable listing, and one-line errors that name what exists."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.live_server import LiveServer
from trackwell.apis import Api
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.settings import Settings

PROJECT = "cli-art"


@pytest.fixture(scope="module")
def entity(server: LiveServer) -> Iterator[str]:
    with ApiClient(server.url, server.api_key) as client:
        yield client.viewer().entity


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def cli(server: LiveServer, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "TRACKWELL_BASE_URL": server.url,
        "TRACKWELL_API_KEY": server.api_key,
        "TRACKWELL_CACHE_DIR": str(home / "cache"),
        "TRACKWELL_SILENT": "true",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "trackwell", "artifact", *args],
        env=environ,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("trackwell: error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def cache_bytes(home: Path) -> int:
    """Bytes of cached files ($TRACKWELL_CACHE_DIR/artifacts/obj, as in wandb's layout)."""
    return sum(p.stat().st_size for p in (home / "cache" / "artifacts" / "obj").rglob("*") if p.is_file())


def test_put_a_folder_then_get_ls_and_dedup(server: LiveServer, home: Path, entity: str) -> None:
    data = home / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.txt").write_text("alpha\n")
    (data / "sub" / "b.csv").write_text("x,y\n1,2\n")
    put = ok(
        cli(
            server, home, "put", str(data), "-n", f"{PROJECT}/raw", "-t", "dataset", "-a", "best", "-d", "raw"
        )
    )
    assert put.strip().splitlines()[-1] == f"{entity}/{PROJECT}/raw:v0"
    settings = Settings.resolve({"HOME": str(home)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as api:  # logged through a run, as wandb's `artifact put` does
        stored = api.artifact(f"{PROJECT}/raw:v0")
        assert (stored.type, stored.description, stored.file_count) == ("dataset", "raw", 2)
        assert {"best", "latest"} <= set(stored.aliases)
        assert stored.logged_by().job_type == "cli_put"
    # Unchanged content: no new version (wandb's dedup), the same qualified name.
    again = ok(cli(server, home, "put", str(data), "-n", f"{PROJECT}/raw", "-t", "dataset"))
    assert again.strip().splitlines()[-1] == f"{entity}/{PROJECT}/raw:v0"
    (data / "a.txt").write_text("alpha, second cut\n")
    changed = ok(cli(server, home, "put", str(data), "--name", f"{PROJECT}/raw", "--type", "dataset"))
    assert changed.strip().splitlines()[-1] == f"{entity}/{PROJECT}/raw:v1"

    root = home / "got"
    got = ok(cli(server, home, "get", f"{PROJECT}/raw:best", "--root", str(root)))
    assert Path(got.strip().splitlines()[-1]).resolve() == root.resolve()
    assert (root / "a.txt").read_text() == "alpha\n"  # best is still v0
    assert (root / "sub" / "b.csv").read_text() == "x,y\n1,2\n"
    latest = home / "latest"
    ok(cli(server, home, "get", f"{PROJECT}/raw", "--root", str(latest), "--type", "dataset"))
    assert (latest / "a.txt").read_text() == "alpha, second cut\n"

    listing = ok(cli(server, home, "ls", PROJECT)).splitlines()
    assert listing[0].split() == ["TYPE", "NAME", "LATEST", "SIZE", "UPDATED", "ALIASES"]
    row = next(line.split() for line in listing if " raw " in f" {line} ")
    assert row[:3] == ["dataset", "raw", "v1"] and "B" in row[3]
    assert "best" in row[-1] and "latest" in row[-1]


def test_put_a_file_with_project_and_entity_flags(server: LiveServer, home: Path, entity: str) -> None:
    weights = home / "weights.bin"
    weights.write_bytes(os.urandom(4096))
    out = ok(
        cli(
            server,
            home,
            "put",
            str(weights),
            "-t",
            "model",
            "-p",
            PROJECT,
            "-e",
            entity,
            "-a",
            "a1",
            "-a",
            "a2",
        )
    )
    assert out.strip().splitlines()[-1] == f"{entity}/{PROJECT}/weights.bin:v0"
    listing = ok(cli(server, home, "ls", PROJECT, "--type", "model"))
    assert "weights.bin" in listing and "4.1KB" in listing and " raw " not in listing
    rows = [line for line in listing.splitlines() if "weights.bin" in line]
    assert "a1" in rows[0] and "a2" in rows[0]
    # The project from WANDB_PROJECT when the name has none.
    other = home / "notes.txt"
    other.write_text("n")
    out = ok(cli(server, home, "put", str(other), WANDB_PROJECT=PROJECT))
    assert out.strip().splitlines()[-1] == f"{entity}/{PROJECT}/notes.txt:v0"


def test_errors_are_one_line_and_name_what_exists(server: LiveServer, home: Path) -> None:
    (home / "f.txt").write_text("x")
    ok(cli(server, home, "put", str(home / "f.txt"), "-n", f"{PROJECT}/errs", "-a", "good"))
    unknown_alias = one_line_error(cli(server, home, "get", f"{PROJECT}/errs:nope"))
    assert "errs:nope" in unknown_alias and "good" in unknown_alias
    unknown_name = one_line_error(cli(server, home, "get", f"{PROJECT}/missing:latest"))
    assert "missing:latest" in unknown_name
    wrong_type = one_line_error(cli(server, home, "get", f"{PROJECT}/errs", "--type", "model"))
    assert "dataset" in wrong_type
    no_type = one_line_error(cli(server, home, "ls", PROJECT, "--type", "checkpoint"))
    assert "checkpoint" in no_type and "dataset" in no_type
    assert "is no file or folder" in one_line_error(
        cli(server, home, "put", str(home / "absent"), "-p", PROJECT)
    )
    no_project = one_line_error(cli(server, home, "put", str(home / "f.txt")))
    assert "--project" in no_project
    bad_name = one_line_error(cli(server, home, "put", str(home / "f.txt"), "-n", f"{PROJECT}/bad name"))
    assert "bad name" in bad_name
    assert "no artifacts in" in ok(cli(server, home, "ls", "empty-project"))


def test_cache_cleanup_frees_space_down_to_the_target(server: LiveServer, home: Path) -> None:
    blob = home / "big.bin"
    blob.write_bytes(os.urandom(300_000))
    ok(cli(server, home, "put", str(blob), "-n", f"{PROJECT}/big", "-t", "dataset"))
    ok(cli(server, home, "get", f"{PROJECT}/big", "--root", str(home / "dl")))
    assert cache_bytes(home) >= 300_000
    kept = ok(cli(server, home, "cache", "cleanup", "1MB"))
    assert kept.startswith("Reclaimed 0B") and cache_bytes(home) >= 300_000
    freed = ok(cli(server, home, "cache", "cleanup", "--max-size", "100KB"))
    assert freed.startswith("Reclaimed ") and "KB" in freed and cache_bytes(home) <= 100_000
    ok(cli(server, home, "cache", "cleanup", "0", "--remove-temp"))
    assert cache_bytes(home) == 0
    assert "TARGET_SIZE" in one_line_error(cli(server, home, "cache", "cleanup"))
    assert (home / "dl" / "big.bin").read_bytes() == blob.read_bytes()  # downloads are not the cache's
