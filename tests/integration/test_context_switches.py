"""Each part of the run context can be turned off from Settings, and then nothing of it is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import trackwell
from trackwell.sdk.runlog import iter_records


def _offline_run(tmp_path: Path, **switches: Any) -> tuple[Path, dict[str, Any]]:
    settings = trackwell.Settings(console="off", disable_stats=True, quiet=True, **switches)
    run = trackwell.init(project="switches", dir=str(tmp_path), mode="offline", settings=settings)
    run.log({"x": 1})
    run.finish()
    files = Path(run.dir)
    (log,) = files.parent.glob("run-*.twlog")
    metadata: dict[str, Any] = {}
    for record in iter_records(log):
        if record.get("kind") == "meta" and record.get("metadata"):
            metadata.update(record["metadata"])
    return files, metadata


def test_everything_is_captured_by_default(tmp_path: Path) -> None:
    files, metadata = _offline_run(tmp_path)
    assert (files / "requirements.txt").exists()
    assert "python" in metadata and "requirements" in metadata


def test_disable_packages_keeps_the_rest(tmp_path: Path) -> None:
    files, metadata = _offline_run(tmp_path, disable_packages=True)
    assert not (files / "requirements.txt").exists()
    assert "requirements" not in metadata and "python" in metadata


def test_disable_meta_captures_no_context(tmp_path: Path) -> None:
    files, metadata = _offline_run(tmp_path, disable_meta=True)
    assert not (files / "requirements.txt").exists() and not (files / "code").exists()
    assert "python" not in metadata and "git" not in metadata
