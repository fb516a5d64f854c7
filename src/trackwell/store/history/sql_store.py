"""``SqlHistoryStore``: the :class:`~trackwell.store.base.HistoryStore` on SQLite and PostgreSQL.

Thin on purpose: it only binds the protocol to the writer and reader modules, which do the work
inside the caller's connection and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete

from trackwell.schema.history import HistoryKeys, HistoryRows, KeyUsage, Series
from trackwell.store.base import (
    AllPoints,
    HistoryColumns,
    HistoryFrame,
    HistoryRow,
    Positions,
    SeriesQuery,
    StepPoints,
    Stream,
)
from trackwell.store.history import all_points, frame_reader, points_at, reader, series_reader, writer
from trackwell.store.sql.history_tables import HISTORY_TABLES


class SqlHistoryStore:
    """Columnar, compressed metric history in SQL tables (see docs/adr/0001-history-storage.md)."""

    def append(
        self, conn: Connection, run_pk: int, rows: Sequence[HistoryRow], stream: Stream = "history"
    ) -> None:
        writer.append_rows(conn, run_pk, rows, stream)

    def append_columns(
        self, conn: Connection, run_pk: int, block: HistoryColumns, stream: Stream = "history"
    ) -> None:
        writer.append_columns(conn, run_pk, block, stream)

    def keys(self, conn: Connection, run_pk: int, stream: Stream = "history") -> HistoryKeys:
        return reader.read_keys(conn, run_pk, stream)

    def keys_of_runs(
        self, conn: Connection, run_pks: Sequence[int], stream: Stream = "history"
    ) -> list[KeyUsage]:
        return reader.read_keys_of_runs(conn, run_pks, stream)

    def series(self, conn: Connection, run_pk: int, query: SeriesQuery) -> list[Series]:
        return series_reader.read_series(conn, run_pk, query)

    def series_many(
        self, conn: Connection, run_pks: Sequence[int], query: SeriesQuery
    ) -> dict[int, list[Series]]:
        return series_reader.read_series_many(conn, run_pks, query)

    def points_at(
        self,
        conn: Connection,
        run_pks: Sequence[int],
        key: str,
        positions: Positions,
        min_step: int | None = None,
        max_step: int | None = None,
        stream: Stream = "history",
    ) -> dict[int, StepPoints]:
        return points_at.read_points_at(conn, run_pks, key, positions, min_step, max_step, stream)

    def all_points(
        self,
        conn: Connection,
        run_pks: Sequence[int],
        key: str,
        min_step: int | None = None,
        max_step: int | None = None,
        stream: Stream = "history",
        timestamps: bool = False,
        limit: int | None = None,
    ) -> dict[int, AllPoints] | None:
        return all_points.read_all_points(conn, run_pks, key, min_step, max_step, stream, timestamps, limit)

    def rows(
        self,
        conn: Connection,
        run_pk: int,
        keys: Sequence[str] | None,
        min_step: int | None,
        max_step: int | None,
        limit: int,
        stream: Stream = "history",
    ) -> HistoryRows:
        return reader.read_rows(conn, run_pk, keys, min_step, max_step, limit, stream)

    def frame(
        self,
        conn: Connection,
        run_pk: int,
        keys: Sequence[str] | None,
        min_step: int | None,
        max_step: int | None,
        limit: int,
        stream: Stream = "history",
    ) -> HistoryFrame:
        return frame_reader.read_frame(conn, run_pk, keys, min_step, max_step, limit, stream)

    def delete_run(self, conn: Connection, run_pk: int) -> None:
        for table in HISTORY_TABLES:
            conn.execute(delete(table).where(table.c.run_pk == run_pk))
