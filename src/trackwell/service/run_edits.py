"""Write-backs from the ``Api`` (and the UI) to a run's config and summary, and how they meet the SDK.

Why: a training process sends its whole config and summary each time they change (replace), so a
key that an analyst set through ``Api().run(...).update()`` while the run was still logging would be
overwritten by the very next record, although the training process never touched that key. The
rule, per key of the config and of the summary:

    **The latest write wins, and a record from the SDK writes only the keys that it changed.**

To tell "changed" from "sent again unchanged", every key edited through the API is remembered in
the run's ``edits`` document with the value the SDK had given it when it was edited (its *base*;
absent when the SDK never had the key) and the edited value (absent when the edit removed the key)::

    {"config": {"lr": {"base": 0.1, "value": 0.05}, "old": {"base": 3}},
     "summary": {"verdict": {"value": "good"}}}

When a record from the SDK arrives, an edited key whose value in the record still equals the base
keeps the edit; a key whose value differs (or that appeared or went) was written by the SDK after
the edit, so the SDK's value wins and the edit is forgotten. A run with no edits pays nothing.

Pure functions over plain dicts (no storage, no HTTP); ``RunService.update`` and the record
service call them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from trackwell.schema.runs import RunUpdate
from trackwell.store.base import RunChanges, StoredRun

Edits = dict[str, dict[str, dict[str, Any]]]
SECTIONS = ("config", "summary")


def same_value(a: Any, b: Any) -> bool:
    """JSON equality in which NaN equals NaN (a diverged loss sent again is not a change)."""
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isnan(a) and math.isnan(b)
    if isinstance(a, dict | list) and isinstance(b, dict | list):
        try:
            return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
        except (TypeError, ValueError):
            return False
    return False


def apply_edit(
    current: Mapping[str, Any],
    section: Mapping[str, dict[str, Any]],
    set_keys: Mapping[str, Any] | None,
    remove_keys: Iterable[str] | None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """An API edit: ``(new values, new edits of the section)``.

    ``set_keys`` are merged over ``current``, ``remove_keys`` are removed (a key that is not there
    is ignored, like ``dict.pop(k, None)``). Each key is remembered with its base: the value it had
    before its first edit, which is the SDK's value unless an earlier edit already set the base.
    """
    values = dict(current)
    edits = {k: dict(v) for k, v in section.items()}
    for key, value in (set_keys or {}).items():
        entry = edits.setdefault(key, _base_entry(current, key))
        entry["value"] = value
        values[key] = value
    for key in remove_keys or ():
        if key not in values and key not in edits:
            continue
        entry = edits.setdefault(key, _base_entry(current, key))
        entry.pop("value", None)
        values.pop(key, None)
    return values, edits


def _base_entry(current: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {"base": current[key]} if key in current else {}


def merge_sdk_write(
    sdk_values: Mapping[str, Any],
    section: Mapping[str, dict[str, Any]],
    *,
    over: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A write from the SDK meeting earlier API edits: ``(stored values, edits still in force)``.

    Without ``over`` the SDK's values replace the stored ones (a config or summary record); with
    ``over`` they are merged over it (the config passed to ``init()`` on resume), and only the keys
    they hold count as written.
    """
    values = dict(sdk_values) if over is None else {**over, **sdk_values}
    kept: dict[str, dict[str, Any]] = {}
    for key, entry in section.items():
        if over is not None and key not in sdk_values:
            kept[key] = dict(entry)  # not part of this write: the stored (edited) value stays
            continue
        if _unchanged_since_edit(sdk_values, key, entry):
            kept[key] = dict(entry)
            if "value" in entry:
                values[key] = entry["value"]
            else:
                values.pop(key, None)
    return values, kept


def _unchanged_since_edit(sdk_values: Mapping[str, Any], key: str, entry: Mapping[str, Any]) -> bool:
    if key not in sdk_values:
        return "base" not in entry
    return "base" in entry and same_value(sdk_values[key], entry["base"])


def section_of(edits: Mapping[str, Any] | None, name: str) -> dict[str, dict[str, Any]]:
    """The edits of one section (``config`` or ``summary``); empty when there are none."""
    found = (edits or {}).get(name)
    return dict(found) if isinstance(found, dict) else {}


def with_section(edits: Mapping[str, Any] | None, name: str, section: Mapping[str, Any]) -> Edits:
    """``edits`` with one section replaced (an empty section is dropped)."""
    out: Edits = {k: dict(v) for k, v in (edits or {}).items() if k in SECTIONS and k != name}
    if section:
        out[name] = dict(section)
    return out


def edit_values(stored: StoredRun, update: RunUpdate, changes: RunChanges) -> None:
    """Fill ``changes`` with the config and summary of an API edit, and the edits to remember."""
    edits: Mapping[str, Any] | None = stored.edits
    touched = False
    for name, set_keys, remove_keys in (
        ("config", update.config, update.config_remove),
        ("summary", update.summary, update.summary_remove),
    ):
        if set_keys is None and not remove_keys:
            continue
        current = getattr(stored.run, name)
        values, section = apply_edit(current, section_of(edits, name), set_keys, remove_keys)
        setattr(changes, name, values)
        edits = with_section(edits, name, section)
        touched = True
    if touched:
        changes.edits = dict(edits or {})


def resolve_sdk_writes(changes: RunChanges, edits: Mapping[str, Any] | None) -> None:
    """A record batch set ``changes.config``/``changes.summary`` to the SDK's whole values: keep the
    API edits of the keys the SDK did not change since (and forget the others)."""
    if not edits:
        return
    current: Mapping[str, Any] = edits
    for name in SECTIONS:
        sdk_values = getattr(changes, name)
        section = section_of(current, name)
        if sdk_values is None or not section:
            continue
        values, kept = merge_sdk_write(sdk_values, section)
        setattr(changes, name, values)
        current = with_section(current, name, kept)
    if current != edits:
        changes.edits = dict(current)


def merged_sdk_config(stored: StoredRun, config: Mapping[str, Any]) -> tuple[dict[str, Any], Edits | None]:
    """The config given to ``init()`` on resume, merged over the stored one: ``(config, edits)``
    (edits None when unchanged)."""
    section = section_of(stored.edits, "config")
    values, kept = merge_sdk_write(config, section, over=stored.run.config)
    if kept == section:
        return values, None
    return values, with_section(stored.edits, "config", kept)
