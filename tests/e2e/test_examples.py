"""The product carries its own examples (`examples/`): each is documented, `30_query_api.py` reads
back what the others logged with wandb's public-API recipe, and the handbook's own copies (beside
the checkout in the steering layout, absent on a plain clone) still run unchanged."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_handbook_tracking import EXAMPLES, _env, run_example
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

HANDBOOK = Path(__file__).resolve().parents[2].parent / "shared" / "handbook" / "examples"
FAILS_ON_PURPOSE = {"15_orphaned_run.py"}
# The framework examples train real models: each has its own e2e test that runs the handbook's copy
# too and checks what it logged (test_handbook_hf/lightning/keras.py), so they are not run twice here.
OWN_TESTS = {"10_hf_trainer.py", "11_lightning.py", "12_keras.py"}


def test_every_example_is_described_in_the_examples_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert scripts, "examples/ holds no examples"
    assert [name for name in scripts if f"`{name}`" not in readme] == []


def test_query_api_example_exports_what_the_training_examples_logged(
    live_server: LiveServer, tmp_path: Path
) -> None:
    for name in ("02_init_config.py", "03_training_loop.py"):
        proc = run_example(live_server, tmp_path, name)
        assert proc.returncode == 0, proc.stderr
    proc = run_example(live_server, tmp_path, "30_query_api.py")
    assert proc.returncode == 0, proc.stderr
    assert "2 runs of my-project written to project_runs.csv" in proc.stdout
    with (tmp_path / "project_runs.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    configs = sorted(row["config"] for row in rows)
    assert any("'model_name': 'resnet50'" in c for c in configs), configs
    assert any("'model_name': 'toy-classifier'" in c for c in configs), configs
    # The training loop's summary (train/loss, train/accuracy) came through _json_dict.
    assert any("train/accuracy" in row["summary"] for row in rows)
    assert "train/loss" in proc.stdout  # the history's DataFrame was printed


@pytest.mark.skipif(not HANDBOOK.is_dir(), reason="the handbook's examples are not beside this checkout")
def test_the_handbooks_own_examples_run_unchanged(live_server: LiveServer, tmp_path: Path) -> None:
    ours = sorted(
        p.name for p in EXAMPLES.glob("*.py") if (HANDBOOK / p.name).exists() and p.name not in OWN_TESTS
    )
    assert len(ours) >= 8, ours
    failures = []
    for name in ours:
        proc = subprocess.run(
            [sys.executable, str(HANDBOOK / name)],
            cwd=tmp_path,
            env=_env(live_server, tmp_path, WANDB_API_KEY=live_server.api_key),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if (proc.returncode == 0) == (name in FAILS_ON_PURPOSE):
            failures.append(f"{name}: exit {proc.returncode}: {proc.stderr[-500:]}")
    assert failures == []
