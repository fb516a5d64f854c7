"""``WandbEvalCallback`` against real Keras 3 (torch backend, CPU) and a live server: the subclass
pattern from wandb's docs (ground truth once, predictions per epoch) logs the ``val`` dataset
artifact the run uses and one ``run_<id>_pred`` version per epoch, read back through ``Api``.
"""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported: no TensorFlow here

from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_artifacts_at
from trackwell.integration.keras import WandbEvalCallback

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


class ClassifierEval(WandbEvalCallback):
    """wandb's documented example, with a numeric input in place of an image."""

    def __init__(self, validation_data: tuple[np.ndarray, np.ndarray]) -> None:
        super().__init__(["idx", "x0", "label"], ["epoch", "idx", "x0", "label", "pred"])
        self.x, self.y = validation_data

    def add_ground_truth(self, logs: dict[str, Any] | None = None) -> None:
        for idx, (x, label) in enumerate(zip(self.x, self.y, strict=True)):
            self.data_table.add_data(idx, float(x[0]), int(label))

    def add_model_predictions(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        preds = (self.model.predict(self.x, verbose=0)[:, 0] > 0.5).astype(int)
        ref = self.data_table_ref
        for idx in ref.get_index():
            row = ref.data[idx]
            self.pred_table.add_data(epoch, row[0], row[1], row[2], int(preds[idx]))


def test_ground_truth_once_and_a_prediction_table_version_per_epoch(
    server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_artifacts_at(server, tmp_path, monkeypatch)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")

    run = trackwell.init(
        project="keras-eval", settings=trackwell.Settings(base_url=server.url, api_key=server.api_key)
    )
    model.fit(x, y, epochs=2, batch_size=6, verbose=0, callbacks=[ClassifierEval((x, y))])
    run.finish()

    api = trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)
    stored = api.run(f"{run.entity}/keras-eval/{run.id}")
    assert [a.name for a in stored.used_artifacts()] == ["val:v0"]
    pred = api.artifact_collection("evaluation", f"{run.entity}/keras-eval/run_{run.id}_pred")
    versions = sorted(v.version for v in pred.artifacts())
    assert versions == ["v0", "v1"]
    latest = api.artifact(f"{run.entity}/keras-eval/run_{run.id}_pred:latest")
    assert latest.version == "v1"
    table = latest.get("eval_data")
    assert table.columns == ["epoch", "idx", "x0", "label", "pred"]
    assert [r[0] for r in table.data] == [1] * 12
    assert [r[1] for r in table.data] == list(range(12))
    assert [r[3] for r in table.data] == [int(v) for v in y]
    assert {r[4] for r in table.data} <= {0, 1}
    truth = api.artifact(f"{run.entity}/keras-eval/val:v0").get("val_data")
    assert truth.columns == ["idx", "x0", "label"]
    assert [round(r[1], 5) for r in truth.data] == [round(float(v), 5) for v in x[:, 0]]


def test_needs_a_run_and_both_methods() -> None:
    trackwell.finish()
    with pytest.raises(trackwell.Error, match=r"wandb.init\(\) before WandbEvalCallback"):
        ClassifierEval((np.zeros((1, 4)), np.zeros(1)))

    class Half(WandbEvalCallback):
        def add_ground_truth(self, logs: dict[str, Any] | None = None) -> None:
            pass

    with pytest.raises(TypeError, match="add_model_predictions"):
        Half(["a"], ["b"])
