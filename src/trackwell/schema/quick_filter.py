"""The runs filter's short text form (``lr>0.01 state=running``, ``(lr>0.01 or lr<0.001) and
state=finished``) read into the MongoDB-style filter objects ``Api().runs`` takes, for Python code
that holds such text: a report's run sets (``Runset(filters="state=finished")``) read by the server
when it exports a report.

The browser reads the same text with ``web/src/lib/quickFilter.ts`` as you type. The two are kept
one rule by one file of cases that both test suites run (``tests/cases/quick_filters.json``): the
same text gives the same filter, and the same mistake the same words.

Grammar (``and`` binds tighter than ``or``; terms side by side are ANDed)::

    expr    := conj ("or" conj)*
    conj    := primary (["and"] primary)*
    primary := "(" expr ")" | term
    term    := field op value  |  word  |  "quoted words"     (a word or quoted text matches the name)
    op      := = != > >= < <= ~ (regex)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from trackwell.schema.errors import InvalidArgument

# Run fields a filter names directly (store/sql/filters.py's columns, and tags); a unit test keeps
# the two lists equal.
TOP_LEVEL_FIELDS = frozenset(
    {
        "state", "display_name", "displayName", "name", "run_id", "id", "group", "job_type",
        "jobType", "host", "notes", "sweep_id", "sweep", "created_at", "createdAt", "updated_at",
        "updatedAt", "heartbeat_at", "heartbeatAt", "finished_at", "runtime", "duration", "exit_code",
        "last_step", "history_count", "tags",
    }
)  # fmt: skip

_FIELD = re.compile(r"[A-Za-z_][\w./-]*")
_OPERATOR = re.compile(r">=|<=|!=|=|>|<|~")
_AND_OR = re.compile(r"(?:or|and)(?=[\s()]|$)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?", re.IGNORECASE)
_OP_CHARS = "<>=!~"
_MONGO = {"=": "$eq", "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "~": "$regex"}
# What JavaScript's RegExp escape in quickFilter.ts escapes (Python's re.escape escapes more).
_REGEX_SPECIAL = re.compile(r"[.*+?^${}()|\[\]\\]")

Filter = dict[str, Any]
FieldResolver = Callable[[str], str]


class FilterTextError(InvalidArgument):
    """A mistake in the short form, named with its 1-based position."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="filters")


def escape_regex(text: str) -> str:
    return _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _fail(message: str, pos: int, hint: str | None = None) -> FilterTextError:
    return FilterTextError(f"{message} at {pos + 1}{'; ' + hint if hint else ''}")


def _literal(text: str) -> Any:
    if _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return text


def _read_bare(text: str, start: int) -> int:
    """The end of an unquoted run of text: white space, or a ``)`` that closes no ``(`` of its own
    (so ``name~^a(b|c)`` keeps its group while ``(lr<1)`` ends at the ``)``)."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c.isspace():
            break
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return i


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    end = text.find('"', start + 1)
    if end < 0:
        raise _fail(f"the '\"' at {start + 1} is not closed: expected '\"'", len(text))
    return text[start + 1 : end], end + 1


def _name_matches(words: str) -> Filter:
    return {"display_name": {"$regex": escape_regex(words)}}


def _read_term(text: str, start: int, resolve: FieldResolver) -> tuple[Filter, int]:
    if text[start] == '"':
        words, end = _read_quoted(text, start)
        return _name_matches(words), end
    c = text[start]
    if c in _OP_CHARS:
        raise _fail(f"unexpected '{c}'", start, "write a field before it, e.g. lr>0.01")
    field = _FIELD.match(text, start)
    op_at = start + (len(field.group(0)) if field else 0)
    op = _OPERATOR.match(text, op_at) if field else None
    if field is None or op is None:
        end = _read_bare(text, start)  # not field<op>value: a word of the run's name
        return _name_matches(text[start:end]), end
    name, operator = field.group(0), op.group(0)
    value_at = op_at + len(operator)
    following = text[value_at] if value_at < len(text) else None
    if following is not None and following in _OP_CHARS:
        rest = value_at
        while rest < len(text) and text[rest] in _OP_CHARS:
            rest += 1
        value = text[rest : _read_bare(text, rest)]
        raise _fail(f"unexpected '{following}'", value_at, f"write {name}{operator}{value or '0.01'}")
    quoted = following == '"'
    if quoted:
        raw, end = _read_quoted(text, value_at)
    else:
        end = _read_bare(text, value_at)
        raw = text[value_at:end]
    if not quoted and raw == "":
        raise _fail(f"{name}{operator} needs a value", value_at, f"e.g. {name}{operator}0.01")
    try:
        resolved = resolve(name)
    except FilterTextError as exc:
        raise FilterTextError(f"{exc.message} (at {start + 1})") from None
    value = raw if operator == "~" or quoted else _literal(raw)
    return {resolved: {_MONGO[operator]: value}}, end


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "and", "or", "term"
    pos: int
    filter: Filter | None = None


def _tokenize(text: str, resolve: FieldResolver) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token(c, i))
            i += 1
        elif word := _AND_OR.match(text, i):
            tokens.append(_Token(word.group(0).lower(), i))
            i += len(word.group(0))
        else:
            term, end = _read_term(text, i, resolve)
            tokens.append(_Token("term", i, term))
            i = end
    return tokens


def _join(op: str, parts: list[Filter]) -> Filter:
    if len(parts) == 1:
        return parts[0]
    flat: list[Filter] = []
    for part in parts:
        flat.extend(part[op] if list(part) == [op] else [part])
    return {op: flat}


class _Parser:
    def __init__(self, tokens: list[_Token], end: int) -> None:
        self.tokens, self.end, self.i = tokens, end, 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Filter:
        result = self._expr()
        extra = self._peek()
        if extra is not None:
            if extra.kind == ")":
                raise _fail("unexpected ')', it closes no '('", extra.pos)
            raise _fail(f"unexpected '{extra.kind}'", extra.pos)
        return result

    def _expr(self) -> Filter:
        parts = [self._conj()]
        while (t := self._peek()) is not None and t.kind == "or":
            self.i += 1
            parts.append(self._conj())
        return _join("$or", parts)

    def _conj(self) -> Filter:
        parts = [self._primary()]
        while (t := self._peek()) is not None and t.kind in ("and", "term", "("):
            if t.kind == "and":
                self.i += 1
            parts.append(self._primary())
        return _join("$and", parts)

    def _primary(self) -> Filter:
        t = self._peek()
        if t is None:
            raise _fail("the filter ends too early: expected a term such as lr>0.01", self.end)
        if t.kind == "term" and t.filter is not None:
            self.i += 1
            return t.filter
        if t.kind == "(":
            self.i += 1
            inner = self._expr()
            close = self._peek()
            if close is None or close.kind != ")":
                raise _fail(
                    f"the '(' at {t.pos + 1} is not closed: expected ')'",
                    close.pos if close is not None else self.end,
                )
            self.i += 1
            return inner
        if t.kind == ")":
            raise _fail("unexpected ')', expected a term such as lr>0.01", t.pos)
        raise _fail(f"'{t.kind}' needs a term on each side", t.pos)


def parse_short_form(text: str, resolve: FieldResolver) -> Filter:
    """The short form (not JSON) as a filter object; ``{}`` for empty text."""
    tokens = _tokenize(text, resolve)
    return _Parser(tokens, len(text)).parse() if tokens else {}


def field_resolver(config_keys: Collection[str], summary_keys: Collection[str]) -> FieldResolver:
    """``lr`` -> ``config.lr`` (or ``summary_metrics.lr``) when it is a known key; run fields and
    written-out ``config.x``/``summary.x`` pass; anything else is refused, naming the fix."""

    def resolve(name: str) -> str:
        head = name.split(".")[0]
        if head in ("config", "summary", "summary_metrics") and "." in name:
            return "summary_metrics" + name[len(head) :] if head == "summary" else name
        if name in TOP_LEVEL_FIELDS:
            return name
        if name in config_keys:
            return f"config.{name}"
        if name in summary_keys:
            return f"summary_metrics.{name}"
        raise FilterTextError(
            f'unknown field "{name}": write config.{name} or summary.{name}, or one of state, name, '
            "group, job_type, tags"
        )

    return resolve


def parse_quick_filter(
    text: str | None, config_keys: Collection[str] = (), summary_keys: Collection[str] = ()
) -> Filter:
    """What the runs table's filter box means: JSON when the text starts with ``{``, else the short
    form, bare names resolved against the project's known config and summary keys."""
    trimmed = (text or "").strip()
    if not trimmed:
        return {}
    if trimmed.startswith("{"):
        try:
            parsed = json.loads(trimmed)
        except json.JSONDecodeError as exc:
            raise FilterTextError(f"filter JSON does not parse: {exc.msg} at position {exc.pos}") from None
        if not isinstance(parsed, dict):
            raise FilterTextError(f"a JSON filter must be an object, got {type(parsed).__name__}")
        return parsed
    return parse_short_form(text or "", field_resolver(config_keys, summary_keys))
