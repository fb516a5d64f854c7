"""The run comparer, scalar, markdown and media panels in a saved layout, over HTTP on a real
server: kept as sent, and bad ones refused with a message that names the field and the fix."""

from __future__ import annotations

from typing import Any

import httpx

from trackwell.schema.layout import MAX_NOTE_CHARS

URL = "/api/v1/layouts/team/panel-types"
PANELS: list[dict[str, Any]] = [
    {
        "id": "cmp-1",
        "type": "comparer",
        "section": "Charts",
        "runs": {"ids": ["abc123", "def456"]},
        "diff_only": False,
    },
    {"id": "cmp-2", "type": "comparer", "section": "Charts"},
    {"id": "num-1", "type": "scalar", "section": "Charts", "metric": "val/acc", "aggregate": "max"},
    {"id": "num-2", "type": "scalar", "section": "Charts", "metric": "val/acc", "runs": {"ids": ["abc123"]}},
    {"id": "note-1", "type": "markdown", "section": "Notes", "text": "# Plan\n\n<script>alert(1)</script>"},
    {"id": "media-1", "type": "media", "section": "Media", "key": "samples"},
]


def _put(api: httpx.Client, panels: list[dict[str, Any]]) -> httpx.Response:
    return api.put(URL, json={"version": 1, "panels": panels})


def test_the_new_panel_types_are_saved_as_sent_with_their_defaults(api: httpx.Client) -> None:
    r = _put(api, PANELS)
    assert r.status_code == 200, r.text
    saved = {p["id"]: p for p in api.get(URL).json()["layout"]["panels"]}
    assert saved["cmp-1"]["runs"]["ids"] == ["abc123", "def456"] and saved["cmp-1"]["diff_only"] is False
    # A comparer without runs compares the visible runs, differences only.
    assert saved["cmp-2"]["runs"] is None and saved["cmp-2"]["diff_only"] is True
    assert saved["num-1"]["aggregate"] == "max" and saved["num-1"]["runs"] is None
    assert saved["num-2"]["aggregate"] == "mean" and saved["num-2"]["runs"]["ids"] == ["abc123"]
    # The note is stored verbatim: it is the renderer's job to keep its HTML inert.
    assert saved["note-1"]["text"] == "# Plan\n\n<script>alert(1)</script>"
    assert saved["media-1"]["key"] == "samples"


def test_a_note_over_the_limit_is_refused_saying_how_long_it_is(api: httpx.Client) -> None:
    note: dict[str, Any] = {
        "id": "n",
        "type": "markdown",
        "section": "Notes",
        "text": "x" * (MAX_NOTE_CHARS + 1),
    }
    r = _put(api, [note])
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"] == "panels.0.markdown.text"
    assert f"{MAX_NOTE_CHARS + 1} characters" in error["message"]
    assert f"limit of {MAX_NOTE_CHARS}" in error["message"] and "split it" in error["message"]
    note["text"] = "x" * MAX_NOTE_CHARS
    assert _put(api, [note]).status_code == 200


def test_bad_panel_settings_are_refused_naming_the_field(api: httpx.Client) -> None:
    r = _put(api, [{"id": "s", "type": "scalar", "section": "x", "metric": "m", "aggregate": "median"}])
    assert r.status_code == 400 and r.json()["error"]["field"] == "panels.0.scalar.aggregate"
    r = _put(api, [{"id": "c", "type": "comparer", "section": "x", "runs": {"ids": []}}])
    assert r.status_code == 400 and r.json()["error"]["field"] == "panels.0.comparer.runs.ids"
    r = _put(api, [{"id": "m", "type": "media", "section": "x"}])
    assert r.status_code == 400 and r.json()["error"]["field"] == "panels.0.media.key"
    r = _put(api, [{"id": "p", "type": "pie", "section": "x"}])
    assert "comparer, scalar, markdown, media" in r.json()["error"]["message"]
