"""Framework integrations that ship inside the frameworks and call the official ``wandb`` package:
transformers' ``Trainer(report_to="wandb")`` and Lightning's own ``WandbLogger``. Their code is not
ours and cannot change; pointed at Trackwell, what they log must arrive (tiny models from configs;
the frameworks come from the main environment: Makefile, wandb-client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import only_run
from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import ok, run_official

pytestmark = pytest.mark.e2e

HF = """
import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments
torch.manual_seed(0)
config = BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=32, num_labels=2)
model = BertForSequenceClassification(config)
def rows(n):
    out = []
    for _ in range(n):
        ids = torch.randint(1, 64, (12,))
        mask = torch.ones(12, dtype=torch.long)
        out.append({"input_ids": ids, "attention_mask": mask, "labels": (ids[0] % 2).long()})
    return out
args = TrainingArguments(output_dir="./outputs", per_device_train_batch_size=16, num_train_epochs=2,
                         eval_strategy="epoch", logging_steps=4, report_to="wandb", run_name="hf-official",
                         save_strategy="no")
Trainer(model=model, args=args, train_dataset=rows(96), eval_dataset=rows(32)).train()
"""

LIGHTNING = """
import torch, lightning.pytorch as pl
from lightning.pytorch.loggers import WandbLogger
class Tiny(pl.LightningModule):
    def __init__(self, lr=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)
    def training_step(self, batch, _):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.log("train_loss", loss)
        return loss
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)
torch.manual_seed(0)
x = torch.randn(64, 4)
data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8)
logger = WandbLogger(project="lightning-official", name="tiny")
pl.Trainer(logger=logger, max_epochs=3, log_every_n_steps=2, enable_progress_bar=False,
           enable_checkpointing=False).fit(Tiny(), data)
"""


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)


def test_transformers_trainer_report_to_wandb(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    ok(run_official(live_server, tmp_path, HF, timeout=600, WANDB_PROJECT="hf-official"))
    run = only_run(api, "hf-official")
    assert run.name == "hf-official" and run.state == "finished"
    assert run.config["learning_rate"] == 5e-05 and run.config["num_train_epochs"] == 2
    rows = list(run.scan_history())
    assert any("train/loss" in r for r in rows) and any("eval/loss" in r for r in rows)
    assert run.summary["train/global_step"] == 12


def test_lightning_wandb_logger(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    ok(run_official(live_server, tmp_path, LIGHTNING, timeout=600))
    run = only_run(api, "lightning-official")
    assert run.name == "tiny" and run.state == "finished"
    assert run.config["lr"] == 0.05
    losses = [r["train_loss"] for r in run.scan_history(keys=["train_loss"])]
    assert len(losses) == 12 and all(loss >= 0 for loss in losses)
    assert [r["epoch"] for r in run.scan_history(keys=["epoch"])][-1] == 2
