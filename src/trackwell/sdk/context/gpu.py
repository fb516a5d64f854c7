"""NVIDIA GPU facts and samples through NVML, shared by the metadata collector and the system monitor.

``pynvml`` (the ``nvidia-ml-py`` distribution, extra ``[gpu]``) is imported lazily and only here: a
machine without it, without a driver or without a GPU gets ``None`` from :meth:`Nvml.open` and the
callers skip GPU fields silently. Any single query a device does not support (power on some boards,
temperature in some containers) drops that one key rather than the whole sample.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

_MB = 1024 * 1024


def _text(value: object) -> str:
    # Old pynvml releases return bytes for names and versions, new ones str.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Nvml:
    """An initialised NVML session. Create with :meth:`open`, release with :meth:`close`."""

    def __init__(self, module: ModuleType) -> None:
        self._nv = module
        self._handles: list[Any] = [
            module.nvmlDeviceGetHandleByIndex(i) for i in range(int(module.nvmlDeviceGetCount()))
        ]

    @classmethod
    def open(cls) -> Nvml | None:
        """Initialise NVML; ``None`` when the library, the driver or the devices are missing."""
        try:
            module = importlib.import_module("pynvml")
        except ImportError:
            return None
        try:
            module.nvmlInit()
        except Exception:  # NVMLError_LibraryNotFound, DriverNotLoaded, ...: no GPU here
            return None
        try:
            return cls(module)
        except Exception:
            log.debug("NVML initialised but listing devices failed", exc_info=True)
            module.nvmlShutdown()
            return None

    def close(self) -> None:
        try:
            self._nv.nvmlShutdown()
        except Exception:
            log.debug("nvmlShutdown failed", exc_info=True)

    @property
    def device_count(self) -> int:
        return len(self._handles)

    def _query(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception:  # this device or driver does not support the query
            return None

    def describe(self) -> dict[str, Any]:
        """Static facts for run metadata: driver, CUDA driver version, one entry per device."""
        nv = self._nv
        devices: list[dict[str, Any]] = []
        for handle in self._handles:
            name = self._query(nv.nvmlDeviceGetName, handle)
            memory = self._query(nv.nvmlDeviceGetMemoryInfo, handle)
            devices.append(
                {
                    "name": _text(name) if name is not None else None,
                    "memory_total_mb": round(memory.total / _MB) if memory is not None else None,
                }
            )
        cuda = self._query(nv.nvmlSystemGetCudaDriverVersion)
        driver = self._query(nv.nvmlSystemGetDriverVersion)
        return {
            "driver_version": _text(driver) if driver is not None else None,
            # NVML encodes CUDA 12.4 as 12040.
            "cuda_version": f"{int(cuda) // 1000}.{int(cuda) % 1000 // 10}" if cuda is not None else None,
            "devices": devices,
        }

    def sample(self, pids: Iterable[int]) -> dict[str, float]:
        """Utilisation, memory, temperature, power and ``pids``' memory for every device."""
        nv = self._nv
        wanted = set(pids)
        values: dict[str, float] = {}
        for i, handle in enumerate(self._handles):
            prefix = f"system/gpu{i}_"
            util = self._query(nv.nvmlDeviceGetUtilizationRates, handle)
            if util is not None:
                values[prefix + "gpu_percent"] = float(util.gpu)
            memory = self._query(nv.nvmlDeviceGetMemoryInfo, handle)
            if memory is not None and memory.total:
                values[prefix + "memory_percent"] = 100.0 * memory.used / memory.total
                values[prefix + "memory_used_mb"] = memory.used / _MB
                values[prefix + "memory_total_mb"] = memory.total / _MB
            temp = self._query(nv.nvmlDeviceGetTemperature, handle, nv.NVML_TEMPERATURE_GPU)
            if temp is not None:
                values[prefix + "temperature_c"] = float(temp)
            power = self._query(nv.nvmlDeviceGetPowerUsage, handle)
            if power is not None:
                values[prefix + "power_w"] = power / 1000.0  # NVML reports milliwatts
            procs = self._query(nv.nvmlDeviceGetComputeRunningProcesses, handle)
            if procs is not None:
                used = sum(p.usedGpuMemory or 0 for p in procs if p.pid in wanted)
                values[prefix + "proc_memory_used_mb"] = used / _MB
        return values
