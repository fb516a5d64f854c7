"""The per-machine hash cache: right digests, no second pass over an unchanged file, a changed
or racy file hashed again, and several processes sharing one database."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from trackwell.artifacts import hash_cache
from trackwell.artifacts.hash_cache import HashCache


@pytest.fixture
def cache(tmp_path: Path) -> HashCache:
    return HashCache(tmp_path / "cache" / "hashes.sqlite3")


def aged(path: Path, seconds: float = 10.0) -> None:
    """Give the file an mtime safely in the past (a file written long before it is logged)."""
    past = time.time_ns() - int(seconds * 1e9) + 123_456  # not whole seconds: a fine-grained mtime
    os.utime(path, ns=(past, past))


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = hash_cache.hash_stream

    def spy(path: str | os.PathLike[str]) -> str:
        calls.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(hash_cache, "hash_stream", spy)
    return calls


def test_digest_is_sha256_and_an_unchanged_file_is_read_once(
    cache: HashCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "data.bin"
    f.write_bytes(b"abc" * 1000)
    aged(f)
    calls = counting(monkeypatch)
    assert cache.sha256_file(f) == (hashlib.sha256(b"abc" * 1000).hexdigest(), 3000)
    assert cache.sha256_file(f)[0] == hashlib.sha256(b"abc" * 1000).hexdigest()
    assert len(calls) == 1
    other = HashCache(cache.db_path)  # another process's view: same database
    assert other.sha256_file(f)[1] == 3000 and len(calls) == 1


def test_rehashing_an_unchanged_1_gib_file_takes_under_10_ms(cache: HashCache, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(2**30)  # sparse: a real 1 GiB file without 1 GiB of disk
    aged(big)
    # Remember a digest as a first log_artifact would have (hashing 1 GiB here would only slow the
    # suite); what is measured is the second call, which must not read the file.
    digest, size = "ab" * 32, 2**30
    cache.store(os.path.realpath(big), os.stat(big), digest, time.time_ns())
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert cache.sha256_file(big) == (digest, size)
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.010, timings


def test_a_changed_file_is_hashed_again(cache: HashCache, tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_bytes(b"one")
    aged(f, 20)
    assert cache.sha256_file(f)[0] == hashlib.sha256(b"one").hexdigest()
    f.write_bytes(b"two")  # same size, new mtime
    aged(f, 10)
    assert cache.sha256_file(f)[0] == hashlib.sha256(b"two").hexdigest()
    replacement = tmp_path / "new.txt"
    replacement.write_bytes(b"333")
    os.utime(replacement, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns))
    os.replace(replacement, f)  # same size and mtime, another inode (torch.save, editors)
    assert cache.sha256_file(f)[0] == hashlib.sha256(b"333").hexdigest()


def test_a_file_modified_as_it_is_hashed_is_not_trusted_next_time(
    cache: HashCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "fresh.txt"
    f.write_bytes(b"x")  # mtime = now: a second write in the same tick would keep it
    calls = counting(monkeypatch)
    cache.sha256_file(f)
    cache.sha256_file(f)
    assert len(calls) == 2  # racy: hashed again
    aged(f)
    cache.sha256_file(f)
    cache.sha256_file(f)
    assert len(calls) == 3  # settled: remembered


def test_without_a_writable_cache_folder_hashing_still_works(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    cache = HashCache(blocker / "hashes.sqlite3")
    f = tmp_path / "f"
    f.write_bytes(b"z")
    assert cache.sha256_file(f)[0] == hashlib.sha256(b"z").hexdigest()


def _hash_many(args: tuple[str, str]) -> list[str]:
    db, folder = args
    cache = HashCache(Path(db))
    return [cache.sha256_file(p)[0] for p in sorted(Path(folder).iterdir())]


def test_several_processes_share_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:03}.bin").write_bytes(os.urandom(2000))
        aged(folder / f"{i:03}.bin")
    db = tmp_path / "cache" / "hashes.sqlite3"
    # spawn, not fork: a forked child inherits whatever locks the test process's other threads hold
    # (an earlier test's artifact saver threads under pytest-xdist) and can hang on one forever.
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_hash_many, [(str(db), str(folder))] * 4)
    expected = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())]
    assert all(r == expected for r in results)
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM hashes").fetchone()[0] == 40


def test_add_dir_on_many_threads_hashes_each_unchanged_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trackwell as wandb

    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    folder = tmp_path / "data"
    folder.mkdir()
    for i in range(64):
        (folder / f"{i}.bin").write_bytes(os.urandom(500))
        aged(folder / f"{i}.bin")
    calls = counting(monkeypatch)
    first = wandb.Artifact("d", "dataset")
    first.add_dir(str(folder))
    assert len(calls) == 64
    second = wandb.Artifact("d", "dataset")
    second.add_dir(str(folder))
    assert len(calls) == 64 and second.digest == first.digest


def test_add_dir_asks_the_cache_in_bulk_with_the_same_rules_as_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trackwell as wandb

    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    folder, outside = tmp_path / "data", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    (outside / "deep").mkdir(parents=True)
    for i in range(1200):  # more than one query's worth of paths
        (folder / "sub" / f"{i}.bin").write_bytes(i.to_bytes(2, "big") * 100)
        aged(folder / "sub" / f"{i}.bin")
    (outside / "target.bin").write_bytes(b"linked file")
    (outside / "deep" / "inner.bin").write_bytes(b"in a linked folder")
    for path in (outside / "target.bin", outside / "deep" / "inner.bin"):
        aged(path)
    os.symlink(outside / "target.bin", folder / "link.bin")
    os.symlink(outside / "deep", folder / "linked-folder")
    racy = folder / "racy.bin"
    racy.write_bytes(b"written just now")
    future = time.time_ns() + 3600 * 10**9  # an mtime after any hashing start: never trusted
    os.utime(racy, ns=(future, future))
    calls = counting(monkeypatch)
    lookups: list[int] = []
    real_lookup_many = HashCache.lookup_many

    def spy(self: HashCache, reals: list[str]) -> dict[str, tuple[object, ...]]:
        lookups.append(len(reals))
        return real_lookup_many(self, reals)

    monkeypatch.setattr(HashCache, "lookup_many", spy)
    monkeypatch.setattr(HashCache, "lookup", lambda *a: pytest.fail("add_dir looked up a file alone"))
    first = wandb.Artifact("d", "dataset")
    first.add_dir(str(folder))
    assert len(calls) == 1203 and lookups == [1203]
    assert first.get_entry("link.bin").digest == hashlib.sha256(b"linked file").hexdigest()
    assert first.get_entry("linked-folder/inner.bin").size == len(b"in a linked folder")
    # Keys are real paths, as for one file: the linked targets are known to sha256_file too.
    monkeypatch.setattr(HashCache, "lookup", real_lookup)
    assert hash_cache.sha256_file(outside / "target.bin")[1] == len(b"linked file")
    assert len(calls) == 1203
    second = wandb.Artifact("d", "dataset")
    second.add_dir(str(folder))
    assert [os.path.basename(c) for c in calls[1203:]] == ["racy.bin"]  # only the racy one again
    assert second.digest == first.digest
    changed = folder / "sub" / "7.bin"
    changed.write_bytes(b"X" * 200)  # same size, new content and mtime
    aged(changed, 5)
    third = wandb.Artifact("d", "dataset")
    third.add_dir(str(folder))
    assert sorted(os.path.basename(c) for c in calls[1204:]) == ["7.bin", "racy.bin"]
    assert third.get_entry("sub/7.bin").digest == hashlib.sha256(b"X" * 200).hexdigest()


real_lookup = HashCache.lookup
