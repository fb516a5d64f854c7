"""The SDK's plain write-path messages (sdk/wire.py) stay in step with the wire models.

The pydantic models in trackwell.schema are the contract; the SDK mirrors a few of them as
dataclasses so that ``init()`` never imports pydantic. These tests fail when the two drift.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from trackwell.schema.files import RunFile
from trackwell.schema.records import BatchAck
from trackwell.schema.records import OutputLine as OutputLineModel
from trackwell.schema.runs import RunOut, RunUpsert
from trackwell.sdk.wire import OutputLine, RecordsAck, RunStart, StartedRun, StoredFile


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize(
    ("mirror", "model"),
    [(RunStart, RunUpsert), (RecordsAck, BatchAck), (StoredFile, RunFile), (OutputLine, OutputLineModel)],
)
def test_mirrors_have_exactly_the_fields_of_their_model(mirror: type, model: type[BaseModel]) -> None:
    assert _fields(mirror) == set(model.model_fields)


def test_started_run_reads_a_subset_of_run_out_with_the_same_defaults() -> None:
    assert _fields(StartedRun) <= set(RunOut.model_fields)
    out = RunOut(
        id="r1", entity="ada", project="p", display_name="brave-owl-1", state="running",
        created_at=1.0, updated_at=2.0, resumed=True, last_step=41, runtime=12.5,
        tags=["a"], config={"lr": 0.1}, summary={"loss": 0.5}, next_seq=7,
    )  # fmt: skip
    started = StartedRun.from_dict(out.model_dump(mode="json"))
    for name in _fields(StartedRun):
        assert getattr(started, name) == getattr(out, name), name
    minimal = RunOut(
        id="r", entity="e", project="p", display_name="n", state="running", created_at=0, updated_at=0
    )
    defaults = StartedRun.from_dict(minimal.model_dump(mode="json", exclude_defaults=True))
    for name in _fields(StartedRun):
        assert getattr(defaults, name) == getattr(minimal, name), name


def test_run_start_body_validates_as_run_upsert_and_round_trips() -> None:
    start = RunStart(
        session_id="s1", resume="allow", display_name="x", tags=["t"], config={"a": {"b": 1}},
        host="h", program="train.py", started_at=3.5,
    )  # fmt: skip
    model = RunUpsert.model_validate_json(start.to_json())
    assert model.model_dump(exclude_none=True) == start.to_dict()
    assert RunStart.from_dict(model.model_dump()) == start
    assert RunStart(session_id="s").to_dict() == RunUpsert(session_id="s").model_dump(exclude_none=True)


def test_records_ack_and_stored_file_read_the_models_json() -> None:
    ack = BatchAck(session_id="s", applied_through=9, stop_requested=True, warnings=["w"])
    assert dataclasses.asdict(RecordsAck.from_dict(ack.model_dump(mode="json"))) == ack.model_dump()
    f = RunFile(path="a/b.txt", size=3, sha256="0" * 64, updated_at=1.0, url="/x")
    assert dataclasses.asdict(StoredFile.from_dict(f.model_dump(mode="json"))) == f.model_dump()
    line = OutputLine(line=3, stream="stderr", timestamp=1.5, text="boom")
    assert OutputLineModel.model_validate(line.to_dict()).model_dump() == line.to_dict()


def test_a_training_run_never_imports_pydantic(tmp_path: Path) -> None:
    # init() has a 50 ms budget and importing pydantic alone costs more: the whole write path of an
    # (offline) run, with console capture and system metrics, must stay clear of it.
    script = (
        "import sys, trackwell\n"
        f"run = trackwell.init(project='p', mode='offline', dir={str(tmp_path)!r})\n"
        "print('hello')\n"
        "run.log({'loss': 0.5, 'acc': [1, 2, 3]})\n"
        "run.summary['best'] = 1\n"
        "run.finish()\n"
        "print('PYDANTIC', 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "PYDANTIC False" in out.stdout
