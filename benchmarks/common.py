"""Shared by the benchmarks: machine facts, percentiles, and the RESULTS.md writer.

Each benchmark module exposes ``main(quick: bool) -> list[Result]``; ``run_all`` runs them in turn and
rewrites ``benchmarks/RESULTS.md`` with one table per benchmark plus the machine and versions.
Targets are written next to the numbers; they are never asserted in unit tests.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RAW = Path(__file__).resolve().parent / "results.json"  # what RESULTS.md is rendered from


@dataclass
class Result:
    benchmark: str
    metric: str
    value: float
    unit: str
    target: str = ""
    note: str = ""
    # The CPU and day of the run that measured it: a partial run keeps other sections as they were,
    # measured perhaps on another machine of the same size.
    measured_on: str = ""

    @property
    def meets(self) -> str:
        if not self.target:
            return ""
        op, _, bound = self.target.partition(" ")
        limit = float(bound)
        ok = self.value < limit if op == "<" else self.value >= limit
        return "yes" if ok else "NO"


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def machine_info() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pg = subprocess.run(
            ["postgres", "--version"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pg = "-"
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": f"{cpu} ({os.cpu_count()} cores)",
        "memory": f"{mem_gb:.0f} GiB",
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "trackwell": _version("trackwell"),
        "numpy": _version("numpy"),
        "sqlalchemy": _version("sqlalchemy"),
        "sqlite": __import__("sqlite3").sqlite_version,
        "postgresql": pg,
        "fastapi": _version("fastapi"),
    }


def merge_results(results: list[Result]) -> list[Result]:
    """The stored results with every benchmark in ``results`` replaced by its new numbers, so a
    partial run (``run_all sdk``) refreshes its own sections and keeps the others."""
    fresh = {r.benchmark for r in results}
    stamp = f"{machine_info()['cpu']}, {time.strftime('%Y-%m-%d')}"
    for r in results:
        r.measured_on = r.measured_on or stamp
    kept: list[Result] = []
    if RAW.exists():
        kept = [
            Result(**row) for row in json.loads(RAW.read_text())["results"] if row["benchmark"] not in fresh
        ]
    merged = kept + results
    RAW.write_text(json.dumps({"results": [asdict(r) for r in merged]}, indent=1) + "\n")
    return merged


def write_results(results: list[Result], command: str) -> None:
    info = machine_info()
    lines = [
        "# Benchmark results",
        "",
        f"Reproduce with `{command}` (quick mode: `make bench QUICK=1`). Written by `benchmarks/run_all.py`;",
        "a section names the CPU and day it was measured on (recorded since 2026-12-04; the table below",
        "is the latest run's machine): compare numbers only within one machine.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
    ]
    by_bench: dict[str, list[Result]] = {}
    for r in results:
        by_bench.setdefault(r.benchmark, []).append(r)
    for bench, rows in by_bench.items():
        lines += [f"## {bench}", ""]
        if rows[0].measured_on:
            lines += [f"Measured on {rows[0].measured_on}.", ""]
        lines += ["| metric | value | target | meets | note |", "|---|---:|---|---|---|"]
        for r in rows:
            value = f"{r.value:,.3f}".rstrip("0").rstrip(".") if r.value == r.value else "n/a"
            if 0 < abs(r.value) < 0.01:  # small figures (an HPO regret of 7e-05) keep 3 significant digits
                value = f"{r.value:.3g}"
            target = f"{r.target} {r.unit}" if r.target else ""
            lines.append(f"| {r.metric} | {value} {r.unit} | {target} | {r.meets} | {r.note} |")
        lines.append("")
    RESULTS.write_text("\n".join(lines))
