"""One column's statistics over the rows that pass a filter, in DuckDB.

Numbers: count, empties, min/max/mean/std of the finite values and a histogram of ``bins`` equal
bins between min and max. Strings, booleans and JSON cells (media, lists): count, empties, the
number of distinct values and the most frequent ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from trackwell.schema.tables import ColumnStats, HistogramBins, TopValue
from trackwell.store.tables.compile import SqlColumn

Fetch = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]
TOP_VALUES = 10


def _and(where: str, condition: str) -> str:
    return f"{where} AND {condition}" if where else f" WHERE {condition}"


def column_stats(
    fetch: Fetch, source: str, where: str, params: dict[str, Any], name: str, column: SqlColumn, bins: int
) -> ColumnStats:
    ident = f'"{column.ident}"'
    if column.kind == "number":
        return _number_stats(fetch, source, where, params, name, ident, bins)
    count, nulls, distinct = fetch(
        f"SELECT count({ident}), count(*) - count({ident}), count(DISTINCT {ident}) FROM {source}{where}",
        params,
    )[0]
    top = fetch(
        f"SELECT {ident}, count(*) AS n FROM {source}{_and(where, f'{ident} IS NOT NULL')} "
        f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT {TOP_VALUES}",
        params,
    )
    decode = column.kind == "json"
    return ColumnStats(
        name=name,
        kind=column.kind,
        count=int(count),
        nulls=int(nulls),
        distinct=int(distinct),
        top=[TopValue(value=orjson.loads(v) if decode else v, count=int(n)) for v, n in top],
    )


def _number_stats(
    fetch: Fetch, source: str, where: str, params: dict[str, Any], name: str, ident: str, bins: int
) -> ColumnStats:
    x = f"CAST({ident} AS DOUBLE)"
    finite = f"FILTER (WHERE isfinite({x}))"
    count, nulls, lo, hi, mean, std, n_finite = fetch(
        f"SELECT count({ident}), count(*) - count({ident}), min({x}) {finite}, max({x}) {finite}, "
        f"avg({x}) {finite}, stddev_samp({x}) {finite}, count(*) {finite} FROM {source}{where}",
        params,
    )[0]
    stats = ColumnStats(
        name=name, kind="number", count=int(count), nulls=int(nulls), min=lo, max=hi, mean=mean, std=std
    )
    if not n_finite:
        return stats
    if lo == hi:
        stats.histogram = HistogramBins(edges=[lo, hi], counts=[int(n_finite)])
        return stats
    counts = [0] * bins
    binned = fetch(
        f"SELECT least(CAST(floor(({x} - $lo) / ($hi - $lo) * $bins) AS BIGINT), $bins - 1) AS b, count(*) "
        f"FROM {source}{_and(where, f'isfinite({x})')} GROUP BY 1",
        params | {"lo": lo, "hi": hi, "bins": bins},
    )
    for b, n in binned:
        counts[int(b)] = int(n)
    width = (hi - lo) / bins
    stats.histogram = HistogramBins(edges=[lo + i * width for i in range(bins)] + [hi], counts=counts)
    return stats
