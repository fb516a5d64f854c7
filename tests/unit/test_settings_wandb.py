"""Settings accept wandb 0.31's field names: implemented ones map to Trackwell's, the rest warn once
naming the field, and a name neither knows is an error naming it and the closest valid names."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import trackwell
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk import term
from trackwell.sdk.runlog import iter_records


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    term.set_silent(False)
    term._shown.clear()  # each test sees its own once-per-process warnings
    yield
    trackwell.finish()


def test_wandb_names_map_to_trackwell_settings() -> None:
    s = trackwell.Settings(
        x_disable_stats=True,
        _disable_meta=True,  # wandb's legacy private spelling of x_disable_meta
        x_stats_sampling_interval=2.5,
        code_dir=Path("src"),
        run_notes="n",
        run_tags=("a", "b"),
        run_job_type="train",
        heartbeat_seconds=30,
        x_save_requirements=False,
        console="wrap",
        mode="shared",
    )
    assert (s.disable_stats, s.disable_meta, s.stats_interval) == (True, True, 2.5)
    assert (s.code_dir, s.notes, s.tags, s.job_type) == ("src", "n", ("a", "b"), "train")
    assert (s.heartbeat_interval, s.disable_packages, s.console, s.mode) == (30.0, True, "auto", "online")
    # wandb code reads settings back under wandb's names too
    assert s.x_disable_stats is True and s._disable_meta is True and s.run_notes == "n"
    with pytest.raises(AttributeError, match="no attribute 'not_a_setting'"):
        _ = s.not_a_setting


def test_every_wandb_field_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    from trackwell.sdk.settings_wandb import MAPPED, NO_EFFECT, SILENT

    for name in sorted(NO_EFFECT | SILENT):
        trackwell.Settings(**{name: None})  # None: not given
    known = NO_EFFECT | MAPPED.keys() | SILENT | set(trackwell.Settings.field_names)
    # a sample across wandb 0.31's Settings: public, x_ internal, and recent additions
    sample = {"console_multipart", "capture_loggers", "finish_timeout_raises", "x_primary", "x_label"}
    sample |= {"x_stats_gpu_device_ids", "x_skip_transaction_log", "x_update_finish_state", "reinit"}
    assert sample <= known and len(known) > 150
    assert not capsys.readouterr().err  # nothing set, nothing to warn about


def test_fields_that_change_nothing_warn_once_naming_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    trackwell.Settings(x_label="rank0", start_method="thread", anonymous="allow")
    trackwell.Settings(x_label="rank1")
    err = capsys.readouterr().err
    assert err.count("Settings.x_label has no effect in Trackwell") == 1
    assert "start_method" not in err and "anonymous" not in err  # wandb's own no-ops: silent


def test_finish_timeout_zero_means_wait_as_wandb_and_keeps_the_bounded_default() -> None:
    assert trackwell.Settings(finish_timeout=0).finish_timeout == 30.0
    assert trackwell.Settings(finish_timeout=5).finish_timeout == 5.0


def test_an_unknown_name_is_an_error_naming_it_and_the_closest_names() -> None:
    with pytest.raises(InvalidArgument) as caught:
        trackwell.Settings(x_disable_stat=True)
    assert caught.value.field == "x_disable_stat"
    assert "'x_disable_stats'" in str(caught.value)
    with pytest.raises((InvalidArgument, trackwell.UsageError), match="unknown setting 'colour'"):
        trackwell.init(mode="offline", settings={"colour": "red"})


def test_bad_values_of_mapped_fields_name_the_setting() -> None:
    with pytest.raises(InvalidArgument, match="disable_stats"):
        trackwell.Settings(x_disable_stats="sometimes")


def _kinds(run: trackwell.Run) -> set[str]:
    return {str(r.get("kind")) for r in iter_records(Path(run.sync_dir) / f"run-{run.id}.twlog")}


def test_init_settings_dict_with_wandb_names_switches_system_metrics_off(tmp_path: Path) -> None:
    on = trackwell.init(
        project="p", mode="offline", dir=tmp_path, settings={"x_stats_sampling_interval": 0.05}
    )
    time.sleep(0.5)
    on.finish()
    assert "stats" in _kinds(on)
    off = trackwell.init(
        project="p",
        mode="offline",
        dir=tmp_path,
        settings={"_disable_stats": True, "x_stats_sampling_interval": 0.05, "x_label": "a"},
    )
    time.sleep(0.5)
    off.finish()
    assert off.settings.disable_stats is True
    assert "stats" not in _kinds(off)


def test_wandb_variables_for_these_settings(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "WANDB__DISABLE_STATS": "true", "WANDB_CODE_DIR": "src"}
    s = trackwell.Settings.resolve(env)
    assert s.disable_stats is True and s.code_dir == "src"
