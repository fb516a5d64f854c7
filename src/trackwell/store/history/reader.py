"""Reading history: key stats, chart series (downsampled server-side) and full-resolution rows.

Reads select chunks by their step and row-number ranges first, so a live chart asking for the last
few steps decodes one chunk per key, not the run's whole history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, func, select

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.history import HistoryKey, HistoryKeys, HistoryRows, KeyUsage
from trackwell.schema.nesting import Path, nest, path_of_json
from trackwell.store.base import Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import IntArray, OtherPayload
from trackwell.store.history.pages import read_page
from trackwell.store.history.values import loads, wire_float, wire_value
from trackwell.store.history.writer import check_stream
from trackwell.store.sql.history_tables import (
    history_chunks,
    history_key_stats,
    history_other_chunks,
    history_streams,
)


def read_keys(conn: Connection, run_pk: int, stream: Stream) -> HistoryKeys:
    check_stream(stream)
    s, k = history_streams, history_key_stats
    state = conn.execute(select(s).where(s.c.run_pk == run_pk, s.c.stream == stream)).first()
    keys = [
        HistoryKey(
            key=row.key,
            kind="number" if row.num_count else "other",
            count=row.num_count + row.other_count,
            first_step=row.first_step,
            last_step=row.last_step,
            min=None if row.vmin is None else wire_float(row.vmin),
            max=None if row.vmax is None else wire_float(row.vmax),
            last=None if row.last_value is None else wire_value(loads(row.last_value)),
        )
        for row in conn.execute(select(k).where(k.c.run_pk == run_pk, k.c.stream == stream).order_by(k.c.key))
    ]
    if state is None:
        return HistoryKeys(keys=keys)
    return HistoryKeys(keys=keys, last_step=state.last_step, history_count=state.row_count)


_KEYS_IN_BATCH = 500  # run pks per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


def read_paths(conn: Connection, run_pk: int, stream: Stream, keys: Sequence[str] | None) -> dict[str, Path]:
    """The logged path of each of the run's keys (of ``keys``, when given) that came from nesting."""
    k = history_key_stats
    base = select(k.c.key, k.c.path).where(k.c.run_pk == run_pk, k.c.stream == stream, k.c.path.is_not(None))
    if keys is None:
        stmts = [base]
    else:
        wanted = list(dict.fromkeys(keys))
        stmts = [
            base.where(k.c.key.in_(wanted[i : i + _KEYS_IN_BATCH]))
            for i in range(0, len(wanted), _KEYS_IN_BATCH)
        ]
    out: dict[str, Path] = {}
    for stmt in stmts:
        for key, text in conn.execute(stmt):
            path = path_of_json(text)
            if path is not None:
                out[key] = path
    return out


def read_keys_of_runs(conn: Connection, run_pks: Sequence[int], stream: Stream) -> list[KeyUsage]:
    """Keys over many runs from the per-key counters (no chunk decoded), merged per key."""
    check_stream(stream)
    k = history_key_stats
    merged: dict[str, list[Any]] = {}  # key -> [has numbers, runs, last step]
    pks = list(dict.fromkeys(run_pks))
    for start in range(0, len(pks), _KEYS_IN_BATCH):
        stmt = (
            select(k.c.key, func.max(k.c.num_count), func.count(), func.max(k.c.last_step))
            .where(k.c.stream == stream, k.c.run_pk.in_(pks[start : start + _KEYS_IN_BATCH]))
            .group_by(k.c.key)
        )
        for key, num, runs, last in conn.execute(stmt):
            entry = merged.setdefault(key, [False, 0, None])
            entry[0] = entry[0] or bool(num)
            entry[1] += int(runs)
            if last is not None and (entry[2] is None or last > entry[2]):
                entry[2] = int(last)
    return [
        KeyUsage(key=key, kind="number" if num else "other", runs=runs, last_step=last)
        for key, (num, runs, last) in sorted(merged.items())
    ]


def step_range(
    col_min: ColumnElement[Any], col_max: ColumnElement[Any], lo: int | None, hi: int | None
) -> list[ColumnElement[bool]]:
    """Conditions for chunks whose steps overlap [lo, hi] (None: open on that side)."""
    cond: list[ColumnElement[bool]] = []
    if lo is not None:
        cond.append(col_max >= lo)
    if hi is not None:
        cond.append(col_min <= hi)
    return cond


def read_rows(
    conn: Connection,
    run_pk: int,
    keys: Sequence[str] | None,
    min_step: int | None,
    max_step: int | None,
    limit: int,
    stream: Stream,
) -> HistoryRows:
    check_stream(stream)
    if limit < 1:
        raise InvalidArgument(f"limit must be >= 1, got {limit}", field="limit", hint="pass e.g. limit=1000")
    rows, steps, ts, rt, next_min_step = read_page(conn, run_pk, min_step, max_step, limit, stream)
    if len(rows) == 0:
        return HistoryRows(rows=[], next_min_step=next_min_step)
    wanted = set(keys) if keys is not None else None
    values = _page_values(conn, run_pk, stream, rows, steps, wanted)
    # Whole rows come back in their logged shape; rows picked by key are flat by the names asked
    # for, as the Api's scan_history(keys=...) gives them (and the UI looks values up by name).
    paths = read_paths(conn, run_pk, stream, None) if keys is None else {}
    out: list[dict[str, Any]] = []
    for i, (step, t, r) in enumerate(zip(steps.tolist(), ts.tolist(), rt.tolist(), strict=True)):
        vals = values[i]
        if wanted is not None and not vals:
            continue  # a row without any of the requested keys
        out.append({"_step": step, "_timestamp": t, "_runtime": r, **nest(vals, paths)})
    return HistoryRows.model_construct(rows=out, next_min_step=next_min_step)


def _page_values(
    conn: Connection, run_pk: int, stream: Stream, rows: IntArray, steps: IntArray, wanted: set[str] | None
) -> list[dict[str, Any]]:
    """Values of the page's rows, ``out[i]`` for ``rows[i]``: ints stay ints, floats floats."""
    by_row = np.sort(rows)
    position = np.argsort(rows)  # position[j]: index in `rows` of by_row[j]
    out: list[dict[str, Any]] = [{} for _ in range(len(rows))]
    r_lo, r_hi, s_lo, s_hi = int(by_row[0]), int(by_row[-1]), int(steps.min()), int(steps.max())
    t = history_chunks
    cond = [
        t.c.run_pk == run_pk,
        t.c.stream == stream,
        t.c.row_max >= r_lo,
        t.c.row_min <= r_hi,
        t.c.step_max >= s_lo,
        t.c.step_min <= s_hi,
    ]
    if wanted is not None:
        cond.append(t.c.key.in_(sorted(wanted)))
    for chunk in conn.execute(select(t.c.key, t.c.data).where(*cond).order_by(t.c.row_min)):
        key = chunk.key
        c_rows, _, c_values = chunks.decode_key_chunk(chunk.data)
        hit = np.flatnonzero(np.isin(c_rows, by_row, assume_unique=True))
        if len(hit) == 0:
            continue
        targets = position[np.searchsorted(by_row, c_rows[hit])]
        for target, value in zip(targets.tolist(), c_values[hit].tolist(), strict=True):
            out[target][key] = value
    o = history_other_chunks
    stmt = select(o.c.data).where(
        o.c.run_pk == run_pk, o.c.stream == stream, o.c.row_max >= r_lo, o.c.row_min <= r_hi
    )
    index = {row: i for i, row in enumerate(rows.tolist())}
    for blob in conn.execute(stmt).scalars():
        payload = OtherPayload.decode(blob)
        for row, vals in zip(payload.rows, payload.values, strict=True):
            i = index.get(row)
            if i is None:
                continue
            for key, value in vals.items():
                if wanted is None or key in wanted:
                    out[i][key] = value
    return out
