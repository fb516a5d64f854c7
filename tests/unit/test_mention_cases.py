"""The server's mention rule on the cases the UI's highlighting runs too (tests/cases/mentions.json),
so the names a user sees highlighted are the names the server tries to notify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trackwell.schema.comments import mention_names

CASES = json.loads((Path(__file__).resolve().parents[1] / "cases" / "mentions.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_mention_names(case: dict[str, object]) -> None:
    assert mention_names(str(case["text"])) == case["names"]
