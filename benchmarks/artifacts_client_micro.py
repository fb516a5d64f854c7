"""The artifact client's own per-file costs, no server: N small files (default 10,000 x 1 KiB).

    .venv/bin/python -m benchmarks.artifacts_client_micro [N]
    PYTHONPATH=<a checkout of an older commit>/src .venv/bin/python -m benchmarks.artifacts_client_micro

Steps: ``add_dir`` with a cold then a warm hash cache (a re-log); what a cold download does per
fetched blob on the client (``FileCache.writer`` then ``FileCache.place``), as root (copies) and
with ``TRACKWELL_CACHE_PLACE=link``; ``FileCache.place`` of every file into a new folder; and
staging one 300 MiB file. Everything lives in a temporary folder removed at the end; nothing is
written elsewhere. Numbers on a loaded machine vary: compare runs made back to back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main(n: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="trackwell-client-micro-"))
    os.environ["TRACKWELL_CACHE_DIR"] = str(base / "cachehome")
    os.environ["TRACKWELL_STAGING_DIR"] = str(base / "staging")
    try:
        _run(base, n)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _timed(label: str, fn: Callable[[], object], count: int) -> None:
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    print(f"{label:58s} {took:7.3f} s  ({took / count * 1e6:7.1f} us/file)", flush=True)


def _run(base: Path, n: int) -> None:
    import trackwell
    from trackwell.artifacts import staging
    from trackwell.artifacts.artifact import Artifact
    from trackwell.artifacts.entries import ArtifactManifestEntry
    from trackwell.artifacts.file_cache import FileCache

    print(f"code: {os.path.dirname(trackwell.__file__)}; load average {os.getloadavg()[0]:.1f}")
    src = base / "src"
    blobs: list[tuple[str, bytes]] = []
    for i in range(n):
        folder = src / f"d{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = os.urandom(1024)
        (folder / f"f{i:05d}.bin").write_bytes(data)
        blobs.append((hashlib.sha256(data).hexdigest(), data))
    old = time.time_ns() - 10**10  # written well before it is logged (the hash cache trusts it)
    for path in src.rglob("*.bin"):
        os.utime(path, ns=(old, old))

    def add_dir() -> None:
        Artifact("bench", "dataset").add_dir(str(src))

    _timed("add_dir (cold hash cache)", add_dir, n)
    _timed("add_dir (warm hash cache: re-log)", add_dir, n)

    def cold(dest_root: Path, mode: str) -> None:
        os.environ["TRACKWELL_CACHE_PLACE"] = mode
        cache = FileCache.default()
        for i, (digest, data) in enumerate(blobs):
            with cache.writer(digest) as sink:
                sink.write(data)
            cache.place(digest, dest_root / f"d{i % 20:02d}" / f"f{i:05d}.bin")
        getattr(cache, "flush", lambda: None)()

    _timed("cold download, client side: writer+place (root: copy)", lambda: cold(base / "o1", "auto"), n)
    shutil.rmtree(base / "cachehome" / "artifacts" / "obj")
    os.unlink(base / "cachehome" / "artifacts" / ".size")
    _timed("cold download, client side: writer+place (link)", lambda: cold(base / "o2", "link"), n)

    def place_again(dest_root: Path) -> None:
        os.environ["TRACKWELL_CACHE_PLACE"] = "auto"
        cache = FileCache.default()
        for i, (digest, _) in enumerate(blobs):
            cache.place(digest, dest_root / f"d{i % 20:02d}" / f"f{i:05d}.bin")

    _timed("FileCache.place into a new folder (root: copy)", lambda: place_again(base / "o3"), n)

    big = base / "big.bin"
    with open(big, "wb") as fh:
        for _ in range(300):
            fh.write(os.urandom(1 << 20))
    os.sync()
    st = big.stat()
    entry = ArtifactManifestEntry(path="big.bin", digest="0" * 64, size=st.st_size, local_path=str(big))
    entry._policy = "mutable"
    entry._signature = (st.st_size, st.st_ino, st.st_mtime_ns)

    def stage() -> None:
        staging.release(staging.stage([entry], None))

    _timed("staging: one 300 MiB file", stage, 1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
