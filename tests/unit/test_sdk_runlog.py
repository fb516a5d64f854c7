"""Run-log framing: round trip, tailing a live log, corrupt tails reported and never raised."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from trackwell.schema.records import Record
from trackwell.sdk.runlog import (
    HEADER,
    RunLogWriter,
    encode_record,
    iter_records,
    payload_seq_kind,
    read_frames,
)


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


def test_seq_and_kind_are_read_without_parsing(tmp_path: Path) -> None:
    payload = encode_record({"seq": 17, "kind": "file", "path": "a"})
    assert payload_seq_kind(payload) == (17, "file")
    assert payload_seq_kind(encode_record({"kind": "session"})) == (-1, "session")


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
