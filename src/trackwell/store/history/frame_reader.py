"""Full-resolution history column-wise: the bulk read behind ``run.history(samples=None)``,
``scan_history()`` and ``trackwell export``.

Why apart from ``reader.read_rows``: that one builds a dict per row, which costs about a
microsecond per value in Python. Here each key chunk is decoded and scattered into the page's
column with numpy (row number -> position in the page), so a million rows x 5 metrics is a few
hundred milliseconds of mostly decompression. Only non-numeric values (the row store's JSON) are
touched one by one.

A page is the same rows ``read_rows`` would return for the same cursor (``pages.read_page``), capped
so that rows x keys stays under :data:`CELL_BUDGET`: memory stays bounded however wide a run is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import HistoryFrame, Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import IntArray, OtherPayload
from trackwell.store.history.pages import RowPage, read_page
from trackwell.store.history.reader import read_paths
from trackwell.store.history.writer import check_stream
from trackwell.store.sql.dialect import fetch_all
from trackwell.store.sql.history_tables import history_chunks, history_key_stats, history_other_chunks

CELL_BUDGET = 8_000_000  # values per page (64 MB of float64): rows are capped to fit
_IN_BATCH = 500  # keys per IN (...) list


def _key_count(conn: Connection, run_pk: int, stream: Stream, keys: Sequence[str] | None) -> int:
    if keys is not None:
        return len(keys)
    k = history_key_stats
    stmt = select(func.count()).where(k.c.run_pk == run_pk, k.c.stream == stream)
    return int(conn.execute(stmt).scalar_one())


def read_frame(
    conn: Connection,
    run_pk: int,
    keys: Sequence[str] | None,
    min_step: int | None,
    max_step: int | None,
    limit: int,
    stream: Stream,
) -> HistoryFrame:
    check_stream(stream)
    if limit < 1:
        raise InvalidArgument(
            f"limit must be >= 1, got {limit}", field="limit", hint="pass e.g. limit=100000"
        )
    wanted = list(dict.fromkeys(keys)) if keys is not None else None
    limit = min(limit, max(1, CELL_BUDGET // max(1, _key_count(conn, run_pk, stream, wanted) + 3)))
    page = read_page(conn, run_pk, min_step, max_step, limit, stream)
    n = len(page.rows)
    if n == 0:
        return HistoryFrame(page.steps, page.timestamps, page.runtimes, {}, {}, page.next_min_step)
    r_lo = int(page.rows.min())
    lookup = np.full(int(page.rows.max()) - r_lo + 1, -1, dtype=np.int64)
    lookup[page.rows - r_lo] = np.arange(n, dtype=np.int64)
    others: dict[str, dict[int, Any]] = defaultdict(dict)
    numbers = _numbers(conn, run_pk, stream, page, wanted, lookup, r_lo, others)
    _other_values(conn, run_pk, stream, wanted, lookup, r_lo, others)
    frame = HistoryFrame(
        page.steps, page.timestamps, page.runtimes, numbers, dict(others), page.next_min_step
    )
    paths = read_paths(conn, run_pk, stream, wanted)
    frame.paths = {key: path for key, path in paths.items() if key in numbers or key in others}
    return frame if wanted is None else _rows_with_any(frame)


def _numbers(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    page: RowPage,
    wanted: list[str] | None,
    lookup: IntArray,
    r_lo: int,
    others: dict[str, dict[int, Any]],
) -> dict[str, tuple[Any, Any]]:
    """Each key's numbers scattered into a page-long column. A key whose chunks hold ints and
    floats keeps the first type in the column and the rest, as Python numbers, in ``others``."""
    n = len(page.rows)
    r_hi = r_lo + len(lookup) - 1
    t = history_chunks
    base = [
        t.c.run_pk == run_pk,
        t.c.stream == stream,
        t.c.row_max >= r_lo,
        t.c.row_min <= r_hi,
        t.c.step_max >= int(page.steps.min()),
        t.c.step_min <= int(page.steps.max()),
    ]
    selects = (
        [base + [t.c.key.in_(wanted[i : i + _IN_BATCH])] for i in range(0, len(wanted), _IN_BATCH)]
        if wanted is not None
        else [base]
    )
    columns: dict[str, tuple[Any, Any]] = {}
    for cond in selects:
        for key, blob in fetch_all(
            conn, select(t.c.key, t.c.data).where(*cond).order_by(t.c.key, t.c.row_min)
        ):
            c_rows, _, c_values = chunks.decode_key_chunk(blob)
            inside = (c_rows >= r_lo) & (c_rows <= r_hi)
            if not inside.all():
                c_rows, c_values = c_rows[inside], c_values[inside]
            pos = lookup[c_rows - r_lo]
            hit = pos >= 0
            if not hit.all():
                pos, c_values = pos[hit], c_values[hit]
            if len(pos) == 0:
                continue
            column = columns.get(key)
            if column is None:
                column = columns[key] = (np.zeros(n, dtype=c_values.dtype), np.zeros(n, dtype=bool))
            values, present = column
            if values.dtype == c_values.dtype:
                values[pos] = c_values
                present[pos] = True
            else:
                others[key].update(zip(pos.tolist(), c_values.tolist(), strict=True))
    return {key: (values, None if present.all() else present) for key, (values, present) in columns.items()}


def _other_values(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    wanted: list[str] | None,
    lookup: IntArray,
    r_lo: int,
    others: dict[str, dict[int, Any]],
) -> None:
    """Non-numeric values of the page's rows, from the row store's JSON chunks."""
    r_hi = r_lo + len(lookup) - 1
    want = set(wanted) if wanted is not None else None
    o = history_other_chunks
    stmt = select(o.c.data).where(
        o.c.run_pk == run_pk, o.c.stream == stream, o.c.row_max >= r_lo, o.c.row_min <= r_hi
    )
    for (blob,) in fetch_all(conn, stmt):
        payload = OtherPayload.decode(blob)
        for row, vals in zip(payload.rows, payload.values, strict=True):
            if not r_lo <= row <= r_hi:
                continue
            at = int(lookup[row - r_lo])
            if at < 0:
                continue
            for key, value in vals.items():
                if want is None or key in want:
                    others[key][at] = value


def _rows_with_any(frame: HistoryFrame) -> HistoryFrame:
    """Drop the rows holding none of the asked-for keys (as ``read_rows`` does)."""
    n = len(frame.steps)
    has = np.zeros(n, dtype=bool)
    for _, present in frame.numbers.values():
        if present is None:
            return frame
        has |= present
    for values in frame.others.values():
        has[list(values)] = True
    if has.all():
        return frame
    keep = np.flatnonzero(has)
    new_index = np.cumsum(has) - 1
    numbers = {
        key: (values[keep], None if present is None else present[keep])
        for key, (values, present) in frame.numbers.items()
    }
    numbers = {k: (v, None if p is None or p.all() else p) for k, (v, p) in numbers.items()}
    others = {key: {int(new_index[i]): v for i, v in values.items()} for key, values in frame.others.items()}
    return HistoryFrame(
        frame.steps[keep],
        frame.timestamps[keep],
        frame.runtimes[keep],
        numbers,
        others,
        frame.next_min_step,
        frame.paths,
    )
