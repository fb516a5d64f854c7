"""Block-level difference of two report versions (``schema.reports.ReportDiff``).

Blocks carry no ids, so the two lists are aligned as a text diff aligns lines (``difflib``): equal
blocks match, and in a replaced stretch blocks are paired in order, a pair of the same type being
one block "changed" (an edited paragraph) and the rest added or removed.
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from typing import Any

from trackwell.schema.reports import BlockChange, ReportDiff


def _key(block: dict[str, Any]) -> str:
    return json.dumps(block, sort_keys=True, separators=(",", ":"))


def diff_documents(
    old: dict[str, Any], new: dict[str, Any], from_version: int, to_version: int
) -> ReportDiff:
    old_blocks: list[dict[str, Any]] = old.get("blocks", [])
    new_blocks: list[dict[str, Any]] = new.get("blocks", [])
    matcher = SequenceMatcher(
        a=[_key(b) for b in old_blocks], b=[_key(b) for b in new_blocks], autojunk=False
    )
    changes: list[BlockChange] = []
    unchanged = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds and news and old_blocks[olds[0]]["type"] == new_blocks[news[0]]["type"]:
            i, j = olds.pop(0), news.pop(0)
            changes.append(
                BlockChange(change="changed", old_index=i, new_index=j, old=old_blocks[i], new=new_blocks[j])
            )
        changes += [BlockChange(change="removed", old_index=i, old=old_blocks[i]) for i in olds]
        changes += [BlockChange(change="added", new_index=j, new=new_blocks[j]) for j in news]
    fields = [name for name in ("title", "description", "status") if old.get(name) != new.get(name)]
    return ReportDiff(
        from_version=from_version,
        to_version=to_version,
        changed_fields=fields,
        blocks=changes,
        unchanged_blocks=unchanged,
    )
