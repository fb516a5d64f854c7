"""History pages as Arrow IPC streams: the bulk transfer behind ``run.history(samples=None)``,
``scan_history()`` and ``trackwell export``.

Why Arrow: a million rows x 5 metrics is 40 MB of float64 that both sides hold as arrays already;
JSON would turn each value into text and back (the old row read cost ~9 s per million rows), while
an Arrow stream is the arrays' bytes, readable by pyarrow, pandas, polars and DuckDB alike.

The stream (one record batch) has ``_step`` (int64), ``_timestamp`` and ``_runtime`` (float64),
then one column per key, sorted by name, nulls where a row does not hold the key:

* a key whose values in the page are all int64, or all float64, is a column of that type (NaN and
  ±inf stay floats);
* any other key (strings, bools, lists, dicts, media references, None, ints past int64, ints mixed
  with floats) is a utf8 column of each value's JSON text (NaN/Infinity as bare tokens), and its
  field carries the metadata ``trackwell.encoding = json``.

A key that came from a nested dict (``a.b`` from ``{"a": {"b": 1}}``) also carries the field
metadata ``trackwell.path``: the JSON list of labels it was logged under (``["a","b"]``); a key
without it was logged as it is, dots and all (``trackwell.schema.nesting``).

The schema metadata ``trackwell.next_min_step`` is the cursor of the next page (absent at the end).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from trackwell.schema.nesting import path_json
from trackwell.store.base import HistoryFrame
from trackwell.store.history.values import dumps

if TYPE_CHECKING:
    import pyarrow as pa

ARROW_STREAM = "application/vnd.apache.arrow.stream"
ENCODING = b"trackwell.encoding"
PATH = b"trackwell.path"
NEXT_MIN_STEP = b"trackwell.next_min_step"
Compression = Literal["none", "zstd", "lz4"]


def _json_column(frame: HistoryFrame, key: str, n: int) -> list[str | None]:
    texts: list[str | None] = [None] * n
    number = frame.numbers.get(key)
    if number is not None:
        values, present = number
        at = np.arange(n) if present is None else np.flatnonzero(present)
        for i, value in zip(at.tolist(), values[at].tolist(), strict=True):
            texts[i] = dumps(value)
    for i, value in frame.others.get(key, {}).items():
        texts[i] = dumps(value)
    return texts


def frame_to_arrow(frame: HistoryFrame) -> pa.RecordBatch:
    import pyarrow as pa  # ~100 ms to import: only when a columnar read is asked for

    n = len(frame.steps)
    columns: dict[str, tuple[pa.Field, pa.Array]] = {
        "_step": (pa.field("_step", pa.int64()), pa.array(frame.steps, pa.int64())),
        "_timestamp": (pa.field("_timestamp", pa.float64()), pa.array(frame.timestamps, pa.float64())),
        "_runtime": (pa.field("_runtime", pa.float64()), pa.array(frame.runtimes, pa.float64())),
    }
    # A logged key named like a system column wins, as in the JSON rows ({"_step": .., **values}).
    for key in sorted(frame.numbers.keys() | frame.others.keys()):
        path = frame.paths.get(key)
        field_meta = {PATH: (path_json(path) or "").encode()} if path is not None else {}
        if frame.others.get(key):
            array = pa.array(_json_column(frame, key, n), pa.string())
            columns[key] = (pa.field(key, pa.string(), metadata={ENCODING: b"json", **field_meta}), array)
            continue
        values, present = frame.numbers[key]
        array = pa.array(values, mask=None if present is None else ~present)
        columns[key] = (pa.field(key, array.type, metadata=field_meta or None), array)
    meta: dict[bytes, bytes] = {}
    if frame.next_min_step is not None:
        meta[NEXT_MIN_STEP] = str(frame.next_min_step).encode()
    schema = pa.schema([field for field, _ in columns.values()], metadata=meta)
    return pa.RecordBatch.from_arrays([array for _, array in columns.values()], schema=schema)


def frame_to_ipc(frame: HistoryFrame, compression: Compression = "none") -> bytes:
    """One Arrow IPC stream holding the page (buffers compressed when asked: remote clients)."""
    import pyarrow as pa

    batch = frame_to_arrow(frame)
    options = pa.ipc.IpcWriteOptions(compression=None if compression == "none" else compression)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema, options=options) as writer:
        writer.write_batch(batch)
    data: Any = sink.getvalue()
    return bytes(data)
