"""wandb 0.31's SDK surface beyond logging, as real code uses it: config_static, log_code, status,
sweep_url, join/setup/teardown/require, and the module paths type hints and scripts import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import trackwell
from trackwell.sdk.runlog import iter_records


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    yield
    trackwell.teardown()


def offline(tmp_path: Path, **kwargs: object) -> trackwell.Run:
    run = trackwell.init(project="p", mode="offline", dir=tmp_path / "runs", **kwargs)  # type: ignore[arg-type]
    assert isinstance(run, trackwell.Run)
    return run


def records(run: trackwell.Run) -> list[dict[str, object]]:
    return list(iter_records(Path(run.sync_dir) / f"run-{run.id}.twlog"))


def test_config_static_is_a_read_only_snapshot(tmp_path: Path) -> None:
    run = offline(tmp_path, config={"lr": 0.1, "opt": {"name": "adam"}})
    static = run.config_static
    assert static.lr == 0.1 and static["opt"] == {"name": "adam"} and set(static.keys()) == {"lr", "opt"}
    with pytest.raises(AttributeError, match="readonly"):
        static.lr = 1  # type: ignore[misc]
    with pytest.raises(AttributeError, match="readonly"):
        static["lr"] = 1
    run.config.update({"epochs": 3})
    assert "epochs" not in static and run.config_static.epochs == 3


def test_log_code_saves_wandbs_default_selection_under_code(tmp_path: Path) -> None:
    src = tmp_path / "project"
    (src / "pkg").mkdir(parents=True)
    (src / "train.py").write_text("print('train')\n")
    (src / "pkg" / "model.py").write_text("class Model: ...\n")
    (src / "requirements.txt").write_text("torch\n")
    (src / "Dockerfile").write_text("FROM python\n")
    (src / "notes.md").write_text("not code\n")
    (src / "wandb" / "run-1").mkdir(parents=True)
    (src / "wandb" / "run-1" / "old.py").write_text("# a wandb run dir: left out\n")
    run = offline(tmp_path)
    assert run.log_code(str(src)) is None  # wandb returns an Artifact; there are none yet
    run.log_code(src, include_fn=lambda path: path.endswith(".md"))  # one-argument functions too
    run.finish()
    saved = sorted(str(r["path"]) for r in records(run) if r.get("kind") == "file")
    assert [p for p in saved if p.startswith("code/")] == [
        "code/Dockerfile",
        "code/notes.md",
        "code/pkg/model.py",
        "code/requirements.txt",
        "code/train.py",
    ]
    assert (Path(run.dir) / "code" / "pkg" / "model.py").read_text() == "class Model: ...\n"


def test_log_code_with_an_exclude_fn_and_nothing_to_save(tmp_path: Path) -> None:
    src = tmp_path / "project"
    src.mkdir()
    (src / "a.py").write_text("a\n")
    (src / "b.py").write_text("b\n")
    run = offline(tmp_path)
    run.log_code(src, exclude_fn=lambda path, root: path.endswith("b.py"))
    run.log_code(src / "missing")
    run.finish()
    assert [r["path"] for r in records(run) if str(r.get("path", "")).startswith("code/")] == ["code/a.py"]


def test_code_dir_setting_saves_that_directory_at_init(tmp_path: Path) -> None:
    src = tmp_path / "project"
    src.mkdir()
    (src / "main.py").write_text("main\n")
    run = offline(tmp_path, settings=trackwell.Settings(code_dir=str(src)))
    run.finish()
    assert "code/main.py" in [r.get("path") for r in records(run)]


def test_status_of_an_offline_run_counts_every_record_as_pending(tmp_path: Path) -> None:
    run = offline(tmp_path)
    for i in range(5):
        run.log({"x": i})
    first = run.status()
    run.alert("t", "a record of its own")
    status = run.status()
    assert status.sync_items_total == first.sync_items_total + 1 >= 2  # counted once written
    assert status.sync_items_pending == status.sync_items_total and status.sync_time is None
    assert isinstance(status, trackwell.sdk.wandb_run.RunStatus)
    run.finish()
    with pytest.raises(trackwell.UsageError, match="is finished"):
        run.status()


def test_a_disabled_run_has_the_same_surface(tmp_path: Path) -> None:
    run = trackwell.init(mode="disabled", config={"lr": 0.1})
    assert run.config_static.lr == 0.1 and run.sweep_url is None
    assert run.status() == trackwell.sdk.wandb_run.RunStatus()
    run.alert("t", "x", level=trackwell.AlertLevel.WARN)
    assert run.log_code(".") is None
    run.finish()


def test_sweep_url_is_none_and_join_finishes_the_run(tmp_path: Path) -> None:
    run = offline(tmp_path)
    assert run.sweep_url is None
    trackwell.join()
    assert trackwell.run is None and run.exit_state == "finished"


def test_setup_settings_are_the_defaults_of_later_runs(tmp_path: Path) -> None:
    wl = trackwell.setup(settings=trackwell.Settings(run_notes="from setup", x_disable_stats=True))
    assert wl.settings.notes == "from setup" and trackwell.setup() is wl
    run = offline(tmp_path)
    assert run.notes == "from setup" and run.settings.disable_stats is True
    overridden = trackwell.init(
        project="p", mode="offline", dir=tmp_path, notes="mine", reinit="finish_previous"
    )
    assert overridden.notes == "mine"
    trackwell.teardown(exit_code=3)
    assert trackwell.run is None and overridden.exit_state == "failed"
    again = offline(tmp_path)
    assert again.notes is None  # teardown forgot setup's settings


def test_require_accepts_wandbs_features_and_refuses_unknown_ones(capsys: pytest.CaptureFixture[str]) -> None:
    trackwell.require("service")
    trackwell.require(["core", "legacy-service"])
    trackwell.require(None)
    with pytest.raises(trackwell.errors.UnsupportedError, match="unsupported requirement: teleport"):
        trackwell.require("teleport")
    assert isinstance(trackwell.errors.UnsupportedError("x"), trackwell.UsageError)


def test_wandb_module_paths_import() -> None:
    from trackwell.apis.public import Api, Project, Run, Runs
    from trackwell.errors import AuthenticationError, CommError, Error, UsageError
    from trackwell.sdk.lib import RunDisabled
    from trackwell.sdk.wandb_alerts import AlertLevel
    from trackwell.sdk.wandb_run import Run as SdkRun
    from trackwell.sdk.wandb_settings import Settings
    from trackwell.wandb_run import Run as OldRun

    assert Api is trackwell.Api and Run is trackwell.apis.Run and Runs and Project
    assert SdkRun is OldRun is trackwell.Run is trackwell.sdk.wandb_run.Run
    assert trackwell.wandb_sdk.wandb_run.Run is trackwell.Run  # annotations evaluated at def time
    assert Settings is trackwell.Settings and RunDisabled is trackwell.RunDisabled
    assert AlertLevel is trackwell.AlertLevel and AlertLevel.WARN.value == "WARN"
    assert issubclass(AuthenticationError, CommError) and issubclass(CommError, Error) is True
    assert trackwell.errors.CommError is trackwell.CommError and issubclass(UsageError, Error)
    error = CommError("server down", exc=OSError("refused"))
    assert error.message == "server down" and isinstance(error.exc, OSError)
    run_id = trackwell.util.generate_id()
    assert len(run_id) == 8 and run_id.isalnum() and run_id == run_id.lower()
    assert trackwell.util.make_artifact_name_safe("run 1/code:v") == "run_1_code_v"


def test_the_new_names_keep_import_trackwell_light() -> None:
    probe = (
        "import sys, json, trackwell\n"
        "names = ['alert', 'AlertLevel', 'join', 'setup', 'teardown', 'require']\n"
        "present = all(hasattr(trackwell, n) for n in names)\n"
        "mods = ['pydantic', 'numpy', 'trackwell.apis', 'trackwell.util', 'trackwell.errors', 'difflib',\n"
        "        'trackwell.sdk.run_status']\n"
        "print(json.dumps({'present': present, 'loaded': [m for m in mods if m in sys.modules]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"present": True, "loaded": []}
