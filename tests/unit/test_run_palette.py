"""Exported charts colour runs and groups as the UI does: the palette is the web's list, runs take
colours by creation order, groups by their labels' natural order."""

from __future__ import annotations

import re
from pathlib import Path

from trackwell.schema.runs import RunOut
from trackwell.service.run_palette import PALETTE, group_color, run_colors

PANELS_TS = Path(__file__).parents[2] / "web" / "src" / "lib" / "panels.ts"


def test_the_palette_is_the_web_uis() -> None:
    source = PANELS_TS.read_text(encoding="utf-8")
    block = re.search(r"export const PALETTE = \[(.*?)\];", source, re.S)
    assert block is not None, "web/src/lib/panels.ts no longer defines PALETTE as a list"
    assert tuple(re.findall(r'"(#[0-9a-fA-F]{6})"', block.group(1))) == PALETTE


def _run(run_id: str, created: float) -> RunOut:
    return RunOut(
        id=run_id,
        entity="e",
        project="p",
        display_name=run_id,
        state="finished",
        created_at=created,
        updated_at=created,
    )


def test_runs_take_colours_by_creation_order_and_wrap_after_twenty() -> None:
    runs = [_run(f"r{i}", 100.0 - i) for i in range(22)]  # newest first, as a run set lists them
    colors = run_colors(runs)
    assert colors["r21"] == PALETTE[0] and colors["r20"] == PALETTE[1]
    assert colors["r0"] == PALETTE[21 % 20]
    # A tie in creation time is broken by the run's key, so every export agrees.
    assert run_colors([_run("b", 1.0), _run("a", 1.0)]) == {"a": PALETTE[0], "b": PALETTE[1]}


def test_groups_take_colours_by_natural_label_order() -> None:
    labels = ["run 10", "run 9", "adam"]
    assert group_color("adam", labels) == PALETTE[0]
    assert group_color("run 9", labels) == PALETTE[1]  # 9 before 10, as Intl.Collator numeric sorts
    assert group_color("run 10", labels) == PALETTE[2]
