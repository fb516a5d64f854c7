"""Queries over a logged ``Table``: a window of rows, groups, column stats, a CSV export.

A table is addressed by its run and the ``path`` of its ``table-file`` reference. The file is
found through the run's files index (so access follows the run), its content hash names the
columnar copy the store keeps, and the row filter is parsed here (``tables_expr``) and compiled
to SQL by the store, never run as code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import TableGroups, TableRows, TableSort, TableStats
from trackwell.service.files import FileService
from trackwell.service.tables_csv import csv_lines
from trackwell.service.tables_expr import parse_filter
from trackwell.store.base import RunKey
from trackwell.store.tables.base import ColumnarTable, TableQuery, TableStore

MAX_PAGE = 5_000
MAX_GROUPS = 1_000
MAX_BINS = 100
MAX_SORT_KEYS = 16


log = logging.getLogger(__name__)


def parse_sort(specs: Sequence[str]) -> list[TableSort]:
    """``["-confidence", "label"]``: a leading ``-`` sorts descending, a leading ``+`` ascending
    (write ``+-x`` for a column whose name starts with ``-``); anything else is the column name."""
    if len(specs) > MAX_SORT_KEYS:
        raise InvalidArgument(
            f"{len(specs)} sort keys given", field="sort", hint=f"sort by at most {MAX_SORT_KEYS} columns"
        )
    out = []
    for spec in specs:
        desc = spec.startswith("-")
        name = spec[1:] if spec[:1] in ("-", "+") else spec
        if not name:
            raise InvalidArgument(
                f"sort {spec!r} names no column", field="sort", hint='use "column" or "-column"'
            )
        out.append(TableSort(column=name, desc=desc))
    return out


class TableService:
    def __init__(self, files: FileService, store: TableStore) -> None:
        self._files = files
        self._store = store

    def close(self) -> None:
        self._store.close()

    def prepare(self, key: RunKey, path: str) -> None:
        """Build the columnar copy of an uploaded table now, so that the first person to open it
        does not wait for it (100,000 rows: ~0.5 s). Runs after the upload has been answered; a
        table that cannot be read is left for the query to report."""
        try:
            self._open(key, path)
        except Exception:
            log.warning("preparing table %s of run %s failed; a query will retry", path, key, exc_info=True)

    def _open(self, key: RunKey, path: str) -> tuple[ColumnarTable, str]:
        info, chunks = self._files.read(key, path)
        return self._store.open(info.sha256, lambda: chunks), info.sha256

    def _query(self, table: ColumnarTable, filter: str | None, sort: Sequence[str] = ()) -> TableQuery:
        names = [c.name for c in table.columns]
        expr = parse_filter(filter, names) if filter and filter.strip() else None
        order = parse_sort(sort)
        for s in order:
            if s.column not in names:
                raise InvalidArgument(
                    f"cannot sort by {s.column!r}: the table has no such column",
                    field="sort",
                    hint=f"its columns are {', '.join(repr(n) for n in names)}",
                )
        return TableQuery(filter=expr, sort=order)

    def rows(
        self, key: RunKey, path: str, filter: str | None, sort: Sequence[str], offset: int, limit: int
    ) -> TableRows:
        _check_range("offset", offset, 0, None)
        _check_range("limit", limit, 0, MAX_PAGE)
        table, sha256 = self._open(key, path)
        page = table.rows(self._query(table, filter, sort), offset, limit)
        return TableRows(
            path=path,
            sha256=sha256,
            columns=table.columns,
            total_rows=table.nrows,
            matched_rows=page.matched,
            offset=offset,
            rows=page.rows,
            row_index=page.row_index,
        )

    def groups(self, key: RunKey, path: str, filter: str | None, by: str, limit: int) -> TableGroups:
        _check_range("limit", limit, 1, MAX_GROUPS)
        table, _ = self._open(key, path)
        page = table.groups(self._query(table, filter), by, limit)
        return TableGroups(
            path=path, by=by, matched_rows=page.matched, total_groups=page.total_groups, groups=page.groups
        )

    def stats(
        self, key: RunKey, path: str, filter: str | None, columns: Sequence[str], bins: int
    ) -> TableStats:
        _check_range("bins", bins, 1, MAX_BINS)
        table, _ = self._open(key, path)
        query = self._query(table, filter)
        chosen = list(dict.fromkeys(columns)) or [c.name for c in table.columns]  # each column once
        stats = table.stats(query, chosen, bins)
        matched = table.rows(query, 0, 0).matched
        return TableStats(path=path, matched_rows=matched, columns=stats)

    def csv(self, key: RunKey, path: str, filter: str | None, sort: Sequence[str]) -> Iterator[str]:
        """The matching rows in order as CSV text, produced batch by batch. Errors in the filter or
        sort are raised here, before the first line."""
        table, _ = self._open(key, path)
        query = self._query(table, filter, sort)
        return csv_lines([c.name for c in table.columns], table.iter_rows(query))


def _check_range(field: str, value: int, low: int, high: int | None) -> None:
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidArgument(f"{field}={value} is out of range", field=field, hint=f"use a value {bound}")
