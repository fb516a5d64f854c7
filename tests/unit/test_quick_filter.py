"""The runs filter box's short form read in Python (``schema/quick_filter.py``) means what the
browser's parser makes of it: both run ``tests/cases/quick_filters.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.quick_filter import TOP_LEVEL_FIELDS, FilterTextError, parse_quick_filter
from trackwell.store.sql.filters import _COLUMNS

CASES: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "cases" / "quick_filters.json").read_text(encoding="utf-8")
)
KNOWN = CASES["known"]


@pytest.mark.parametrize(("text", "expected"), CASES["valid"], ids=[c[0] or "''" for c in CASES["valid"]])
def test_the_short_form_reads_as_the_browser_reads_it(text: str, expected: dict[str, Any]) -> None:
    assert parse_quick_filter(text, KNOWN["config"], KNOWN["summary"]) == expected


@pytest.mark.parametrize(("text", "pattern"), CASES["invalid"], ids=[c[0] for c in CASES["invalid"]])
def test_a_mistake_is_named_with_its_position_in_the_browsers_words(text: str, pattern: str) -> None:
    with pytest.raises(FilterTextError) as caught:
        parse_quick_filter(text, KNOWN["config"], KNOWN["summary"])
    assert re.search(pattern, caught.value.message), caught.value.message
    assert caught.value.field == "filters"


def test_the_run_fields_a_filter_names_directly_are_the_ones_the_server_filters_on() -> None:
    assert sorted(TOP_LEVEL_FIELDS) == CASES["top_level"]
    assert set(_COLUMNS) | {"tags"} == TOP_LEVEL_FIELDS


def test_a_bare_name_the_project_does_not_know_is_refused_not_dropped() -> None:
    # A run set saved as "lr>0.01" in a project without an lr key must not quietly select every run.
    with pytest.raises(FilterTextError, match="write config.lr or summary.lr"):
        parse_quick_filter("lr>0.01")
    assert parse_quick_filter("config.lr>0.01") == {"config.lr": {"$gt": 0.01}}
