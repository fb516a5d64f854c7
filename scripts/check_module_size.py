"""Fail when a Python module grows past the hard limit: small modules are a design rule here.

Past the soft limit a module gets a note: it holds more than one responsibility, most likely. The
answer is to split it by responsibility (a module per concern, each with a docstring that says why
it exists), never to trim lines until the note goes away: a file kept at 399 lines is the smell.
"""

from __future__ import annotations

import sys
from pathlib import Path

HARD_LIMIT = 800
SOFT_LIMIT = 400
# Modules allowed past the hard limit, with the reason. Shrink this list; never grow it lightly.
ALLOWED: dict[str, str] = {}


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "src" / "trackwell"
    failures = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if lines > HARD_LIMIT and rel not in ALLOWED:
            failures.append(f"{rel}: {lines} lines (hard limit {HARD_LIMIT}); split it by responsibility")
        elif lines > SOFT_LIMIT:
            hint = "split it by responsibility, never trim it to fit"
            print(f"note: {rel} has {lines} lines (soft limit {SOFT_LIMIT}): {hint}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
