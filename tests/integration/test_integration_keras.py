"""trackwell.integration.keras against real Keras 3 (torch backend, CPU, tiny models) and a real
server on loopback, read back through the public ``Api``: the rows, keys, summaries, files and model
artifacts wandb's own Keras callbacks record for the same ``fit``.
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
from trackwell.integration.keras import WandbCallback, WandbMetricsLogger, WandbModelCheckpoint

pytestmark = [
    # Keras' own warnings under the torch backend and numpy 2 (saving a model, tiny datasets).
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]

KERAS_KEYS = {"loss", "accuracy", "val_loss", "val_accuracy"}


@pytest.fixture
def api(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    point_artifacts_at(server, tmp_path, monkeypatch)
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


def _data(n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("float32")


def _model(learning_rate: Any = 0.05) -> Any:
    keras.backend.clear_session()  # layer names from 'dense' again: they are in the keys
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    optimizer = keras.optimizers.Adam(learning_rate)
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return model


class _PredictEachEpoch(keras.callbacks.Callback):  # type: ignore[misc]
    """What the model predicts on ``x`` at the end of each epoch, to compare a saved model with."""

    def __init__(self, x: np.ndarray) -> None:
        super().__init__()
        self.x = x
        self.seen: list[np.ndarray] = []

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.seen.append(self.model.predict(self.x, verbose=0))


def _rows(api: Any, run_id: str) -> list[dict[str, Any]]:
    run = api.run(f"keras-tests/{run_id}")
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in run.scan_history()]


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """wandb's dotted histogram keys (``parameters/dense.weights``) as logged: the history read-back
    nests a dotted key one level (``{"parameters/dense": {"weights": ...}}``)."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict) and "_type" not in value:
            flat.update({f"{key}.{sub}": inner for sub, inner in value.items()})
        else:
            flat[key] = value
    return flat


def test_wandb_callback_logs_a_row_per_epoch_the_best_val_loss_and_the_best_model(
    api: Any, tmp_path: Path
) -> None:
    x, y = _data()
    model = _model()
    predictions = _PredictEachEpoch(x[:8])
    with trackwell.init(project="keras-tests", config={"epochs": 4}) as run:
        history = model.fit(
            x,
            y,
            epochs=4,
            batch_size=16,
            validation_split=0.25,
            verbose=0,
            callbacks=[WandbCallback(), predictions],
        ).history
        run_id, run_name = run.id, run.name

    rows = _rows(api, run_id)
    assert [set(r) for r in rows] == [KERAS_KEYS | {"epoch"}] * 4
    assert [r["epoch"] for r in rows] == [0, 1, 2, 3]
    for key in KERAS_KEYS:
        assert [r[key] for r in rows] == pytest.approx(history[key])
    best_epoch = int(np.argmin(history["val_loss"]))
    summary = api.run(f"keras-tests/{run_id}").summary
    assert summary["best_val_loss"] == pytest.approx(min(history["val_loss"]))
    assert summary["best_epoch"] == best_epoch

    # The best model: in the run's files, and one artifact version per improvement (wandb's name).
    saved = api.run(f"keras-tests/{run_id}").file("model-best.keras").download(root=str(tmp_path / "f"))
    loaded = keras.saving.load_model(saved)
    np.testing.assert_allclose(loaded.predict(x[:8], verbose=0), predictions.seen[best_epoch], rtol=1e-5)
    improvements = [
        e for e, v in enumerate(history["val_loss"]) if v < min(history["val_loss"][:e], default=np.inf)
    ]
    versions = list(api.artifact_versions("model", f"keras-tests/model-{run_name}"))
    assert len(versions) == len(improvements)
    newest = api.artifact(f"keras-tests/model-{run_name}:latest")
    assert f"epoch_{best_epoch}" in newest.aliases and newest.type == "model"
    folder = Path(newest.download(root=str(tmp_path / "a")))
    assert [p.name for p in folder.iterdir()] == ["model-best.keras"]
    np.testing.assert_allclose(
        keras.saving.load_model(folder / "model-best.keras").predict(x[:8], verbose=0),
        predictions.seen[best_epoch],
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    ("monitor", "mode", "pick"),
    [("val_accuracy", "auto", np.argmax), ("loss", "min", np.argmin), ("val_loss", "max", np.argmax)],
    ids=["auto-is-max-for-accuracy", "min", "max"],
)
def test_best_follows_monitor_and_mode(api: Any, monitor: str, mode: str, pick: Any) -> None:
    x, y = _data()
    with trackwell.init(project="keras-tests") as run:
        callback = WandbCallback(monitor=monitor, mode=mode, save_model=False)
        history = _model().fit(
            x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0, callbacks=[callback]
        )
        run_id = run.id
    values = history.history[monitor]
    summary = api.run(f"keras-tests/{run_id}").summary
    # First epoch reaching the best (a tie is no improvement, as in wandb).
    assert summary["best_epoch"] == int(pick(values))
    assert summary[f"best_{monitor}"] == pytest.approx(values[int(pick(values))])
    assert not list(api.run(f"keras-tests/{run_id}").logged_artifacts()), "save_model=False saves nothing"


def test_weights_gradients_and_batch_rows(api: Any) -> None:
    x, y = _data(64)
    with trackwell.init(project="keras-tests") as run:
        callback = WandbCallback(
            save_model=False,
            log_weights=True,
            log_gradients=True,
            training_data=(x, y),
            log_batch_frequency=2,
            validation_data=(x, y),  # wandb's image logging: accepted, ignored
            labels=["no", "yes"],
        )
        model = _model()
        model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False, callbacks=[callback])
        run_id = run.id
    rows = [_flat(r) for r in _rows(api, run_id)]
    # 4 batches per epoch, a row at batches 0 and 2, then the epoch row: wandb's order.
    assert [sorted(r) for r in rows[:2]] == [["accuracy", "loss"]] * 2
    epoch_keys = set(rows[2])
    assert epoch_keys == {
        "epoch",
        "loss",
        "accuracy",
        "parameters/dense.weights",
        "parameters/dense.bias",
        "parameters/dense_1.weights",
        "parameters/dense_1.bias",
        "gradients/dense/kernel.gradient",
        "gradients/dense/bias.gradient",
        "gradients/dense_1/kernel.gradient",
        "gradients/dense_1/bias.gradient",
    }
    assert len(rows) == 6 and [r.get("epoch") for r in rows] == [None, None, 0, None, None, 1]
    assert rows[2]["gradients/dense_1/bias.gradient"]["_type"] == "histogram"
    # Taking gradients leaves the model alone: the same fit without the callback ends the same.
    twin = _model()
    twin.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    for mine, theirs in zip(model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6)


def test_metrics_logger_per_epoch_uses_wandb_keys(api: Any) -> None:
    x, y = _data()
    with trackwell.init(project="keras-tests") as run:
        _model().fit(
            x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=[WandbMetricsLogger()]
        )
        run_id = run.id
    rows = _rows(api, run_id)
    expected = {f"epoch/{k}" for k in KERAS_KEYS} | {"epoch/epoch", "epoch/learning_rate"}
    assert [set(r) for r in rows] == [expected] * 3
    assert [r["epoch/epoch"] for r in rows] == [0, 1, 2]
    assert [r["epoch/learning_rate"] for r in rows] == pytest.approx([0.05] * 3)


def test_metrics_logger_every_n_batches(api: Any) -> None:
    x, y = _data(64)  # 8 batches of 8 per epoch: log_freq=3 logs batches 0, 3, 6 of each epoch
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.9)
    with trackwell.init(project="keras-tests") as run:
        _model(schedule).fit(
            x, y, epochs=2, batch_size=8, verbose=0, callbacks=[WandbMetricsLogger(log_freq=3)]
        )
        run_id = run.id
    rows = _rows(api, run_id)
    batch_rows = [r for r in rows if "batch/batch_step" in r]
    assert [r["batch/batch_step"] for r in batch_rows] == [0, 3, 6, 9, 12, 15]
    assert {frozenset(r) for r in batch_rows} == {
        frozenset({"batch/batch_step", "batch/loss", "batch/accuracy", "batch/learning_rate"})
    }
    # The schedule's rate at the optimizer's step after the batch (batch 0 ran one step).
    lr = [0.05 * 0.9 ** (step + 1) for step in (0, 3, 6, 8, 11, 14)]
    assert [r["batch/learning_rate"] for r in batch_rows] == pytest.approx(lr, rel=1e-5)
    assert [r["epoch/epoch"] for r in rows if "epoch/epoch" in r] == [0, 1]
    assert len(rows) == 8


def test_model_checkpoint_logs_each_checkpoint_as_a_version(api: Any, tmp_path: Path) -> None:
    x, y = _data()
    with trackwell.init(project="keras-tests") as run:
        checkpoint = WandbModelCheckpoint(str(tmp_path / "ckpt" / "model-{epoch:02d}.keras"))
        model = _model()
        model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=[checkpoint])
        run_id = run.id
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == [f"model-0{e}.keras" for e in (1, 2, 3)]
    versions = sorted(
        api.artifact_versions("model", f"keras-tests/run_{run_id}_model"), key=lambda a: a.version
    )
    assert [(a.version, sorted(a.aliases)) for a in versions] == [
        ("v0", ["epoch_0"]),
        ("v1", ["epoch_1"]),
        ("v2", ["epoch_2", "latest"]),
    ]
    last = Path(versions[-1].download(root=str(tmp_path / "dl")))
    np.testing.assert_allclose(
        keras.saving.load_model(last / "model-03.keras").predict(x[:4], verbose=0),
        model.predict(x[:4], verbose=0),
        rtol=1e-5,
    )


def test_model_checkpoint_every_n_batches_and_best_only(api: Any, tmp_path: Path) -> None:
    x, y = _data(64)  # 4 batches per epoch
    with trackwell.init(project="keras-tests") as run:
        every_2 = WandbModelCheckpoint(str(tmp_path / "b.weights.h5"), save_weights_only=True, save_freq=2)
        _model().fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[every_2])
        run_id = run.id
    versions = sorted(
        api.artifact_versions("model", f"keras-tests/run_{run_id}_model"), key=lambda a: a.version
    )
    assert [sorted(a.aliases) for a in versions] == [["epoch_0_batch_1"], ["epoch_0_batch_3", "latest"]]


class _Constant(keras.callbacks.Callback):  # type: ignore[misc]
    """Puts ``const=1.0`` in each epoch's logs (before the checkpoint reads them): it improves once."""

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        logs["const"] = 1.0


def test_model_checkpoint_best_only_keeps_one_version_when_nothing_improves(api: Any, tmp_path: Path) -> None:
    x, y = _data()
    with trackwell.init(project="keras-tests") as run:
        best = WandbModelCheckpoint(
            str(tmp_path / "best.keras"), monitor="const", mode="min", save_best_only=True
        )
        _model().fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[_Constant(), best])
        run_id = run.id
    # Epochs 1 and 2 re-log the unchanged file: the same version, its aliases moved onto it.
    versions = list(api.artifact_versions("model", f"keras-tests/run_{run_id}_model"))
    assert [(a.version, sorted(a.aliases)) for a in versions] == [
        ("v0", ["epoch_0", "epoch_1", "epoch_2", "latest"])
    ]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: WandbCallback(), "WandbCallback"),
        (lambda: WandbMetricsLogger(), "WandbMetricsLogger"),
        (lambda: WandbModelCheckpoint("m.keras"), "WandbModelCheckpoint"),
    ],
)
def test_a_callback_without_a_run_raises_wandbs_error(make: Any, name: str) -> None:
    assert trackwell.run is None
    with pytest.raises(
        trackwell.Error, match=rf"You must call wandb.init\(\) before {name}\(\).*trackwell.init"
    ):
        make()
