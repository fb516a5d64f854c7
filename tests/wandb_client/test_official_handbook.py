"""The handbook's examples with the official client: each example of ``examples/`` run with
``import wandb`` (the handbook's original line) instead of ``import trackwell as wandb``, against a
live Trackwell server, and read back with Trackwell's own Api as the SDK-run tests read them
(tests/e2e/test_handbook_*.py): the same numbers must arrive."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_sweeps import _accuracy
from tests.e2e.test_handbook_tracking import (
    EXAMPLES,
    SEED_WRAPPER,
    expected_explicit_step_rows,
    expected_training_loop_rows,
    only_run,
)
from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import client_env, official_python

pytestmark = pytest.mark.e2e


def run_handbook(
    server: LiveServer, tmp_path: Path, name: str, *, seed: int | None = None
) -> subprocess.CompletedProcess[str]:
    source = (EXAMPLES / name).read_text(encoding="utf-8")
    assert "import trackwell as wandb" in source
    script = tmp_path / name
    script.write_text(source.replace("import trackwell as wandb", "import wandb"), encoding="utf-8")
    cmd = [official_python(), script.as_posix()]
    if seed is not None:
        cmd = [official_python(), "-c", SEED_WRAPPER, str(seed), script.as_posix()]
    return subprocess.run(
        cmd, cwd=tmp_path, env=client_env(server, tmp_path), capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)


def test_02_config_group_tags_and_job_type(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "02_init_config.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "my-project")
    assert f"Tracking run: {run.name}" in proc.stdout
    assert (run.state, run.job_type, run.group, list(run.tags)) == (
        "finished",
        "train",
        "resnet50-baselines",
        ["baseline", "image-classification"],
    )
    assert run.metadata["program"].endswith("02_init_config.py")
    assert dict(run.config) == {
        "learning_rate": 1e-3,
        "batch_size": 64,
        "epochs": 10,
        "optimizer": "adamw",
        "model_name": "resnet50",
        "dataset_name": "imagenette",
    }


def test_03_training_loop_history_reads_back_exactly(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_handbook(live_server, tmp_path, "03_training_loop.py", seed=1234)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "my-project")
    expected = expected_training_loop_rows(1234)
    got = [
        {k: v for k, v in row.items() if not k.startswith("_") or k == "_step"} for row in run.scan_history()
    ]
    assert got == expected
    assert (run.state, run.summary["status"], run.summary["final_step"]) == ("finished", "completed", 500)


def test_13_define_metric_summaries(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "13_grouping_define_metric.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "ranking-system")
    assert run.summary["val/accuracy"] == {"max": 0.86}
    assert run.summary["val/loss"] == {"min": 0.42}
    filtered = api.runs(
        "ranking-system", filters={"group": "ablation-learning-rate", "config.batch_size": 128}
    )
    assert [r.id for r in filtered] == [run.id]


def test_14_explicit_steps_keep_every_aggregated_loss(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_handbook(live_server, tmp_path, "14_pitfall_network.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "pitfalls-demo")
    rows = list(run.scan_history(keys=["train/loss", "step"]))
    assert [(r["_step"], r["train/loss"], r["step"]) for r in rows] == expected_explicit_step_rows()


def test_15_orphaned_run_ends_as_the_client_reports_it(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    proc = run_handbook(live_server, tmp_path, "15_orphaned_run.py")
    assert proc.returncode != 0 and "simulated failure" in proc.stderr
    run = only_run(api, "pitfalls-demo")
    # The official client's finish() in the `finally` reports exit code 0 while the exception is
    # still on its way (W&B shows the run as finished too); the Trackwell SDK sees the exception and
    # marks it failed (tests/e2e/test_handbook_tracking.py). The server stores what it is told.
    assert run.state == "finished"
    rows = list(run.scan_history())
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows] == [
        {"status": "started"},
        {"error_message": "simulated failure"},
    ]


def test_04_media_arrives_as_files_the_ui_shows(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "04_media.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "media-demo")
    files = {f.name for f in run.files()}
    values = [v for row in run.scan_history() for v in row.values() if isinstance(v, dict)]
    images = [v for v in values if v.get("_type") == "image-file"]
    assert images and all(image["path"] in files for image in images)


def test_06_bayes_sweep_runs_12_trials(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "06_sweep_bayes.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    sweeps = api.project("sweep-demo").sweeps()
    assert len(sweeps) == 1
    sweep = sweeps[0]
    runs = list(sweep.runs)
    assert len(runs) == 12 and {r.state for r in runs} == {"finished"}
    for run in runs:
        logged = [row["val/accuracy"] for row in run.scan_history(keys=["val/accuracy"])]
        assert logged == pytest.approx([_accuracy(run.config) * (0.8 + 0.1 * epoch) for epoch in range(3)])
        assert run.sweep_name == sweep.id


def test_05_table_cells_come_back(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "05_table.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = only_run(api, "table-demo")
    table = run.table("validation/prediction_table")
    assert table.columns == ["text", "actual_label", "predicted_label", "confidence"]
    assert [row[-1] for row in table.data] == [0.97, 0.93, 0.41]


def test_07_random_sweep_runs_10_trials(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_handbook(live_server, tmp_path, "07_sweep_random.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    (sweep,) = api.project("sweep-demo").sweeps()
    runs = list(sweep.runs)
    assert len(runs) == 10 and {r.state for r in runs} == {"finished"}
    for run in runs:
        assert run.config["learning_rate"] in (1e-4, 5e-4, 1e-3) and run.config["batch_size"] in (32, 64)
        assert (run.summary["learning_rate"], run.summary["batch_size"]) == (
            run.config["learning_rate"],
            run.config["batch_size"],
        )


def test_08_09_and_16_artifacts_lineage_and_no_bloat(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    for name in ("08_artifact_log.py", "09_artifact_use.py"):
        proc = run_handbook(live_server, tmp_path, name)
        assert proc.returncode == 0, f"{name}: {proc.stderr[-3000:]}"
    model = api.artifact("artifact-demo/fraud-model:latest")
    assert (model.version, model.type, model.metadata) == (
        "v0",
        "model",
        {"framework": "pytorch", "stage": "candidate"},
    )
    assert model.size == 256 * 4096 and model.logged_by().job_type == "train"
    assert [r.job_type for r in model.used_by()] == ["deploy"]
    raw = api.artifact("artifact-demo/raw-data:v0", type="dataset")
    assert sorted(f.name for f in raw.files()) == ["part-0.csv", "part-1.csv", "part-2.csv"]
    for _ in range(2):  # the same dataset logged twice: one version, used by both training runs
        proc = run_handbook(live_server, tmp_path, "16_pitfall_artifact_bloat.py")
        assert proc.returncode == 0, proc.stderr[-3000:]
    versions = list(api.artifacts("dataset", "artifact-governance/customer-churn-dataset"))
    assert [v.version for v in versions] == ["v0"]
    assert len(versions[0].used_by()) == 2
