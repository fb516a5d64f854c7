"""A real offline run end to end inside this process: facade, Run, processor, run log, finish.

Offline mode touches no network, so these tests exercise everything up to the run log with real
threads and real files, and check the log against the wire schema.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

import trackwell
from trackwell.schema.records import Record
from trackwell.sdk.runlog import history_rows, iter_records


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(__import__("os").environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    yield
    trackwell.finish()


def start(tmp_path: Path, **kwargs: Any) -> Any:
    return trackwell.init(project="p", mode="offline", dir=tmp_path, **kwargs)


def records(run: Any) -> list[dict[str, Any]]:
    logs = list(Path(run.sync_dir).glob("run-*.twlog"))
    assert len(logs) == 1
    return list(iter_records(logs[0]))


def test_log_before_init_and_preinit_objects_explain_themselves() -> None:
    assert trackwell.run is None
    with pytest.raises(trackwell.Error, match=r"You must call trackwell.init\(\) before trackwell.log\(\)"):
        trackwell.log({"a": 1})
    with pytest.raises(trackwell.Error, match="before trackwell.config.lr"):
        _ = trackwell.config.lr


def test_offline_run_writes_a_schema_valid_log(tmp_path: Path) -> None:
    run = start(tmp_path, config={"lr": 0.1}, name="my-run", tags=["a"], group="g", job_type="train")
    assert trackwell.run is run and trackwell.config.lr == 0.1
    assert len(run.id) == 8 and run.id.isalnum() and run.name == "my-run"
    assert (run.group, run.job_type, run.tags, run.offline) == ("g", "train", ("a",), True)
    assert run.dir == str(Path(run.sync_dir) / "files") and Path(run.dir).is_dir()
    run.config.update({"bs": 4})
    trackwell.define_metric("loss", summary="min")
    for i in range(5):
        trackwell.log({"loss": 1 / (i + 1), "nested": {"x": i}, "inf": math.inf})
    run.name = "renamed"
    trackwell.finish()
    assert trackwell.run is None

    recs = records(run)
    assert recs[0]["kind"] == "session" and recs[0]["run_id"] == run.id
    adapter: TypeAdapter[Any] = TypeAdapter(Record)
    body = [adapter.validate_python(r) for r in recs[1:]]
    assert [r.seq for r in body] == list(range(len(body)))
    kinds = [r.kind for r in body]
    assert kinds[-1] == "exit" and "meta" in kinds and "metric" in kinds
    history = list(history_rows(recs))
    assert [h["step"] for h in history] == [0, 1, 2, 3, 4]
    assert history[2]["values"]["nested"] == {"x": 2} and history[0]["values"]["inf"] == math.inf
    summary = [r for r in body if r.kind == "summary"][-1]
    assert summary.values["loss"] == {"min": 0.2}
    config = [r for r in body if r.kind == "config"][-1]
    assert config.values == {"lr": 0.1, "bs": 4}
    assert body[-1].state == "finished" and body[-1].exit_code == 0  # type: ignore[union-attr]


def test_summary_reads_reflect_everything_logged(tmp_path: Path) -> None:
    run = start(tmp_path)
    for i in range(1000):
        run.log({"i": i})
    assert run.summary["i"] == 999 and run.summary["_step"] == 999 and run.step == 1000
    run.summary["best"] = 7
    run.summary.update({"i": -1})
    assert run.summary["best"] == 7 and run.summary.i == -1


def test_bad_values_raise_type_error_and_lose_nothing(tmp_path: Path) -> None:
    run = start(tmp_path)
    run.log({"ok": 1})
    with pytest.raises(TypeError, match=r"the value of 'bad' is a builtins.object"):
        run.log({"bad": object()})
    with pytest.raises(TypeError, match="keys must be strings"):
        run.log({1: 2})
    with pytest.raises(TypeError, match=r"step=\.\.\.\) must be a non-negative integer"):
        run.log({"x": 1}, step="3")  # type: ignore[arg-type]
    run.log({"ok": 2})
    run.finish()
    assert [r["values"] for r in history_rows(records(run))] == [{"ok": 1}, {"ok": 2}]


def test_numpy_values_are_converted(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    run = start(tmp_path)
    run.log({"f": np.float32(0.5), "i": np.int64(3), "small": np.arange(3), "big": np.arange(100.0)})
    run.finish()
    values = next(r["values"] for r in history_rows(records(run)))
    assert values["f"] == 0.5 and values["i"] == 3 and values["small"] == [0, 1, 2]
    assert values["big"]["_type"] == "histogram" and sum(values["big"]["values"]) == 100
    assert len(values["big"]["bins"]) == 33


def test_out_of_order_steps_are_kept(tmp_path: Path) -> None:
    run = start(tmp_path)
    run.log({"a": 1}, step=5)
    run.log({"a": 2}, step=3)
    run.log({"a": 3})
    run.finish()
    hist = [(r["step"], r["values"], r["out_of_order"]) for r in history_rows(records(run))]
    assert hist == [(3, {"a": 2}, True), (5, {"a": 3}, False)]


def test_reinit_returns_the_same_run_unless_asked(tmp_path: Path) -> None:
    first = start(tmp_path)
    assert start(tmp_path) is first
    second = start(tmp_path, reinit=True)
    assert second is not first and trackwell.run is second
    assert records(first)[-1]["state"] == "finished"


def test_context_manager_marks_failed_with_the_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), start(tmp_path) as run:
        run.log({"a": 1})
        raise RuntimeError("boom")
    exit_record = records(run)[-1]
    assert exit_record["state"] == "failed" and exit_record["error"]["message"] == "boom"
    assert exit_record["error"]["type"] == "RuntimeError"


def test_finish_inside_finally_while_an_error_propagates_is_failed(tmp_path: Path) -> None:
    run = start(tmp_path)
    with pytest.raises(RuntimeError):
        try:
            raise RuntimeError("simulated failure")
        finally:
            trackwell.finish()
    exit_record = records(run)[-1]
    assert exit_record["state"] == "failed" and "simulated failure" in exit_record["error"]["message"]


def test_finish_is_idempotent_and_log_after_finish_is_refused(tmp_path: Path) -> None:
    run = start(tmp_path)
    run.finish()
    run.finish()
    with pytest.raises(trackwell.UsageError, match="is finished"):
        run.log({"a": 1})
    assert [r["kind"] for r in records(run)].count("exit") == 1


def test_disabled_mode_is_a_working_no_op(tmp_path: Path) -> None:
    run = trackwell.init(mode="disabled", config={"a": 1}, dir=tmp_path)
    assert run.disabled and trackwell.config.a == 1
    run.log({"x": 1})
    run.define_metric("x", summary="max")
    run.summary["x"] = 3
    run.log_artifact("whatever")
    run.finish()
    assert trackwell.run is None and not (tmp_path / "trackwell").exists()
