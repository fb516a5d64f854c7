"""The metric-history engine: numeric series stored column-wise in compressed chunks inside the
shared SQL database, with min/max-preserving downsampling for charts.

Modules: ``codec`` (arrays <-> compressed blobs), ``downsample`` (M4), ``values`` (what is a number,
non-finite floats on the wire), ``chunks`` (chunk payloads and batched writes),
``writer``/``reader`` (SQL), ``sql_store`` (the ``HistoryStore`` implementation).
May import ``trackwell.schema``, ``trackwell.store.base``, ``trackwell.store.sql``, SQLAlchemy,
numpy and zstandard.
"""

from trackwell.store.history.sql_store import SqlHistoryStore

__all__ = ["SqlHistoryStore"]
