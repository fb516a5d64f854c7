"""Colours a user picks for runs and groups are saved with the workspace layout (and so with saved
views, which hold the same document): read back as saved, old layouts without them still read, and
a colour that is not ``#rrggbb`` (or too many of them) is refused naming the field and the fix."""

from __future__ import annotations

import httpx

from trackwell.schema.layout import MAX_RUN_COLORS, WorkspaceLayout

URL = "/api/v1/layouts/team/run-colours"
VIEWS = "/api/v1/views/team/run-colours"


def test_picked_colours_read_back_in_the_layout_and_in_a_saved_view(api: httpx.Client) -> None:
    colors = {"abc123": "#E91E63", "group:adam": "#00897b"}
    r = api.put(URL, json={"version": 1, "panels": [], "run_colors": colors})
    assert r.status_code == 200, r.text
    assert api.get(URL).json()["layout"]["run_colors"] == colors
    r = api.post(VIEWS, json={"name": "coloured", "layout": {"run_colors": colors}})
    assert r.status_code in (200, 201), r.text
    assert api.get(f"{VIEWS}/{r.json()['id']}").json()["layout"]["run_colors"] == colors


def test_a_layout_saved_before_colours_still_reads() -> None:
    assert WorkspaceLayout.model_validate({"version": 1, "panels": [], "removed": []}).run_colors is None


def test_a_colour_that_is_not_hex_is_refused_naming_the_run_and_the_form(api: httpx.Client) -> None:
    for bad in ("red", "#12345", "#1234567", "rgb(1,2,3)", "#gggggg"):
        r = api.put(URL, json={"version": 1, "run_colors": {"abc123": bad}})
        assert r.status_code == 400, bad
        error = r.json()["error"]
        assert error["field"].startswith("run_colors"), error
        assert "abc123" in error["message"] and "#rrggbb" in error["message"], error


def test_too_many_colours_are_refused_with_the_limit(api: httpx.Client) -> None:
    many = {f"run{i}": "#1f77b4" for i in range(MAX_RUN_COLORS + 1)}
    r = api.put(URL, json={"version": 1, "run_colors": many})
    assert r.status_code == 400
    assert f"limit of {MAX_RUN_COLORS}" in r.json()["error"]["message"]
