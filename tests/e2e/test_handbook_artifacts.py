"""The handbook's artifact examples (08, 09, 16), run unchanged as the user runs them, against a live
server behind a proxy that counts the blob bytes crossing the wire: the dataset and model are logged
with their lineage, the deploy run downloads the exact model bytes, and running 16 a second time
makes no second version and uploads no file bytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.counting_proxy import CountingProxy

import trackwell
from tests.e2e.test_handbook_tracking import run_example
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[CountingProxy]:
    counting = CountingProxy("127.0.0.1", live_server.port).start()
    try:
        yield counting
    finally:
        counting.stop()


def _run(server: LiveServer, proxy: CountingProxy, tmp_path: Path, name: str) -> str:
    proc = run_example(server, tmp_path, name, TRACKWELL_BASE_URL=proxy.url, WANDB_API_KEY=server.api_key)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def _api(server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


def test_08_and_09_log_a_dataset_and_model_then_deploy_the_model(
    live_server: LiveServer, proxy: CountingProxy, tmp_path: Path
) -> None:
    _run(live_server, proxy, tmp_path, "08_artifact_log.py")
    out = _run(live_server, proxy, tmp_path, "09_artifact_use.py")
    assert "Downloaded model artifact to" in out
    api = _api(live_server)
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
    # The training run produced both; the deploy run used the model (lineage the UI draws).
    train = model.logged_by()
    assert sorted(a.name for a in train.logged_artifacts()) == ["fraud-model:v0", "raw-data:v0"]


def test_16_run_twice_makes_one_version_and_uploads_nothing_the_second_time(
    live_server: LiveServer, proxy: CountingProxy, tmp_path: Path
) -> None:
    _run(live_server, proxy, tmp_path, "16_pitfall_artifact_bloat.py")
    first_bytes = proxy.blob_bytes
    assert first_bytes >= (tmp_path / "data/customer_churn/churn.csv").stat().st_size
    out = _run(live_server, proxy, tmp_path, "16_pitfall_artifact_bloat.py")
    assert proxy.blob_bytes == first_bytes, "the unchanged dataset was uploaded again"
    assert "already exists with the same content" in out
    api = _api(live_server)
    versions = list(api.artifacts("dataset", "artifact-governance/customer-churn-dataset"))
    assert [v.version for v in versions] == ["v0"]
    # Both publishing runs logged it; both training runs used it.
    assert len(versions[0].used_by()) == 2
