"""A markdown note's length limit on the server, from the cases the editor's test runs too
(tests/cases/note_lengths.json): both count characters the same way, so the editor's warning and the
server's 400 agree on every note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from trackwell.schema.layout import MarkdownPanel

CASES = json.loads((Path(__file__).resolve().parents[1] / "cases" / "note_lengths.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_the_server_counts_a_note_as_the_editor_does(case: dict[str, Any]) -> None:
    text = case["repeat"] * case["times"] + case["tail"]
    if case["ok"]:
        assert MarkdownPanel(id="n", section="notes", text=text).text == text
    else:
        with pytest.raises(ValidationError, match="characters"):
            MarkdownPanel(id="n", section="notes", text=text)
