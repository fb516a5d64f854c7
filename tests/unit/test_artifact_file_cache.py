"""The content-addressed download cache: verified writes, corruption never served, placement that
never lets an edit reach the cache, LRU eviction to its limit, and several processes at once."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from trackwell.artifacts.file_cache import ChecksumMismatchError, FileCache
from trackwell.artifacts.storage_paths import cache_dir, parse_size
from trackwell.schema.errors import InvalidArgument


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(cache: FileCache, data: bytes) -> Path:
    with cache.writer(sha(data)) as w:
        w.write(data[: len(data) // 2])
        w.write(data[len(data) // 2 :])
    path = cache.get(sha(data), len(data))
    assert path is not None
    return path


@pytest.fixture
def cache(tmp_path: Path) -> FileCache:
    return FileCache(tmp_path / "cache", max_size=10**9, grace_s=0)


def test_writer_stores_verified_bytes_read_only_in_the_sha256_layout(cache: FileCache) -> None:
    data = b"hello artifacts"
    path = put(cache, data)
    digest = sha(data)
    assert path == cache.root / "obj" / "sha256" / digest[:2] / digest[2:]
    assert path.read_bytes() == data and path.stat().st_mode & 0o222 == 0
    assert cache.get(digest, size=len(data) + 1) is None  # wrong size: not served (and dropped)
    assert cache.get(digest) is None


def test_a_wrong_checksum_or_an_error_stores_nothing(cache: FileCache) -> None:
    with pytest.raises(ChecksumMismatchError, match="hash to"), cache.writer(sha(b"expected")) as w:
        w.write(b"something else")
    assert cache.get(sha(b"expected")) is None
    with pytest.raises(RuntimeError), cache.writer(sha(b"x")) as w:
        w.write(b"x")
        raise RuntimeError("transfer failed")
    assert cache.get(sha(b"x")) is None
    assert list((cache.root / "tmp").iterdir()) == []
    with pytest.raises(InvalidArgument, match="SHA-256"):
        cache.get("../../etc/passwd")


def test_verify_finds_a_corrupt_entry_and_removes_it(cache: FileCache) -> None:
    path = put(cache, b"good bytes")
    assert cache.verify(sha(b"good bytes"))
    os.chmod(path, 0o644)
    path.write_bytes(b"bad  bytes")  # same size
    assert not cache.verify(sha(b"good bytes"))
    assert not path.exists()


def test_a_write_through_a_hard_link_is_never_served(cache: FileCache, tmp_path: Path) -> None:
    data = b"original content"
    path = put(cache, data)
    link = tmp_path / "downloaded.txt"
    os.link(path, link)
    os.chmod(link, 0o644)
    with open(link, "r+b") as fh:  # an in-place edit of a downloaded file (same size)
        fh.write(b"EDITED")
    assert cache.get(sha(data), len(data)) is None


def test_place_copies_for_root_and_an_edit_of_the_copy_leaves_the_cache_intact(
    cache: FileCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    data = b"model weights"
    src = put(cache, data)
    dest = tmp_path / "out" / "model.pt"
    cache.place(sha(data), dest)
    assert dest.read_bytes() == data and dest.stat().st_ino != src.stat().st_ino
    dest.write_bytes(b"fine-tuned!!!")  # writable copy
    assert cache.get(sha(data), len(data)) is not None and src.read_bytes() == data
    cache.place(sha(data), dest)  # placing again replaces the edited file
    assert dest.read_bytes() == data


def test_place_hard_links_read_only_files_for_other_users(
    cache: FileCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    data = b"dataset shard"
    src = put(cache, data)
    dest = tmp_path / "out" / "shard.bin"
    cache.place(sha(data), dest)
    assert dest.stat().st_ino == src.stat().st_ino and dest.stat().st_mode & 0o222 == 0
    monkeypatch.setenv("TRACKWELL_CACHE_PLACE", "copy")
    copy = tmp_path / "out" / "copy.bin"
    cache.place(sha(data), copy)
    assert copy.stat().st_ino != src.stat().st_ino
    with pytest.raises(FileNotFoundError):
        cache.place(sha(b"never cached"), tmp_path / "x")


def test_cleanup_evicts_least_recently_used_first(cache: FileCache) -> None:
    blobs = [bytes([i]) * 1000 for i in range(4)]
    paths = [put(cache, b) for b in blobs]
    for i, path in enumerate(paths):  # last use: blob 0 oldest ... blob 3 newest
        os.utime(path, ns=(time.time_ns() - (10 - i) * 10**9, path.stat().st_mtime_ns))
    cache.get(sha(blobs[0]))  # used now: the newest
    assert cache.size() == 4000
    assert cache.cleanup(2000) == 2000
    assert [cache.get(sha(b)) is not None for b in blobs] == [True, False, False, True]
    assert cache.cleanup(0) == 2000 and cache.size() == 0


def test_writes_past_the_limit_evict_automatically(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", max_size=10_000, grace_s=0)
    for i in range(30):
        put(cache, bytes([i]) * 1000)
        assert cache.size() <= 10_000
    assert cache.get(sha(bytes([29]) * 1000)) is not None  # the newest stays


def test_add_file_links_staged_copies_but_only_copies_user_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    cache = FileCache(tmp_path / "cache", max_size=10**9)
    user = tmp_path / "user.bin"
    user.write_bytes(b"user data")
    before = user.stat()
    cached = cache.add_file(user, sha(b"user data"))
    assert cached.stat().st_ino != user.stat().st_ino
    assert user.stat().st_mode == before.st_mode and user.stat().st_mtime_ns == before.st_mtime_ns
    staged = tmp_path / "staging" / "abc"
    staged.parent.mkdir()
    staged.write_bytes(b"staged copy")
    linked = cache.add_file(staged, sha(b"staged copy"))
    assert linked.stat().st_ino == staged.stat().st_ino
    with pytest.raises(ChecksumMismatchError):
        cache.add_file(user, sha(b"not what the file holds"))


def _writer_process(args: tuple[str, int]) -> int:
    root, seed = args
    cache = FileCache(Path(root), max_size=50_000, grace_s=0)
    for i in range(40):
        data = bytes([(seed * 7 + i) % 256, i % 5]) * 1000  # some digests shared between processes
        with cache.writer(sha(data)) as w:
            w.write(data)
        found = cache.get(sha(data))
        if found is not None:
            assert found.read_bytes() == data
    return 0


def test_several_processes_write_and_evict_one_cache(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    # spawn, not fork: a forked child inherits whatever locks the test process's other threads hold
    # (an earlier test's artifact saver threads under pytest-xdist) and can hang on one forever.
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_writer_process, [(str(root), s) for s in range(4)]) == [0] * 4
    cache = FileCache(root, max_size=50_000)
    assert cache.size() <= 50_000
    for path in (root / "obj" / "sha256").rglob("*"):
        if path.is_file():
            assert sha(path.read_bytes()) == path.parent.name + path.name


def test_sizes_and_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert parse_size("10GB") == 10 * 10**9
    assert parse_size("512MiB") == 512 * 2**20
    assert parse_size("1.5 kb") == 1500 and parse_size("1024") == 1024 and parse_size(7) == 7
    with pytest.raises(InvalidArgument, match="not a size"):
        parse_size("lots")
    monkeypatch.setenv("WANDB_CACHE_DIR", str(tmp_path / "w"))
    monkeypatch.delenv("TRACKWELL_CACHE_DIR", raising=False)
    assert cache_dir() == tmp_path / "w" / "artifacts"
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "t"))
    monkeypatch.setenv("TRACKWELL_CACHE_MAX_SIZE", "3MB")
    default = FileCache.default()
    assert default.root == tmp_path / "t" / "artifacts" and default.max_size == 3 * 10**6
