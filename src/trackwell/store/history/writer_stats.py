"""Per-key stats of a history stream (counts, step range, min/max, last value, open chunk): what
one append adds, merged into the stored row in one executemany per statement kind.

Split from :mod:`writer` (which decides what a batch adds); readers use the stored stats to list
keys and to answer summaries without decoding chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from trackwell.schema.nesting import path_json
from trackwell.store.base import Stream
from trackwell.store.history.values import dumps
from trackwell.store.sql.history_tables import history_key_stats

IN_BATCH = 500  # keys per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


@dataclass(slots=True)
class KeyStats:
    """What one batch adds to a key's stats."""

    num_count: int = 0
    other_count: int = 0
    first_step: int | None = None
    last_step: int | None = None
    vmin: float | None = None
    vmax: float | None = None
    last_value: Any = None
    last_row: int = -1
    open_chunk: int | None = None
    open_chunk_set: bool = False

    def add_steps(self, lo: int, hi: int) -> None:
        self.first_step = lo if self.first_step is None else min(self.first_step, lo)
        self.last_step = hi if self.last_step is None else max(self.last_step, hi)

    def add_last(self, row: int, value: Any) -> None:
        if row > self.last_row:
            self.last_row, self.last_value = row, value


def max_opt(a: int | None, b: int) -> int:
    return b if a is None else max(int(a), b)


def load_stats(conn: Connection, run_pk: int, stream: Stream, keys: list[str]) -> dict[str, Row[Any]]:
    t = history_key_stats
    found: dict[str, Row[Any]] = {}
    for i in range(0, len(keys), IN_BATCH):
        stmt = select(t).where(
            t.c.run_pk == run_pk, t.c.stream == stream, t.c.key.in_(keys[i : i + IN_BATCH])
        )
        found.update((row.key, row) for row in conn.execute(stmt))
    return found


def write_stats(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    existing: dict[str, Row[Any]],
    stats: dict[str, KeyStats],
    paths: dict[str, tuple[str, ...]],
) -> None:
    """Merge the batch's stats into the stored rows; each key's path becomes the one this batch
    logged it under (None: as it is), so a key's rows read back in the shape last logged."""
    t = history_key_stats
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for key, ks in stats.items():
        old = existing.get(key)
        values: dict[str, Any] = {
            "num_count": ks.num_count,
            "other_count": ks.other_count,
            "first_step": ks.first_step,
            "last_step": ks.last_step,
            "vmin": ks.vmin,
            "vmax": ks.vmax,
            "last_value": dumps(ks.last_value),
            "last_row": ks.last_row,
            "open_chunk": ks.open_chunk,
            "path": path_json(paths.get(key)) if paths else None,
        }
        if old is None:
            inserts.append({"run_pk": run_pk, "stream": stream, "key": key, **values})
            continue
        values["num_count"] += old.num_count
        values["other_count"] += old.other_count
        values["first_step"] = _min_opt(old.first_step, ks.first_step)
        values["last_step"] = (
            max_opt(old.last_step, ks.last_step) if ks.last_step is not None else old.last_step
        )
        values["vmin"] = _min_opt(old.vmin, ks.vmin)
        values["vmax"] = (
            old.vmax if ks.vmax is None else ks.vmax if old.vmax is None else max(old.vmax, ks.vmax)
        )
        if not ks.open_chunk_set:
            values["open_chunk"] = old.open_chunk
        updates.append({"b_key": key, **values})
    if inserts:
        conn.execute(insert(t), inserts)
    if updates:
        stmt = update(t).where(t.c.run_pk == run_pk, t.c.stream == stream, t.c.key == bindparam("b_key"))
        conn.execute(stmt, updates)


def _min_opt(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
