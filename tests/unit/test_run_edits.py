"""The merge rule of Api write-backs and SDK writes (``service.run_edits``): latest write wins, and
an SDK record writes only the keys it changed."""

from __future__ import annotations

import math

from trackwell.service.run_edits import apply_edit, merge_sdk_write, same_value


def test_an_edit_remembers_the_sdks_value_as_its_base() -> None:
    values, edits = apply_edit({"lr": 0.1, "seed": 1}, {}, {"lr": 0.05, "new": "x"}, ["seed", "absent"])
    assert values == {"lr": 0.05, "new": "x"}
    assert edits == {"lr": {"base": 0.1, "value": 0.05}, "new": {"value": "x"}, "seed": {"base": 1}}
    # A second edit of the same key keeps the first base (the SDK's value).
    _, again = apply_edit(values, edits, {"lr": 0.01}, None)
    assert again["lr"] == {"base": 0.1, "value": 0.01}


def test_an_sdk_record_that_sends_a_key_unchanged_keeps_the_edit() -> None:
    _, edits = apply_edit({"lr": 0.1, "seed": 1}, {}, {"lr": 0.05, "new": "x"}, ["seed"])
    values, kept = merge_sdk_write({"lr": 0.1, "seed": 1, "batch": 64}, edits)
    assert values == {"lr": 0.05, "new": "x", "batch": 64}
    assert kept == edits


def test_an_sdk_record_that_changes_an_edited_key_wins_and_the_edit_is_forgotten() -> None:
    _, edits = apply_edit({"lr": 0.1, "seed": 1}, {}, {"lr": 0.05}, ["seed"])
    values, kept = merge_sdk_write({"lr": 0.2, "seed": 1}, edits)
    assert values == {"lr": 0.2}
    assert kept == {"seed": {"base": 1}}
    # The SDK adding a key the Api had added, or dropping one the Api had changed: the SDK wins.
    _, edits = apply_edit({"a": 1}, {}, {"a": 2, "b": 3}, None)
    values, kept = merge_sdk_write({"b": 4}, edits)
    assert values == {"b": 4} and kept == {}


def test_a_merge_over_the_stored_values_counts_only_the_keys_it_holds() -> None:
    stored, edits = apply_edit({"lr": 0.1, "seed": 1}, {}, {"lr": 0.05}, ["seed"])
    values, kept = merge_sdk_write({"lr": 0.1, "epochs": 3}, edits, over=stored)
    assert values == {"lr": 0.05, "epochs": 3} and kept == edits


def test_nan_sent_again_is_not_a_change() -> None:
    assert same_value(math.nan, math.nan) and same_value({"a": [math.nan]}, {"a": [math.nan]})
    assert not same_value(1.0, 2.0) and not same_value({"a": 1}, {"a": 2})
    _, edits = apply_edit({"loss": math.nan}, {}, {"note": "diverged"}, None)
    values, kept = merge_sdk_write({"loss": math.nan}, edits)
    assert values["note"] == "diverged" and kept == edits
