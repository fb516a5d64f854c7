"""A parsed row filter (:mod:`trackwell.schema.tables` nodes) compiled to a DuckDB boolean SQL
expression with bound parameters.

Nothing from the user reaches the SQL text: literals become named parameters (``$p0``), and a
``row["column"]`` becomes the columnar copy's own identifier for that column (``"c3"``), looked up
by exact name among the table's columns (an unknown name is an ``InvalidArgument``). Semantics:

* ``==``/``!=`` are strict: values of different kinds are never equal, except two empties;
* ``< <= > >=`` hold only between two numbers or two strings, and are false with an empty cell;
* ``a in b`` is a substring test for two strings, membership for a list, false otherwise;
* a bare value is a condition by truthiness (empty, false, 0, NaN, "" and [] are false).

Every compiled condition is ``TRUE`` or ``FALSE``, never ``NULL``, so ``not`` is plain ``NOT``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import BoolOp, Cmp, Col, ColumnKind, Expr, Lit, Not

Kind = ColumnKind | Literal["null"]


@dataclass(frozen=True, slots=True)
class SqlColumn:
    ident: str  # a safe identifier of the columnar copy (``c0``, ``c1``, ...), never user text
    kind: ColumnKind


@dataclass(frozen=True, slots=True)
class _Operand:
    sql: str
    kind: Kind
    constant: bool = False  # a literal: its truthiness is known here


@dataclass(slots=True)
class _Compiler:
    columns: Mapping[str, SqlColumn]
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def condition(self, node: Expr) -> str:
        if isinstance(node, BoolOp):
            op = "AND" if node.op == "and" else "OR"
            return f"({self.condition(node.left)} {op} {self.condition(node.right)})"
        if isinstance(node, Not):
            return f"(NOT {self.condition(node.operand)})"
        if isinstance(node, Cmp):
            return self.compare(node)
        return _truthy(self.operand(node))

    def operand(self, node: Expr) -> _Operand:
        if isinstance(node, Lit):
            return self.literal(node.value)
        if isinstance(node, Col):
            column = self.columns.get(node.name)
            if column is None:
                known = ", ".join(repr(c) for c in self.columns)
                raise InvalidArgument(
                    f"unknown column {node.name!r} in the filter",
                    field="filter",
                    hint=f"the table's columns are {known}",
                )
            return _Operand(f'"{column.ident}"', column.kind)
        return _Operand(self.condition(node), "boolean")

    def literal(self, value: Any) -> _Operand:
        if value is None:
            return _Operand("NULL", "null", constant=True)
        if isinstance(value, bool):
            return _Operand("TRUE" if value else "FALSE", "boolean", constant=True)
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                return _Operand(f"CAST({self.param(str(value))} AS DOUBLE)", "number", constant=True)
            cast = "BIGINT" if isinstance(value, int) and abs(value) < 2**63 else "DOUBLE"
            return _Operand(f"CAST({self.param(value)} AS {cast})", "number", constant=True)
        return _Operand(f"CAST({self.param(str(value))} AS VARCHAR)", "string", constant=True)

    def compare(self, node: Cmp) -> str:
        left, right = self.operand(node.left), self.operand(node.right)
        if node.op in ("==", "!="):
            eq = _equal(left, right)
            return eq if node.op == "==" else f"(NOT {eq})"
        if node.op in ("in", "not in"):
            inside = self.contains(left, right)
            return inside if node.op == "in" else f"(NOT {inside})"
        if left.kind == right.kind and left.kind in ("number", "string"):
            return f"COALESCE({left.sql} {node.op} {right.sql}{_no_nan(left, right)}, FALSE)"
        return "FALSE"

    def contains(self, needle: _Operand, hay: _Operand) -> str:
        if hay.kind == "string" and needle.kind == "string":
            return f"COALESCE(strpos({hay.sql}, {needle.sql}) > 0, FALSE)"
        if hay.kind == "json":
            item = "CAST('null' AS JSON)" if needle.kind == "null" else f"to_json({needle.sql})"
            return f"COALESCE(list_contains(TRY_CAST({hay.sql} AS JSON[]), {item}), FALSE)"
        return "FALSE"


def _no_nan(left: _Operand, right: _Operand) -> str:
    """JavaScript orders nothing against NaN; DuckDB sorts NaN above every number."""
    if left.kind != "number":
        return ""
    return f" AND NOT isnan({left.sql}) AND NOT isnan({right.sql})"


def _equal(left: _Operand, right: _Operand) -> str:
    if left.kind == "null" or right.kind == "null":
        other = right if left.kind == "null" else left
        return "TRUE" if other.kind == "null" else f"({other.sql} IS NULL)"
    both_empty = f"({left.sql} IS NULL AND {right.sql} IS NULL)"
    if left.kind != right.kind:
        if "json" in (left.kind, right.kind):  # a mixed column compares by JSON text
            a, b = (_as_json(x) for x in (left, right))
            return f"COALESCE({a} = {b}, {both_empty})"
        return both_empty
    extra = f" AND NOT isnan({left.sql})" if left.kind == "number" else ""
    return f"COALESCE({left.sql} = {right.sql}{extra}, {both_empty})"


def _as_json(operand: _Operand) -> str:
    return operand.sql if operand.kind == "json" else f"CAST(to_json({operand.sql}) AS VARCHAR)"


def _truthy(operand: _Operand) -> str:
    sql, kind = operand.sql, operand.kind
    if kind == "null":
        return "FALSE"
    if kind == "boolean":
        return f"COALESCE({sql}, FALSE)"
    if kind == "number":
        return f"COALESCE({sql} <> 0 AND NOT isnan({sql}), FALSE)"
    if kind == "string":
        return f"COALESCE({sql} <> '', FALSE)"
    return f"COALESCE({sql} NOT IN ('[]', '\"\"', '0', '0.0', 'false', 'null', 'NaN'), FALSE)"


def compile_filter(expr: Expr, columns: Mapping[str, SqlColumn]) -> tuple[str, dict[str, Any]]:
    """``(sql, params)``: a boolean SQL expression over the columnar copy and its parameters."""
    compiler = _Compiler(columns)
    sql = compiler.condition(expr)
    used = set(re.findall(r"\$(p\d+)\b", sql))  # a comparison known to be false drops its operands
    return sql, {k: v for k, v in compiler.params.items() if k in used}
