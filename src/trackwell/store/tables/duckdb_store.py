"""DuckDB over Parquet copies of logged tables, cached under the server's data directory.

Layout: ``<cache>/<sha[:2]>/<sha>.parquet`` and ``<sha>.meta.json``. Content-addressed, so a copy
never goes stale; a missing or unreadable one is rebuilt from the table file on the next open.
One in-memory DuckDB database per process serves every query through its own cursor (DuckDB
cursors are safe to use from the request threads), reading the Parquet file directly.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import orjson

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import ColumnStats, NumericAggregate, TableColumn, TableGroup
from trackwell.store.tables.base import GroupsPage, LoadBytes, RowsPage, TableQuery
from trackwell.store.tables.columnar import build_columnar, read_meta, read_table_json, write_meta
from trackwell.store.tables.compile import SqlColumn, compile_filter
from trackwell.store.tables.stats import column_stats

log = logging.getLogger("trackwell.store.tables")
_SHA = re.compile(r"[0-9a-f]{64}")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class DuckDBTable:
    """One table's Parquet copy and the SQL that reads it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, parquet: Path, columns: list[TableColumn], nrows: int):
        self._con = con
        self.parquet = parquet
        self.stamp = _stamp(parquet)  # a copy changed under us is checked again before use
        self._source = f"read_parquet('{str(parquet).replace(chr(39), chr(39) * 2)}')"
        self._columns = columns
        self._nrows = nrows
        self._sql = {c.name: SqlColumn(f"c{i}", c.kind) for i, c in enumerate(columns)}

    @property
    def columns(self) -> list[TableColumn]:
        return self._columns

    @property
    def nrows(self) -> int:
        return self._nrows

    def check_readable(self) -> None:
        self._fetch(f"SELECT count(*) FROM {self._source}", {})

    def column(self, name: str, field: str) -> SqlColumn:
        column = self._sql.get(name)
        if column is None:
            known = ", ".join(repr(c.name) for c in self._columns)
            raise InvalidArgument(
                f"the table has no column {name!r}", field=field, hint=f"its columns are {known}"
            )
        return column

    def _where(self, query: TableQuery) -> tuple[str, dict[str, Any]]:
        if query.filter is None:
            return "", {}
        sql, params = compile_filter(query.filter, self._sql)
        return f" WHERE {sql}", params

    def _order(self, query: TableQuery) -> str:
        keys = [
            f'"{self.column(s.column, "sort").ident}" {"DESC" if s.desc else "ASC"} NULLS LAST'
            for s in query.sort
        ]
        return " ORDER BY " + ", ".join([*keys, "_row"])

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def _cells(self, record: Sequence[Any]) -> list[Any]:
        return [
            orjson.loads(v) if c.kind == "json" and v is not None else v
            for c, v in zip(self._columns, record, strict=True)
        ]

    def _select(self) -> str:
        return ", ".join(["_row", *(f'"{c.ident}"' for c in self._sql.values())])

    def count(self, query: TableQuery) -> int:
        where, params = self._where(query)
        return int(self._fetch(f"SELECT count(*) FROM {self._source}{where}", params)[0][0])

    def rows(self, query: TableQuery, offset: int, limit: int) -> RowsPage:
        where, params = self._where(query)
        order = self._order(query)
        params |= {"limit": limit, "offset": offset}
        records = self._fetch(
            f"SELECT {self._select()} FROM {self._source}{where}{order} LIMIT $limit OFFSET $offset", params
        )
        matched = self.count(query) if query.filter is not None else self._nrows
        return RowsPage(
            rows=[self._cells(r[1:]) for r in records],
            row_index=[int(r[0]) for r in records],
            matched=matched,
        )

    def iter_rows(self, query: TableQuery, batch: int = 4096) -> Iterator[list[list[Any]]]:
        where, params = self._where(query)
        cur = self._con.cursor()
        try:
            cur.execute(f"SELECT {self._select()} FROM {self._source}{where}{self._order(query)}", params)
            while records := cur.fetchmany(batch):
                yield [self._cells(r[1:]) for r in records]
        finally:
            cur.close()

    def groups(self, query: TableQuery, by: str, limit: int) -> GroupsPage:
        key = self.column(by, "by")
        numeric = [(c.name, s.ident) for c, s in zip(self._columns, self._sql.values(), strict=True)]
        numeric = [(n, i) for n, i in numeric if self._sql[n].kind == "number" and n != by]
        aggs = "".join(f', avg("{i}"), min("{i}"), max("{i}")' for _, i in numeric)
        where, params = self._where(query)
        grouped = f'SELECT "{key.ident}" AS g, count(*) AS n{aggs} FROM {self._source}{where} GROUP BY 1'
        params["limit"] = limit
        records = self._fetch(
            f"WITH grouped AS ({grouped}) SELECT *, count(*) OVER (), sum(n) OVER () FROM grouped "
            "ORDER BY n DESC, g ASC NULLS LAST LIMIT $limit",
            params,
        )
        groups = []
        for r in records:
            value = orjson.loads(r[0]) if key.kind == "json" and r[0] is not None else r[0]
            aggregates = {
                name: NumericAggregate(mean=r[2 + 3 * j], min=r[3 + 3 * j], max=r[4 + 3 * j])
                for j, (name, _) in enumerate(numeric)
            }
            groups.append(TableGroup(key=value, count=int(r[1]), aggregates=aggregates))
        total, matched = (int(records[0][-2]), int(records[0][-1])) if records else (0, 0)
        return GroupsPage(groups=groups, total_groups=total, matched=matched)

    def stats(self, query: TableQuery, columns: Sequence[str], bins: int) -> list[ColumnStats]:
        where, params = self._where(query)
        chosen = [(name, self.column(name, "columns")) for name in columns]
        return [
            column_stats(self._fetch, self._source, where, params, name, column, bins)
            for name, column in chosen
        ]


class DuckDBTableStore:
    """Opens tables by content hash, building each Parquet copy once (per process, under a lock)."""

    def __init__(self, cache_dir: Path, memo_size: int = 64) -> None:
        self._dir = cache_dir
        self._con = duckdb.connect(":memory:")
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._memo: OrderedDict[str, DuckDBTable] = OrderedDict()
        self._memo_size = memo_size

    def close(self) -> None:
        self._con.close()

    def paths(self, sha256: str) -> tuple[Path, Path]:
        if not _SHA.fullmatch(sha256):
            raise InvalidArgument(f"not a sha256: {sha256[:80]!r}", field="sha256")
        folder = self._dir / sha256[:2]
        return folder / f"{sha256}.parquet", folder / f"{sha256}.meta.json"

    def open(self, sha256: str, load: LoadBytes) -> DuckDBTable:
        with self._guard:
            table = self._memo.get(sha256)
            if table is not None and table.stamp == _stamp(table.parquet):
                self._memo.move_to_end(sha256)
                return table
            lock = self._locks.setdefault(sha256, threading.Lock())
        with lock:
            table = self._open_or_build(sha256, load)
        with self._guard:
            self._memo[sha256] = table
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return table

    def _open_or_build(self, sha256: str, load: LoadBytes) -> DuckDBTable:
        parquet, meta_path = self.paths(sha256)
        meta = read_meta(meta_path)
        if meta is not None and parquet.exists():
            table = DuckDBTable(self._con, parquet, *meta)
            try:
                table.check_readable()
                return table
            except duckdb.Error as e:
                log.warning("columnar copy of table %s is unreadable (%s); rebuilding", sha256, e)
        meta_path.unlink(missing_ok=True)
        columns, rows = read_table_json(load())
        described = build_columnar(columns, rows, parquet)
        write_meta(meta_path, described, len(rows))
        return DuckDBTable(self._con, parquet, described, len(rows))
