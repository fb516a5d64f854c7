"""One artifact benchmark step in a fresh interpreter, written as wandb user code would be.

``python -m benchmarks.artifacts_child '{"mode": "log" | "download", ...}'`` prints one
``RESULT {json}`` line for ``artifacts_bench``. A fresh process per step keeps what one step loaded
(hash cache entries, open connections, the heap) from helping the next, and makes its peak RSS
this step's alone. The caller points ``TRACKWELL_CACHE_DIR`` (and ``HOME``) at the folders it
wants cold or warm.

* ``log``: ``Artifact(name, type)``, ``add_dir`` or ``add_file``, ``run.log_artifact``, ``wait()``;
  timed from the Artifact's creation to ``wait()`` returning (hashing through the hash cache, the
  missing-digest query, uploads, the version's creation).
* ``download``: ``run.use_artifact("name:latest")`` then ``download(root=...)``, each timed; the
  placed files are counted (and their bytes summed) so a short download cannot pass as a fast one.

With ``"profile": FILE`` in the spec, a sampler thread records every thread's stack each 5 ms (the
saver's threads included, which ``cProfile`` would miss) and writes the most frequent frames to FILE.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any


def _rss_mib() -> float:
    """This process's peak RSS in MiB: ``VmHWM``, the high-water mark of its own memory map.

    ``ru_maxrss`` would not do: Linux carries the parent's peak over ``fork`` + ``exec`` into it (a
    child of a 500 MiB benchmark process starts at 500 MiB), so it is only a fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _tree(root: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.stat(os.path.join(dirpath, name)).st_size
    return files, size


def _log(wandb: Any, run: Any, spec: dict[str, Any]) -> dict[str, Any]:
    path = Path(spec["path"])
    baseline = _rss_mib()
    t0 = time.perf_counter()
    art = wandb.Artifact(spec["name"], type=spec["type"])
    if path.is_dir():
        art.add_dir(str(path))
    else:
        art.add_file(str(path))
    t_added = time.perf_counter()
    run.log_artifact(art)
    t_logged = time.perf_counter()
    art.wait()
    t_done = time.perf_counter()
    return {
        "seconds": t_done - t0,
        "add_s": t_added - t0,
        "log_artifact_s": t_logged - t_added,
        "wait_s": t_done - t_logged,
        "version": str(art.version),
        "digest": str(art.digest),
        "rss_baseline_mib": baseline,
        "rss_peak_mib": _rss_mib(),
    }


def _download(run: Any, spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    art = run.use_artifact(f"{spec['name']}:latest")
    t_used = time.perf_counter()
    where = art.download(root=spec["root"])
    t_done = time.perf_counter()
    files, size = _tree(Path(where))
    return {
        "seconds": t_done - t_used,
        "use_artifact_s": t_used - t0,
        "files": files,
        "bytes": size,
        "version": str(art.version),
        "rss_peak_mib": _rss_mib(),
    }


class _Sampler:
    """A poor man's py-spy: where every thread spends its time (self and cumulative samples)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.leaf: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(0.005):
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                self.samples += 1
                seen = set()
                leaf = True
                f: Any = frame
                while f is not None:
                    where = f"{f.f_code.co_filename.rsplit('site-packages/', 1)[-1]}:{f.f_code.co_name}"
                    if leaf:
                        self.leaf[where] += 1
                        leaf = False
                    if where not in seen:
                        seen.add(where)
                        self.total[where] += 1
                    f = f.f_back

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        lines = [f"{self.samples} thread samples (5 ms apart; idle threads count too)", "", "self:"]
        lines += [f"{n:7d} {where}" for where, n in self.leaf.most_common(30)]
        lines += ["", "cumulative:"] + [f"{n:7d} {where}" for where, n in self.total.most_common(50)]
        self.out.write_text("\n".join(lines) + "\n")


def main() -> None:
    spec = json.loads(sys.argv[1])
    import trackwell as wandb

    settings = wandb.Settings(console="off", disable_stats=True, quiet=True, silent=True)
    run = wandb.init(project=spec["project"], dir=spec["workdir"], job_type=spec["mode"], settings=settings)
    sampler = _Sampler(Path(spec["profile"])) if spec.get("profile") else None
    result = _log(wandb, run, spec) if spec["mode"] == "log" else _download(run, spec)
    if sampler is not None:
        sampler.stop()
    t0 = time.perf_counter()
    run.finish()
    result["finish_s"] = time.perf_counter() - t0
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
