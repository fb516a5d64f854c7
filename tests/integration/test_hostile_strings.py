"""Strings that a database may refuse (NUL characters, lone surrogates' replacements, huge values)
logged by a real SDK run into a real server, on SQLite and PostgreSQL: the run ends as it should
and everything logged reads back. PostgreSQL refuses NUL in text and in JSON documents, which used
to fail the whole record batch (and so lose every record of the run after it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.apis import Api
from trackwell.sdk.settings import Settings

SCRIPT = r"""
import trackwell
run = trackwell.init(project="hostile", config={"note": "a\x00b", "nested": {"k\x00": ["x\x00"]}},
                     notes="n\x00otes", tags=["ok"])
print("console with a NUL: \x00 here", flush=True)
for step in range(3):
    trackwell.log({"loss": 1.0 / (step + 1), "label": f"s\x00{step}", "deep": {"v": "d\x00"}})
run.summary["final\x00key"] = "end\x00"
trackwell.finish()
"""


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        yield live


def test_nul_characters_everywhere_are_stored_and_the_run_finishes(
    server: LiveServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(
        TRACKWELL_BASE_URL=server.url,
        TRACKWELL_API_KEY=server.api_key,
        TRACKWELL_CONFIG_DIR=str(tmp_path / "config"),
        TRACKWELL_DIR=str(tmp_path),
        HOME=str(tmp_path / "home"),
    )
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as api:
        (run,) = list(api.runs("hostile"))
        assert run.state == "finished"
        # Stored as sent where the database allows it, else with U+FFFD in place of the NUL: never lost.
        assert run.config["note"] in ("a\x00b", "a\ufffdb")
        assert run.notes in ("n\x00otes", "n\ufffdotes")
        assert len(run.tags) == 1
        rows = list(run.scan_history())
        assert [r["loss"] for r in rows] == [1.0, 0.5, 1.0 / 3]
        assert [r["label"] for r in rows][2] in ("s\x002", "s\ufffd2")
        assert any(k.startswith("final") for k in run.summary._json_dict)
        lines = [line["text"] for line in run.console()]
        assert any("console with a NUL" in text for text in lines), lines
