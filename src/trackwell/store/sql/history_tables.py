"""Tables of the metric-history engine, attached to the shared ``metadata`` so Alembic sees them.

A run's history is not stored one SQL row per step (trackio) or per point (MLflow) but as compressed
columnar chunks of a few thousand points (see docs/adr/0001-history-storage.md):

* ``history_streams``: one row per (run, stream) with the row count and the highest step.
* ``history_row_chunks``: the per-row columns shared by every key (step, timestamp, runtime),
  addressed by the row number, so a row with five scalars costs one timestamp, not five.
* ``history_chunks``: per (run, stream, key), the numeric points (row numbers, steps, values).
* ``history_other_chunks``: the rows' non-numeric values (strings, bools, None, lists, media
  references) as compressed JSON, so full rows can be rebuilt for export.
* ``history_key_stats``: per (run, stream, key) counters kept up to date on append, so listing keys
  and runs never decodes a chunk; also the key's logged path (``a.b`` from ``{"a": {"b": 1}}`` vs
  ``{"a.b": 1}``), so rows are read back in the shape they were logged.

Runs are addressed by their integer primary key ``run_pk`` without a foreign key: the runs table
belongs to the metadata store, and ``HistoryStore.delete_run`` cleans up.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
)

from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.text_type import NulSafeText

# SQLite only makes INTEGER PRIMARY KEY columns auto-increment; PostgreSQL wants BIGINT for growth.
_Id = BigInteger().with_variant(Integer(), "sqlite")

STREAM_LEN = 16
KEY_LEN = 1024

history_streams = Table(
    "history_streams",
    metadata,
    Column("run_pk", BigInteger, nullable=False),
    Column("stream", String(STREAM_LEN), nullable=False),
    Column("row_count", BigInteger, nullable=False),
    Column("last_step", BigInteger, nullable=True),
    # id of the row chunk still open for appends (None: start a new one)
    Column("open_row_chunk", BigInteger, nullable=True),
    Column("open_other_chunk", BigInteger, nullable=True),
    PrimaryKeyConstraint("run_pk", "stream"),
)

# Chunk tables share their bookkeeping columns: the row-number range and the step range let reads
# select only the chunks they need without decoding anything.
history_row_chunks = Table(
    "history_row_chunks",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("run_pk", BigInteger, nullable=False),
    Column("stream", String(STREAM_LEN), nullable=False),
    Column("row_min", BigInteger, nullable=False),
    Column("row_max", BigInteger, nullable=False),
    Column("step_min", BigInteger, nullable=False),
    Column("step_max", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("ix_history_row_chunks_run", "run_pk", "stream", "row_min"),
)

history_chunks = Table(
    "history_chunks",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("run_pk", BigInteger, nullable=False),
    Column("stream", String(STREAM_LEN), nullable=False),
    Column("key", String(KEY_LEN), nullable=False),
    Column("row_min", BigInteger, nullable=False),
    Column("row_max", BigInteger, nullable=False),
    Column("step_min", BigInteger, nullable=False),
    Column("step_max", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    # NaN-ignoring extremes of the chunk; None when every value is NaN
    Column("vmin", Float(precision=53), nullable=True),
    Column("vmax", Float(precision=53), nullable=True),
    Column("data", LargeBinary, nullable=False),
    # A full chunk's first/last/min/max point of every 32 (same encoding as data, about 1/8 of it):
    # coarse chart reads of long series decode these instead (see store/history/sketch.py).
    Column("sketch", LargeBinary, nullable=True),
    Index("ix_history_chunks_key", "run_pk", "stream", "key", "row_min"),
)

history_other_chunks = Table(
    "history_other_chunks",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("run_pk", BigInteger, nullable=False),
    Column("stream", String(STREAM_LEN), nullable=False),
    Column("row_min", BigInteger, nullable=False),
    Column("row_max", BigInteger, nullable=False),
    Column("step_min", BigInteger, nullable=False),
    Column("step_max", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("ix_history_other_chunks_run", "run_pk", "stream", "row_min"),
)

history_key_stats = Table(
    "history_key_stats",
    metadata,
    Column("run_pk", BigInteger, nullable=False),
    Column("stream", String(STREAM_LEN), nullable=False),
    Column("key", String(KEY_LEN), nullable=False),
    Column("num_count", BigInteger, nullable=False),
    Column("other_count", BigInteger, nullable=False),
    Column("first_step", BigInteger, nullable=True),
    Column("last_step", BigInteger, nullable=True),
    Column("vmin", Float(precision=53), nullable=True),
    Column("vmax", Float(precision=53), nullable=True),
    # last appended value, JSON (non-finite floats as NaN/Infinity tokens)
    Column("last_value", NulSafeText, nullable=True),
    Column("last_row", BigInteger, nullable=True),
    # id of this key's numeric chunk still open for appends
    Column("open_chunk", BigInteger, nullable=True),
    # the labels the key was logged under when it came from a nested dict (JSON list: ["a", "b"]
    # for {"a": {"b": 1}}); None for a key logged as it is, dots and all ({"a.b": 1}). Reads put
    # values back at their paths (trackwell.schema.nesting); the last shape logged wins.
    Column("path", NulSafeText, nullable=True),
    PrimaryKeyConstraint("run_pk", "stream", "key"),
)

HISTORY_TABLES = (
    history_streams,
    history_row_chunks,
    history_chunks,
    history_other_chunks,
    history_key_stats,
)
