"""login() and endpoint resolution against a real server; local-server discovery and start-up."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import Unauthorized
from trackwell.sdk.credentials import CredentialStore
from trackwell.sdk.local_server import ensure_local_server, read_server_json
from trackwell.sdk.login import login, resolve_endpoint
from trackwell.sdk.settings import Settings

REPO = Path(__file__).resolve().parents[2]
LOGIN_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "01_login.py"


def fresh(tmp_path: Path, **variables: str) -> Settings:
    """Settings for a user with an empty home (no stored keys, no settings file)."""
    return Settings.resolve({"HOME": str(tmp_path), **variables})


def test_right_key_is_verified_and_stored_0600(live_server: Any, tmp_path: Path, capsys: Any) -> None:
    settings = fresh(tmp_path)
    assert login(key=live_server.api_key, host=live_server.url, settings=settings) is True
    store = CredentialStore(settings.config_dir)
    assert store.get(live_server.url) == live_server.api_key
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    captured = capsys.readouterr()
    assert live_server.api_key not in captured.out + captured.err
    assert "Logged in as" in captured.err
    # The host became the default server, and the stored key is found without any variable.
    later = fresh(tmp_path)
    assert later.base_url == live_server.url
    endpoint = resolve_endpoint(later)
    assert endpoint.api_key == live_server.api_key and not endpoint.local
    assert live_server.api_key not in repr(endpoint)
    # A second login needs no key.
    assert login(settings=later) is True


def test_wrong_key_raises_a_clear_error_and_stores_nothing(live_server: Any, tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    secret = "bad-" + "q" * 40
    with pytest.raises(Unauthorized) as info:
        login(key=secret, host=live_server.url, settings=settings)
    assert "refused" in str(info.value) and "trackwell login" in str(info.value)
    assert secret not in str(info.value)
    assert CredentialStore(settings.config_dir).get(live_server.url) is None


def test_relogin_ignores_the_stored_key(live_server: Any, tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    login(key=live_server.api_key, host=live_server.url, settings=settings)
    # Not a terminal: there is no one to prompt, so relogin without a key is an error.
    with pytest.raises(Unauthorized, match="no API key"):
        login(relogin=True, host=live_server.url, settings=settings)
    with pytest.raises(Unauthorized):
        login(key="other-" + "w" * 40, relogin=True, host=live_server.url, settings=settings)
    assert CredentialStore(settings.config_dir).get(live_server.url) == live_server.api_key


def test_environment_key_wins_and_missing_key_is_explained(live_server: Any, tmp_path: Path) -> None:
    with_env = fresh(tmp_path, WANDB_BASE_URL=live_server.url, WANDB_API_KEY=live_server.api_key)
    assert login(settings=with_env) is True
    nothing = fresh(tmp_path / "other", WANDB_BASE_URL=live_server.url)
    with pytest.raises(Unauthorized, match="no API key for"):
        resolve_endpoint(nothing)


def test_local_server_is_found_from_its_data_dir(live_server: Any, tmp_path: Path) -> None:
    if read_server_json(Path(live_server.data_dir)) is None:
        pytest.skip("the live_server fixture does not write server.json")
    started = time.perf_counter()
    url, key = ensure_local_server(Path(live_server.data_dir))
    elapsed = time.perf_counter() - started
    assert url == live_server.url
    assert key
    assert elapsed < 0.5  # fast path: one file read, one loopback request
    settings = fresh(tmp_path, TRACKWELL_DATA_DIR=str(live_server.data_dir))
    assert login(settings=settings) is True  # no key given: the local key


def test_handbook_login_example(live_server: Any, tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", ""),
        "WANDB_API_KEY": live_server.api_key,
        "WANDB_BASE_URL": live_server.url,
    }
    done = subprocess.run(
        [sys.executable, str(LOGIN_EXAMPLE)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert live_server.api_key not in done.stdout + done.stderr
    assert CredentialStore(tmp_path / ".config" / "trackwell").get(live_server.url) == live_server.api_key


def _stop(data_dir: Path) -> None:
    info = read_server_json(data_dir)
    if info is None:
        return
    os.kill(int(info["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + 15
    while (data_dir / "server.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.slow
def test_two_processes_start_one_local_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            results.append(ensure_local_server(data_dir, timeout=60))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert results[0] == results[1]  # the same server, the same key
        assert stat.S_IMODE((data_dir / "local-api-key").stat().st_mode) == 0o600
        info = json.loads((data_dir / "server.json").read_text())
        assert results[0][0] == info["url"]
        # A second call finds the running one instead of starting another.
        assert ensure_local_server(data_dir) == results[0]
    finally:
        _stop(data_dir)
