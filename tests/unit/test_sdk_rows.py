"""wandb's log() row semantics (reference section 1.5), each captured sequence replayed exactly."""

from __future__ import annotations

from typing import Any

from trackwell.sdk.rows import Row, RowBuilder


def replay(calls: list[tuple[dict[str, Any], int | None, bool | None]], finish: bool = False) -> list[Row]:
    builder, out = RowBuilder(), []
    for i, (data, step, commit) in enumerate(calls):
        builder.log(dict(data), step, commit, float(i), out)
    if finish:
        builder.flush(out)
    return out


def rows(out: list[Row]) -> list[tuple[int, dict[str, Any], bool]]:
    return [(r.step, r.values, r.out_of_order) for r in out]


def test_each_call_without_step_is_its_own_row() -> None:
    out = replay([({"a": 1}, None, None), ({"a": 2}, None, None)])
    assert rows(out) == [(0, {"a": 1}, False), (1, {"a": 2}, False)]


def test_commit_false_accumulates_into_the_next_committed_row() -> None:
    out = replay([({"x": 0}, None, None)] * 3 + [({"partial": 1}, None, False), ({"other": 2}, None, None)])
    assert rows(out)[-1] == (3, {"partial": 1, "other": 2}, False)
    assert len(out) == 4


def test_captured_explicit_step_sequence() -> None:
    # log({a:1},step=5); log({a:2},step=3); log({a:3}); log({b:1},step=6);
    # log({c:1},step=7); log({epoch:1,"val/acc":.5}); log({d:1})
    out = replay(
        [
            ({"a": 1}, 5, None),
            ({"a": 2}, 3, None),
            ({"a": 3}, None, None),
            ({"b": 1}, 6, None),
            ({"c": 1}, 7, None),
            ({"epoch": 1, "val/acc": 0.5}, None, None),
            ({"d": 1}, None, None),
        ]
    )
    assert rows(out) == [
        (3, {"a": 2}, True),  # wandb drops it; we keep it, flagged
        (5, {"a": 3}, False),
        (6, {"b": 1}, False),
        (7, {"c": 1, "epoch": 1, "val/acc": 0.5}, False),
        (8, {"d": 1}, False),
    ]


def test_explicit_step_row_stays_open_until_finish() -> None:
    builder, out = RowBuilder(), []
    builder.log({"loss": 1.0}, 10, None, 0.0, out)
    builder.log({"acc": 0.5}, 10, None, 1.0, out)
    assert out == [] and builder.has_open_row
    builder.flush(out)
    assert rows(out) == [(10, {"loss": 1.0, "acc": 0.5}, False)]
    assert builder.step == 11


def test_explicit_step_with_commit_true_closes_the_row() -> None:
    out = replay([({"a": 1}, 4, True), ({"b": 1}, None, None)])
    assert rows(out) == [(4, {"a": 1}, False), (5, {"b": 1}, False)]


def test_same_step_after_commit_is_out_of_order() -> None:
    out = replay([({"a": 1}, 4, True), ({"a": 2}, 4, None)], finish=True)
    assert rows(out) == [(4, {"a": 1}, False), (4, {"a": 2}, True)]


def test_nested_dicts_stay_nested_and_merge() -> None:
    out = replay([({"n": {"x": 0}}, None, False), ({"n": {"y": 1}}, None, None)])
    assert rows(out) == [(0, {"n": {"x": 0, "y": 1}}, False)]


def test_handbook_03_pattern_final_stepless_log_merges_into_last_step() -> None:
    calls: list[tuple[dict[str, Any], int | None, bool | None]] = [
        ({"train/loss": 1.0, "global_step": s}, s, None) for s in range(20, 501, 20)
    ]
    calls.append(({"status": "completed", "final_step": 500}, None, None))
    out = replay(calls, finish=True)
    assert [r.step for r in out] == list(range(20, 501, 20))
    assert out[-1].values == {"train/loss": 1.0, "global_step": 500, "status": "completed", "final_step": 500}


def test_starting_step_continues_a_resumed_run() -> None:
    builder, out = RowBuilder(starting_step=42), []
    builder.log({"a": 1}, None, None, 0.0, out)
    assert out[0].step == 42
