"""Importing trackwell, its integration package and the shared integration helpers never imports a
framework: a training script that uses none of them pays nothing for them (torch alone takes ~1 s to
import), and a machine without them installed still runs trackwell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trackwell.integration._common import setting, setting_flag

FRAMEWORKS = (
    "torch",
    "transformers",
    "lightning",
    "pytorch_lightning",
    "keras",
    "xgboost",
    "lightgbm",
    "sklearn",
)


def test_importing_trackwell_imports_no_framework() -> None:
    script = (
        "import sys\n"
        "import trackwell, trackwell.integration, trackwell.integration._common\n"
        "run = trackwell.init(mode='disabled')\n"
        "run.log({'loss': 1.0})\n"
        "run.finish()\n"
        f"print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_settings_prefer_trackwell_names_over_wandb_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_LOG_MODEL", "checkpoint")
    assert setting("LOG_MODEL") == "checkpoint"
    monkeypatch.setenv("TRACKWELL_LOG_MODEL", "end")
    assert setting("LOG_MODEL") == "end"
    monkeypatch.setenv("TRACKWELL_LOG_MODEL", "  ")  # blank: not set
    assert setting("LOG_MODEL") == "checkpoint"
    monkeypatch.setenv("WANDB_WATCH", "False")
    assert setting_flag("WATCH", default=True) is False
    monkeypatch.setenv("WANDB_WATCH", "maybe")
    with pytest.raises(ValueError, match="WANDB_WATCH must be true or false"):
        setting_flag("WATCH")
