"""Lightning's OWN ``lightning.pytorch.loggers.WandbLogger`` (the handbook's
``WandbLogger(project="lightning-project", log_model=...)``) run with ``TRACKWELL_ALIAS_WANDB=1`` and no
trackwell import: Lightning's ``RequirementCache("wandb>=0.12.10")`` finds the alias's wandb
distribution, its ``experiment`` imports ``wandb``, ``wandb.sdk.lib.RunDisabled`` and
``wandb.wandb_run.Run``, and its checkpoints go through ``wandb.Artifact``. Read back from a real
server through the public ``Api``.

What Lightning's logger records is derived from Lightning itself: a second logger on the same
``Trainer`` records every ``log_metrics(metrics, step)`` call the trainer makes, and Lightning's
``WandbLogger`` turns each call into one ``wandb.log`` row of those metrics plus
``trainer/global_step`` = ``step``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.aliased_script import run_aliased
from tests.fixtures.live_server import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
pytest.importorskip("lightning.pytorch")

SCRIPT = '''
import json, sys
import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.loggers.logger import Logger
from torch.utils.data import DataLoader, TensorDataset


class Recorder(Logger):
    """Every log_metrics call the trainer makes, as every logger of the trainer receives it."""

    calls = []
    name = "recorder"
    version = "0"

    def log_hyperparams(self, params, *args, **kwargs):
        pass

    def log_metrics(self, metrics, step=None):
        self.calls.append({"metrics": {k: float(v) for k, v in metrics.items()}, "step": step})


class TinyRegressor(pl.LightningModule):
    def __init__(self, learning_rate=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.log("train/loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val/loss", torch.nn.functional.mse_loss(self.layer(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)


torch.manual_seed(0)
x = torch.randn(256, 4)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(256, 1)
train_loader = DataLoader(TensorDataset(x[:224], y[:224]), batch_size=32)
val_loader = DataLoader(TensorDataset(x[224:], y[224:]), batch_size=32)

wandb_logger = WandbLogger(project="lightning-project", log_model=True)
checkpoint = ModelCheckpoint(monitor="val/loss", mode="min")
trainer = pl.Trainer(logger=[wandb_logger, Recorder()], callbacks=[checkpoint], max_epochs=3,
                     log_every_n_steps=3, enable_progress_bar=False, enable_model_summary=False)
trainer.fit(TinyRegressor(), train_loader, val_loader)

import wandb
json.dump({
    "calls": Recorder.calls,
    "run_id": wandb_logger.experiment.id,
    "is_wandb_run": isinstance(wandb_logger.experiment, wandb.wandb_run.Run),
    "best_model_path": checkpoint.best_model_path,
    "best_model_score": float(checkpoint.best_model_score),
}, open(sys.argv[1], "w"))
'''


def test_lightning_own_wandb_logger_logs_metrics_and_checkpoints_into_trackwell(
    live_server: LiveServer, tmp_path: Path
) -> None:
    facts = run_aliased(live_server, tmp_path, "lightning_wandb_logger.py", SCRIPT)
    assert facts["is_wandb_run"], "isinstance(run, wandb.wandb_run.Run) holds for trackwell's run"

    api: Any = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    runs = list(api.runs("lightning-project"))
    assert len(runs) == 1
    run = runs[0]
    assert (run.id, run.state) == (facts["run_id"], "finished")
    assert run.config["learning_rate"] == 0.05  # save_hyperparameters -> log_hyperparams

    calls = facts["calls"]
    # 7 batches an epoch, 21 in all: train rows at steps 2, 5, ..., 20 (every 3rd batch), and one
    # validation row per epoch; derived from the recorder, checked here by hand once
    assert len(calls) == 7 + 3
    rows = list(run.scan_history())
    assert len(rows) == len(calls)
    for got, call in zip(rows, calls, strict=True):
        want = {**call["metrics"], "trainer/global_step": call["step"]}
        assert {k for k in got if not k.startswith("_")} == set(want), (got, want)
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-6), key
    assert [r["trainer/global_step"] for r in rows if "val/loss" in r] == [6, 13, 20]
    assert run.summary_metrics["val/loss"] == pytest.approx(rows[-1]["val/loss"])

    # log_model=True with save_top_k=1: the best checkpoint, logged when training ends
    models = [a for a in run.logged_artifacts() if a.type == "model"]
    assert [a.name for a in models] == [f"model-{run.id}:v0"]
    model = models[0]
    assert {"latest", "best"} <= set(model.aliases)
    assert model.metadata["score"] == pytest.approx(facts["best_model_score"])
    assert model.metadata["original_filename"] == Path(facts["best_model_path"]).name
    assert model.metadata["ModelCheckpoint"]["monitor"] == "val/loss"
    assert model.metadata["ModelCheckpoint"]["mode"] == "min"
    assert [f.name for f in model.files()] == ["model.ckpt"]
