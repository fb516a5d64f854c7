"""Credentials: per-host keys in a 0600 file written atomically; netrc entries as wandb writes them."""

from __future__ import annotations

import stat
from pathlib import Path

from trackwell.sdk.credentials import CredentialStore, netrc_key


def test_keys_are_stored_per_host_with_mode_0600(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "cfg")
    assert store.get("http://a.test:8080") is None
    store.set("http://a.test:8080/", "key-a", username="alice")
    store.set("https://b.test", "key-b")
    assert store.get("http://A.test:8080") == "key-a"  # host names are case-insensitive
    assert store.get("https://b.test/") == "key-b"
    assert store.get("http://b.test") is None  # scheme matters
    mode = stat.S_IMODE(store.path.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    # Atomic write: no temporary file is left behind.
    assert [p.name for p in store.path.parent.iterdir()] == ["credentials.json"]
    assert store.delete("http://a.test:8080")
    assert store.get("http://a.test:8080") is None
    assert store.hosts() == ["https://b.test"]


def test_overwrite_keeps_0600_even_when_loosened(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path)
    store.set("http://h", "one")
    store.path.chmod(0o644)
    store.set("http://h", "two")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.get("http://h") == "two"


def test_netrc_entries_like_wandb_login(tmp_path: Path) -> None:
    path = tmp_path / ".netrc"
    path.write_text(
        "machine 127.0.0.1:18780\n  login user\n  password key-with-port\n"
        "machine server.test\n  login user\n  password key-no-port\n"
    )
    path.chmod(0o600)
    assert netrc_key("http://127.0.0.1:18780", path) == "key-with-port"
    assert netrc_key("https://server.test", path) == "key-no-port"
    assert netrc_key("http://other.test", path) is None
    assert netrc_key("http://other.test", tmp_path / "missing") is None
