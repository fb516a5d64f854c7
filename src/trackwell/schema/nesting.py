"""Logged history keys: flat for storage, back in the shape they were logged for reading.

The server stores each leaf of a logged dict as its own series named by its labels joined with
``.``: ``{"a": {"b": 1}}`` is the series ``a.b``, which is also what a flat key ``{"a.b": 1}`` is
called. The two are told apart by the key's *path*, the labels it was logged under: ``("a", "b")``
for the nested one; a key logged flat has no path (it is its own single label). The history store
keeps each key's path beside it (``history_key_stats.path``) and every read puts the values back at
their paths, as wandb returns rows: ``{"a": {"b": 1}}`` nested, ``{"a.b": 1}`` flat,
``{"gradients": {"fc1.weight": h}}`` nested once.

One rule for the server's JSON rows and the client's columnar reads (``trackwell.apis.frames``), so
both give the same rows. Standard library only: the SDK imports it without pydantic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

Path = tuple[str, ...]


def flatten(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Path] | None, list[str]]:
    """``{"a": {"b": 1}, "c.d": 2}`` -> ``({"a.b": 1, "c.d": 2}, {"a.b": ("a", "b")}, [])``.

    Returns the flat values, the paths of the keys that came from nesting (None when none did:
    the common row of scalars costs one scan) and the flat names logged twice in the row (a flat
    ``a.b`` and a nested ``a.b``: one series can hold one value a row; the nested one is kept).
    A dict carrying ``_type`` is a media or table reference (one value), and an empty dict is a
    value too, so nothing logged is dropped.
    """
    if not any(type(v) is dict for v in values.values()):
        return dict(values), None, []  # the ingest hot path: a flat row of scalars
    flat: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    clashes: list[str] = []
    for key, value in values.items():
        if isinstance(value, Mapping) and value and "_type" not in value:
            _leaves(value, (key,), flat, paths, clashes)
        else:
            if key in flat:
                clashes.append(key)
                continue
            flat[key] = value
    return flat, paths or None, clashes


def _leaves(
    node: Mapping[str, Any], path: Path, flat: dict[str, Any], paths: dict[str, Path], clashes: list[str]
) -> None:
    for label, value in node.items():
        sub = (*path, str(label))
        if isinstance(value, Mapping) and value and "_type" not in value:
            _leaves(value, sub, flat, paths, clashes)
            continue
        name = ".".join(sub)
        if name in flat:
            clashes.append(name)
        flat[name] = value
        paths[name] = sub


def nest(flat: Mapping[str, Any], paths: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Put each value of ``flat`` back at its path; a key without a path stays as it is.

    ``nest({"a.b": 1, "c.d": 2}, {"a.b": ("a", "b")})`` -> ``{"a": {"b": 1}, "c.d": 2}``.
    When a path runs through a value (``{"a": 1}`` and ``a.b`` at ``("a", "b")``), the value keeps
    ``a`` and the nested one stays flat as ``"a.b"``, so nothing is lost.
    """
    if not paths:
        return dict(flat)
    out: dict[str, Any] = {}
    nested: list[tuple[Sequence[str], str]] = []
    for key, value in flat.items():
        path = paths.get(key)
        if path is None or len(path) < 2:
            out[key] = value
        else:
            nested.append((path, key))
    # Shallow paths first: a parent that holds a value is known before its would-be children.
    nested.sort(key=lambda item: len(item[0]))
    for path, key in nested:
        node = out
        for label in path[:-1]:
            child = node.setdefault(label, {})
            if not isinstance(child, dict) or "_type" in child:
                out.setdefault(key, flat[key])
                break
            node = child
        else:
            node.setdefault(path[-1], flat[key])
    return out


def split_path(key: str) -> Path:
    """The path of a key stored before paths were kept: every ``.`` was a level (the old reading)."""
    return tuple(key.split("."))


def path_json(path: Sequence[str] | None) -> str | None:
    """A path as the history store keeps it (JSON list of labels); None for a key logged flat."""
    return None if path is None else json.dumps(list(path), separators=(",", ":"), ensure_ascii=False)


def path_of_json(text: str | None) -> Path | None:
    return None if text is None else tuple(json.loads(text))
