"""MongoDB-style run filters and orderings, compiled to SQL expressions.

wandb's ``Api().runs(filters=...)`` sends a MongoDB-style document; the runs table and the API accept
the same. It compiles to one SQLAlchemy expression evaluated by the database, so a query over a
project with 100k runs never loads them into Python.

Semantics follow MongoDB where it matters to users:

* a field compared with a value of another JSON type does not match (``{"config.lr": {"$gt": 1}}``
  skips runs whose ``lr`` is a string), and comparisons are numeric for numbers;
* ``{"field": None}`` matches null and missing values; ``$ne`` and ``$nin`` match missing values;
* ``{"tags": "x"}`` means "x is one of the tags".

Every predicate is built never to be SQL NULL (three-valued logic would make ``$nor``/``$ne`` drop
runs that lack the field), which is why leaves are wrapped in ``coalesce(..., false)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Table
from sqlalchemy.sql.elements import UnaryExpression

from trackwell.schema.errors import InvalidArgument
from trackwell.store.sql.dialect import Dialect, JsonValue, any_element, json_value
from trackwell.store.sql.regex import filter_regex
from trackwell.store.sql.tables import runs

ColumnKind = Literal["string", "number", "time"]

# API field name (wandb's camelCase spellings included) -> (column, kind).
_COLUMNS: dict[str, tuple[str, ColumnKind]] = {
    "state": ("state", "string"),
    "display_name": ("display_name", "string"),
    "displayName": ("display_name", "string"),
    "name": ("display_name", "string"),
    "run_id": ("run_id", "string"),
    "id": ("run_id", "string"),
    "group": ("group_name", "string"),
    "job_type": ("job_type", "string"),
    "jobType": ("job_type", "string"),
    "host": ("host", "string"),
    "notes": ("notes", "string"),
    "sweep_id": ("sweep_id", "string"),
    "sweep": ("sweep_id", "string"),
    "created_at": ("created_at", "time"),
    "createdAt": ("created_at", "time"),
    "updated_at": ("updated_at", "time"),
    "updatedAt": ("updated_at", "time"),
    "heartbeat_at": ("heartbeat_at", "time"),
    "heartbeatAt": ("heartbeat_at", "time"),
    "finished_at": ("finished_at", "time"),
    "runtime": ("runtime", "number"),
    "duration": ("runtime", "number"),
    "exit_code": ("exit_code", "number"),
    "last_step": ("last_step", "number"),
    "history_count": ("history_count", "number"),
}
# ``{"archived": true}``: archived runs; a filter that never names it leaves archived runs out.
ARCHIVED_FIELD = "archived"
# JSON columns addressed as "<prefix>.<dotted path>".
_JSON_PREFIXES = {"config": "config", "summary_metrics": "summary", "summary": "summary"}
_COMPARISONS = {"$gt": "__gt__", "$gte": "__ge__", "$lt": "__lt__", "$lte": "__le__"}
_FIELD_OPERATORS = ("$eq", "$ne", *_COMPARISONS, "$in", "$nin", "$regex", "$exists")
_LOGICAL_OPERATORS = ("$and", "$or", "$nor")
VALID_FIELDS_HINT = (
    "valid fields: state, display_name (displayName, name), run_id (id), group, job_type (jobType), tags, "
    "notes, host, "
    "sweep_id (sweep), created_at (createdAt), updated_at, heartbeat_at (heartbeatAt), finished_at, "
    "runtime (duration), exit_code, last_step, history_count, archived (true/false), archived_at, "
    "config.<path>, summary_metrics.<path>"
)


def names_archived(filters: Any) -> bool:
    """Whether a filter document says anything about archived runs (``archived``/``archived_at``
    anywhere in it); a filter that does not shows only runs that are not archived."""
    if isinstance(filters, dict):
        return any(k in (ARCHIVED_FIELD, "archived_at") or names_archived(v) for k, v in filters.items())
    if isinstance(filters, list):
        return any(names_archived(v) for v in filters)
    return False


def _definite(expr: ColumnElement[Any]) -> ColumnElement[bool]:
    return sa.func.coalesce(expr, sa.false(), type_=sa.Boolean)


def _bad(message: str, hint: str) -> InvalidArgument:
    return InvalidArgument(message, field="filters", hint=hint)


class _Target(Protocol):
    """Something a filter can compare: a column, the tags list or a value inside JSON."""

    def eq(self, value: Any) -> ColumnElement[bool]: ...

    def compare(self, op: str, value: Any) -> ColumnElement[bool]: ...

    def regex(self, pattern: str) -> ColumnElement[bool]: ...

    def exists(self) -> ColumnElement[bool]: ...

    def order(self, descending: bool) -> list[UnaryExpression[Any]]: ...


def _bytewise(dialect: Dialect, expr: ColumnElement[str]) -> ColumnElement[str]:
    """Strings order by code point, as MongoDB and the browser compare them: PostgreSQL would use the
    database's collation (in en_US, "beta" < "Beta" < "c"); SQLite compares bytes already."""
    return expr.collate("C") if dialect == "postgresql" else expr


def _direction(expr: ColumnElement[Any], descending: bool) -> UnaryExpression[Any]:
    return (expr.desc() if descending else expr.asc()).nulls_last()


@dataclass(frozen=True, slots=True)
class _ColumnTarget:
    name: str
    column: ColumnElement[Any]
    kind: ColumnKind
    dialect: Dialect

    def _operand(self, value: Any) -> Any:
        if self.kind == "string" and isinstance(value, str):
            return value
        if self.kind != "string" and isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if self.kind == "time" and isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise _bad(f"{self.name}: {value!r} is not a time", "use epoch seconds or ISO-8601") from None
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        expected = {"string": "a string", "number": "a number", "time": "epoch seconds or an ISO-8601 string"}
        raise _bad(
            f"{self.name} compares with {expected[self.kind]}, got {value!r}", "change the value's type"
        )

    def eq(self, value: Any) -> ColumnElement[bool]:
        if value is None:
            return self.column.is_(None)
        return _definite(self.column == self._operand(value))

    def compare(self, op: str, value: Any) -> ColumnElement[bool]:
        column = _bytewise(self.dialect, self.column) if self.kind == "string" else self.column
        return _definite(getattr(column, _COMPARISONS[op])(self._operand(value)))

    def regex(self, pattern: str) -> ColumnElement[bool]:
        if self.kind != "string":
            raise _bad(f"$regex does not apply to {self.name}", "use $gt/$lt for numbers and times")
        return _definite(self.column.regexp_match(pattern))

    def exists(self) -> ColumnElement[bool]:
        return self.column.is_not(None)

    def order(self, descending: bool) -> list[UnaryExpression[Any]]:
        return [_direction(self.column, descending)]


@dataclass(frozen=True, slots=True)
class _TagsTarget:
    dialect: Dialect

    def _any(self, predicate: Callable[[ColumnElement[str]], ColumnElement[bool]]) -> ColumnElement[bool]:
        return any_element(self.dialect, runs.c.tags, predicate)

    def eq(self, value: Any) -> ColumnElement[bool]:
        if value is None:
            return sa.not_(self.exists())
        if not isinstance(value, str):
            raise _bad(
                f"tags holds strings, got {value!r}", 'e.g. {"tags": "baseline"} or {"tags": {"$in": [...]}}'
            )
        return self._any(lambda tag: tag == value)

    def compare(self, op: str, value: Any) -> ColumnElement[bool]:
        raise _bad(f"{op} does not apply to tags", "use $in, $nin, $eq, $ne or $regex")

    def regex(self, pattern: str) -> ColumnElement[bool]:
        return self._any(lambda tag: _definite(tag.regexp_match(pattern)))

    def exists(self) -> ColumnElement[bool]:
        return self._any(lambda tag: tag.is_not(None))

    def order(self, descending: bool) -> list[UnaryExpression[Any]]:
        raise InvalidArgument("runs cannot be ordered by tags", field="order", hint=VALID_FIELDS_HINT)


@dataclass(frozen=True, slots=True)
class _ArchivedTarget:
    """``archived``: true for runs with an ``archived_at``, false for the others."""

    column: ColumnElement[Any]

    def eq(self, value: Any) -> ColumnElement[bool]:
        if not isinstance(value, bool):
            raise _bad(f"archived is true or false, got {value!r}", '{"archived": true}')
        return self.column.is_not(None) if value else self.column.is_(None)

    def compare(self, op: str, value: Any) -> ColumnElement[bool]:
        raise _bad(f"{op} does not apply to archived", 'use {"archived": true}, or archived_at with $gt/$lt')

    def regex(self, pattern: str) -> ColumnElement[bool]:
        raise _bad("$regex does not apply to archived", '{"archived": true}')

    def exists(self) -> ColumnElement[bool]:
        return sa.true()

    def order(self, descending: bool) -> list[UnaryExpression[Any]]:
        return [_direction(self.column, descending)]


@dataclass(frozen=True, slots=True)
class _JsonTarget:
    name: str
    value: JsonValue
    dialect: Dialect

    def eq(self, value: Any) -> ColumnElement[bool]:
        if value is None:
            return sa.or_(sa.not_(self.value.exists), _definite(self.value.is_null))
        if isinstance(value, bool):
            return _definite(self.value.boolean == value)
        if isinstance(value, int | float):
            return _definite(self.value.number == float(value))
        if isinstance(value, str):
            return _definite(self.value.string == value)
        raise _bad(
            f"{self.name}: cannot compare with {type(value).__name__} {value!r}",
            "compare nested values one by one with a dotted path, e.g. config.optimizer.name",
        )

    def compare(self, op: str, value: Any) -> ColumnElement[bool]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _definite(getattr(self.value.number, _COMPARISONS[op])(float(value)))
        if isinstance(value, str):
            return _definite(getattr(_bytewise(self.dialect, self.value.string), _COMPARISONS[op])(value))
        raise _bad(f"{self.name}: {op} needs a number or a string, got {value!r}", "change the value")

    def regex(self, pattern: str) -> ColumnElement[bool]:
        return _definite(self.value.string.regexp_match(pattern))

    def exists(self) -> ColumnElement[bool]:
        return self.value.exists

    def order(self, descending: bool) -> list[UnaryExpression[Any]]:
        # Numbers in numeric order first, then strings; runs without the value last.
        return [_direction(self.value.number, descending), _direction(self.value.string, descending)]


class RunFilter:
    """Compiles filters and orderings for the runs table of one dialect."""

    def __init__(self, dialect: Dialect, table: Table = runs) -> None:
        self._dialect = dialect
        self._table = table

    def where(self, filters: dict[str, Any] | None) -> ColumnElement[bool]:
        """The filter, and "not archived" unless it names ``archived`` (``names_archived``)."""
        if not names_archived(filters):
            return sa.and_(self._table.c.archived_at.is_(None), self._document_or_all(filters))
        return self._document_or_all(filters)

    def _document_or_all(self, filters: dict[str, Any] | None) -> ColumnElement[bool]:
        if filters is None:
            return sa.true()
        if not isinstance(filters, dict):
            raise _bad(
                f"filters must be a JSON object, got {type(filters).__name__}", '{"state": "finished"}'
            )
        return self._document(filters)

    def order_by(self, order: str | None) -> list[UnaryExpression[Any]]:
        """``[+|-]field``; ties (and equal values) fall back to the run's primary key."""
        spec = (order or "-created_at").strip()
        descending = spec.startswith("-")
        name = spec.lstrip("+-").strip()
        if not name:
            raise InvalidArgument(f"order {order!r} names no field", field="order", hint="e.g. -created_at")
        try:
            target = self.target(name)
        except InvalidArgument as exc:
            raise InvalidArgument(exc.message, field="order", hint=exc.hint) from None
        pk = self._table.c.id
        return [*target.order(descending), pk.desc() if descending else pk.asc()]

    def target(self, name: str) -> _Target:
        if name in _COLUMNS:
            column, kind = _COLUMNS[name]
            return _ColumnTarget(name, self._table.c[column], kind, self._dialect)
        if name == "tags":
            return _TagsTarget(self._dialect)
        if name == ARCHIVED_FIELD:
            return _ArchivedTarget(self._table.c.archived_at)
        if name == "archived_at":  # not a filter box field (schema/quick_filter.py): API filters only
            return _ColumnTarget(name, self._table.c.archived_at, "time", self._dialect)
        prefix, _, path = name.partition(".")
        if prefix in _JSON_PREFIXES and path:
            keys = path.split(".")
            if any(not key for key in keys):
                raise _bad(f"field {name!r} has an empty path segment", "e.g. config.optimizer.lr")
            value = json_value(
                self._dialect,
                self._table.c[_JSON_PREFIXES[prefix]],
                keys,
                fallback_to_parent=prefix == "config" and keys[-1] == "value",
            )
            return _JsonTarget(name, value, self._dialect)
        raise _bad(f"unknown filter field {name!r}", VALID_FIELDS_HINT)

    def _document(self, doc: dict[str, Any]) -> ColumnElement[bool]:
        clauses = [self._entry(key, value) for key, value in doc.items()]
        return sa.and_(sa.true(), *clauses)

    def _entry(self, key: str, value: Any) -> ColumnElement[bool]:
        if not isinstance(key, str):
            raise _bad(f"filter keys are strings, got {key!r}", VALID_FIELDS_HINT)
        if key.startswith("$"):
            return self._logical(key, value)
        return self._field(key, value)

    def _logical(self, op: str, value: Any) -> ColumnElement[bool]:
        if op not in _LOGICAL_OPERATORS:
            raise _bad(
                f"unknown operator {op!r} at the top level",
                f"top-level operators: {', '.join(_LOGICAL_OPERATORS)}; field operators: "
                f"{', '.join(_FIELD_OPERATORS)}",
            )
        if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
            raise _bad(f"{op} needs a list of filter objects", f'e.g. {{"{op}": [{{"state": "running"}}]}}')
        parts = [self._document(d) for d in value]
        if op == "$and":
            return sa.and_(sa.true(), *parts)
        any_part = sa.or_(sa.false(), *parts)
        return any_part if op == "$or" else sa.not_(any_part)

    def _field(self, name: str, condition: Any) -> ColumnElement[bool]:
        target = self.target(name)
        is_operator_doc = isinstance(condition, dict) and any(str(k).startswith("$") for k in condition)
        if not is_operator_doc:
            return target.eq(condition)
        if not all(str(k).startswith("$") for k in condition):
            raise _bad(f"{name}: mixes operators and plain keys", 'use either {"$gt": 1} or a dotted path')
        ops = dict(condition)
        options = ops.pop("$options", None)
        if options is not None and "$regex" not in ops:
            raise _bad(f"{name}: $options without $regex", "add $regex or drop $options")
        return sa.and_(sa.true(), *(self._operator(name, target, op, v, options) for op, v in ops.items()))

    def _operator(self, name: str, target: _Target, op: str, value: Any, options: Any) -> ColumnElement[bool]:
        if op == "$eq":
            return target.eq(value)
        if op == "$ne":
            return sa.not_(target.eq(value))
        if op in _COMPARISONS:
            return target.compare(op, value)
        if op in ("$in", "$nin"):
            members = _list_operand(name, op, value)
            matches = sa.or_(sa.false(), *(target.eq(v) for v in members))
            return matches if op == "$in" else sa.not_(matches)
        if op == "$regex":
            return target.regex(filter_regex(value, options))
        if op == "$exists":
            if not isinstance(value, bool):
                raise _bad(f"{name}: $exists needs true or false, got {value!r}", '{"$exists": true}')
            return target.exists() if value else sa.not_(target.exists())
        raise _bad(f"{name}: unknown operator {op!r}", f"valid operators: {', '.join(_FIELD_OPERATORS)}")


def _list_operand(name: str, op: str, value: Any) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _bad(f"{name}: {op} needs a list, got {value!r}", f'e.g. {{"{op}": ["a", "b"]}}')
    return value
