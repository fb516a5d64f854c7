"""Summary semantics: last value, define_metric ops and globs, explicit overrides (reference 1.6)."""

from __future__ import annotations

import pytest

from trackwell.sdk.summary_state import SummaryState, parse_metric


def fold(state: SummaryState, *rows: dict[str, object]) -> dict[str, object]:
    for i, row in enumerate(rows):
        state.update_row(dict(row), i, 100.0 + i, float(i))
    return {k: v for k, v in state.snapshot().items() if not k.startswith("_")}


def test_last_value_by_default_with_step_runtime_timestamp() -> None:
    state = SummaryState()
    assert fold(state, {"a": 1, "n": {"x": 1}}, {"a": 2}) == {"a": 2, "n": {"x": 1}}
    snap = state.snapshot()
    assert (snap["_step"], snap["_runtime"], snap["_timestamp"]) == (1, 1.0, 101.0)


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ("min", {"min": 0}),
        ("max", {"max": 2}),
        ("mean,last", {"last": 1, "mean": 1.0}),
        ("first,max", {"first": 1, "max": 2}),
        ("min,max,mean,first,last", {"min": 0, "max": 2, "mean": 1.0, "first": 1, "last": 1}),
    ],
)
def test_summary_ops_combine_into_one_object(ops: str, expected: dict[str, object]) -> None:
    state = SummaryState()
    state.define(parse_metric("a", summary=ops))
    assert fold(state, {"a": 1}, {"a": 0}, {"a": 2}, {"a": 1})["a"] == expected


def test_none_drops_the_key() -> None:
    state = SummaryState()
    state.define(parse_metric("a", summary="none"))
    assert fold(state, {"a": 1, "b": 2}) == {"b": 2}


def test_globs_longest_prefix_and_exact_name_win() -> None:
    state = SummaryState()
    state.define(parse_metric("*", summary="max"))
    state.define(parse_metric("val/*", summary="min"))
    state.define(parse_metric("val/acc", summary="last"))
    got = fold(
        state, {"val/loss": 3, "val/acc": 0.1, "train/x": 5}, {"val/loss": 1, "val/acc": 0.2, "train/x": 4}
    )
    assert got == {"val/loss": {"min": 1}, "val/acc": {"last": 0.2}, "train/x": {"max": 5}}


def test_legacy_goal_and_best() -> None:
    state = SummaryState()
    state.define(parse_metric("acc", summary="best", goal="maximize"))
    state.define(parse_metric("loss", summary="best", goal="minimize"))
    assert fold(state, {"acc": 0.5, "loss": 2}, {"acc": 0.9, "loss": 1}, {"acc": 0.7, "loss": 3}) == {
        "acc": {"best": 0.9},
        "loss": {"best": 1},
    }


def test_nan_is_ignored_by_min_and_max_but_kept_as_last() -> None:
    state = SummaryState()
    state.define(parse_metric("a", summary="min,last"))
    got = fold(state, {"a": 1.0}, {"a": float("nan")})
    assert got["a"]["min"] == 1.0  # type: ignore[index]
    assert got["a"]["last"] != got["a"]["last"]  # type: ignore[index]


def test_explicit_values_win_and_delete_removes() -> None:
    state = SummaryState()
    fold(state, {"acc": 0.5, "loss": 1})
    state.set({"acc": 0.99, "best_epoch": 3})
    assert fold(state, {"acc": 0.6}) == {"acc": 0.99, "loss": 1, "best_epoch": 3}
    state.delete("loss")
    assert "loss" not in state.snapshot()


def test_step_sync_inserts_the_last_step_metric_value() -> None:
    state = SummaryState()
    state.define(parse_metric("epoch"))
    state.define(parse_metric("val/*", step_metric="epoch"))
    fold(state, {"epoch": 3})
    row = {"val/loss": 0.1}
    state.step_sync(row)
    assert row == {"val/loss": 0.1, "epoch": 3}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "non-empty string"),
        ({"name": "a*b"}, "only allowed at the end"),
        ({"name": "a", "summary": "median"}, "unknown summary op 'median'"),
        ({"name": "a", "goal": "up"}, "must be 'minimize' or 'maximize'"),
    ],
)
def test_bad_define_metric_arguments_name_the_fix(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        parse_metric(**kwargs)
