"""The ``trackwell`` command, run as a user would (``python -m trackwell ...`` in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_api_client import seed_run
from trackwell.sdk.api_client import ApiClient


def cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [sys.executable, "-m", "trackwell", *args],
        env=environ,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_help_lists_every_subcommand_with_examples(home: Path) -> None:
    done = cli("--help", home=home)
    assert done.returncode == 0
    for command in ("server", "login", "status", "sync", "runs"):
        assert command in done.stdout
    assert "examples:" in done.stdout and "trackwell runs ls" in done.stdout


def test_login_stores_the_key_and_wrong_key_fails_in_one_line(live_server: Any, home: Path) -> None:
    bad = cli("login", "bad-" + "x" * 40, "--host", live_server.url, home=home)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0 and "refused" in bad.stderr
    assert "bad-" + "x" * 40 not in bad.stderr
    good = cli("login", live_server.api_key, "--host", live_server.url, home=home)
    assert good.returncode == 0, good.stderr
    assert "Logged in as" in good.stderr
    stored = json.loads((home / ".config/trackwell/credentials.json").read_text())
    assert any(v["api_key"] == live_server.api_key for v in stored["hosts"].values())
    # status uses the stored key and never prints it
    status = cli("status", home=home)
    assert status.returncode == 0, status.stderr
    assert live_server.url in status.stdout and "reachable" in status.stdout
    assert live_server.api_key not in status.stdout + status.stderr


def test_runs_ls_and_show(live_server: Any, home: Path) -> None:
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        for i in range(3):
            seed_run(
                client,
                entity,
                "cli-proj",
                f"c{i}",
                config={"lr": 0.1 * (i + 1)},
                rows=[{"loss": 1.0}],
                summary={"acc": i},
            )
        client.put_file(entity, "cli-proj", "c1", "config.yaml", b"lr: 0.2\n")
    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}
    ls = cli("runs", "ls", "cli-proj", home=home, **env)
    assert ls.returncode == 0, ls.stderr
    assert ls.stdout.splitlines()[0].split()[:3] == ["ID", "NAME", "STATE"]
    assert all(f"c{i}" in ls.stdout for i in range(3))
    assert "3 of 3 runs" in ls.stdout
    filtered = cli(
        "runs", "ls", "cli-proj", "--filter", '{"summary_metrics.acc": {"$gte": 1}}', home=home, **env
    )
    assert filtered.returncode == 0, filtered.stderr
    assert "c0" not in filtered.stdout and "2 of 2 runs" in filtered.stdout
    limited = cli("runs", "ls", "cli-proj", "--limit", "1", "--order", "+created_at", home=home, **env)
    assert "1 of 3 runs" in limited.stdout and "c0" in limited.stdout
    show = cli("runs", "show", f"{entity}/cli-proj/c1", home=home, **env)
    assert show.returncode == 0, show.stderr
    assert "state:    finished" in show.stdout
    assert '"acc": 1' in show.stdout and "config.yaml" in show.stdout


def test_errors_are_one_line_with_exit_code(live_server: Any, home: Path) -> None:
    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}
    missing = cli("runs", "show", "cli-proj/nope", home=home, **env)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("trackwell: error:")
    bad_json = cli("runs", "ls", "p", "--filter", "{oops", home=home, **env)
    assert bad_json.returncode == 1 and "--filter is not valid JSON" in bad_json.stderr
    bad_mode = cli("status", home=home, WANDB_MODE="onlin")
    assert bad_mode.returncode == 1
    assert "WANDB_MODE='onlin' is not one of online, offline, disabled" in bad_mode.stderr
    no_args = cli("sync", home=home)
    assert no_args.returncode == 1 and "--all" in no_args.stderr


def test_ui_prints_a_one_time_sign_in_link(live_server: Any, home: Path) -> None:
    import http.client
    from urllib.parse import urlsplit

    env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}
    done = cli("ui", "--print", home=home, **env)
    assert done.returncode == 0, done.stderr
    (link,) = [w for w in done.stdout.split() if "/api/v1/session/login?token=" in w]
    assert live_server.api_key not in done.stdout

    def follow() -> tuple[int, str]:
        parts = urlsplit(link)
        conn = http.client.HTTPConnection(parts.netloc, timeout=10)
        try:
            conn.request("GET", f"{parts.path}?{parts.query}")
            answer = conn.getresponse()
            answer.read()
            return answer.status, answer.getheader("Set-Cookie") or ""
        finally:
            conn.close()

    status, cookie = follow()
    assert status in (302, 303, 307) and "HttpOnly" in cookie
    assert follow()[0] >= 400, "a sign-in link works once"
