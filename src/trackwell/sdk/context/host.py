"""Facts about the machine and interpreter a run executes on (static: collected once per run).

Each probe is cheap (no subprocess) and individually guarded: an unreadable ``/proc/cpuinfo`` or a
missing user name drops one field, never the metadata.
"""

from __future__ import annotations

import getpass
import os
import platform
import socket
import sys
from pathlib import Path
from typing import Any

import psutil

from trackwell.sdk.context.gpu import Nvml


def _cpu_model() -> str | None:
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return None


def _disk(path: str) -> dict[str, int] | None:
    try:
        usage = psutil.disk_usage(path)
    except OSError:
        return None
    return {"total": usage.total, "used": usage.used}


def host_facts(*, capture_gpu: bool = True) -> dict[str, Any]:
    """Interpreter, OS, host, user, CPU, memory, disk and (when NVML works) GPU facts."""
    facts: dict[str, Any] = {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "executable": sys.executable,
        "os": platform.platform(),
        "host": socket.gethostname(),
        "username": _user(),
        "cpu_count": psutil.cpu_count(logical=False),
        "cpu_count_logical": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory": {"total": psutil.virtual_memory().total},
    }
    disk = _disk("/")
    if disk is not None:
        facts["disk"] = {"/": disk}
    nvml = Nvml.open() if capture_gpu else None
    if nvml is not None:
        try:
            gpus = nvml.describe()
        finally:
            nvml.close()
        if gpus["devices"]:
            facts["gpu"] = gpus["devices"][0]["name"]
            facts["gpu_count"] = len(gpus["devices"])
            facts["gpu_nvidia"] = gpus["devices"]
            facts["gpu_driver_version"] = gpus["driver_version"]
            facts["cuda_version"] = gpus["cuda_version"]
    return facts
