"""Shared pieces of config validation: the problem list, type tests and "did you mean" hints.

``parse_config`` collects every problem before it raises (a user fixes a config in one round, not
one error per try); each check appends "<path> <what is wrong> (<how to fix>)" to a
:class:`Problems` and goes on.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any


class Problems:
    """Every problem found so far, and the warnings (accepted, but worth saying)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def add(self, path: str, what: str, fix: str | None = None) -> None:
        self.problems.append(f"{path} {what}" + (f" ({fix})" if fix else ""))

    def warn(self, path: str, what: str) -> None:
        self.warnings.append(f"{path}: {what}")


def is_number(x: Any) -> bool:
    """A finite real number; booleans are not numbers here (YAML's ``yes`` is not 1)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def is_int(x: Any) -> bool:
    """A Python int (W&B's "integer" format check: 5.0 is not an int bound)."""
    return isinstance(x, int) and not isinstance(x, bool)


def yaml_number_hint(x: Any) -> str | None:
    """The fix when a number arrived as text: PyYAML (YAML 1.1) reads ``1e-5``, without a dot, as a string."""
    if not isinstance(x, str):
        return None
    try:
        float(x)
    except ValueError:
        return None
    text = x.strip()
    mantissa, e, exponent = text.lower().partition("e")
    if e and "." not in mantissa:
        return f"YAML reads {text} as text; write {mantissa}.0e{exponent}"
    return f"write {text} without quotes"


def show(x: Any) -> str:
    """A value as the user wrote it, shortened."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: Any, choices: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """ "; did you mean X?" when a close choice exists, else ""."""
    if not isinstance(word, str):
        return ""
    lowered = word.strip().lower()
    if aliases and lowered in aliases:
        return f"; did you mean {aliases[lowered]}?"
    close = difflib.get_close_matches(lowered, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def listed(words: Iterable[str], conjunction: str = "or") -> str:
    """ "a, b or c" (or "a, b and c")."""
    items = list(words)
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}" if len(items) > 1 else "".join(items)
