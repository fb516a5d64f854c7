"""Runs a script written for ``wandb`` with ``TRACKWELL_ALIAS_WANDB=1`` against a live server and
returns the facts it wrote: the alias tests' one way to drive framework code that imports wandb."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer


def run_aliased(server: LiveServer, tmp_path: Path, name: str, text: str, **env: str) -> Any:
    """Writes ``text`` to ``tmp_path/name``, runs it with the facts file's path as its argument and
    wandb aliased to trackwell, fails the test with its output if it fails, and returns the JSON the
    script dumped into the facts file."""
    script = tmp_path / name
    script.write_text(text)
    facts = tmp_path / "facts.json"
    proc = subprocess.run(
        [sys.executable, str(script), str(facts)],
        cwd=tmp_path,
        env=_env(server, tmp_path, TRACKWELL_ALIAS_WANDB="1", **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return json.loads(facts.read_text())
