"""``trackwell.integration.lightning.WandbLogger`` under a real Lightning ``Trainer`` (a 5-parameter
linear model, 8 samples in 4 batches, CPU), read back from a real server through the public
``Api``: the config, the history rows Lightning produces for a known schedule, media and tables,
checkpoints as model artifacts for ``log_model`` False / True / "all" (versions, ``latest``/``best``
aliases, score metadata, best chosen by a monitored metric in min and max mode), the user's own
run, two trainers in a row, offline mode.

Row counts follow Lightning's logger connector: a training step is logged when
``(_batches_that_stepped + 1) % log_every_n_steps == 0`` (counted over the whole fit, not per
epoch), each with ``trainer/global_step`` = ``_batches_that_stepped`` and ``epoch``; every
validation epoch end logs one more row; the sanity check logs nothing. Each ``log_metrics`` call
is one row, as ``wandb.log`` without ``step=`` makes it in wandb.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("lightning.pytorch")  # the trackwell[lightning] extra

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.utilities.exceptions import MisconfigurationException
from torch.utils.data import DataLoader, TensorDataset

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_artifacts_at
from trackwell.integration.lightning import WandbLogger

BATCHES_PER_EPOCH = 4


class Tiny(pl.LightningModule):  # type: ignore[misc]
    """A linear regressor; ``scores[epoch]`` is logged as ``val/score`` so that which checkpoint
    is best is known in advance."""

    def __init__(self, learning_rate: float = 0.1, scores: Sequence[float] = (), **extra: Any) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.log("train/loss", loss)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val/loss", torch.nn.functional.mse_loss(self.layer(x), y))
        if self.hparams.scores:
            self.log("val/score", float(self.hparams.scores[self.current_epoch]))

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)


def _loader() -> Any:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2 * BATCHES_PER_EPOCH, 4, generator=generator)
    return DataLoader(TensorDataset(x, x.sum(dim=1, keepdim=True)), batch_size=2)


def _fit(logger: Any, epochs: int, module: Any = None, callbacks: Any = None, every: int = 2) -> Any:
    trainer = pl.Trainer(
        logger=logger,
        max_epochs=epochs,
        log_every_n_steps=every,
        accelerator="cpu",
        devices=1,
        callbacks=callbacks,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    with warnings.catch_warnings():
        # Lightning's advice about dataloader workers and tiny datasets, not ours to fix
        warnings.simplefilter("ignore")
        trainer.fit(module or Tiny(), _loader(), _loader())
    return trainer


@pytest.fixture
def sdk(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The SDK pointed at the module's server, cwd and caches in ``tmp_path``; yields the ``Api``."""
    point_artifacts_at(server, tmp_path, monkeypatch)
    with trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key) as api:
        yield api
    trackwell.finish()


def _only_run(api: Any, project: str) -> Any:
    runs = list(api.runs(project))
    assert len(runs) == 1, [r.id for r in runs]
    return runs[0]


def _versions(run: Any) -> list[Any]:
    return sorted(run.logged_artifacts(), key=lambda a: int(a.version[1:]))


def test_hyperparameters_and_history_rows_for_a_known_schedule(sdk: Any, tmp_path: Path) -> None:
    """3 epochs of 4 batches, log_every_n_steps=2: training rows at global steps 1, 3, ..., 11
    (6 rows, ``(step + 1) % 2 == 0``), one validation row per epoch (3), nothing from the sanity
    check: 9 rows. Hyperparameters as Lightning's logger puts them into wandb's config: nested dicts
    kept, a function by its name, a non-JSON object by ``str``."""
    logger = WandbLogger(project="lt-history", save_dir=tmp_path, name="tiny", tags=["lightning"])
    module = Tiny(
        learning_rate=0.1,
        optimizer={"name": "sgd", "momentum": 0.0},
        activation=torch.nn.functional.relu,
        device=torch.device("cpu"),
    )
    _fit(logger, epochs=3, module=module)
    assert logger.version == logger.experiment.id and logger.name == "lt-history"
    trackwell.finish()

    run = _only_run(sdk, "lt-history")
    assert (run.name, run.tags, run.state) == ("tiny", ["lightning"], "finished")
    assert run.config == {
        "learning_rate": 0.1,
        "scores": [],
        "optimizer": {"name": "sgd", "momentum": 0.0},
        "activation": "relu",
        "device": "cpu",
    }
    rows = list(run.scan_history())
    train = [r for r in rows if "train/loss" in r]
    val = [r for r in rows if "val/loss" in r]
    assert len(rows) == 9 and len(train) == 6 and len(val) == 3
    assert [r["trainer/global_step"] for r in train] == [1, 3, 5, 7, 9, 11]
    assert [r["epoch"] for r in train] == [0, 0, 1, 1, 2, 2]
    # validation runs before the epoch's last step is counted: global steps 3, 7, 11
    assert [(r["epoch"], r["trainer/global_step"]) for r in val] == [(0, 3), (1, 7), (2, 11)]
    assert all("val/loss" not in r for r in train) and all(isinstance(r["train/loss"], float) for r in train)
    assert run.summary["trainer/global_step"] == 11 and run.summary["epoch"] == 2


def test_log_image_table_text_audio_and_video_rows(sdk: Any, tmp_path: Path) -> None:
    logger = WandbLogger(project="lt-media", save_dir=tmp_path, prefix="eval")
    images = [np.zeros((8, 8, 3), np.uint8), np.full((8, 8, 3), 255, np.uint8)]
    logger.log_image("samples", images, step=3, caption=["black", "white"])
    logger.log_table("preds", columns=["x", "y"], data=[[1, 2.5], [3, 4.5]], step=3)
    logger.log_text("notes", columns=["text"], data=[["hello"], ["world"]])
    logger.log_metrics({"acc": 0.5}, step=4)
    logger.log_audio("clips", [np.zeros(1600, np.float32)], step=5, sample_rate=[16000], caption=["quiet"])
    logger.log_video("moves", [np.zeros((3, 3, 8, 8), np.uint8)], step=5, fps=[4])
    with pytest.raises(ValueError, match="Expected 2 items but only found 1 for caption"):
        logger.log_image("samples", images, caption=["one"])
    with pytest.raises(TypeError, match='Expected a list as "images"'):
        logger.log_image("samples", images[0])
    trackwell.finish()

    rows = list(_only_run(sdk, "lt-media").scan_history())
    assert len(rows) == 6, rows
    # Lightning's prefix joins with "-"
    assert [sorted(k for k in r if not k.startswith("_")) for r in rows] == [
        ["eval-samples", "trainer/global_step"],
        ["eval-preds", "trainer/global_step"],
        ["eval-notes", "trainer/global_step"],
        ["eval-acc", "trainer/global_step"],
        ["eval-clips", "trainer/global_step"],
        ["eval-moves", "trainer/global_step"],
    ]
    gallery = rows[0]["eval-samples"]
    assert gallery["_type"] == "images/separated" and gallery["count"] == 2
    assert gallery["captions"] == ["black", "white"]
    assert rows[1]["eval-preds"]["_type"] == "table-file" and rows[1]["eval-preds"]["nrows"] == 2
    assert rows[2]["eval-notes"]["ncols"] == 1
    # log_text without a step: step_sync=True fills in the last trainer/global_step, as in wandb
    assert [r["trainer/global_step"] for r in rows] == [3, 3, 3, 4, 5, 5]
    clips = rows[4]["eval-clips"]
    assert (clips["_type"], clips["sampleRates"], clips["captions"]) == ("audio", [16000], ["quiet"])
    assert clips["audio"][0]["duration"] == 0.1
    moves = rows[5]["eval-moves"]
    assert (moves["_type"], moves["count"], moves["videos"][0]["_type"]) == ("videos", 1, "video-file")


# (log_model, ModelCheckpoint mode, save_top_k, val/score per epoch) -> (score, aliases) per
# version, oldest first. "all" logs each save; True logs at the end what the callback kept.
CHECKPOINT_CASES: dict[str, tuple[Any, str, int, list[float], list[tuple[float, list[str]]]]] = {
    "all-min-top2": ("all", "min", 2, [3.0, 1.0, 2.0], [(3.0, []), (1.0, ["best"]), (2.0, ["latest"])]),
    "all-max-top1": ("all", "max", 1, [1.0, 3.0, 2.0], [(1.0, []), (3.0, ["best", "latest"])]),
    "end-min-top2": (True, "min", 2, [3.0, 1.0, 2.0], [(1.0, ["best"]), (2.0, ["latest"])]),
    "end-keep-all": (True, "max", -1, [1.0, 3.0, 2.0], [(1.0, []), (3.0, ["best"]), (2.0, ["latest"])]),
    "off": (False, "min", 1, [3.0, 1.0, 2.0], []),
}


@pytest.mark.parametrize("case", list(CHECKPOINT_CASES))
def test_checkpoints_as_model_artifacts(sdk: Any, tmp_path: Path, case: str) -> None:
    log_model, mode, top_k, scores, expected = CHECKPOINT_CASES[case]
    project = f"lt-ckpt-{case}"
    logger = WandbLogger(project=project, save_dir=tmp_path, log_model=log_model)
    checkpoint = ModelCheckpoint(monitor="val/score", mode=mode, save_top_k=top_k)
    _fit(logger, epochs=3, module=Tiny(scores=scores), callbacks=[checkpoint])
    run_id = logger.experiment.id
    trackwell.finish()

    run = _only_run(sdk, project)
    versions = _versions(run)
    assert [(v.metadata["score"], sorted(v.aliases)) for v in versions] == expected
    if not versions:
        return
    assert {v.name.split(":")[0] for v in versions} == {f"model-{run_id}"}
    assert {v.type for v in versions} == {"model"}
    first = versions[0].metadata
    assert first["ModelCheckpoint"] == {
        "monitor": "val/score",
        "mode": mode,
        "save_last": None,
        "save_top_k": top_k,
        "save_weights_only": False,
        "_every_n_train_steps": 0,
    }
    # epoch e ends at global step 4 * (e + 1)
    epochs = [scores.index(v.metadata["score"]) for v in versions]
    assert [v.metadata["original_filename"] for v in versions] == [
        f"epoch={e}-step={BATCHES_PER_EPOCH * (e + 1)}.ckpt" for e in epochs
    ]
    assert [list(v.manifest.entries) for v in versions] == [["model.ckpt"]] * len(versions)

    # Lightning's static download (no run: the public Api), and the file is a loadable checkpoint
    path = WandbLogger.download_artifact(f"{project}/model-{run_id}:best", save_dir=tmp_path / "dl")
    state = torch.load(Path(path) / "model.ckpt", weights_only=False)
    assert state["epoch"] == scores.index(max(scores) if mode == "max" else min(scores))


def test_the_run_the_user_started_is_used_and_its_model_can_be_used(sdk: Any, tmp_path: Path) -> None:
    run = trackwell.init(project="lt-user-run", config={"batch_size": 2})
    logger = WandbLogger(project="ignored", save_dir=tmp_path, checkpoint_name="tiny-model", log_model=True)
    with pytest.warns(UserWarning, match="will reuse this run"):
        assert logger.experiment is run
    _fit(logger, epochs=2)
    assert logger.version == run.id
    run.finish()

    # a later run (a new logger: the first one's run is finished) uses the model and downloads it
    consumer = WandbLogger(project="lt-user-run", save_dir=tmp_path, job_type="eval")
    used = consumer.use_artifact("tiny-model:latest", artifact_type="model")
    assert used.metadata["original_filename"] == "epoch=1-step=8.ckpt"
    path = WandbLogger.download_artifact("tiny-model:best", save_dir=tmp_path / "dl")
    assert torch.load(Path(path) / "model.ckpt", weights_only=False)["epoch"] == 1
    trackwell.finish()

    assert [r.project for r in sdk.runs("ignored")] == []
    stored = {r.id: r for r in sdk.runs("lt-user-run")}
    assert set(stored) == {run.id, consumer.version}
    assert stored[run.id].config == {"batch_size": 2, "learning_rate": 0.1, "scores": []}
    # 8 steps / log_every_n_steps=2, and 2 validation epochs
    assert len(list(stored[run.id].scan_history())) == 4 + 2
    versions = _versions(stored[run.id])
    assert [(v.name, sorted(v.aliases)) for v in versions] == [("tiny-model:v0", ["best", "latest"])]
    assert [a.name for a in stored[consumer.version].used_artifacts()] == ["tiny-model:v0"]


def test_two_trainers_in_a_row(sdk: Any, tmp_path: Path) -> None:
    """The same logger for two fits continues one run (the second trainer's steps restart at 0,
    as they do in wandb); a checkpoint saved again under the same name is a new version. A new
    logger after ``finish()`` starts a new run."""
    logger = WandbLogger(project="lt-two", save_dir=tmp_path, log_model="all")
    _fit(logger, epochs=2)
    _fit(logger, epochs=1)
    first_id = logger.experiment.id
    trackwell.finish()
    second = WandbLogger(project="lt-two", save_dir=tmp_path)
    _fit(second, epochs=1)
    assert second.experiment.id != first_id
    trackwell.finish()

    runs = {r.id: r for r in sdk.runs("lt-two")}
    assert set(runs) == {first_id, second.version}
    rows = list(runs[first_id].scan_history())
    steps = [r["trainer/global_step"] for r in rows if "train/loss" in r]
    assert steps == [1, 3, 5, 7, 1, 3]
    assert len(rows) == 6 + 3
    versions = _versions(runs[first_id])
    assert [v.metadata["original_filename"] for v in versions] == [
        "epoch=0-step=4.ckpt",
        "epoch=1-step=8.ckpt",
        "epoch=0-step=4.ckpt",
    ]
    assert sorted(versions[-1].aliases) == ["best", "latest"]
    assert len(list(runs[second.version].scan_history())) == 2 + 1


def test_offline_writes_the_run_folder_only(sdk: Any, tmp_path: Path) -> None:
    logger = WandbLogger(project="lt-offline", save_dir=tmp_path, offline=True)
    _fit(logger, epochs=1)
    run_id = logger.version
    # a spawn launcher pickles the logger: the copy names the same run and resumes it when used
    clone = pickle.loads(pickle.dumps(logger))
    assert (clone.version, clone._experiment, clone._wandb_init["id"]) == (run_id, None, run_id)
    trackwell.finish()
    assert list(sdk.runs("lt-offline")) == []
    assert (
        [p.name for p in (tmp_path / "trackwell").glob("offline-run-*")]
        == [p.name for p in (tmp_path / "trackwell").glob(f"offline-run-*-{run_id}")]
        != []
    )


def test_bad_arguments_fail_with_the_fix(sdk: Any) -> None:
    with pytest.raises(MisconfigurationException, match="Set `offline=False` to log your model"):
        WandbLogger(offline=True, log_model="all")
    with pytest.raises(ValueError, match=r"WandbLogger\(log_model='best'\): use False, True or 'all'"):
        WandbLogger(log_model="best")  # type: ignore[arg-type]
    assert WandbLogger().name == "lightning_logs" and WandbLogger(id="abc").version == "abc"


def test_watch_logs_gradient_and_parameter_histograms_until_unwatch(sdk: Any, tmp_path: Path) -> None:
    logger = WandbLogger(project="lt-watch", save_dir=tmp_path)
    module = Tiny()
    logger.watch(module, log="all", log_freq=2)
    _fit(logger, epochs=2, module=module)
    logger.unwatch(module)
    _fit(logger, epochs=1, module=module)
    trackwell.finish()

    rows = list(_only_run(sdk, "lt-watch").scan_history())
    train = [r for r in rows if "train/loss" in r]
    assert len(rows) == 6 + 3 and len(train) == 4 + 2
    # wandb's keys gradients/layer.weight ... (read back flat, as logged); every second backward
    # pass is histogrammed and joins the next logged row, so each watched training row has them
    watched = [r for r in train if "gradients/layer.weight" in r]
    assert watched == train[:4], "histograms while watched, none after unwatch"
    for row in watched:
        for kind in ("gradients/layer", "parameters/layer"):
            assert row[f"{kind}.bias"]["_type"] == row[f"{kind}.weight"]["_type"] == "histogram"
