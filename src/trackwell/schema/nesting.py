"""How flat history keys become nested row dicts: ``{"a.b": 1}`` is read back as ``{"a": {"b": 1}}``.

The server stores each leaf of a logged dict as its own series (``a.b``), and rows are re-nested
on the way out, as wandb returns them. One rule for the server's JSON rows and the client's
columnar reads (``trackwell.apis.frames``), so both give the same rows. Standard library only: the
SDK imports it without pydantic.
"""

from __future__ import annotations

from typing import Any


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1, "a.c": 2}`` -> ``{"a": {"b": 1, "c": 2}}``.

    When a key is both a value and a parent (``{"a": 1, "a.b": 2}``), the value keeps ``a`` and the
    child stays flat as ``"a.b"``, so nothing is lost.
    """
    out: dict[str, Any] = {}
    # Shallow keys first: a parent that holds a value is known before its would-be children.
    for key in sorted(flat, key=lambda k: k.count(".")):
        parts = key.split(".")
        node = out
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                node[".".join(parts[i:])] = flat[key]
                break
            node = child
        else:
            node[parts[-1]] = flat[key]
    return out
