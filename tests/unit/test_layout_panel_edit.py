"""The panel editor's fields in the saved layout: optional (old layouts still read), and a bad value
is refused with a message that names the field and the fix."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from trackwell.schema.layout import WorkspaceLayout

OLD_LAYOUT: dict[str, Any] = {
    "version": 1,
    "panels": [
        {
            "id": "auto:train/loss",
            "type": "line",
            "section": "train",
            "metrics": ["train/loss"],
            "auto": True,
        },
        {"id": "bar-1", "type": "bar", "section": "Charts", "metric": "val/acc"},
        {"id": "sc-1", "type": "scatter", "section": "Charts", "x": "config.lr", "y": "summary.val/acc"},
    ],
    "removed": [],
}


def _line(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "panels": [{"id": "l", "type": "line", "section": "s", "metrics": ["m"], **fields}]}


def _error(doc: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as e:
        WorkspaceLayout.model_validate(doc)
    return str(e.value)


def test_a_layout_saved_before_the_editor_still_reads_without_the_new_fields() -> None:
    layout = WorkspaceLayout.model_validate(OLD_LAYOUT)
    line = layout.panels[0]
    assert line.type == "line" and line.y_min is None and line.y_max is None and line.runs is None
    # What the UI writes back leaves the new fields empty, not invented.
    assert layout.model_dump()["panels"][0]["runs"] is None


def test_an_edited_line_panel_keeps_its_y_range_and_run_selection() -> None:
    doc = _line(
        title="Loss (zoomed)",
        y_min=0.01,
        y_max=2,
        log_scale=True,
        smoothing={"kind": "gaussian", "param": 3},
        x_axis="m:epoch",
        runs={"ids": ["abc123"], "name_regex": "^adam-", "groups": ["adam"]},
    )
    panel = WorkspaceLayout.model_validate(doc).panels[0]
    assert panel.type == "line"
    assert (panel.y_min, panel.y_max, panel.title) == (0.01, 2.0, "Loss (zoomed)")
    assert panel.runs is not None and panel.runs.name_regex == "^adam-" and panel.runs.groups == ["adam"]


def test_a_y_range_upside_down_is_refused_saying_how_to_fix_it() -> None:
    message = _error(_line(y_min=5, y_max=1))
    assert "y_min (5) must be below y_max (1)" in message and "leave one of them empty" in message
    assert "y_min (1) must be below y_max (1)" in _error(_line(y_min=1, y_max=1))
    # One end alone is fine: the other comes from the data.
    panel = WorkspaceLayout.model_validate(_line(y_min=-1)).panels[0]
    assert panel.type == "line" and panel.y_min == -1


def test_a_bad_run_selection_is_refused_naming_the_field() -> None:
    message = _error(_line(runs={"name_regex": "adam-(["}))
    assert "name_regex 'adam-([' is not a regular expression" in message and "backslash" in message
    assert "needs ids, name_regex or groups" in _error(_line(runs={}))
    assert "runs.ids" in _error(_line(runs={"ids": []}))
    assert "runs.colour" in _error(_line(runs={"colour": "red"}))


def test_bar_and_scatter_panels_take_a_run_selection_too() -> None:
    doc = {**OLD_LAYOUT, "panels": [{**p, "runs": {"name_regex": "sgd"}} for p in OLD_LAYOUT["panels"][1:]]}
    panels = WorkspaceLayout.model_validate(doc).panels
    assert [p.runs.name_regex for p in panels if p.type in ("bar", "scatter") and p.runs] == ["sgd", "sgd"]
