"""The product's examples of the handbook's tracking flows (`examples/`), run as users run them,
read back exactly.

Each example is a subprocess (`python <example>.py`) with nothing configured but the local data
directory of a real server on loopback: `init()` discovers that server the zero-setup way. What the
example logged is then read back through the public ``Api`` and compared value by value. Examples
that use ``random`` are run with a fixed seed, and the test recomputes the same numbers.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_WRAPPER = (
    "import random, runpy, sys; random.seed(int(sys.argv[1])); "
    "runpy.run_path(sys.argv[2], run_name='__main__')"
)


def _env(server: LiveServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(
        TRACKWELL_DATA_DIR=str(server.data_dir),
        TRACKWELL_CONFIG_DIR=str(tmp_path / "config"),
        HOME=str(tmp_path / "home"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_example(
    server: LiveServer, tmp_path: Path, name: str, *, seed: int | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    script = EXAMPLES / name
    cmd = [sys.executable, script.as_posix()]
    if seed is not None:
        cmd = [sys.executable, "-c", SEED_WRAPPER, str(seed), script.as_posix()]
    return subprocess.run(
        cmd, cwd=tmp_path, env=_env(server, tmp_path, **env), capture_output=True, text=True, timeout=90
    )


def only_run(api: Any, project: str) -> Any:
    runs = list(api.runs(project))
    assert len(runs) == 1, [r.id for r in runs]
    return runs[0]


def test_01_login_with_the_key_from_the_environment(live_server: LiveServer, tmp_path: Path) -> None:
    ok = run_example(
        live_server,
        tmp_path,
        "01_login.py",
        WANDB_API_KEY=live_server.api_key,
        WANDB_BASE_URL=live_server.url,
    )
    assert ok.returncode == 0, ok.stderr

    wrong_key = "tw-" + "x" * 40
    bad = run_example(
        live_server, tmp_path, "01_login.py", WANDB_API_KEY=wrong_key, WANDB_BASE_URL=live_server.url
    )
    assert bad.returncode != 0
    assert wrong_key not in bad.stdout + bad.stderr, "the key must never be printed"
    assert "key" in (bad.stdout + bad.stderr).lower()

    missing = run_example(live_server, tmp_path, "01_login.py")
    assert missing.returncode != 0
    assert "WANDB_API_KEY is not set" in missing.stderr


def test_02_init_config_is_stored_with_group_tags_and_job_type(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_example(live_server, tmp_path, "02_init_config.py")
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "my-project")
    assert f"Tracking run: {run.name}" in proc.stdout
    # The example never calls finish(): the run still ends as finished when the script exits.
    assert run.state == "finished"
    assert run.job_type == "train"
    assert run.group == "resnet50-baselines"
    assert list(run.tags) == ["baseline", "image-classification"]
    # Run context arrives even for a run that lasts milliseconds.
    assert run.metadata["program"].endswith("02_init_config.py") and run.metadata["python"]
    assert {"requirements.txt", "code/02_init_config.py"} <= {f.name for f in run.files()}
    assert dict(run.config) == {
        "learning_rate": 1e-3,
        "batch_size": 64,
        "epochs": 10,
        "optimizer": "adamw",
        "model_name": "resnet50",
        "dataset_name": "imagenette",
    }


def expected_training_loop_rows(seed: int) -> list[dict[str, Any]]:
    """What 03_training_loop.py logs, recomputed with the same seed and the same arithmetic."""
    rng = random.Random(seed)
    rows, global_step = [], 0
    for epoch in range(5):
        running_loss = running_accuracy = 0.0
        for _ in range(100):
            loss = max(0.05, math.exp(-global_step / 150) + rng.uniform(0.0, 0.02))
            accuracy = min(0.99, 0.50 + global_step / 400 + rng.uniform(0.0, 0.03))
            running_loss += loss
            running_accuracy += accuracy
            global_step += 1
            if global_step % 20 == 0:
                rows.append(
                    {
                        "_step": global_step,
                        "train/loss": running_loss / 20,
                        "train/accuracy": running_accuracy / 20,
                        "epoch": epoch,
                        "global_step": global_step,
                    }
                )
                running_loss = running_accuracy = 0.0
    # log() without step= merges into the open row (step 500) and commits it, as wandb does.
    rows[-1].update(status="completed", final_step=global_step)
    return rows


def test_03_training_loop_history_reads_back_exactly(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_example(live_server, tmp_path, "03_training_loop.py", seed=1234)
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "my-project")
    assert run.state == "finished"
    expected = expected_training_loop_rows(1234)
    got = [
        {k: v for k, v in row.items() if not k.startswith("_") or k == "_step"} for row in run.scan_history()
    ]
    assert got == expected
    assert run.summary["train/loss"] == expected[-1]["train/loss"]
    assert run.summary["status"] == "completed"
    assert run.summary["final_step"] == 500
    assert dict(run.config) == {"epochs": 5, "learning_rate": 1e-3, "model_name": "toy-classifier"}
    sampled = run.history(keys=["train/loss"], samples=10, pandas=False)
    assert 0 < len(sampled) <= 12
    assert max(r["train/loss"] for r in sampled) == max(r["train/loss"] for r in expected)


def test_13_define_metric_summaries_group_and_tags(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_example(live_server, tmp_path, "13_grouping_define_metric.py")
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "ranking-system")
    assert (run.group, run.job_type, list(run.tags)) == (
        "ablation-learning-rate",
        "train",
        ["ablation", "ranking", "resnet-encoder"],
    )
    assert run.metadata["codePath"].endswith("13_grouping_define_metric.py")
    assert run.summary["val/accuracy"] == {"max": 0.86}
    assert run.summary["val/loss"] == {"min": 0.42}
    assert run.summary["epoch"] == 1
    rows = list(run.scan_history())
    assert [(r["_step"], r["epoch"], r["val/accuracy"], r["val/loss"]) for r in rows] == [(0, 1, 0.86, 0.42)]
    filtered = api.runs(
        "ranking-system", filters={"group": "ablation-learning-rate", "config.batch_size": 128}
    )
    assert [r.id for r in filtered] == [run.id]
    # The workspace charts what was logged, not what the summary holds ({"min": 0.42} is no metric).
    with live_server.client() as http:
        entity = http.get("/api/v1/viewer").json()["entity"]
        keys = http.get(f"/api/v1/projects/{entity}/ranking-system/history-keys").json()
        assert keys["runs"] == 1
        assert {k["key"]: (k["kind"], k["runs"]) for k in keys["keys"]} == {
            "epoch": ("number", 1),
            "val/accuracy": ("number", 1),
            "val/loss": ("number", 1),
        }
        missing = http.get(f"/api/v1/projects/{entity}/no-such-project/history-keys")
        assert missing.status_code == 404 and "no runs" in missing.json()["error"]["message"]


def expected_explicit_step_rows() -> list[tuple[int, float, int]]:
    """What 14_pitfall_network.py logs: (_step, train/loss, step), one row per 50 steps."""
    expected, acc = [], 0.0
    for step in range(1000):
        acc += 1.0 / (step + 1)
        if (step + 1) % 50 == 0:
            expected.append((step + 1, acc / 50, step + 1))
            acc = 0.0
    return expected


def test_14_explicit_steps_keep_every_aggregated_loss(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_example(live_server, tmp_path, "14_pitfall_network.py")
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "pitfalls-demo")
    rows = list(run.scan_history(keys=["train/loss", "step"]))
    assert [(r["_step"], r["train/loss"], r["step"]) for r in rows] == expected_explicit_step_rows()


def test_15_orphaned_run_ends_failed_with_its_error(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_example(live_server, tmp_path, "15_orphaned_run.py")
    assert proc.returncode != 0
    assert "simulated failure" in proc.stderr
    run = only_run(api, "pitfalls-demo")
    assert run.state == "failed"
    assert "simulated failure" in run.error["message"]
    rows = list(run.scan_history())
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows] == [
        {"status": "started"},
        {"error_message": "simulated failure"},
    ]
