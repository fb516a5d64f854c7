"""History reads for the public ``Run``: sampled ``history()`` and streaming ``scan_history()``.

Why separate from ``run.py``: turning the server's columnar series and paged rows into wandb's row
dicts (and optionally a pandas DataFrame) is its own small algorithm, with wandb's quirks: with
``keys`` given, only rows holding every requested key are returned.

Imports: standard library, the SDK's HTTP client; pandas only when asked for, and lazily.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from typing import Any

from trackwell.sdk.api_client import ApiClient

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
Row = dict[str, Any]


def _value(value: Any) -> Any:
    # The series endpoint sends non-finite floats as strings (browsers cannot read NaN tokens).
    return _NON_FINITE.get(value, value) if isinstance(value, str) else value


def _has_all(row: Row, keys: list[str]) -> bool:
    return all(row.get(k) is not None for k in keys)


def _get(row: Row, dotted: str) -> Any:
    """Read ``a.b`` from re-nested rows, or a flat ``a.b`` key."""
    if dotted in row:
        return row[dotted]
    node: Any = row
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def scan_rows(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    page_size: int,
    min_step: int | None,
    max_step: int | None,
    stream: str = "history",
) -> Iterator[Row]:
    """Every history row at full resolution, one page (``page_size`` rows) per request."""
    cursor = min_step
    wanted = list(keys) if keys else None
    while True:
        page = client.history_rows(
            *path, wanted, min_step=cursor, max_step=max_step, limit=page_size, stream=stream
        )
        for row in page.rows:
            if wanted is None:
                yield row
            else:
                picked = {k: _get(row, k) for k in wanted}
                if _has_all(picked, wanted):
                    yield {"_step": row.get("_step"), **picked}
        # A page covers a range of steps and may hold none of the wanted keys while later pages
        # do (an image every 1,000 steps): only the server's cursor says when the history ends.
        if page.next_min_step is None or (cursor is not None and page.next_min_step <= cursor):
            return
        cursor = page.next_min_step


def sampled_rows(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    samples: int,
    x_axis: str,
    stream: str,
) -> list[Row]:
    """About ``samples`` rows spread over the run (extremes kept by the server when ``keys`` given)."""
    if not keys:
        rows = list(
            scan_rows(client, path, None, page_size=1000, min_step=None, max_step=None, stream=stream)
        )
        return _thin(rows, samples)
    wanted = list(dict.fromkeys([*keys, *([x_axis] if x_axis != "_step" else [])]))
    answer = client.history_series(*path, wanted, samples=samples, stream=stream)
    by_step: dict[int, Row] = {}
    for series in answer.series:
        for step, value, ts in zip(series.steps, series.values, series.timestamps, strict=False):
            row = by_step.setdefault(step, {"_step": step, "_timestamp": ts})
            row[series.key] = _value(value)
    rows = [by_step[s] for s in sorted(by_step)]
    return [r for r in rows if _has_all(r, wanted)]


def _thin(rows: list[Row], samples: int) -> list[Row]:
    """Evenly spaced rows, first and last included."""
    if samples <= 0 or len(rows) <= samples:
        return rows
    if samples == 1:
        return [rows[-1]]
    last = len(rows) - 1
    picks = sorted({round(i * last / (samples - 1)) for i in range(samples)})
    return [rows[i] for i in picks]


def to_frame(rows: list[Row], pandas: bool) -> Any:
    """A pandas DataFrame when pandas is installed and wanted, else the list of dicts."""
    if not pandas:
        return rows
    try:
        pd = importlib.import_module("pandas")  # lazy: pandas costs ~0.5 s to import
    except ImportError:
        return rows
    return pd.DataFrame.from_records(rows)
