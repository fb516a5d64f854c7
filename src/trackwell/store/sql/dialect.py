"""The one place that branches on SQLite versus PostgreSQL: upserts and reads inside JSON.

Everything else builds dialect-neutral SQLAlchemy Core and calls in here where the two databases
need different SQL: ``INSERT ... ON CONFLICT`` comes from each dialect's own ``insert``, and JSON
values are reached with ``json_extract``/``json_type`` on SQLite and ``jsonb_extract_path``/
``jsonb_typeof`` on PostgreSQL. JSON accessors return NULL unless the stored value has the asked-for
JSON type, so a comparison never mixes a number with a string (``10 > "9"``) and never fails a cast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB

from trackwell.schema.errors import InvalidArgument

Dialect = Literal["sqlite", "postgresql"]
Insert = sqlite.Insert | postgresql.Insert


def insert(dialect: Dialect, table: Table) -> Insert:
    """An ``INSERT`` that supports ``on_conflict_do_update``/``on_conflict_do_nothing``."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def upsert(dialect: Dialect, table: Table, keys: Sequence[str], columns: Sequence[str]) -> sa.Executable:
    """Insert a row, or overwrite ``columns`` of the row with the same ``keys``. Execute it with one
    parameter dict (or a list of them, for a batch)."""
    stmt = insert(dialect, table)
    updates = {name: stmt.excluded[name] for name in columns if name not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)


@dataclass(frozen=True, slots=True)
class JsonValue:
    """Typed views of one value inside a JSON column; each is NULL unless the type matches."""

    exists: ColumnElement[bool]
    is_null: ColumnElement[bool]
    number: ColumnElement[float]
    string: ColumnElement[str]
    boolean: ColumnElement[bool]


def json_value(
    dialect: Dialect, column: ColumnElement[Any], keys: Sequence[str], *, fallback_to_parent: bool = False
) -> JsonValue:
    """The value at ``keys`` in ``column``. With ``fallback_to_parent``, a missing last key means the
    parent value: wandb clients address ``config.lr.value`` while we store ``config.lr`` unwrapped."""
    if not keys:
        raise InvalidArgument("a JSON path needs at least one key", field="filters", hint="e.g. config.lr")
    if dialect == "postgresql":
        return _pg_json_value(column, keys, fallback_to_parent)
    return _sqlite_json_value(column, keys, fallback_to_parent)


def _sqlite_path(keys: Sequence[str]) -> str:
    for key in keys:
        if '"' in key:
            raise InvalidArgument(
                f"JSON key {key!r} contains a double quote", field="filters", hint="rename the key"
            )
    return "$" + "".join(f'."{key}"' for key in keys)


def _sqlite_json_value(column: ColumnElement[Any], keys: Sequence[str], fallback: bool) -> JsonValue:
    path: ColumnElement[str] = sa.literal(_sqlite_path(keys), sa.String)
    if fallback and len(keys) > 1:
        parent = sa.literal(_sqlite_path(keys[:-1]), sa.String)
        path = sa.case((sa.func.json_type(column, path).is_(None), parent), else_=path)
    kind = sa.func.json_type(column, path, type_=sa.String)
    raw = sa.func.json_extract(column, path)
    return JsonValue(
        exists=kind.is_not(None),
        is_null=kind == "null",
        number=sa.case((kind.in_(("integer", "real")), raw), else_=sa.null()).cast(sa.Double),
        string=sa.case((kind == "text", raw), else_=sa.null()).cast(sa.String),
        boolean=sa.case((kind.in_(("true", "false")), kind == "true"), else_=sa.null()),
    )


def _pg_json_value(column: ColumnElement[Any], keys: Sequence[str], fallback: bool) -> JsonValue:
    def at(path: Sequence[str]) -> tuple[ColumnElement[Any], ColumnElement[str]]:
        # "->" with a text key, not jsonb_extract_path: that one also indexes arrays ("layers.0"),
        # which SQLite's JSON paths (and the browser's filter) do not.
        parent: ColumnElement[Any] = column
        for key in path[:-1]:
            parent = parent.op("->", return_type=JSONB)(sa.cast(sa.literal(key), sa.Text))
        last = sa.cast(sa.literal(path[-1]), sa.Text)
        return parent.op("->", return_type=JSONB)(last), parent.op("->>", return_type=sa.Text)(last)

    value, text = at(keys)
    if fallback and len(keys) > 1:
        parent_value, parent_text = at(keys[:-1])
        missing = value.is_(None)
        value, text = (
            sa.case((missing, parent_value), else_=value),
            sa.case((missing, parent_text), else_=text),
        )
    kind = sa.func.jsonb_typeof(value, type_=sa.Text)
    return JsonValue(
        exists=value.is_not(None),
        is_null=kind == "null",
        number=sa.case((kind == "number", sa.cast(text, sa.Double)), else_=sa.null()),
        string=sa.case((kind == "string", text), else_=sa.null()),
        boolean=sa.case((kind == "boolean", text == "true"), else_=sa.null()),
    )


def any_element(
    dialect: Dialect,
    column: ColumnElement[Any],
    predicate: Callable[[ColumnElement[str]], ColumnElement[bool]],
) -> ColumnElement[bool]:
    """True when some string element of the JSON array ``column`` satisfies ``predicate``."""
    if dialect == "postgresql":
        elements = (
            sa.func.jsonb_array_elements_text(column).table_valued("value", name="elem").render_derived()
        )
        return sa.exists().where(predicate(elements.c.value))
    each = sa.func.json_each(column).table_valued("value", name="elem")
    return sa.exists().where(predicate(each.c.value))


def fetch_all(conn: sa.Connection, stmt: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``stmt``, for reads that move many bytes (history chunks).

    On PostgreSQL the rows come in binary format: psycopg's default text format sends ``bytea``
    hex-encoded (twice the bytes, decoded in Python), which made a downsampled read of a
    million-point series 3-4x slower than on SQLite. The statement runs on the same connection, so
    inside the caller's transaction and snapshot.
    """
    if conn.dialect.name != "postgresql":
        return [tuple(row) for row in conn.execute(stmt)]
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    driver: Any = conn.connection.driver_connection
    with driver.cursor(binary=True) as cursor:
        cursor.execute(str(compiled), compiled.params)
        return list(cursor.fetchall())
