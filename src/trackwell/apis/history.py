"""History reads for the public ``Run``: ``history()`` (sampled, or every row with
``samples=None``) and streaming ``scan_history()``.

Why separate from ``run.py``: turning the server's answers into wandb's row dicts (and optionally a
pandas DataFrame) is its own small algorithm, with wandb's quirks: with ``keys`` given, only rows
holding every requested key are returned, with ``_step`` and those keys.

Full-resolution reads go through the columnar Arrow pages (``trackwell.apis.frames``); a sampled
read with keys asks the series endpoint (server-side downsampling that keeps extremes), whose JSON
values are decoded by ``trackwell.apis.values``.

Imports: standard library, the SDK's HTTP client; pyarrow on the first full-resolution read and
pandas only when asked for, both lazily.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from trackwell.apis import frames
from trackwell.apis.values import decode_scalar
from trackwell.sdk.api_client import ApiClient

Row = dict[str, Any]
MIN_PAGE_ROWS = 100_000  # rows per request at least, whatever page_size says: requests cost more than rows


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
    """Every history row at full resolution (``max_step`` inclusive), streamed page by page."""
    return frames.scan(
        client,
        path,
        keys,
        min_step=min_step,
        max_step=max_step,
        stream=stream,
        page_rows=max(page_size, MIN_PAGE_ROWS),
    )


def _wanted(keys: list[str] | None, x_axis: str) -> list[str] | None:
    if not keys:
        return None
    return list(dict.fromkeys([*keys, *([x_axis] if x_axis != "_step" else [])]))


def read_history(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    samples: int | None,
    x_axis: str,
    pandas: bool,
    stream: str,
) -> Any:
    """``Run.history()``: about ``samples`` rows, or every row when ``samples`` is None; a DataFrame
    when ``pandas`` is wanted and installed, else the list of dicts."""
    wanted = _wanted(keys, x_axis)
    if samples is None:
        if pandas and _pandas() is not None:
            return frames.frame(client, path, wanted, stream=stream)
        return list(frames.scan(client, path, wanted, min_step=None, max_step=None, stream=stream))
    return to_frame(sampled_rows(client, path, keys, samples=samples, x_axis=x_axis, stream=stream), pandas)


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
    wanted = _wanted(keys, x_axis)
    if not wanted:
        return _thin_pages(client, path, samples, stream)
    answer = client.history_series(*path, wanted, samples=samples, stream=stream)
    by_step: dict[int, Row] = {}
    for series in answer.series:
        for step, value, ts in zip(series.steps, series.values, series.timestamps, strict=False):
            row = by_step.setdefault(step, {"_step": step, "_timestamp": ts})
            row[series.key] = decode_scalar(value)
    rows = [by_step[s] for s in sorted(by_step)]
    return [r for r in rows if all(r.get(k) is not None for k in wanted)]


def _picks(total: int, samples: int) -> list[int]:
    """Evenly spaced row positions, first and last included."""
    if samples <= 0 or total <= samples:
        return list(range(total))
    if samples == 1:
        return [total - 1]
    last = total - 1
    return sorted({round(i * last / (samples - 1)) for i in range(samples)})


def _thin_pages(client: ApiClient, path: tuple[str, str, str], samples: int, stream: str) -> list[Row]:
    """Every key, about ``samples`` evenly spaced rows: pages are read one at a time (the run's row
    count says which rows to pick) and only the picked rows become dicts."""
    picks = _picks(client.history_keys(*path, stream=stream).history_count, samples)
    out: list[Row] = []
    start = at = 0
    for table in frames.pages(client, path, None, min_step=None, max_step=None, stream=stream):
        end = start + table.num_rows
        local: list[int] = []
        while at < len(picks) and picks[at] < end:
            local.append(picks[at] - start)
            at += 1
        if local:
            out.extend(frames.rows_of(table.take(local)))
        start = end
        if at == len(picks):
            break
    return out


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")  # lazy: pandas costs ~0.5 s to import
    except ImportError:
        return None


def to_frame(rows: list[Row], pandas: bool) -> Any:
    """A pandas DataFrame when pandas is installed and wanted, else the list of dicts."""
    pd = _pandas() if pandas else None
    return rows if pd is None else pd.DataFrame.from_records(rows)
