"""The table viewer's row filter language: its one parser. The viewer sends what was typed and shows
this parser's error (position and what was expected) as it is::

    row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]
    not (row["label"] == "cat" or row["label"] in "dog bird")

Comparisons (``== != < <= > >=``, ``in``/``not in`` for substrings and lists), ``and``/``or``/``not``
(also ``&& || !``), parentheses, string and number literals, ``true``/``false``/``null`` (``True``/
``False``/``None`` too) and ``row["column"]``. A small hand-written tokenizer and recursive-descent
parser build a tree of :mod:`trackwell.schema.tables` nodes; the user's text is never evaluated
as Python nor pasted into SQL. Errors are ``InvalidArgument(field="filter")`` naming the 1-based
position and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import BoolOp, Cmp, CmpOp, Col, Expr, Lit, Not

ALLOWED = (
    'allowed: row["column"], numbers, "strings", true/false/null, == != < <= > >= in, and/or/not, parentheses'
)
MAX_LENGTH = 10_000
MAX_DEPTH = 100

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TWO = ("==", "!=", "<=", ">=", "&&", "||")
_ONE = "<>()[]!-,."
_ORDER = ("==", "!=", "<", "<=", ">", ">=")
_KEYWORDS: dict[str, Lit] = {
    "true": Lit(True),
    "True": Lit(True),
    "false": Lit(False),
    "False": Lit(False),
    "null": Lit(None),
    "None": Lit(None),
}
_ESCAPES = {"n": "\n", "t": "\t"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["num", "str", "id", "op", "end"]
    value: str | float
    pos: int  # 0-based offset in the source


class ExprError(InvalidArgument):
    """A filter the parser refuses; ``pos`` is 0-based, the message counts from 1."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message, field="filter", hint=ALLOWED)
        self.pos = pos


def _string(src: str, start: int) -> tuple[str, int]:
    quote, i = src[start], start + 1
    out: list[str] = []
    while True:
        if i >= len(src):
            raise ExprError(f"unterminated string starting at {start + 1}", start)
        c = src[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\":
            e = src[i + 1] if i + 1 < len(src) else ""
            out.append(_ESCAPES.get(e, e))
            i += 2
            continue
        out.append(c)
        i += 1


def tokenize(src: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c.isspace():
            i += 1
            continue
        if c.isascii() and (c.isdigit() or (c == "." and src[i + 1 : i + 2].isdigit())):
            m = _NUMBER.match(src, i)
            text = m.group(0) if m else c
            out.append(Token("num", float(text), i))
            i += len(text)
            if i < len(src) and (src[i].isascii() and (src[i].isalpha() or src[i] == "_")):
                raise ExprError(f'unexpected "{src[i]}" after number at {i + 1}', i)
            continue
        if c in "\"'":
            value, end = _string(src, i)
            out.append(Token("str", value, i))
            i = end
            continue
        m = _NAME.match(src, i)
        if m:
            out.append(Token("id", m.group(0), i))
            i = m.end()
            continue
        if src[i : i + 2] in _TWO:
            out.append(Token("op", src[i : i + 2], i))
            i += 2
            continue
        if c == "=":
            raise ExprError(f'"=" at {i + 1}: compare with ==', i)
        if c in _ONE:
            out.append(Token("op", c, i))
            i += 1
            continue
        raise ExprError(f'unexpected character "{c}" at {i + 1} ({ALLOWED})', i)
    out.append(Token("end", "", len(src)))
    return out


def _describe(t: Token) -> str:
    if t.kind == "end":
        return "end of expression"
    if t.kind == "str":
        return f"string {_js_quote(str(t.value))}"
    if t.kind == "num":
        return f'"{_number(float(t.value))}"'
    return f'"{t.value}"'


def _js_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(v: float) -> int | float:
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


class _Parser:
    def __init__(self, tokens: list[Token], columns: Collection[str] | None) -> None:
        self._toks = tokens
        self._i = 0
        self._columns = columns
        self._depth = 0

    def _peek(self, ahead: int = 0) -> Token:
        return self._toks[min(self._i + ahead, len(self._toks) - 1)]

    def _next(self) -> Token:
        t = self._peek()
        self._i += 1
        return t

    def _is(self, kind: str, value: str) -> bool:
        t = self._peek()
        return t.kind == kind and t.value == value

    def _expect(self, value: str) -> None:
        t = self._next()
        if t.kind != "op" or t.value != value:
            raise ExprError(f'expected "{value}" at {t.pos + 1}, found {_describe(t)}', t.pos)

    def parse(self) -> Expr:
        if self._peek().kind == "end":
            raise ExprError("empty expression", 0)
        e = self._or()
        t = self._peek()
        if t.kind != "end":
            raise ExprError(f"unexpected {_describe(t)} at {t.pos + 1}: join conditions with and/or", t.pos)
        return e

    def _or(self) -> Expr:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            t = self._peek()
            raise ExprError(f"expression nests deeper than {MAX_DEPTH} levels at {t.pos + 1}", t.pos)
        left = self._and()
        while self._is("id", "or") or self._is("op", "||"):
            self._next()
            left = BoolOp("or", left, self._and())
        self._depth -= 1
        return left

    def _and(self) -> Expr:
        left = self._not()
        while self._is("id", "and") or self._is("op", "&&"):
            self._next()
            left = BoolOp("and", left, self._not())
        return left

    def _not(self) -> Expr:
        if self._is("id", "not") or self._is("op", "!"):
            t = self._next()
            if self._depth + 1 > MAX_DEPTH:
                raise ExprError(f"expression nests deeper than {MAX_DEPTH} levels at {t.pos + 1}", t.pos)
            self._depth += 1
            operand = self._not()
            self._depth -= 1
            return Not(operand)
        return self._cmp()

    def _cmp(self) -> Expr:
        left = self._primary()
        t = self._peek()
        op: CmpOp | None = None
        if t.kind == "op" and t.value in _ORDER:
            op = t.value  # type: ignore[assignment]
        elif self._is("id", "in"):
            op = "in"
        elif self._is("id", "not") and self._peek(1).kind == "id" and self._peek(1).value == "in":
            self._next()
            op = "not in"
        if op is None:
            return left
        self._next()
        right = self._primary()
        after = self._peek()
        if after.kind == "op" and after.value in _ORDER:
            raise ExprError(f"chained comparison at {after.pos + 1}: write a < b and b < c", after.pos)
        return Cmp(op, left, right)

    def _primary(self) -> Expr:
        t = self._next()
        if t.kind == "num":
            return self._no_call(Lit(_number(float(t.value))))
        if t.kind == "str":
            return self._no_call(Lit(str(t.value)))
        if t.kind == "op" and t.value == "(":
            e = self._or()
            self._expect(")")
            return self._no_call(e)
        if t.kind == "op" and t.value == "-":
            n = self._next()
            if n.kind != "num":
                raise ExprError(f'"-" at {t.pos + 1} must be followed by a number', t.pos)
            return Lit(-_number(float(n.value)))
        if t.kind == "id":
            return self._name(t)
        if t.kind == "end":
            raise ExprError(f"expression ends too early at {t.pos + 1}: expected a value", t.pos)
        raise ExprError(f"unexpected {_describe(t)} at {t.pos + 1}", t.pos)

    def _name(self, t: Token) -> Expr:
        keyword = _KEYWORDS.get(str(t.value))
        if keyword is not None:
            return self._no_call(keyword)
        if t.value == "row":
            if self._is("op", "."):
                pos = self._peek().pos
                raise ExprError(f'attribute access at {pos + 1} is not allowed: write row["column"]', pos)
            if not self._is("op", "["):
                raise ExprError(f'row at {t.pos + 1} must be followed by ["column"]', t.pos)
            self._next()
            name = self._next()
            if name.kind != "str":
                raise ExprError(
                    f'row[...] at {t.pos + 1} takes a quoted column name, like row["confidence"]', name.pos
                )
            self._expect("]")
            column = str(name.value)
            if self._columns is not None and column not in self._columns:
                known = ", ".join(_js_quote(c) for c in self._columns)
                raise ExprError(f"unknown column {_js_quote(column)} (columns: {known})", name.pos)
            return self._no_call(Col(column))
        if self._is("op", "("):
            raise ExprError(f'function calls are not allowed: "{t.value}(" at {t.pos + 1} ({ALLOWED})', t.pos)
        raise ExprError(f'unknown name "{t.value}" at {t.pos + 1} ({ALLOWED})', t.pos)

    def _no_call(self, node: Expr) -> Expr:
        t = self._peek()
        if t.kind == "op" and t.value == "(":
            raise ExprError(f'function calls are not allowed ("(" at {t.pos + 1})', t.pos)
        if t.kind == "op" and t.value == ".":
            raise ExprError(f'attribute access at {t.pos + 1} is not allowed: write row["column"]', t.pos)
        if t.kind == "op" and t.value == "[":
            raise ExprError(f'indexing at {t.pos + 1} is allowed only as row["column"]', t.pos)
        return node


def parse_filter(src: str, columns: Collection[str] | None = None) -> Expr:
    """Parse a row filter; with ``columns``, a ``row["x"]`` naming no column is an error too."""
    if len(src) > MAX_LENGTH:
        raise ExprError(f"the filter is {len(src)} characters long; the limit is {MAX_LENGTH}", MAX_LENGTH)
    return _Parser(tokenize(src), columns).parse()
