"""A whole run's context capture, as init() wires it: every record it emits is a valid wire record."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from trackwell.schema.records import Record
from trackwell.sdk.context.metadata import ContextOptions
from trackwell.sdk.context.session import ContextSession


def test_session_emits_meta_output_stats_and_file_records(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "train.py").write_text("print('hi')\n")
    records: list[dict[str, Any]] = []
    lock = threading.Lock()

    def sink(fields: dict[str, Any]) -> None:
        with lock:
            records.append(fields)

    options = ContextOptions(program="train.py", args=[], cwd=work, environ=dict(os.environ))
    session = ContextSession(sink, tmp_path / "files", options, console="wrap", stats_interval=0.2)
    session.start()
    print("epoch 1 done")
    (work / "final.ckpt").write_bytes(b"weights")
    session.files.save("*.ckpt", policy="end")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(r["kind"] == "stats" for r in records):
        time.sleep(0.05)
    session.stop()

    adapter: TypeAdapter[Any] = TypeAdapter(Record)
    parsed = [adapter.validate_python({"seq": i, **fields}) for i, fields in enumerate(records)]
    kinds = {r.kind for r in parsed}
    assert kinds == {"meta", "output", "stats", "file"}
    meta = next(r for r in parsed if r.kind == "meta")
    assert meta.metadata["program"] == "train.py"
    output_texts = [line.text for r in parsed if r.kind == "output" for line in r.lines]
    assert "epoch 1 done" in output_texts
    files = {r.path: r.policy for r in parsed if r.kind == "file"}
    assert files == {"requirements.txt": "now", "final.ckpt": "end"}


def test_switches_leave_parts_off(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = []
    options = ContextOptions(program=None, args=[], cwd=tmp_path, environ={})
    session = ContextSession(
        records.append, tmp_path / "files", options, console="off", stats_interval=None, disable_meta=True
    )
    session.start()
    print("not captured")
    session.stop()
    assert session.console is None and session.monitor is None
    assert records == []
