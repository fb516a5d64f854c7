"""Artifacts end to end (issue 10, "Speed"): logging, re-logging, cached and cold downloads, and the
SDK's memory while logging one big file, against a real local server, compared to the machine.

What it does, in a temporary folder (removed at the end) with a fresh server data directory:

1. Machine baselines: single-core SHA-256 (``hashlib`` over a 256 MiB buffer, best of 3) and
   ``cp -r`` of the benchmark's 1,000-file tree into a new folder (after ``sync``).
2. Logs a tree of 1,000 random 1 MiB files (1 GB) as an artifact from a fresh process with an empty
   ``TRACKWELL_CACHE_DIR``, so every byte is hashed: ``Artifact`` + ``add_dir`` + ``log_artifact`` +
   ``wait()``. Target: at least half the SHA-256 speed.
3. Logs the same tree again, unchanged, from a new run (the hash cache now warm): seconds, target
   < 1; once more through a counting proxy to count the blob bytes the server was sent, target 0.
4. ``use_artifact(...).download(root=...)`` of the 1 GB version into an empty cache (cold, target at
   least half of ``cp``), then again from a new process into a new root with that cache (target
   < 1 s); the same cached download for a 10,000-file artifact of 1 KiB files.
5. Peak RSS (``VmHWM``) of a process logging one 5 GB random file: target < 200 MB.

Every SDK step runs in a fresh interpreter (``benchmarks/artifacts_child.py``) with its own ``HOME``
and cache folder, as a user's script would. Random content is made with NumPy's PCG64 (incompressible
and unique, 4x faster than ``os.urandom`` here); it is hashed and sent like any other bytes.

Run: ``.venv/bin/python -m benchmarks.artifacts_bench [--quick]`` (quick: 100 MB of 100 files,
2,000 small files, a 500 MB file). Needs ~20 GB free in full mode; with less, the big file shrinks
and the results say so. ``ARTIFACTS_BENCH_PROFILE=/some/dir`` writes where each step's threads spent
their time (sampled stacks, ``artifacts_child.py``) into that folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from tests.fixtures.live_server import LiveServer

from benchmarks.common import Result
from benchmarks.counting_proxy import CountingProxy

NAME = "artifacts"
PROJECT = "artifacts-bench"
MIB = 1 << 20
MB = 1e6
GIB = 1 << 30


def _sha256_mb_s() -> float:
    buf = np.random.PCG64(7).random_raw(256 * MIB // 8).tobytes()
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        hashlib.sha256(buf).digest()
        best = min(best, time.perf_counter() - t0)
    return len(buf) / MB / best


def _random_file(path: Path, size: int, seed: int, chunk: int = 64 * MIB) -> None:
    gen = np.random.PCG64(seed)
    with open(path, "wb") as out:
        left = size
        while left > 0:
            n = min(chunk, left)
            out.write(gen.random_raw((n + 7) // 8).tobytes()[:n])
            left -= n


def _random_tree(root: Path, files: int, size: int, seed: int) -> int:
    """``files`` files of ``size`` random bytes, 100 to a folder; returns the total bytes."""
    gen = np.random.PCG64(seed)
    per_file = (size + 7) // 8
    for i in range(files):
        folder = root / f"part-{i // 100:03d}"
        if i % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"sample-{i:05d}.bin").write_bytes(gen.random_raw(per_file).tobytes()[:size])
    return files * size


def _dir_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _blob_bytes(server_dir: Path) -> int:
    """Bytes of published blobs (the store's ``tmp`` folder holds uploads in flight)."""
    blobs = server_dir / "blobs"
    return sum(
        p.stat().st_size for p in blobs.rglob("*") if p.is_file() and p.relative_to(blobs).parts[0] != "tmp"
    )


def _cp_mb_s(src: Path, dst: Path, size: int) -> float:
    os.sync()
    t0 = time.perf_counter()
    subprocess.run(["cp", "-r", str(src), str(dst)], check=True)
    seconds = time.perf_counter() - t0
    shutil.rmtree(dst)
    return size / MB / seconds


class _Bench:
    """The server, the temp folder and the child processes of one benchmark run."""

    def __init__(self, root: Path, server: LiveServer) -> None:
        self.root = root
        self.server = server
        self._step = 0

    def child(
        self, mode: str, cache: str, url: str | None = None, env: dict[str, str] | None = None, **spec: Any
    ) -> dict[str, Any]:
        self._step += 1
        work = self.root / "steps" / f"{self._step:02d}-{mode}"
        work.mkdir(parents=True)
        # One home for every step, as on a user's machine (the per-machine hash cache lives there or in
        # the cache folder), kept inside the temp folder so nothing the SDK stages or caches outlives it.
        home = self.root / "home"
        env = self.server.sdk_env(work / "config") | (env or {})
        env |= {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "TRACKWELL_CACHE_DIR": str(self.root / "caches" / cache),
        }
        if url is not None:
            env["TRACKWELL_BASE_URL"] = url
        spec |= {"mode": mode, "project": PROJECT, "workdir": str(work)}
        if profiles := os.environ.get("ARTIFACTS_BENCH_PROFILE"):
            Path(profiles).mkdir(parents=True, exist_ok=True)
            spec["profile"] = str(Path(profiles) / f"{self._step:02d}-{mode}-{spec.get('name')}.txt")
        os.sync()  # writeback of the previous step's files must not land in this one's time
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.artifacts_child", json.dumps(spec)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                return dict(json.loads(line[7:]))
        raise RuntimeError(
            f"artifact benchmark step {mode} {spec.get('name')} failed ({proc.returncode}):\n"
            f"{proc.stderr[-4000:]}\nserver log:\n{self.server.log_tail(20)}"
        )


def _check_download(got: dict[str, Any], files: int, size: int, what: str) -> None:
    if got["files"] != files or got["bytes"] != size:
        raise RuntimeError(
            f"{what}: placed {got['files']} files / {got['bytes']} bytes, expected {files} / {size}"
        )


def _cached_downloads(
    bench: _Bench, add: Callable[..., None], name: str, cache: str, files: int, size: int, what: str
) -> None:
    """A second download of a cached version, from a new process into a new root. As root the cache
    copies files into place (a hard link would let root write through into the cache), so the
    placement a non-root user gets, hard links, is measured too."""
    modes: list[tuple[str, dict[str, str]]] = [("", {})]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        modes.append(
            (
                ", hard links (TRACKWELL_CACHE_PLACE=link: a non-root user's default)",
                {"TRACKWELL_CACHE_PLACE": "link"},
            )
        )
    for label, env in modes:
        warm = bench.child(
            "download", cache, env=env, name=name, root=str(bench.root / f"warm-{name}{len(env)}")
        )
        _check_download(warm, files, size, f"cached download of {name}")
        add(
            f"cached download, {what}, new root{label}",
            warm["seconds"],
            "s",
            "< 1",
            f"download() alone; use_artifact {warm['use_artifact_s']:.2f} s",
        )
        shutil.rmtree(bench.root / f"warm-{name}{len(env)}")


def _plan(root: Path, quick: bool) -> tuple[int, int, int, str]:
    """(tree files of 1 MiB, small files, big file bytes, note) scaled to the free disk."""
    files, small, big = (100, 2_000, 500 * MB) if quick else (1_000, 10_000, 5_000 * MB)
    free = shutil.disk_usage(root).free
    # The big file, its blob, a staged copy and the tree's leftovers must fit at once.
    need = 3 * big + 2 * files * MIB + 2 * GIB
    if free >= max(need, 15 * GIB if not quick else 0):
        return files, small, int(big), ""
    big = max(100 * MB, (free - 2 * files * MIB - 2 * GIB) // 3 // (100 * MB) * (100 * MB))
    note = f"scaled down: {free / GIB:.1f} GiB free, big file {big / MB:,.0f} MB"
    if free < 8 * files * MIB + 2 * GIB:
        files = max(50, int((free - 2 * GIB) // (8 * MIB)) // 50 * 50)
        note += f", tree {files} files"
    return files, small, int(big), note


def _split(step: dict[str, Any]) -> str:
    """Where a log step's time went."""
    return (
        f"{step['seconds']:.2f} s: add {step['add_s']:.2f} s, log_artifact {step['log_artifact_s']:.2f} s, "
        f"wait {step['wait_s']:.2f} s"
    )


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def main(quick: bool = False) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="tw-artifacts-bench-") as tmp:
        root = Path(tmp)
        files, small, big, scaled = _plan(root, quick)
        server = LiveServer(root / "server").start()
        try:
            return _measure(_Bench(root, server), files, small, big, scaled)
        finally:
            server.stop()


def _measure(bench: _Bench, files: int, small: int, big: int, scaled: str) -> list[Result]:
    root, out = bench.root, []

    def add(metric: str, value: float, unit: str, target: str = "", note: str = "") -> None:
        note = "; ".join(n for n in (note, scaled) if n)
        out.append(Result(NAME, metric, value, unit, target, note))

    sha = _sha256_mb_s()
    tree = root / "tree"
    size = _random_tree(tree, files, MIB, seed=1)
    mb = size / MB
    cp = _cp_mb_s(tree, root / "cp-copy", size)
    add("SHA-256, one core (hashlib, 256 MiB buffer)", sha, "MB/s", note=f"machine baseline; {_load()}")
    add(f"cp -r of the {files:,}-file tree ({mb:,.0f} MB)", cp, "MB/s", note="machine baseline, after sync")

    # 2. First log: empty hash cache, so all bytes are hashed.
    first = bench.child("log", "log", name="tree", type="dataset", path=str(tree))
    add(
        f"log_artifact + wait(), {files:,} x 1 MiB files ({mb:,.0f} MB), empty hash cache",
        mb / first["seconds"],
        "MB/s",
        f">= {sha / 2:.0f}",
        f"{_split(first)}; target half the SHA-256 speed; {first['version']}; {_load()}",
    )

    # 3. Unchanged re-log from a new run (warm hash cache), timed directly, then counted through the proxy.
    server_dir = bench.server.data_dir
    blobs_before = _blob_bytes(server_dir)
    again = bench.child("log", "log", name="tree", type="dataset", path=str(tree))
    proxy = CountingProxy("127.0.0.1", bench.server.port).start()
    try:
        counted = bench.child("log", "log", url=proxy.url, name="tree", type="dataset", path=str(tree))
    finally:
        proxy.stop()
    grown = _blob_bytes(server_dir) - blobs_before
    add(
        "re-log unchanged (new run): Artifact + add_dir + log_artifact + wait()",
        again["seconds"],
        "s",
        "< 1",
        f"{_split(again)}; version {again['version']} (first {first['version']})",
    )
    add(
        "re-log unchanged: blob bytes sent to the server",
        proxy.blob_bytes,
        "bytes",
        "< 1",
        "counted by a proxy on PUT /api/v1/blobs/... and POST /api/v1/blobs/write; "
        f"all request bodies {proxy.body_bytes:,} bytes in "
        f"{sum(proxy.requests.values())} requests; blob store grew {grown:,} bytes; "
        f"that run's time {counted['seconds']:.2f} s through the proxy",
    )

    # 4./5. Cold download into an empty cache, then a cached one from a new process into a new root.
    cold = bench.child("download", "dl", name="tree", root=str(root / "dl-cold"))
    _check_download(cold, files, size, "cold download")
    add(
        f"cold download of the {mb:,.0f} MB version (empty cache)",
        mb / cold["seconds"],
        "MB/s",
        f">= {cp / 2:.0f}",
        f"{cold['seconds']:.2f} s, use_artifact {cold['use_artifact_s']:.2f} s; target half of cp -r; "
        f"{_load()}",
    )
    _cached_downloads(bench, add, "tree", "dl", files, size, f"{files:,} files")
    for folder in ("dl-cold", "cp-copy", "caches", "tree"):
        shutil.rmtree(root / folder, ignore_errors=True)

    smalls = root / "small"
    small_size = _random_tree(smalls, small, 1024, seed=2)
    logged = bench.child("log", "small-log", name="small-files", type="dataset", path=str(smalls))
    add(
        f"log_artifact + wait(), {small:,} x 1 KiB files",
        logged["seconds"],
        "s",
        note=f"empty hash cache; {_load()}",
    )
    cold = bench.child("download", "small-dl", name="small-files", root=str(root / "small-cold"))
    _check_download(cold, small, small_size, "cold small-file download")
    add(
        f"cold download, {small:,} x 1 KiB files",
        cold["seconds"],
        "s",
        note=f"use_artifact {cold['use_artifact_s']:.2f} s",
    )
    _cached_downloads(bench, add, "small-files", "small-dl", small, small_size, f"{small:,} x 1 KiB files")
    for folder in ("small", "small-cold", "caches"):
        shutil.rmtree(root / folder, ignore_errors=True)

    # 6. Peak RSS while logging one big file.
    big_file = root / "big" / "weights.bin"
    big_file.parent.mkdir()
    _random_file(big_file, big, seed=3)
    rss = bench.child("log", "big", name="big-file", type="model", path=str(big_file))
    gb = big / 1e9
    add(
        f"peak RSS logging one {gb:,.1f} GB file",
        rss["rss_peak_mib"],
        "MiB",
        "< 200",
        f"VmHWM of the process; {rss['rss_peak_mib'] - rss['rss_baseline_mib']:.0f} MiB over the "
        f"{rss['rss_baseline_mib']:.0f} MiB after import and init()",
    )
    add(
        f"log_artifact + wait(), one {gb:,.1f} GB file",
        big / MB / rss["seconds"],
        "MB/s",
        note=f"{_split(rss)}; {_load()}",
    )
    return out


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        target = f"(target {r.target})" if r.target else ""
        print(f"{r.metric}: {r.value:,.4g} {r.unit} {target} {r.note}")
