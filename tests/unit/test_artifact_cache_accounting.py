"""The file cache's batched size accounting and its cheap copies: the shared total stays exact and
the limit holds (one process, two processes at once, a process that exits without flushing),
while a download of many files commits the total a few times instead of once per file; a file
system that refused a clone is not asked again; copies leave no partial file behind."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trackwell.artifacts import fs_copy
from trackwell.artifacts.file_cache import FileCache


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(cache: FileCache, data: bytes) -> None:
    with cache.writer(sha(data)) as w:
        w.write(data)


def recorded(cache: FileCache) -> int:
    state = cache._read_total()
    assert state is not None
    return state[0]


def test_many_small_files_commit_the_total_a_few_times_and_it_stays_exact(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", max_size=10**9, grace_s=0)
    commits: list[int] = []
    write_total = cache._write_total

    def counted(total: int, counted_at: float) -> None:
        commits.append(total)
        write_total(total, counted_at)

    cache._write_total = counted  # type: ignore[method-assign]
    for i in range(300):
        put(cache, i.to_bytes(2, "big") * 500)
    assert 1 <= len(commits) <= 10  # the first file, then a timer a second: not 300 rewrites
    cache.flush()
    assert recorded(cache) == cache.size() == 300 * 1000


def test_bytes_waiting_are_committed_within_about_a_second_without_a_flush(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", max_size=10**9, grace_s=0)
    for i in range(5):
        put(cache, bytes([i]) * 1000)
    deadline = time.monotonic() + 5
    while recorded(cache) != 5000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recorded(cache) == 5000 == cache.size()


def test_batching_never_lets_one_process_pass_the_limit(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", max_size=100_000, grace_s=0)
    assert cache._tally.flush_bytes > 500  # several 500-byte files do wait to be committed
    for i in range(350):  # 175,000 bytes: the limit is reached, and eviction runs
        put(cache, i.to_bytes(2, "big") * 250)
        assert cache.size() <= 100_000
    cache.flush()
    assert recorded(cache) >= cache.size()


_CHILD = """
import hashlib, sys
from pathlib import Path
from trackwell.artifacts.file_cache import FileCache
root = sys.argv[1]
seed, count, size, max_size = (int(arg) for arg in sys.argv[2:])
cache = FileCache(Path(root), max_size=max_size, grace_s=0)
for i in range(count):
    data = (seed * 100_000 + i).to_bytes(4, "big") * (size // 4)
    with cache.writer(hashlib.sha256(data).hexdigest()) as w:
        w.write(data)
"""  # no flush(): what is still waiting at exit is committed by the exit handler


def _child(root: Path, seed: int, count: int, size: int, max_size: int) -> subprocess.Popen[bytes]:
    args = [str(root), str(seed), str(count), str(size), str(max_size)]
    return subprocess.Popen([sys.executable, "-c", _CHILD, *args])


def test_two_processes_at_once_keep_the_cache_under_its_limit(tmp_path: Path) -> None:
    root, max_size, size = tmp_path / "cache", 60_000, 500
    slack = 2 * (FileCache(root, max_size=max_size)._tally.flush_bytes + size)
    children = [_child(root, seed, 400, size, max_size) for seed in (1, 2)]
    observer = FileCache(root, max_size=max_size)
    peak = 0
    while any(child.poll() is None for child in children):
        peak = max(peak, observer.size())
        time.sleep(0.01)
    assert [child.returncode for child in children] == [0, 0]
    assert peak <= max_size + slack  # uncommitted bytes: a file or two per process, never more
    assert observer.size() <= max_size
    assert recorded(observer) >= observer.size()  # the shared total may over-count, never under


def test_a_process_that_exits_without_flushing_still_commits_its_files(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    child = _child(root, 7, 20, 1000, 10**9)
    assert child.wait(timeout=60) == 0
    cache = FileCache(root, max_size=10**9)
    assert cache.size() == 20_000 and recorded(cache) == 20_000


def test_a_refused_clone_is_not_tried_again_on_that_file_system(
    cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fs_copy, "_no_clone_devs", set())
    monkeypatch.setattr(fs_copy, "_no_clone_pairs", set())
    monkeypatch.setattr(os, "geteuid", lambda: 0)  # root: copies
    calls: list[int] = []

    def refuse(fd: int, request: int, arg: int) -> None:
        calls.append(request)
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(fcntl, "ioctl", refuse)
    cache = FileCache(cache_root, max_size=10**9)
    blobs = [bytes([i]) * 3000 for i in range(10)]
    for data in blobs:
        put(cache, data)
    for i, data in enumerate(blobs):
        dest = tmp_path / "out" / f"{i}.bin"
        cache.place(sha(data), dest)
        assert dest.read_bytes() == data and dest.stat().st_mode & 0o200
    assert len(calls) == 1
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_an_error_of_one_file_is_not_taken_for_a_file_system_without_clones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fs_copy, "_no_clone_devs", set())
    monkeypatch.setattr(fs_copy, "_no_clone_pairs", set())

    def full(fd: int, request: int, arg: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fcntl, "ioctl", full)
    src = tmp_path / "src"
    src.write_bytes(b"x")
    dev = src.stat().st_dev
    assert not fs_copy.reflink(src, tmp_path / "a", src_dev=dev) and not (tmp_path / "a").exists()
    assert not fs_copy.reflink_known_unsupported(dev)


def test_copy_new_copies_big_and_small_files_and_never_leaves_a_partial_one(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(fs_copy.SMALL_COPY * 3 + 17))  # by the kernel (copy_file_range)
    fs_copy.copy_new(big, tmp_path / "big.copy", big.stat().st_size)
    assert (tmp_path / "big.copy").read_bytes() == big.read_bytes()
    fs_copy.copy_new(big, tmp_path / "small.copy", 10)  # a size that is wrong (grown): still whole
    assert (tmp_path / "small.copy").read_bytes() == big.read_bytes()
    with pytest.raises(FileExistsError):
        fs_copy.copy_new(big, tmp_path / "small.copy", 10)
    assert (tmp_path / "small.copy").read_bytes() == big.read_bytes()  # not truncated
    with pytest.raises(FileNotFoundError):
        fs_copy.copy_new(tmp_path / "missing", tmp_path / "never", 10)
    assert not (tmp_path / "never").exists()


@pytest.fixture
def cache_root(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_place_remakes_a_folder_removed_since_and_still_reports_an_evicted_file(
    cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    for mode in ("copy", "link"):
        monkeypatch.setenv("TRACKWELL_CACHE_PLACE", mode)
        cache = FileCache(cache_root, max_size=10**9)
        put(cache, b"first")
        put(cache, b"second")
        out = tmp_path / mode / "sub"
        cache.place(sha(b"first"), out / "a.bin")
        shutil.rmtree(out)  # the user removed the folder; the cache still knows it
        cache.place(sha(b"second"), out / "b.bin")
        assert (out / "b.bin").read_bytes() == b"second"
        os.unlink(cache.path_for(sha(b"first")))  # evicted by another process
        with pytest.raises(FileNotFoundError):
            cache.place(sha(b"first"), out / "c.bin")
        assert sorted(p.name for p in out.iterdir()) == ["b.bin"]


def test_staged_files_are_told_from_user_files_without_resolving_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trackwell.artifacts import staging
    from trackwell.artifacts.storage_paths import is_staged

    real_staging = tmp_path / "real-staging"
    real_staging.mkdir()
    os.symlink(real_staging, tmp_path / "staging")  # the variable names a link to the folder
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    ours = tmp_path / "staging" / "abc-123"
    ours.write_bytes(b"staged copy")
    nested = tmp_path / "staging" / "tmp" / "42-x" / "file.txt"
    nested.parent.mkdir(parents=True)
    nested.write_bytes(b"new_file")
    user = tmp_path / "user.bin"
    user.write_bytes(b"user data")
    into = tmp_path / "link-into-staging"
    os.symlink(ours, into)
    out_of = tmp_path / "staging" / "link-out"
    os.symlink(user, out_of)
    assert is_staged(ours) and is_staged(real_staging / "abc-123") and is_staged(nested)
    assert is_staged(into)  # resolved: it is our file
    assert not is_staged(user) and not is_staged(out_of)  # a link out of the folder: the user's
    staging.release([str(ours), str(user), str(nested)])
    assert not ours.exists()
    assert user.read_bytes() == b"user data" and nested.exists()  # only direct staged copies go


def test_staging_many_files_on_threads_copies_each_content_once_or_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trackwell as wandb
    from trackwell.artifacts import staging

    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))
    folder = tmp_path / "data"
    folder.mkdir()
    for i in range(60):  # 30 contents, each twice; some over SMALL_COPY (the kernel's copy)
        data = (i % 30).to_bytes(2, "big") * (40_000 if i % 3 == 0 else 100)
        (folder / f"{i:02d}.bin").write_bytes(data)
    artifact = wandb.Artifact("d", "dataset")
    artifact.add_dir(str(folder))
    entries = list(artifact.manifest.entries.values())
    staged = staging.stage(entries, None)
    assert len(set(staged.values())) == 30 == len(list((tmp_path / "staging").glob("*-*")))
    for name, copy in staged.items():
        assert Path(copy).read_bytes() == (folder / name).read_bytes()
    staging.release(staged)
    (folder / "05.bin").write_bytes(b"changed")  # the first of its content: the one copied
    with pytest.raises(staging.FileChangedError, match="'05.bin'.*changed after it was added"):
        staging.stage(entries, None)
    assert [p for p in (tmp_path / "staging").iterdir() if p.is_file()] == []


_LATE_CHILD = """
import atexit, hashlib, sys
from pathlib import Path

def late() -> None:  # like a run's finish() hook putting its uploaded files in the cache
    from trackwell.artifacts.file_cache import FileCache
    cache = FileCache(Path(sys.argv[1]), max_size=10**9)
    for i in range(5):
        data = bytes([i]) * 1000
        with cache.writer(hashlib.sha256(data).hexdigest()) as w:
            w.write(data)

atexit.register(late)  # registered before the cache module's own handler: runs after it
import trackwell.artifacts.file_cache
"""


def test_files_added_by_a_later_exit_handler_are_committed_too(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    done = subprocess.run([sys.executable, "-c", _LATE_CHILD, str(root)], timeout=60, check=False)
    assert done.returncode == 0
    cache = FileCache(root, max_size=10**9)
    assert cache.size() == 5000 and recorded(cache) == 5000
