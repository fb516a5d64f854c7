"""Engine creation for SQLite and PostgreSQL: the connection settings both backends need.

SQLite is the zero-set-up backend of the local server, shared by several threads (and sometimes
several server processes), so each connection gets WAL (readers never block the writer), foreign
keys, a busy timeout, and write transactions that start with ``BEGIN IMMEDIATE``: a writer takes the
write lock up front instead of upgrading a read lock mid-transaction, which SQLite can only answer
with an immediate ``database is locked``. That follows SQLAlchemy's documented recipe: the driver's
own transaction handling is switched off and the ``begin`` event emits the statement.

JSON documents go through :func:`dumps_json`/:func:`loads_json`: JSON has no NaN or infinities,
which training runs produce all the time (a diverged loss), so non-finite floats are stored as the
strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` and turned back into floats when read.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from trackwell.schema.errors import InvalidArgument
from trackwell.store.sql.regex import sqlite_regexp

# Execution option that marks a connection's transaction as a write transaction.
WRITE_OPTION = "trackwell_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_NON_FINITE_MARKS = ('"NaN"', 'Infinity"')
_NON_FINITE_MARKS_B = (b'"NaN"', b'Infinity"')
# An integer of 19 digits or more (not the fraction or exponent of a float).
_LONG_DIGITS = re.compile(r"(?<![\d.eE+-])-?\d{19,}(?![\d.eE])")
_LONG_DIGITS_B = re.compile(rb"(?<![\d.eE+-])-?\d{19,}(?![\d.eE])")
# PostgreSQL refuses NUL in text and in JSON documents (jsonb has no \u0000), which would fail a
# whole record batch over one character. A NUL in a stored string becomes U+FFFD on every backend
# (so both read back the same): here for JSON documents, in `NulSafeText` for text columns. The
# pattern skips an escaped backslash followed by "u0000" (a user's literal text).
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")
_URL_HINT = "use sqlite:///path/to/trackwell.db or postgresql://user@host:5432/dbname"


def _encode(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps_json(value: Any) -> str:
    text = json.dumps(_encode(value), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return _JSON_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def loads_json(text: str | bytes) -> Any:
    # orjson parses the common document ~4x faster, but reads integers beyond 64 bits as floats
    # (losing digits a seed or an id may have): documents with an integer of 19 or more digits go to
    # the standard library. Only documents holding a non-finite float's string need the walk that turns
    # those strings back into floats.
    long_digits = _LONG_DIGITS_B if isinstance(text, bytes) else _LONG_DIGITS
    value = json.loads(text) if long_digits.search(text) else orjson.loads(text)  # type: ignore[arg-type]
    marks = _NON_FINITE_MARKS_B if isinstance(text, bytes) else _NON_FINITE_MARKS
    if any(mark in text for mark in marks):  # type: ignore[operator]
        return _decode(value)
    return value


def parse_database_url(url: str) -> URL:
    """Parse and normalise a database URL; errors never echo the URL (it may hold a password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidArgument(
            "the database URL is not a valid URL", field="database_url", hint=_URL_HINT
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite":
        return parsed
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            return parsed.set(drivername="postgresql+psycopg")
        if driver == "psycopg":
            return parsed
        raise InvalidArgument(
            f"PostgreSQL driver {driver!r} is not supported",
            field="database_url",
            hint="use postgresql:// or postgresql+psycopg:// (psycopg 3, pip install 'trackwell[postgres]')",
        )
    raise InvalidArgument(
        f"unsupported database URL scheme {parsed.drivername!r}", field="database_url", hint=_URL_HINT
    )


def create_engine(url: str) -> Engine:
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return sa.create_engine(
            parsed, pool_pre_ping=True, json_serializer=dumps_json, json_deserializer=loads_json
        )
    except ModuleNotFoundError as exc:
        raise InvalidArgument(
            f"PostgreSQL needs the {exc.name!r} package, which is not installed",
            field="database_url",
            hint="pip install 'trackwell[postgres]'",
        ) from None


def _enable_wal(cursor: Any) -> None:
    """Switch the database to WAL. The switch needs an exclusive lock, and SQLite answers a
    conflicting one with an immediate ``database is locked`` instead of waiting in the busy handler
    (so servers opening a fresh database at the same moment would fail). Retry with backoff for up
    to the busy timeout; once the file is in WAL mode (persistent), the pragma takes no lock."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:
        # One shared connection: an in-memory database exists only inside its connection. Good for
        # single-threaded tests; anything concurrent needs a file.
        engine = sa.create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            json_serializer=dumps_json,
            json_deserializer=loads_json,
        )
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_serializer=dumps_json,
            json_deserializer=loads_json,
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
        # Stop the sqlite3 module from emitting BEGIN itself; _on_begin emits the right one.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if not in_memory:
            _enable_wal(cursor)
            # WAL + NORMAL is durable across application crashes; only an OS crash can lose the
            # last transactions, never corrupt the database.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        dbapi_conn.create_function("regexp", 2, sqlite_regexp, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = bool(conn.get_execution_options().get(WRITE_OPTION, False))
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
