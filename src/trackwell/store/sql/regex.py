"""``$regex`` in run filters: one pattern language, linear-time on every backend.

A filter's ``$regex`` comes from anyone holding an API key and is matched against every run of a
project, inside the database. Python's ``re`` backtracks: ``(a+)+$`` against ``"aaaa...b"`` takes
exponential time and would hold a server worker (and SQLite's write lock queue) for minutes. So:

* SQLite matches with RE2 (``google-re2``), which runs in time linear in the value's length;
* PostgreSQL matches with its own engine (``~``), a DFA-based matcher that has no catastrophic case
  for patterns without back-references (which RE2's syntax does not have);
* every pattern is checked here first, once per request, and refused with a 400 naming the construct
  and its replacement unless both engines (and the browser's ``RegExp``, which filters the
  workspace's loaded runs with the same rules: ``web/src/lib/filters.ts``) read it the same way.

The accepted language is RE2's syntax minus what the three engines disagree on: back-references and
look-around (RE2 cannot run them), inline flags (``$options: "i"`` instead), named groups, ``\\b \\B``
(a backspace in PostgreSQL), ``\\A \\z \\Z``, ``\\p{..}``, ``\\Q..\\E``, ``\\x{..}``, POSIX classes
``[[:alpha:]]`` (not in JavaScript) and counted repetition above 255 (PostgreSQL's limit). ``.``
matches a newline everywhere (PostgreSQL's default; RE2 and JavaScript are told to).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import re2
import sqlalchemy as sa

from trackwell.schema.errors import InvalidArgument

MAX_PATTERN_LENGTH = 1000
MAX_REPEAT = 255
# Compiled size (RE2 instructions): "^bert-" is 4, a UUID pattern 72, "(.*){100}" 803. Larger ones,
# like "(.*){255}" (2,043), take PostgreSQL's engine most of a second per long value.
MAX_PROGRAM_SIZE = 1000
# A PostgreSQL query whose filter has a $regex stops after this long (its engine has slow cases, such
# as (.*){255} on a long value, that RE2's checks let through).
QUERY_TIMEOUT_MS = 5000
_PG_QUERY_CANCELED = "57014"
_PG_INVALID_REGEX = "2201B"
_REFUSED_ESCAPES = {  # escape letter -> (what it is, what to write instead)
    "b": (
        r"\b (a word boundary in RE2, a backspace in PostgreSQL)",
        "use (^|[^A-Za-z0-9_]) or ([^A-Za-z0-9_]|$)",
    ),
    "B": (r"\B", "spell out the characters around it"),
    "A": (r"\A", "use ^"),
    "z": (r"\z", "use $"),
    "Z": (r"\Z", "use $"),
    "p": (r"\p{..} (Unicode classes)", "use a character class like [a-zA-Z]"),
    "P": (r"\P{..} (Unicode classes)", "use a negated character class like [^a-zA-Z]"),
    "Q": (r"\Q..\E quoting", "escape each special character with \\"),
    "E": (r"\Q..\E quoting", "escape each special character with \\"),
    "C": (r"\C", "use ."),
}
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_POSIX_CLASS = re.compile(r"\[:[A-Za-z]+:\]")
HINT = 'RE2 syntax without back-references, look-around or inline flags; e.g. {"$regex": "^bert-"}'


def _refuse(pattern: str, what: str) -> InvalidArgument:
    return InvalidArgument(f"$regex {pattern!r}: {what}", field="filters", hint=HINT)


def _check_portable(pattern: str) -> None:
    """Refuse constructs the backends (or the browser) would read differently or cannot run."""
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1 : i + 2]
            if e in _REFUSED_ESCAPES:
                what, fix = _REFUSED_ESCAPES[e]
                raise _refuse(pattern, f"{what} is not supported: {fix}")
            if e.isdigit():
                raise _refuse(pattern, f"back-reference or octal escape \\{e} is not supported")
            if e == "x" and pattern[i + 2 : i + 3] == "{":
                raise _refuse(pattern, r"\x{..} is not supported: use \xHH with two hex digits")
            i += 2
            continue
        if in_class:
            if c == "[" and _POSIX_CLASS.match(pattern, i):
                raise _refuse(pattern, "POSIX classes like [[:alpha:]] are not supported: use [a-zA-Z]")
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            i += 2 if pattern[i + 1 : i + 2] == "^" else 1
            if pattern[i : i + 1] == "]":  # a literal "]" first in RE2 and PostgreSQL, an empty class in JS
                raise _refuse(pattern, r"a class starting with ] is read differently by browsers: write \]")
            in_class = True
            continue
        if c == "(" and pattern[i + 1 : i + 2] == "?" and pattern[i + 2 : i + 3] != ":":
            raise _refuse(
                pattern,
                "inline flags, named groups and look-around ((?i), (?P<name>..), (?=..)) are not "
                'supported: use $options: "i" for case-insensitive matching, (?:..) for a group',
            )
        if c == "{":
            m = _REPEAT.match(pattern, i)
            if m and max(int(n) for n in m.groups() if n) > MAX_REPEAT:
                raise _refuse(pattern, f"repetition counts above {MAX_REPEAT} are not supported")
        i += 1


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr
    options.dot_nl = True
    # Only "does it match" is asked: without captures RE2 runs its DFA ((.*){255} on 50,000
    # characters: 1 ms instead of 1.7 s).
    options.never_capture = True
    return options


_RE2_OPTIONS = _options()


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, options=_RE2_OPTIONS)


def filter_regex(pattern: Any, options: Any) -> str:
    """The pattern a ``$regex``/``$options`` pair compiles to, checked; ``InvalidArgument`` if not."""
    if not isinstance(pattern, str):
        raise InvalidArgument(f"$regex needs a string pattern, got {pattern!r}", field="filters", hint=HINT)
    if options not in (None, "", "i"):
        hint = 'only "i" (case-insensitive) is supported'
        raise InvalidArgument(f"unsupported $options {options!r}", field="filters", hint=hint)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise _refuse(pattern[:40] + "...", f"longer than {MAX_PATTERN_LENGTH} characters")
    _check_portable(pattern)
    full = "(?i)" + pattern if options == "i" else pattern
    try:
        compiled = _compiled(full)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise _refuse(pattern, f"invalid regular expression: {reason}") from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise _refuse(pattern, "too large once compiled: use smaller repetition counts or fewer alternatives")
    return full


def uses_regex(filters: Any) -> bool:
    """Whether a filter document has a ``$regex`` anywhere."""
    if isinstance(filters, dict):
        return "$regex" in filters or any(uses_regex(v) for v in filters.values())
    if isinstance(filters, list):
        return any(uses_regex(v) for v in filters)
    return False


@contextmanager
def bounded_regex_query(conn: sa.Connection, filters: Any) -> Iterator[None]:
    """Run the block's queries with a time limit on PostgreSQL when ``filters`` has a ``$regex``;
    a query that runs past it (or a pattern PostgreSQL finds too complex) is a 400 naming the fix.
    SQLite needs none: RE2 matches without captures in time linear in the value's length."""
    if conn.dialect.name != "postgresql" or not uses_regex(filters):
        yield
        return
    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {QUERY_TIMEOUT_MS}")
    try:
        yield
    except sa.exc.DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state == _PG_QUERY_CANCELED:
            raise InvalidArgument(
                f"the $regex filter took longer than {QUERY_TIMEOUT_MS / 1000:g} s",
                field="filters",
                hint="anchor the pattern (^...), drop nested repetition like (.*){n}, add other conditions",
            ) from None
        if state == _PG_INVALID_REGEX:
            raise InvalidArgument(
                f"PostgreSQL refused the $regex: {str(exc.orig).splitlines()[0]}", field="filters", hint=HINT
            ) from None
        raise
    conn.exec_driver_sql("SET LOCAL statement_timeout TO DEFAULT")


def sqlite_regexp(pattern: str | None, value: str | None) -> bool | None:
    """SQLite's ``value REGEXP pattern`` calls ``regexp(pattern, value)``: RE2, linear time."""
    if pattern is None or value is None:
        return None
    try:
        compiled = _compiled(pattern)
    except re2.error:
        return None  # filter_regex refuses such patterns before any query runs
    return compiled.search(str(value)) is not None
