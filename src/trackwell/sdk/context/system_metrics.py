"""System metrics sampled on a daemon thread while a run is alive (the UI's "System" charts).

Every ``interval`` seconds one dict of floats goes to ``on_sample(timestamp, values)``; the SDK turns
it into a ``StatsRecord``. Keys (all documented in ``docs/run-context.md``): ``system/cpu_percent``,
``system/proc_cpu_percent``, ``system/memory_percent``, ``system/memory_used_mb``,
``system/proc_memory_rss_mb``, ``system/disk_percent``, ``system/disk_read_mb``/``write_mb`` and
``system/network_sent_mb``/``recv_mb`` (cumulative since start), and ``system/gpu{i}_*`` through NVML.

The training thread pays nothing: psutil's calls are non-blocking counters read on this thread (CPU
percentages are deltas since the previous read, primed at start), and a failing probe drops its keys
rather than the sample. Exceptions are logged once, never raised into the run.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from trackwell.sdk.context.gpu import Nvml

if TYPE_CHECKING:
    import psutil

# psutil is imported inside the functions that run on the monitor thread: importing it costs
# ~15 ms, which would otherwise land in init() on the training thread.

log = logging.getLogger(__name__)

_MB = 1024 * 1024
FIRST_SAMPLE_DELAY_S = 1.0  # long enough for the CPU percentages to mean something


def _disk_bytes() -> tuple[int, int] | None:
    """(read, written) bytes over all disks since boot; None where the kernel exposes none."""
    import psutil

    try:
        counters = psutil.disk_io_counters()
    except (OSError, RuntimeError):
        return None
    return None if counters is None else (counters.read_bytes, counters.write_bytes)


def _net_bytes() -> tuple[int, int] | None:
    """(sent, received) bytes over all interfaces since boot."""
    import psutil

    try:
        counters = psutil.net_io_counters()
    except (OSError, RuntimeError):
        return None
    return None if counters is None else (counters.bytes_sent, counters.bytes_recv)


class SystemMonitor:
    """Samples host, process and GPU metrics every ``interval`` seconds on a daemon thread.

    Example::

        monitor = SystemMonitor(10.0, lambda ts, values: queue.put(("stats", ts, values)))
        monitor.start()
        ...
        monitor.stop()
    """

    def __init__(
        self,
        interval: float = 10.0,
        on_sample: Callable[[float, dict[str, float]], None] | None = None,
        pid: int | None = None,
        *,
        disk_path: str = "/",
        capture_gpu: bool = True,
    ) -> None:
        if interval <= 0:
            raise ValueError(f"SystemMonitor interval must be > 0 seconds, got {interval!r}")
        if on_sample is None:
            raise ValueError("SystemMonitor needs on_sample, the callback that receives each sample")
        self._interval = interval
        self._on_sample = on_sample
        self._pid = os.getpid() if pid is None else pid
        self._disk_path = disk_path
        self._capture_gpu = capture_gpu
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed: set[str] = set()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("SystemMonitor.start() called twice")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="trackwell-system-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop sampling; waits up to ``timeout`` for a sample in progress (NVML can be slow)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None

    def _log_once(self, what: str) -> None:
        if what not in self._failed:
            self._failed.add(what)
            log.warning("system metrics: %s failed; it is skipped from now on", what, exc_info=True)

    def _run(self) -> None:
        import psutil

        try:
            process: psutil.Process | None = psutil.Process(self._pid)
        except psutil.Error:
            process = None
        nvml = Nvml.open() if self._capture_gpu else None
        try:
            self._sample_loop(process, nvml)
        finally:
            if nvml is not None:
                nvml.close()

    def _sample_loop(self, process: psutil.Process | None, nvml: Nvml | None) -> None:
        import psutil

        # Baselines: cpu_percent() measures since the previous call; I/O counters are reported
        # relative to the start of the run, as a user wants "how much did this run read".
        psutil.cpu_percent(None)
        if process is not None:
            process.cpu_percent(None)
        disk0 = _disk_bytes()
        net0 = _net_bytes()
        delay = min(self._interval, FIRST_SAMPLE_DELAY_S)
        while not self._stop.wait(delay):
            delay = self._interval
            values = self._sample(process, nvml, disk0, net0)
            try:
                self._on_sample(time.time(), values)
            except Exception:
                self._log_once("the on_sample callback")

    def _sample(
        self,
        process: psutil.Process | None,
        nvml: Nvml | None,
        disk0: tuple[int, int] | None,
        net0: tuple[int, int] | None,
    ) -> dict[str, float]:
        import psutil

        values: dict[str, float] = {"system/cpu_percent": psutil.cpu_percent(None)}
        memory = psutil.virtual_memory()
        values["system/memory_percent"] = memory.percent
        values["system/memory_used_mb"] = memory.used / _MB
        if process is not None:
            try:
                with process.oneshot():
                    values["system/proc_cpu_percent"] = process.cpu_percent(None)
                    values["system/proc_memory_rss_mb"] = process.memory_info().rss / _MB
            except psutil.Error:
                self._log_once("reading the process")
        try:
            values["system/disk_percent"] = psutil.disk_usage(self._disk_path).percent
        except OSError:
            self._log_once(f"disk usage of {self._disk_path}")
        disk = _disk_bytes()
        if disk is not None and disk0 is not None:  # no counters in some containers
            values["system/disk_read_mb"] = (disk[0] - disk0[0]) / _MB
            values["system/disk_write_mb"] = (disk[1] - disk0[1]) / _MB
        net = _net_bytes()
        if net is not None and net0 is not None:
            values["system/network_sent_mb"] = (net[0] - net0[0]) / _MB
            values["system/network_recv_mb"] = (net[1] - net0[1]) / _MB
        if nvml is not None:
            values.update(nvml.sample(self._process_tree(process)))
        return values

    def _process_tree(self, process: psutil.Process | None) -> set[int]:
        import psutil

        # GPU memory of DataLoader workers or spawned trainers counts as this run's.
        pids = {self._pid}
        if process is not None:
            try:
                pids.update(child.pid for child in process.children(recursive=True))
            except psutil.Error:
                pass
        return pids
