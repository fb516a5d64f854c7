"""Our ``trackwell.integration.lightning.WandbLogger`` records what Lightning's own
``lightning.pytorch.loggers.WandbLogger`` (run through the wandb alias) records for the same training:
the same rows with the same keys and values, the same config, and the same checkpoint artifacts with
the same aliases and metadata. Lightning's own logger is wandb's integration as its users run it, so
it is the reference our logger is held to, row for row.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
pytest.importorskip("lightning.pytorch")

SCRIPT = """
import sys
import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

if sys.argv[1] == "lightning":
    from lightning.pytorch.loggers import WandbLogger  # wandb's integration, aliased to trackwell
else:
    from trackwell.integration.lightning import WandbLogger


class TinyRegressor(pl.LightningModule):
    def __init__(self, learning_rate=0.05, hidden={"width": 4}):
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

logger = WandbLogger(project=sys.argv[2], log_model="all")
checkpoint = ModelCheckpoint(monitor="val/loss", mode="min", save_top_k=2)
trainer = pl.Trainer(logger=logger, callbacks=[checkpoint], max_epochs=3, log_every_n_steps=3,
                     enable_progress_bar=False, enable_model_summary=False)
trainer.fit(TinyRegressor(), train_loader, val_loader)
"""


def _train(server: LiveServer, tmp_path: Path, which: str) -> Any:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    workdir = tmp_path / which
    workdir.mkdir()
    proc = subprocess.run(
        [sys.executable, str(script), which, f"parity-{which}"],
        cwd=workdir,
        env=_env(server, workdir, TRACKWELL_ALIAS_WANDB="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    api: Any = trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)
    (run,) = api.runs(f"parity-{which}")
    return run


def _rows(run: Any) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k not in ("_timestamp", "_runtime")} for row in run.scan_history()
    ]


def _models(run: Any) -> list[tuple[str, list[str], dict[str, Any], list[str]]]:
    out = []
    for artifact in run.logged_artifacts():
        name = artifact.name.replace(run.id, "<run>")
        metadata = {k: v for k, v in artifact.metadata.items() if k != "original_filename"}
        out.append((name, sorted(artifact.aliases), metadata, sorted(f.name for f in artifact.files())))
    return out


def test_our_logger_records_what_lightnings_own_wandb_logger_records(
    live_server: LiveServer, tmp_path: Path
) -> None:
    theirs = _train(live_server, tmp_path, "lightning")
    ours = _train(live_server, tmp_path, "trackwell")

    their_rows, our_rows = _rows(theirs), _rows(ours)
    assert len(their_rows) == 10  # 7 training rows (every 3rd of 21 batches) and 3 validation rows
    assert len(our_rows) == len(their_rows)
    for got, want in zip(our_rows, their_rows, strict=True):
        assert set(got) == set(want), (got, want)
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-6), key

    assert dict(ours.config) == dict(theirs.config)
    assert {k: v for k, v in ours.summary_metrics.items() if not k.startswith("_")} == pytest.approx(
        {k: v for k, v in theirs.summary_metrics.items() if not k.startswith("_")}
    )

    their_models, our_models = _models(theirs), _models(ours)
    assert len(their_models) == 3  # log_model="all": every checkpoint save (one an epoch)
    assert our_models == their_models
