"""A second ``init()`` while a run is active, as wandb 0.31's ``reinit`` setting says (offline runs:
real threads and run logs, no server).

"default": return the active run in a script (finish it in a notebook); "return_previous" (and the
legacy False); "finish_previous" (and the legacy True); "create_new": another run that does not
become ``trackwell.run``. Each case says what it did on the terminal.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk import term
from trackwell.sdk.reinit import reinit_policy
from trackwell.sdk.runlog import iter_records


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    yield
    while trackwell.run is not None:
        trackwell.finish()
    term.set_silent(False)


def start(tmp_path: Path, **kwargs: Any) -> Any:
    kwargs.setdefault("settings", {"quiet": True})
    return trackwell.init(project="p", mode="offline", dir=tmp_path, **kwargs)


def finished(run: Any) -> bool:
    (log,) = Path(run.sync_dir).glob("run-*.twlog")
    return any(r.get("kind") == "exit" for r in iter_records(log))


@pytest.mark.parametrize("reinit", [None, "default", "return_previous", False])
def test_a_second_init_returns_the_active_run_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reinit: Any
) -> None:
    first = start(tmp_path)
    capsys.readouterr()
    again = start(tmp_path, reinit=reinit, config={"ignored": 1})
    assert again is first and trackwell.run is first
    err = capsys.readouterr().err
    assert f"run {first.name} ({first.id}) is active: returning that run" in err
    assert "reinit='finish_previous'" in err  # and how to get a new one
    assert "ignored" not in dict(first.config)


@pytest.mark.parametrize("reinit", ["finish_previous", True])
def test_finish_previous_finishes_every_active_run_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reinit: Any
) -> None:
    first = start(tmp_path)
    side = start(tmp_path, reinit="create_new")
    capsys.readouterr()
    new = start(tmp_path, reinit=reinit)
    assert new is not first and trackwell.run is new
    assert finished(first) and finished(side)
    err = capsys.readouterr().err
    assert f"finishing run {first.name} ({first.id})" in err and f"finishing run {side.name}" in err


def test_create_new_leaves_the_current_run_in_place(tmp_path: Path) -> None:
    first = start(tmp_path)
    other = start(tmp_path, reinit="create_new")
    assert other is not first and trackwell.run is first
    other.log({"a": 1})
    other.finish()
    assert not finished(first) and finished(other)
    # with the side run finished, the default returns the current run again
    assert start(tmp_path) is first


def test_the_default_in_a_notebook_finishes_the_previous_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ZMQInteractiveShell:  # what get_ipython() returns inside a Jupyter kernel
        pass

    fake = types.ModuleType("IPython")
    fake.get_ipython = ZMQInteractiveShell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert reinit_policy(None) == "finish_previous"
    first = start(tmp_path)
    second = start(tmp_path)
    assert second is not first and finished(first)


def test_an_unknown_reinit_value_is_a_usage_error(tmp_path: Path) -> None:
    start(tmp_path)
    with pytest.raises(
        trackwell.UsageError, match="reinit='yes please' is not one of default, return_previous"
    ):
        start(tmp_path, reinit="yes please")
    with pytest.raises(InvalidArgument, match="reinit='sometimes' is not one of"):
        trackwell.Settings(reinit="sometimes")


def test_reinit_from_settings_and_setup_as_wandbs_docs_show(tmp_path: Path) -> None:
    # wandb's docs for several runs in one process: wandb.setup(wandb.Settings(reinit="create_new"))
    trackwell.setup(trackwell.Settings(reinit="create_new"))
    try:
        first = start(tmp_path)
        second = start(tmp_path)
        assert second is not first and trackwell.run is first and not finished(first)
        third = start(tmp_path, settings={"reinit": "finish_previous", "quiet": True})
        assert finished(first) and finished(second) and trackwell.run is third
        assert start(tmp_path, reinit="return_previous") is third  # the argument wins over setup()
    finally:
        trackwell.teardown()
