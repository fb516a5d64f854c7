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

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from trackwell.store import migrations
from trackwell.store.base import HistoryStore
from trackwell.store.history import SqlHistoryStore
from trackwell.store.sql.alert_rules import SqlAlertRuleStore
from trackwell.store.sql.alerts import SqlAlertStore
from trackwell.store.sql.artifacts import SqlArtifactStore
from trackwell.store.sql.comments import SqlCommentStore
from trackwell.store.sql.dialect import Dialect
from trackwell.store.sql.engine import WRITE_OPTION, create_engine
from trackwell.store.sql.files import SqlFileIndex, SqlOutputStore
from trackwell.store.sql.layouts import SqlLayoutStore
from trackwell.store.sql.report_links import SqlReportLinkStore
from trackwell.store.sql.reports import SqlReportStore
from trackwell.store.sql.runs import SqlRunStore
from trackwell.store.sql.sweeps import SqlSweepStore
from trackwell.store.sql.users import SqlUserStore
from trackwell.store.sql.views import SqlViewStore
from trackwell.store.sql.wandb_uploads import SqlWandbUploadIndex


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
        self.history: HistoryStore = SqlHistoryStore()
        self.layouts = SqlLayoutStore(self.dialect)
        self.alerts = SqlAlertStore()
        self.alert_rules = SqlAlertRuleStore(self.dialect)
        self.artifacts = SqlArtifactStore(self.dialect)
        self.sweeps = SqlSweepStore(self.dialect)
        self.views = SqlViewStore(self.dialect)
        self.reports = SqlReportStore(self.dialect)
        self.report_links = SqlReportLinkStore(self.dialect)
        self.comments = SqlCommentStore(self.dialect)
        self.wandb_uploads = SqlWandbUploadIndex(self.dialect)

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
