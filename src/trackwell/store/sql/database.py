"""``open_database(url)``: the SQL ``Database`` (metadata + history in one database).

Opening a database creates the engine (see ``engine.py`` for the SQLite and PostgreSQL settings),
migrates the schema to the newest revision, and wires up the stores. Callers do one unit of work per
transaction::

    db = open_database("sqlite:///~/.trackwell/trackwell.db")
    with db.begin() as conn:             # write transaction (SQLite: BEGIN IMMEDIATE)
        run = db.runs.get_run(conn, key, lock=True)
        ...
    with db.read() as conn:              # read-only transaction
        runs, total = db.runs.query_runs(conn, ...)
    db.close()
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine

from trackwell.schema.history import HistoryKeys, HistoryRows, Series
from trackwell.store import migrations
from trackwell.store.base import HistoryRow, HistoryStore, SeriesQuery, Stream
from trackwell.store.sql.dialect import Dialect
from trackwell.store.sql.engine import WRITE_OPTION, create_engine
from trackwell.store.sql.files import SqlFileIndex, SqlOutputStore
from trackwell.store.sql.runs import SqlRunStore
from trackwell.store.sql.users import SqlUserStore

_HISTORY_MODULE = "trackwell.store.history"
_HISTORY_CLASS = "SqlHistoryStore"


class _HistoryUnavailable:
    """Stands in while the history package is not installed; every call says so."""

    def _fail(self) -> Any:
        raise RuntimeError(f"the history store ({_HISTORY_MODULE}.{_HISTORY_CLASS}) is not available")

    def append(
        self, conn: Connection, run_pk: int, rows: Sequence[HistoryRow], stream: Stream = "history"
    ) -> None:
        self._fail()

    def keys(self, conn: Connection, run_pk: int, stream: Stream = "history") -> HistoryKeys:
        return self._fail()  # type: ignore[no-any-return]

    def series(self, conn: Connection, run_pk: int, query: SeriesQuery) -> list[Series]:
        return self._fail()  # type: ignore[no-any-return]

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
        return self._fail()  # type: ignore[no-any-return]

    def delete_run(self, conn: Connection, run_pk: int) -> None:
        # Nothing can have been stored without a history store: deleting a run must still work.
        return None


def _history_store() -> HistoryStore:
    # Imported by name so the metadata store works (and its tests run) without the history package.
    try:
        module = importlib.import_module(_HISTORY_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _HISTORY_MODULE:
            raise
        return _HistoryUnavailable()
    factory = getattr(module, _HISTORY_CLASS, None)
    if factory is None:
        return _HistoryUnavailable()
    store: HistoryStore = factory()
    return store


class SqlDatabase:
    """The ``Database`` Protocol on one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        name = engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported dialect {name}")
        self.dialect: Dialect = "sqlite" if name == "sqlite" else "postgresql"
        self.runs = SqlRunStore(self.dialect)
        self.users = SqlUserStore(self.dialect)
        self.files = SqlFileIndex(self.dialect)
        self.output = SqlOutputStore(self.dialect)
        self.history: HistoryStore = _history_store()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction, committed when the block exits cleanly, rolled back otherwise."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent snapshot on SQLite (WAL), and on PostgreSQL one
        the server refuses to write in."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(postgresql_readonly=True)
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        with self.begin() as conn:
            migrations.upgrade(conn)

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> SqlDatabase:
    """Open (and by default migrate to the newest schema) the database at ``url``:
    ``sqlite:///path/to/file.db`` or ``postgresql://user@host:5432/name``."""
    db = SqlDatabase(create_engine(url))
    if migrate:
        try:
            db.migrate()
        except BaseException:
            db.close()
            raise
    return db
