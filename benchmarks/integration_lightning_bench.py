"""What Lightning's ``WandbLogger`` (``trackwell.integration.lightning``) costs ``Trainer.fit``: step
time of a tiny model with ``logger=False`` and with the logger.

A tiny MLP (16 -> 32 -> 1, batch 32, SGD, CPU, one torch thread) fits ``STEPS`` batches per epoch,
no validation, no checkpointing, no progress bar, in every variant, so the only difference is the
logger (and Lightning's own work to feed a logger):

* ``logger=False``;
* ``WandbLogger`` with Lightning's default ``log_every_n_steps=50``;
* ``WandbLogger`` with ``log_every_n_steps=1`` (the worst case: a row every step);
* a do-nothing ``Logger`` with ``log_every_n_steps=1``: what Lightning itself spends feeding any
  logger every step (reducing and converting the logged tensors), which is not the logger's.

The logger logs into an offline run started once, before the rounds (so neither ``init()`` nor the
network is in the numbers; the SDK's processor thread, which applies the row rules and writes the
run log, is). Step time is CPU time of this process (every thread: Lightning's loop and the SDK's
threads) over ``trainer.fit``, divided by the steps. The variants are interleaved round by round
so drift on a shared machine hits each alike; medians of the rounds, with the load average.

On a shared machine that A/B difference is within the noise (a few % either way), so the overhead
checked against the target is also measured directly: the CPU time of what the logger does per
logged row (``log_metrics`` with Lightning's metrics and ``trainer/global_step``, and the SDK's
processor thread applying those rows, waited for by a summary read), 2,000 rows per round,
divided by ``log_every_n_steps`` and by the step time with ``logger=False``.

Run: ``.venv/bin/python -m benchmarks.integration_lightning_bench [--quick]``.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks.common import Result

STEPS = 200
BATCH = 32
DIRECT_ROWS = 2000


def _setup() -> tuple[Any, Any]:
    import lightning.pytorch as pl
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    torch.manual_seed(0)
    # Lightning's tips and its advice about dataloader workers are not what is measured
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    class Tiny(pl.LightningModule):  # type: ignore[misc]
        def __init__(self, learning_rate: float = 0.01) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.net(x), y)
            self.log("train/loss", loss)
            return loss

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)

    x = torch.randn(STEPS * BATCH, 16)
    loader = DataLoader(TensorDataset(x, x[:, :1] * 2.0), batch_size=BATCH)
    return Tiny(), loader


def _null_logger() -> Any:
    from lightning.pytorch.loggers.logger import Logger

    class NullLogger(Logger):  # type: ignore[misc]
        """Takes every call and does nothing: Lightning's own cost of having a logger."""

        name = "null"
        version = "0"

        def log_metrics(self, metrics: Any, step: Any = None) -> None:
            pass

        def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
            pass

    return NullLogger()


def _fit(module: Any, loader: Any, logger: Any, every: int, epochs: int) -> float:
    """CPU seconds (all threads of this process) per training step of one ``fit``."""
    import lightning.pytorch as pl

    trainer = pl.Trainer(
        logger=logger,
        max_epochs=epochs,
        log_every_n_steps=every,
        accelerator="cpu",
        devices=1,
        limit_val_batches=0,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    start = time.process_time()
    trainer.fit(module, loader)
    return (time.process_time() - start) / (epochs * STEPS)


def _direct(logger: Any, rows: int) -> float:
    """CPU seconds per row of what the logger does for one logged training step, until the SDK's
    processor thread has applied it (a summary read waits for the rows queued before it)."""
    start = time.process_time()
    for step in range(rows):
        logger.log_metrics({"train/loss": 0.5 + step * 1e-6, "epoch": step // STEPS}, step=step)
    _ = logger.experiment.summary["trainer/global_step"]
    return (time.process_time() - start) / rows


def bench(rounds: int, epochs: int) -> tuple[dict[str, float], float]:
    from trackwell.integration.lightning import WandbLogger

    module, loader = _setup()
    per_variant: dict[str, list[float]] = {}
    direct: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tw-lightning-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)
        logger = WandbLogger(project="lightning-bench", save_dir=tmp, offline=True, settings={"silent": True})
        run = logger.experiment  # started once, before the rounds
        try:
            _fit(module, loader, False, 50, 1)  # warm-up
            variants = {
                "logger=False": (False, 50),
                "WandbLogger, log_every_n_steps=50": (logger, 50),
                "WandbLogger, log_every_n_steps=1": (logger, 1),
                "no-op Logger, log_every_n_steps=1": (_null_logger(), 1),
            }
            for _ in range(rounds):
                for name, (use, every) in variants.items():
                    per_variant.setdefault(name, []).append(_fit(module, loader, use, every, epochs))
                direct.append(_direct(logger, DIRECT_ROWS))
        finally:
            run.finish()
            os.chdir(old_cwd)
    return {name: statistics.median(times) for name, times in per_variant.items()}, statistics.median(direct)


def main(quick: bool = False) -> list[Result]:
    medians, per_row = bench(rounds=3 if quick else 7, epochs=1 if quick else 2)
    base = medians["logger=False"]
    load = os.getloadavg()[0]
    name = "Lightning WandbLogger"
    note = f"{STEPS} steps/epoch, load avg {load:.1f}"
    out = [Result(name, "tiny MLP step, logger=False", base * 1e6, "µs", note=note)]
    for variant, seconds in medians.items():
        if variant == "logger=False":
            continue
        out.append(Result(name, f"tiny MLP step, {variant}", seconds * 1e6, "µs"))
        out.append(
            Result(
                name,
                f"A/B vs logger=False, {variant}",
                (seconds - base) / base * 100,
                "%",
                note="noise of a shared machine: see the direct measure",
            )
        )
    ours_every_step = (
        medians["WandbLogger, log_every_n_steps=1"] - medians["no-op Logger, log_every_n_steps=1"]
    )
    out.append(
        Result(
            name,
            "A/B WandbLogger vs no-op Logger, log_every_n_steps=1",
            ours_every_step / base * 100,
            "%",
            note="the rest of the every-step cost is Lightning's own",
        )
    )
    out.append(Result(name, "logger's CPU per logged row (log_metrics + processor)", per_row * 1e6, "µs"))
    out.append(
        Result(name, "logger overhead per step, log_every_n_steps=50", per_row / 50 / base * 100, "%", "< 1")
    )
    out.append(Result(name, "logger overhead per step, log_every_n_steps=1", per_row / base * 100, "%"))
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
