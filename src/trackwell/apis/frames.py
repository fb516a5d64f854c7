"""Full-resolution history through the server's Arrow pages (``GET .../history/arrow``, described
in ``trackwell.service.history_arrow``): fetched page by page, decoded in bulk, and turned into
wandb's row dicts lazily or into one pandas DataFrame without any dicts.

Why: a row dict per history row is the slow part of reading history back; here numbers stay numpy
arrays until the last moment, and ``scan_history()`` builds dicts one slice of a page at a time, so
memory stays one page (bounded by the server) plus one slice.

The rows are the ones the JSON rows endpoint gives (``GET .../history/rows``): the same keys per
row (a key a row does not hold is absent, not None), ints as ints, NaN and ±inf as floats,
non-numeric values decoded from their JSON text, and keys logged nested put back at their paths
(a column's ``trackwell.path`` metadata; ``schema.nesting``) while keys logged with dots in them
stay flat.

Imports: numpy and pyarrow, both on first use of a full-resolution read; pandas only when a
DataFrame is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any

from trackwell.apis.values import decode
from trackwell.schema.nesting import Path, nest, path_of_json
from trackwell.sdk.api_client import ApiClient

if TYPE_CHECKING:
    import pyarrow as pa

Row = dict[str, Any]
SLICE_ROWS = 8192  # rows turned into dicts at a time
FRAME_PAGE_ROWS = 250_000  # a DataFrame read in a few pages: the server reads one while the last arrives
_ENCODING = b"trackwell.encoding"
_PATH = b"trackwell.path"
_NEXT_MIN_STEP = b"trackwell.next_min_step"


def pages(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    min_step: int | None,
    max_step: int | None,
    stream: str,
    page_rows: int | None = None,
) -> Iterator[pa.Table]:
    """Every page of the step range (``max_step`` inclusive), one request each. The next page is
    requested as soon as a page arrives, so the server reads it while the caller uses this one
    (at most two pages in memory)."""
    import pyarrow as pa

    def fetch(cursor: int | None) -> pa.Table:
        data = client.history_arrow(
            *path, keys, min_step=cursor, max_step=max_step, limit=page_rows, stream=stream
        )
        return pa.ipc.open_stream(data).read_all()

    with ThreadPoolExecutor(1, thread_name_prefix="trackwell-history") as pool:
        try:
            cursor = min_step
            coming = pool.submit(fetch, cursor)
            while True:
                table = coming.result()
                following = (table.schema.metadata or {}).get(_NEXT_MIN_STEP)
                if following is None or (cursor is not None and int(following) <= cursor):
                    yield table
                    return
                cursor = int(following)
                coming = pool.submit(fetch, cursor)
                yield table
        finally:
            pool.submit(client.release_thread_connection)


def _is_json(field: pa.Field) -> bool:
    return bool(field.metadata) and field.metadata.get(_ENCODING) == b"json"


def _paths(schema: pa.Schema) -> dict[str, Path]:
    """The logged path of each column that came from a nested dict (the server's field metadata)."""
    out: dict[str, Path] = {}
    for field in schema:
        text = field.metadata.get(_PATH) if field.metadata else None
        path = path_of_json(text.decode()) if text else None
        if path is not None:
            out[field.name] = path
    return out


def _values(array: pa.Array, is_json: bool) -> list[Any]:
    """The non-null values of a column as Python objects (ints stay ints)."""
    if is_json:
        # The cells hold the store's JSON (bare NaN tokens); `decode` applies the one rule every
        # read shares (``trackwell.apis.values``), so a value reads back the same on every path.
        return [decode(json.loads(text)) for text in array.to_pylist()]
    values: list[Any] = array.to_numpy(zero_copy_only=False).tolist()
    return values


def _column(array: pa.Array, is_json: bool) -> tuple[list[Any], list[int] | None]:
    """``(values, positions)``: positions of the rows holding a value, None when every row does."""
    if array.null_count == 0:
        return _values(array, is_json), None
    positions: list[int] = array.is_valid().to_numpy(zero_copy_only=False).nonzero()[0].tolist()
    return _values(array.drop_null(), is_json), positions


def column_values(table: pa.Table, name: str, missing: Any = None) -> list[Any]:
    """One column as Python values (JSON cells decoded), ``missing`` where a row has none."""
    values, positions = _column(table.column(name).combine_chunks(), _is_json(table.schema.field(name)))
    if positions is None:
        return values
    out = [missing] * table.num_rows
    for at, value in zip(positions, values, strict=True):
        out[at] = value
    return out


def _slice_rows(table: pa.Table, nested: bool) -> list[Row]:
    n = table.num_rows
    dense_names: list[str] = []
    dense: list[list[Any]] = []
    sparse: list[tuple[str, list[Any], list[int]]] = []
    for field, chunked in zip(table.schema, table.columns, strict=True):
        values, positions = _column(chunked.combine_chunks(), _is_json(field))
        if positions is None:
            dense_names.append(field.name)
            dense.append(values)
        else:
            sparse.append((field.name, values, positions))
    # map/zip run in C: the cheapest way to a dict per row (~0.8 us for 8 keys); columns are equal-length
    rows: list[Row] = (
        list(map(dict, map(zip, repeat(dense_names), zip(*dense, strict=False)))) if dense else []
    )
    if len(rows) < n:
        rows = [{} for _ in range(n)]
    for name, values, positions in sparse:
        for at, value in zip(positions, values, strict=True):
            rows[at][name] = value
    paths = _paths(table.schema) if nested else None
    if paths:
        rows = [nest(row, paths) for row in rows]
    return rows


def rows_of(table: pa.Table, nested: bool = True) -> Iterator[Row]:
    """The page's rows, built one slice at a time as they are consumed; ``nested``: keys logged
    nested put back at their paths (whole rows), else left flat (rows picked by ``keys``, as
    wandb returns them)."""
    slices = (table.slice(start, SLICE_ROWS) for start in range(0, table.num_rows, SLICE_ROWS))
    return chain.from_iterable(_slice_rows(part, nested) for part in slices)


def _holding_all(table: pa.Table, keys: list[str]) -> pa.Table | None:
    """``_step`` and ``keys`` of the rows holding every key with a value other than None (wandb's
    rule for reads with ``keys``); None when some key is not in the page at all."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if any(k not in table.schema.names for k in keys):
        return None
    mask = pa.array([True] * table.num_rows, pa.bool_())
    for key in keys:
        column = table.column(key)
        held = pc.is_valid(column)
        if _is_json(table.schema.field(key)):
            held = pc.and_(held, pc.not_equal(column, "null"))
        mask = pc.and_(mask, held)
    return table.select(list(dict.fromkeys(["_step", *keys]))).filter(mask)


def scan(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    min_step: int | None,
    max_step: int | None,
    stream: str = "history",
    page_rows: int | None = None,
) -> Iterator[Row]:
    """Every row of the range, page by page; with ``keys``, ``_step`` and those keys of the rows
    holding all of them."""
    wanted = list(keys) if keys else None
    tables = pages(
        client, path, wanted, min_step=min_step, max_step=max_step, stream=stream, page_rows=page_rows
    )
    if wanted is None:
        return chain.from_iterable(map(rows_of, tables))
    picked = (_holding_all(table, wanted) for table in tables)
    return chain.from_iterable(rows_of(t, nested=False) for t in picked if t is not None)


def _page_frame(table: pa.Table) -> Any:
    import numpy as np
    import pandas as pd

    data: dict[str, Any] = {}
    for field, chunked in zip(table.schema, table.columns, strict=True):
        array = chunked.combine_chunks()
        if not _is_json(field):
            data[field.name] = array.to_numpy(zero_copy_only=False)  # nulls: NaN, as from dicts
            continue
        cells = np.full(table.num_rows, np.nan, dtype=object)
        values, positions = _column(array, True)
        if positions is None:
            cells[:] = values
        else:
            cells[positions] = values
        data[field.name] = pd.Series(cells, dtype=object).infer_objects()
    return pd.DataFrame(data)


def frame(
    client: ApiClient,
    path: tuple[str, str, str],
    keys: list[str] | None,
    *,
    stream: str,
) -> Any:
    """Every row as one DataFrame, equal to ``pandas.DataFrame.from_records`` of the rows (with
    keys logged nested, whose cells are dicts, it is built from the rows; a key logged with dots
    in it is its own column, ``a.b``)."""
    import pandas as pd

    tables = list(
        pages(
            client, path, keys or None, min_step=None, max_step=None, stream=stream, page_rows=FRAME_PAGE_ROWS
        )
    )
    if keys:
        tables = [t for t in (_holding_all(t, keys) for t in tables) if t is not None]
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return pd.DataFrame.from_records([])
    if not keys and any(_paths(t.schema) for t in tables):
        return pd.DataFrame.from_records([row for t in tables for row in rows_of(t)])
    frames = [_page_frame(t) for t in tables]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
