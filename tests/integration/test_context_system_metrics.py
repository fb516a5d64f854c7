"""System metrics: the documented keys arrive soon after start, with plausible values."""

from __future__ import annotations

import os
import threading
import time

import pytest

from trackwell.sdk.context.system_metrics import SystemMonitor

DOCUMENTED_KEYS = {
    "system/cpu_percent",
    "system/proc_cpu_percent",
    "system/memory_percent",
    "system/memory_used_mb",
    "system/proc_memory_rss_mb",
    "system/disk_percent",
    "system/network_sent_mb",
    "system/network_recv_mb",
}


def test_samples_carry_the_documented_keys_soon_after_start() -> None:
    samples: list[tuple[float, dict[str, float]]] = []
    got_two = threading.Event()

    def on_sample(ts: float, values: dict[str, float]) -> None:
        samples.append((ts, values))
        if len(samples) >= 2:
            got_two.set()

    started = time.time()
    monitor = SystemMonitor(0.2, on_sample)
    monitor.start()
    try:
        assert got_two.wait(10.0)
    finally:
        monitor.stop()
    first_ts, first = samples[0]
    assert first_ts - started < 3.0
    assert set(first) >= DOCUMENTED_KEYS
    assert all(isinstance(v, float) for v in first.values())
    assert 0.0 <= first["system/memory_percent"] <= 100.0
    assert first["system/proc_memory_rss_mb"] > 1.0
    # Disk counters exist on most Linux hosts but not in every container.
    assert ("system/disk_read_mb" in first) == ("system/disk_write_mb" in first)
    # Without an NVIDIA driver the GPU keys are skipped silently.
    gpu_keys = [k for k in first if k.startswith("system/gpu.")]
    assert all(k.split(".")[1].isdigit() for k in gpu_keys)
    count = len(samples)
    time.sleep(0.5)
    assert len(samples) == count  # stopped means stopped


def test_process_cpu_reflects_a_busy_process() -> None:
    samples: list[dict[str, float]] = []
    monitor = SystemMonitor(0.3, lambda ts, values: samples.append(values), pid=os.getpid())
    monitor.start()
    deadline = time.monotonic() + 1.5
    x = 0
    while time.monotonic() < deadline:  # keep one core busy
        x += 1
    monitor.stop()
    assert samples
    assert max(s["system/proc_cpu_percent"] for s in samples) > 5.0  # lenient: the CI machine is shared


def test_bad_arguments_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="interval"):
        SystemMonitor(0, lambda ts, values: None)
    with pytest.raises(ValueError, match="on_sample"):
        SystemMonitor(1.0)
