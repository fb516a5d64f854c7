"""The panel editor's fields over HTTP on a real server: saved and read back as edited, and a bad
value refused with the field and the fix named (what the workspace shows as "Layout not saved")."""

from __future__ import annotations

import httpx

URL = "/api/v1/layouts/team/panel-edit"
EDITED = {
    "id": "auto:train/loss",
    "type": "line",
    "section": "train",
    "metrics": ["train/loss", "val/loss"],
    "title": "Losses of the adam runs",
    "x_axis": "m:tokens",
    "smoothing": {"kind": "ema", "param": 0.6},
    "log_scale": True,
    "y_min": 0.01,
    "y_max": 3,
    "runs": {"name_regex": "^adam-"},
}


def test_an_edited_panel_reads_back_as_edited(api: httpx.Client) -> None:
    bar = {
        "id": "bar-1",
        "type": "bar",
        "section": "Charts",
        "metric": "val/acc",
        "runs": {"groups": ["sgd"]},
    }
    r = api.put(URL, json={"version": 1, "panels": [EDITED, bar]})
    assert r.status_code == 200, r.text
    panels = api.get(URL).json()["layout"]["panels"]
    assert {k: panels[0][k] for k in EDITED} == {
        **EDITED,
        "runs": {"ids": None, "name_regex": "^adam-", "groups": None},
    }
    assert panels[1]["runs"]["groups"] == ["sgd"]


def test_an_upside_down_y_range_or_a_broken_regex_is_refused_naming_the_field(api: httpx.Client) -> None:
    r = api.put(URL, json={"version": 1, "panels": [{**EDITED, "y_min": 5, "y_max": 1}]})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"].startswith("panels.0.line")
    assert "y_min (5) must be below y_max (1)" in error["message"]
    r = api.put(URL, json={"version": 1, "panels": [{**EDITED, "runs": {"name_regex": "adam-(["}}]})
    assert r.status_code == 400
    assert r.json()["error"]["field"].startswith("panels.0.line.runs.name_regex")
    assert "is not a regular expression" in r.json()["error"]["message"]
