"""Run-log framing: round trip, tailing a live log, corrupt tails reported and never raised; the
record layout (seq first, kind second) that byte-level readers peek at."""

from __future__ import annotations

import json
import math
import typing
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from trackwell.schema.records import Record
from trackwell.sdk import processor_history, runlog
from trackwell.sdk.processor import Processor
from trackwell.sdk.processor_messages import (
    AppendRecord,
    ConfigChanged,
    DefineMetric,
    Finish,
    SummarySet,
)
from trackwell.sdk.runlog import (
    HEADER,
    RecordLayoutError,
    RunLogWriter,
    encode_record,
    iter_records,
    numbered,
    peek_seq_kind,
    read_frames,
)
from trackwell.sdk.summary_state import parse_metric

T0 = 1_700_000_000.0


def write_log(path: Path, n: int) -> None:
    writer = RunLogWriter(path)
    writer.append(encode_record({"kind": "session", "session_id": "s"}))
    for i in range(n):
        writer.append(
            encode_record(
                {
                    "seq": i,
                    "kind": "history",
                    "step": i,
                    "timestamp": 1.0,
                    "runtime": 0.5,
                    "values": {"x": i, "nan": float("nan")},
                }
            )
        )
    writer.close()


def test_round_trip_and_records_match_the_wire_schema(tmp_path: Path) -> None:
    path = tmp_path / "run-x.twlog"
    write_log(path, 3)
    assert path.read_bytes().startswith(HEADER)
    records = list(iter_records(path))
    assert records[0]["kind"] == "session"
    assert [r["seq"] for r in records[1:]] == [0, 1, 2]
    adapter: TypeAdapter[Record] = TypeAdapter(Record)  # type: ignore[arg-type]
    parsed = adapter.validate_python(records[2])
    assert parsed.kind == "history" and parsed.seq == 1


def test_seq_and_kind_are_read_from_the_first_bytes() -> None:
    payload = encode_record(numbered(17, {"kind": "file", "path": "a"}))
    assert payload.startswith(b'{"seq":17,"kind":"file",')
    assert peek_seq_kind(payload) == (17, "file")
    session = encode_record({"kind": "session", "session_id": "s"})
    assert peek_seq_kind(session) == (-1, "session")
    assert peek_seq_kind(encode_record({"kind": "session"})) == (-1, "session")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"kind":"file","seq":3,"path":"a"}', (3, "file")),  # keys in another order: parsed whole
        (b'{"seq":3,"path":"a","kind":"file"}', (3, "file")),
        (b'{ "seq": 4, "kind": "exit" }', (4, "exit")),  # not compact
        (b'{"seq":5,"kind":"a\\"b"}', (5, 'a"b')),  # an escaped quote in the kind
        (b'{"session_id":"s","kind":"session"}', (-1, "session")),
    ],
)
def test_a_record_off_the_layout_is_still_read_right(payload: bytes, expected: tuple[int, str]) -> None:
    assert peek_seq_kind(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1,2]",
        b'{"kind":"history"}',  # no seq, and not a session header
        b'{"seq":"3","kind":"history"}',  # seq not an int
        b'{"seq":3}',  # no kind
        b'{"seq":3,"kind":7}',
        b"",
    ],
)
def test_a_payload_that_is_no_record_is_refused(payload: bytes) -> None:
    with pytest.raises(RecordLayoutError, match="not a run-log record"):
        peek_seq_kind(payload)


def test_numbered_puts_seq_then_kind_first_whatever_the_fields_order() -> None:
    record = numbered(2, {"path": "a", "kind": "file", "size": 1})
    assert list(record) == ["seq", "kind", "path", "size"]
    assert record["kind"] == "file"


def _every_kind_of_record(tmp_path: Path, name: str) -> list[bytes]:
    """A run log written by the real processor with one record of every kind the wire schema has."""
    path = tmp_path / f"{name}.twlog"
    writer = RunLogWriter(path)
    writer.append(encode_record({"kind": "session", "session_id": "s", "entity": None, "project": "p"}))
    processor = Processor(writer=writer, files_dir=tmp_path, start_time=T0)
    submit = processor.submit
    for i in range(3):  # plain rows: a history_block
        submit(({"loss": 1.0 / (i + 1), "nan": math.nan}, None, None, T0 + i, False))
    submit(({"loss": [1, 2], "inf": math.inf}, None, None, T0 + 4, False))  # a history record
    submit(ConfigChanged({"lr": 0.1, "big": 2**70}))
    submit(SummarySet({"best": 1}))
    submit(DefineMetric(parse_metric("loss", summary="min")))
    # What the run's context capture, run.alert() and the media binder hand over (kind anywhere).
    submit(AppendRecord({"kind": "meta", "metadata": {"host": "h"}}))
    submit(AppendRecord({"kind": "output", "lines": [{"line": 0, "text": "x", "stream": "stdout"}]}))
    submit(AppendRecord({"timestamp": T0, "runtime": 1.0, "values": {"cpu": 1.0}, "kind": "stats"}))
    submit(AppendRecord({"path": "a.txt", "sha256": "0" * 64, "size": 1, "policy": "now", "kind": "file"}))
    submit(AppendRecord({"kind": "alert", "title": "t", "text": "x", "level": "INFO", "wait_duration": 0}))
    # What run.log_artifact() and run.use_artifact() hand over (artifacts/run_ops.py).
    submit(AppendRecord({"kind": "artifact", "client_id": "c" * 16, "name": "data", "create": {}}))
    submit(AppendRecord({"kind": "artifact_use", "artifact_id": "QXJ0", "used_as": None}))
    submit(Finish({"state": "finished", "exit_code": 0, "error": None}))
    processor.start()
    assert processor.finish({}, timeout=30)
    return [payload for _, payload in read_frames(path).frames]


def _schema_kinds() -> set[str]:
    union = typing.get_args(Record)[0]
    return {model.model_fields["kind"].default for model in typing.get_args(union)}


@pytest.mark.parametrize("encoder", ["orjson", "stdlib"])
def test_the_writer_puts_seq_first_and_kind_second_in_every_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: str
) -> None:
    if encoder == "stdlib":  # orjson is loaded by the processor; keep it out
        monkeypatch.setattr(runlog, "_fast_dumps", None)
        monkeypatch.setattr(processor_history, "use_fast_encoder", lambda: None)
    payloads = _every_kind_of_record(tmp_path, encoder)
    assert (runlog._fast_dumps is None) == (encoder == "stdlib")
    kinds = set()
    for i, payload in enumerate(payloads):
        record = json.loads(payload)
        if i == 0:
            assert list(record)[0] == "kind" and record["kind"] == "session"
            assert peek_seq_kind(payload) == (-1, "session")
            continue
        assert list(record)[:2] == ["seq", "kind"], payload[:80]
        assert record["seq"] == i - 1
        assert peek_seq_kind(payload) == (record["seq"], record["kind"])
        kinds.add(record["kind"])
    assert _schema_kinds() <= kinds, f"no record of kind {_schema_kinds() - kinds} was written"


def test_truncated_tail_is_reported_and_good_frames_kept(tmp_path: Path) -> None:
    path = tmp_path / "run-x.twlog"
    write_log(path, 5)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size - 3)
    result = read_frames(path)
    assert len(result.frames) == 5  # header + 4 good records
    assert result.problem is not None and result.problem.startswith("corrupt tail at byte ")
    assert result.problem.endswith("bytes skipped")
    # A live log being written is not corrupt: the partial frame is left for the next read.
    assert read_frames(path, final=False).problem is None


def test_bad_crc_stops_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "run-x.twlog"
    write_log(path, 4)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # flip a byte in the last record's payload
    path.write_bytes(bytes(data))
    result = read_frames(path)
    assert len(result.frames) == 4 and result.corrupt_at is not None


def test_garbage_file_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "run-x.twlog"
    path.write_bytes(b"not a run log at all")
    result = read_frames(path)
    assert result.frames == [] and result.corrupt_at == 0


def test_bounded_reads_resume_where_they_stopped(tmp_path: Path) -> None:
    path = tmp_path / "run-x.twlog"
    write_log(path, 50)
    offset, seen = 0, []
    while True:
        result = read_frames(path, offset, max_bytes=300)
        if not result.frames:
            break
        seen += [json.loads(p).get("seq", -1) for _, p in result.frames]
        offset = result.end
    assert seen == [-1, *range(50)]


def test_a_real_run_writes_every_record_in_the_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same through ``trackwell.init()`` (offline): the session header ``init`` writes, and what
    Run, Config, Summary and the context capture queue, all read from their first bytes."""
    import os

    import trackwell

    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    run = trackwell.init(project="p", mode="offline", dir=tmp_path, config={"lr": 0.1})
    try:
        run.config.update({"bs": 4})
        run.define_metric("loss", summary="min")
        for i in range(3):
            run.log({"loss": 1 / (i + 1), "nested": {"x": i}, "nan": math.nan})
        run.summary["best"] = 1
    finally:
        run.finish()
    (log_path,) = Path(run.sync_dir).glob("run-*.twlog")
    payloads = [payload for _, payload in read_frames(log_path).frames]
    assert payloads[0].startswith(b'{"kind":"session",')
    for seq, payload in enumerate(payloads[1:]):
        record = json.loads(payload)
        assert payload.startswith(b'{"seq":%d,"kind":"%s"' % (seq, record["kind"].encode())), payload[:80]
        assert peek_seq_kind(payload) == (seq, record["kind"])
    kinds = {json.loads(p)["kind"] for p in payloads}
    assert {"session", "config", "metric", "history", "summary", "meta", "exit"} <= kinds
