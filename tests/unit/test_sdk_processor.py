"""The processor's fast path for plain rows and the run log's fast encoder must change nothing
but speed: the same calls write the same records, and every value reads back exactly."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from trackwell.sdk import runlog
from trackwell.sdk.processor import Processor
from trackwell.sdk.processor_history import HistoryWriter
from trackwell.sdk.processor_messages import (
    AppendRecord,
    DefineMetric,
    Finish,
    Message,
    SummaryDelete,
    SummarySet,
)
from trackwell.sdk.runlog import RunLogWriter, encode_record, iter_records
from trackwell.sdk.summary_state import parse_metric

T0 = 1_700_000_000.0


def _calls() -> list[Message]:
    """A mix of what a training script does: plain rows (fast path) around everything that is not."""
    calls: list[Message] = []

    def log(data: dict[str, Any], step: int | None = None, commit: bool | None = None) -> None:
        calls.append((data, step, commit, T0 + len(calls) * 0.001, False))

    for i in range(1500):  # more than one block
        log({"loss": 1.0 / (i + 1), "acc": 0.5, "epoch": i // 100})
    log({"x": 1})  # plain rows with other keys: a block each, one after the other
    log({"y": 2})
    calls.append(SummaryDelete("epoch"))  # deleted after rows that logged it: stays deleted
    log({"acc": 0.25, "nested": {"x": 1}})  # not plain: a row record of its own, the last acc
    log({"loss": 0.2})  # other keys: a new block
    calls.append(SummaryDelete("other"))
    log({"loss": 0.3, "other": 0.7})  # logs "other" after its deletion: back in the summary
    log({"part": 1}, commit=False)
    log({"loss": 0.4})  # merges into the open row: not the fast path
    log({"loss": 0.5}, step=5000)
    log({"loss": 0.6})  # step=5000's row is open: merges, then commits
    log({"a": 1}, commit=False)
    log({"b": 1})  # a row of plain scalars from the regular path starts a block...
    log({"a": 2, "b": 3})  # ...and a fast row joins it
    calls.append(SummarySet({"best": 1}))
    for i in range(10):
        log({"loss": float(i), "nan": math.nan, "big": 2**70, "none": None, "s": "é"})
    calls.append(AppendRecord({"kind": "config", "values": {"lr": 0.1}}))
    calls.append(DefineMetric(parse_metric("loss", summary="min")))
    for i in range(5):  # with a metric defined: the regular path
        log({"loss": 10.0 - i})
    calls.append(Finish({"state": "finished", "exit_code": 0, "error": None}))
    return calls


def _records(tmp_path: Path, name: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(HistoryWriter, "fast_rows", fast)
    path = tmp_path / f"{name}.twlog"
    processor = Processor(writer=RunLogWriter(path), files_dir=tmp_path, start_time=T0)
    for call in _calls():
        processor.submit(call)
    processor.start()
    assert processor.finish({}, timeout=30)
    records = list(iter_records(path))
    assert records[-1]["kind"] == "exit"
    records[-1].pop("runtime")  # the time finish() ran
    return records


def test_fast_path_writes_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _records(tmp_path, "fast", fast=True, monkeypatch=monkeypatch)
    slow = _records(tmp_path, "slow", fast=False, monkeypatch=monkeypatch)
    assert json.dumps(fast) == json.dumps(slow)  # NaN compares equal only as text
    summary = next(r["values"] for r in reversed(fast) if r["kind"] == "summary")
    assert "epoch" not in summary and summary["acc"] == 0.25 and summary["other"] == 0.7
    assert (summary["a"], summary["b"], summary["x"], summary["y"]) == (2, 3, 1, 2)
    assert summary["best"] == 1 and summary["loss"] == {"min": 6.0}
    assert summary["_step"] == 5017 and summary["s"] == "é" and summary["big"] == 2**70
    blocks = [r for r in fast if r["kind"] == "history_block"]
    assert [len(b["steps"]) for b in blocks[:2]] == [1000, 500]
    assert sum(len(b["steps"]) for b in blocks) + sum(r["kind"] == "history" for r in fast) == 1524


@pytest.mark.parametrize(
    "values",
    [
        [1.0, 0.1, 1e-05, 1e300, -0.0, 5e-324, 0, -1, 2**63 - 1, -(2**63), True, "x", "é\u2028"],
        [math.nan, 1.0],
        [math.inf, -math.inf],
        [None, 2.5],
        [2**64, 1],
        [-(2**64) - 5],
    ],
)
def test_fast_encoder_round_trips_every_value_exactly(values: list[Any]) -> None:
    runlog.use_fast_encoder()
    record = {"seq": 3, "kind": "history_block", "columns": {"a": values}, "nested": {"k": values}}
    fast = encode_record(record)
    plain = json.dumps(record, separators=(",", ":"), allow_nan=True, ensure_ascii=False).encode()
    assert fast.startswith(b'{"seq":3,')
    decoded = json.loads(fast)
    assert json.dumps(decoded) == json.dumps(json.loads(plain))
    assert [type(v) for v in decoded["columns"]["a"]] == [type(v) for v in values]


def test_fast_encoder_falls_back_for_what_orjson_refuses() -> None:
    runlog.use_fast_encoder()

    # non-string keys (the stdlib writes them as strings), a float subclass
    class F(float):
        pass

    record = {"seq": 0, "kind": "config", "values": {1: "a", "f": F(1.5)}}
    assert json.loads(encode_record(record)) == {"seq": 0, "kind": "config", "values": {"1": "a", "f": 1.5}}


def test_plain_rows_skip_the_per_row_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Speed is measured in benchmarks/sdk_bench.py; this guards the reason for it: plain rows never
    # go through RowBuilder and write_row (~5x slower a row), whatever else is in the queue.
    per_row: list[Any] = []
    original = HistoryWriter.write_row
    monkeypatch.setattr(
        HistoryWriter, "write_row", lambda self, row: (per_row.append(row), original(self, row))
    )
    processor = Processor(writer=RunLogWriter(tmp_path / "x.twlog"), files_dir=tmp_path, start_time=T0)
    for i in range(20_000):
        processor.submit(({"loss": 1.0 / (i + 1), "acc": 0.5}, None, None, T0 + i, False))
        if i % 5000 == 0:
            processor.submit(AppendRecord({"kind": "config", "values": {"i": i}}))
    processor.start()
    assert processor.finish({}, timeout=30)
    assert per_row == []
    blocks = [r for r in iter_records(tmp_path / "x.twlog") if r["kind"] == "history_block"]
    assert sum(len(b["steps"]) for b in blocks) == 20_000
