"""Chunk payloads and batched chunk writes shared by the writer and the reader.

Three kinds of chunks (tables in ``trackwell.store.sql.history_tables``):

* row chunks: contiguous row numbers; columns step, timestamp, runtime;
* key chunks: one key's numeric points; columns row number, step, value (int64 or float64);
* other chunks: non-numeric values of rows, as zstd-compressed JSON.

Appends extend the last, still-open chunk of a stream (decode, extend, re-encode) until it holds
its maximum size, so the number of SQL rows stays ~1 per few thousand points.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Table, bindparam, insert, update

from trackwell.schema.errors import InvalidArgument
from trackwell.store.history import codec
from trackwell.store.history.codec import Transform

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

KEY_CHUNK_POINTS = 8192
ROW_CHUNK_ROWS = 8192
OTHER_CHUNK_ROWS = 1024

# Column order inside the blobs; readers pick columns by these positions.
KEY_ROWS, KEY_STEPS, KEY_VALUES = 0, 1, 2
ROW_STEPS, ROW_TIMESTAMPS, ROW_RUNTIMES = 0, 1, 2


def encode_key_chunk(rows: IntArray, steps: IntArray, values: IntArray | FloatArray) -> bytes:
    return codec.encode(
        [
            (rows, Transform.INT_DELTA),
            (steps, Transform.INT_DELTA),
            (values, codec.value_transform(values)),
        ]
    )


def encode_row_chunk(steps: IntArray, timestamps: FloatArray, runtimes: FloatArray) -> bytes:
    return codec.encode(
        [
            (steps, Transform.INT_DELTA),
            (timestamps, Transform.FLOAT_BITS_DELTA),
            (runtimes, Transform.FLOAT_BITS_DELTA),
        ]
    )


@dataclass(slots=True)
class OtherPayload:
    """Non-numeric values of some rows: ``values[i]`` belongs to row number ``rows[i]``."""

    rows: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)

    def encode(self) -> bytes:
        # stdlib json, not orjson: lists inside values may hold NaN/Infinity, which must round-trip
        try:
            text = json.dumps(
                {"rows": self.rows, "steps": self.steps, "values": self.values},
                separators=(",", ":"),
                allow_nan=True,
            )
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(
                f"history value is not JSON: {exc}",
                field="values",
                hint="log numbers, strings, lists or dicts",
            ) from None
        return codec.compress_bytes(text.encode())

    @classmethod
    def decode(cls, blob: bytes) -> OtherPayload:
        data = json.loads(codec.decompress_bytes(blob))
        return cls(rows=data["rows"], steps=data["steps"], values=data["values"])


def nan_extremes(values: IntArray | FloatArray) -> tuple[float | None, float | None]:
    """Min and max ignoring NaN (None when nothing is left); without numpy's all-NaN warning."""
    if values.dtype == np.float64:
        values = values[~np.isnan(values)]
    if len(values) == 0:
        return None, None
    return float(values.min()), float(values.max())


@dataclass(slots=True)
class ChunkWrites:
    """Chunk updates and inserts for one table, flushed with one executemany each.

    Inserts carry a tag; :meth:`flush` returns the new ids by tag, so the caller can remember which
    chunk is still open for the next append.
    """

    table: Table
    updates: list[dict[str, Any]] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    tags: list[Hashable] = field(default_factory=list)

    def update(self, chunk_id: int, values: dict[str, Any]) -> None:
        self.updates.append({"b_id": chunk_id, **values})

    def insert(self, values: dict[str, Any], tag: Hashable = None) -> None:
        self.inserts.append(values)
        self.tags.append(tag)

    def flush(self, conn: Connection) -> dict[Hashable, int]:
        t = self.table
        if self.updates:
            # executemany: the SET clause comes from the parameter names (the columns)
            conn.execute(update(t).where(t.c.id == bindparam("b_id")), self.updates)
        ids: dict[Hashable, int] = {}
        if self.inserts:
            stmt_i = insert(t).returning(t.c.id, sort_by_parameter_order=True)
            new_ids = conn.execute(stmt_i, self.inserts).scalars().all()
            ids = {tag: int(i) for tag, i in zip(self.tags, new_ids, strict=True) if tag is not None}
        return ids


def pieces(total: int, size: int) -> Sequence[tuple[int, int]]:
    """``[start, end)`` slices cutting ``total`` items into chunks of ``size`` (last may be short)."""
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def decode_key_chunk(blob: bytes) -> tuple[IntArray, IntArray, IntArray | FloatArray]:
    """``(row numbers, steps, values)``; values keep their stored dtype (int64 or float64)."""
    rows, steps, values = codec.decode(blob)
    return np.asarray(rows, dtype=np.int64), np.asarray(steps, dtype=np.int64), values


def decode_row_chunk(blob: bytes) -> tuple[IntArray, FloatArray, FloatArray]:
    """``(steps, timestamps, runtimes)`` of a row chunk."""
    steps, ts, rt = codec.decode(blob)
    return np.asarray(steps, dtype=np.int64), np.asarray(ts, np.float64), np.asarray(rt, np.float64)


def decode_timestamps(blob: bytes) -> FloatArray:
    return np.asarray(codec.decode(blob, [ROW_TIMESTAMPS])[0], dtype=np.float64)
